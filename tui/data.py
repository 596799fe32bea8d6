"""What the screens ask of the database, gathered in one place.

These run inside worker threads (the Store gives each thread its own connection) and
only combine Store calls with the domain functions; the rules themselves live in
audit_tools and db.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from audit_tools.audit import auditor_independence, recent_audit_warning
from audit_tools.errors import BadInput, Refused
from audit_tools.models import Audit, Case, Role, Status
from audit_tools.standards import evaluate

FAILING = (Status.not_met,)


def is_conflict(err: BaseException | None) -> bool:
    from db.errors import DraftConflict

    return isinstance(err, DraftConflict)


def month_bounds(today: date) -> tuple[date, date]:
    start = today.replace(day=1)
    return start, start + relativedelta(months=1) - timedelta(days=1)


# --- dashboard ----------------------------------------------------------------------


@dataclass
class Dashboard:
    quota: int
    done_this_month: int
    # Each count comes from SQL; the lists beside them are only the few rows shown.
    drafts_count: int = 0
    drafts: list = field(default_factory=list)  # AuditRow
    moderation_waiting: int = 0
    feedback_count: int = 0
    feedback_to_acknowledge: list = field(default_factory=list)  # Audit
    resolutions: dict = field(default_factory=dict)  # audit id -> QA lead's Resolution
    overdue_count: int = 0
    overdue_actions: list = field(default_factory=list)  # ActionRow
    compliance: list[tuple[str, str, int]] | None = None  # (username, display name, done)


SHOWN = 3  # feedback and overdue actions listed on the dashboard; the rest are a key away
DRAFTS_SHOWN = 20


def dashboard(app: Any) -> Dashboard:
    store, user, today = app.store, app.user, app.today
    start, end = month_bounds(today)
    counts = store.count_audits_by_auditor_month(start, end)
    month = start.strftime("%Y-%m")
    quota = store.audit_quota()
    figures = Dashboard(quota=quota, done_this_month=counts.get(user.username, {}).get(month, 0))
    if user.has(Role.auditor):
        figures.drafts_count = store.count_drafts(user.username)
        figures.drafts = store.page_audits(auditor=user.username, status="draft", limit=DRAFTS_SHOWN)
        figures.feedback_count = store.count_feedback_to_acknowledge(user.username)
        figures.feedback_to_acknowledge = store.feedback_to_acknowledge(user.username, limit=SHOWN)
        if figures.feedback_to_acknowledge:
            from db import moderation_store

            figures.resolutions = moderation_store.resolutions(
                store, [a.audit_id for a in figures.feedback_to_acknowledge])
    if user.has(Role.moderator):
        figures.moderation_waiting = store.count_moderation_waiting(user.username)
    figures.overdue_count = store.count_overdue_actions(user.username, today)
    figures.overdue_actions = store.list_actions(owner=user.username, state="overdue", today=today,
                                                 limit=SHOWN)
    if user.has(Role.qa_lead):
        figures.compliance = [
            (u.username, u.display_name, counts.get(u.username, {}).get(month, 0))
            for u in store.list_users(role=Role.auditor)
        ]
    return figures


# --- cases --------------------------------------------------------------------------


def failing_counts(app: Any, case_refs: list[str]) -> dict[str, tuple[int, int]]:
    """(not met, partly met) now, per case of the visible page only."""
    out: dict[str, tuple[int, int]] = {}
    for ref in case_refs:
        case = app.store.get_case(ref)
        if case is None:
            continue
        report = evaluate(case, app.today, app.catalogue)
        out[ref] = (
            sum(1 for r in report.results if r.status == Status.not_met),
            sum(1 for r in report.results if r.status == Status.partly_met),
        )
    return out


def case_detail(app: Any, case_ref: str) -> dict:
    store = app.store
    case = store.get_case(case_ref)
    if case is None:
        raise BadInput(f"case {case_ref}: not in the database")
    report = evaluate(case, app.today, app.catalogue)
    audits = store.page_audits(case_ref=case_ref, limit=50)
    # A moderator re-audits blind: the original scores stay closed until they have moderated.
    blind = set()
    if app.user.has(Role.moderator):
        blind = {a.audit_id for a in store.list_assignments(moderator=app.user.username) if not a.moderated}
    return {"case": case, "report": report, "audits": audits, "blind": blind}


def may_start_audit(app: Any, case: Case) -> tuple[list[str], str | None, bool]:
    """(refusals, warning, warning blocks) for the user starting an audit of `case` today."""
    store, user = app.store, app.user
    refusals: list[str] = []
    if not user.has(Role.auditor):
        refusals.append(f"{user.username} does not hold the auditor role; ask an admin for it")
    refusals += auditor_independence(case, user.username)
    last = store.last_audit_for_case(case.case_ref, before=app.today)
    months = int(store.get_setting("independence_window_months", 12))
    warning = recent_audit_warning(case.case_ref, last, app.today, months)
    blocks = store.get_setting("independence_mode", "warn") == "block"
    return refusals, warning, blocks


# --- the audit form -----------------------------------------------------------------


def audit_context(app: Any, case_ref: str | None = None, audit_id: str | None = None) -> dict:
    """Everything the audit form needs: case, engine report, audit, revision, users, themes.

    Without `audit_id` it opens the user's own draft of the case if there is one,
    else starts a new audit as at today (refused when the user may not audit the case).
    """
    store, user = app.store, app.user
    audit: Audit | None = None
    revision: int | None = None
    if audit_id is not None:
        audit = store.get_audit(audit_id)
        if audit is None:
            raise BadInput(f"audit {audit_id}: not in the database")
        revision = store.audit_revision(audit_id)
        case_ref = audit.case_ref
    case = store.get_case(case_ref) if case_ref else None
    if case is None:
        raise BadInput(f"case {case_ref}: not in the database")
    if audit is None:
        refusals, warning, blocks = may_start_audit(app, case)
        if warning and blocks:
            refusals.append(warning + "; the service does not allow another audit yet")
        if refusals:
            raise Refused(*refusals)
        drafts = store.page_audits(case_ref=case.case_ref, auditor=user.username, status="draft", limit=1)
        if drafts:
            audit = store.get_audit(drafts[0].audit_id)
            revision = drafts[0].revision
        else:
            audit = Audit(audit_id=store.next_audit_id(), case_ref=case.case_ref,
                          auditor=user.username, as_of=app.today,
                          catalogue_version=app.catalogue.version)
            revision = None
    report = evaluate(case, audit.as_of, app.catalogue)
    return {
        "case": case,
        "report": report,
        "audit": audit,
        "revision": revision,
        "users": store.list_users(),
        "themes": store.themes(),
    }


def save_draft(app: Any, audit: Audit, revision: int | None) -> int:
    return app.store.save_draft(audit, revision)


def submit_audit(app: Any, audit: Audit, revision: int | None) -> Audit:
    audit = audit.model_copy(update={"submitted_on": app.today})
    # A new audit never saved as a draft has nothing to compare against.
    return app.store.submit_audit(audit, revision if revision is not None else 0)


# What the form may amend; the store keeps each completed action as it is.
AMENDABLE_FIELDS = ("grade", "scores", "notes", "override_reasons", "themes", "actions")


def audit_changes(before: Audit, after: Audit) -> dict:
    """The fields of `after` that differ from `before`, as JSON values (for an amendment)."""
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    changes = {}
    for name in AMENDABLE_FIELDS:
        if old.get(name) != new.get(name):
            changes[name] = new.get(name)
    return changes


def amend_audit(app: Any, audit_id: str, changes: dict, reason: str) -> Audit:
    return app.store.amend_audit(audit_id, changes, reason)
