"""The dashboard: each figure is counted in SQL, and only the few rows shown are fetched."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta

from audit_tools.concerns import Concern
from audit_tools.models import Audit, Role, User
from audit_tools.permissions import Op, ever
from audit_tools.reconciliation import Resolution
from caseaudit.services import access, concerns
from caseaudit.services.allocation import allocated_to
from caseaudit.services.moderation_escalations import resolutions
from caseaudit.services.rounds import round_cases_of
from caseaudit.services.served import lockouts_to_see
from db.rows import ActionRow, AuditRow
from db.store import Store

if TYPE_CHECKING:
    from caseaudit.services.allocation import AllocatedCase
    from caseaudit.services.rounds import RoundCase
    from caseaudit.services.served import LockoutLine


def month_bounds(today: date) -> tuple[date, date]:
    start = today.replace(day=1)
    return start, start + relativedelta(months=1) - timedelta(days=1)


@dataclass
class Dashboard:
    quota: int
    done_this_month: int
    # Each count comes from SQL; the lists beside them are only the few rows shown.
    drafts_count: int = 0
    drafts: list[AuditRow] = field(default_factory=list)
    moderation_waiting: int = 0
    feedback_count: int = 0
    feedback_to_acknowledge: list[Audit] = field(default_factory=list)
    resolutions: dict[str, Resolution] = field(default_factory=dict)  # audit id -> the QA lead's
    overdue_count: int = 0
    overdue_actions: list[ActionRow] = field(default_factory=list)
    compliance: list[tuple[str, str, int]] | None = None  # (username, display name, done)
    allocated: list[AllocatedCase] = field(default_factory=list)  # allocated to the user this month
    round_cases: list[RoundCase] = field(default_factory=list)  # thematic rounds' cases given to the user
    # Safeguarding concerns not yet closed on the user's cases (every one for a QA lead): at the top.
    concerns_count: int = 0
    # An admin's: sign-in lockouts no admin has acknowledged yet (caseaudit.services.served), at the top.
    lockouts: list[LockoutLine] = field(default_factory=list)
    concerns: list[Concern] = field(default_factory=list)  # newest first
    # What the dashboard offers, as the policy answers it (the screen decides nothing).
    audits: bool = False  # the user audits: drafts, feedback, allocated cases, My audits (y)
    moderates: bool = False  # the user moderates: the moderation tasks waiting


CONCERNS_SHOWN = 5  # open concerns listed at the top; `caseaudit concerns --open` lists them all
SHOWN = 3  # feedback and overdue actions listed on the dashboard; the rest are a key away
DRAFTS_SHOWN = 20


def dashboard(store: Store, user: User, today: date) -> Dashboard:
    """The figures of `user`'s dashboard as at `today`."""
    access.require(store, Op.read_dashboard, user=user)
    start, end = month_bounds(today)
    counts = store.audits.count_by_auditor_month(start, end)
    month = start.strftime("%Y-%m")
    quota = store.reference.settings().audit_quota_per_month
    figures = Dashboard(quota=quota, done_this_month=counts.get(user.username, {}).get(month, 0))
    figures.concerns_count = concerns.waiting_figures(store, user).open
    figures.lockouts = lockouts_to_see(store)
    if figures.concerns_count:
        figures.concerns = concerns.for_user(store, user, limit=CONCERNS_SHOWN)
    figures.audits = ever(user, Op.list_my_audits).allowed
    figures.moderates = ever(user, Op.moderate).allowed
    if figures.audits:
        figures.drafts_count = store.audits.count_drafts(user.username)
        figures.drafts = store.audits.page(auditor=user.username, status="draft", limit=DRAFTS_SHOWN)
        figures.feedback_count = store.moderation.count_feedback_waiting(user.username)
        figures.allocated = allocated_to(store, user.username, today)
        figures.round_cases = round_cases_of(store, user.username)
        figures.feedback_to_acknowledge = store.moderation.feedback_waiting(user.username, limit=SHOWN)
        if figures.feedback_to_acknowledge:
            figures.resolutions = resolutions(
                store, [a.audit_id for a in figures.feedback_to_acknowledge])
    if figures.moderates:
        figures.moderation_waiting = store.moderation.count_waiting(user.username)
    figures.overdue_count = store.amendments.count_overdue(user.username, today)
    figures.overdue_actions = store.amendments.actions(owner=user.username, state="overdue", today=today,
                                                 limit=SHOWN)
    if ever(user, Op.read_quarter_figures).allowed:
        figures.compliance = [
            (u.username, u.display_name, counts.get(u.username, {}).get(month, 0))
            for u in store.people.list(role=Role.auditor)
        ]
    return figures
