"""An auditor's own submitted audits and an audit's amendment trail, as the screens show
them: where each moderation stands, how often it was amended, and who amended what, when
and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from audit_tools.amendments import apply, describe
from audit_tools.calendar import format_day, london_day
from audit_tools.models import User
from audit_tools.moderation import auditor_words, state_of
from audit_tools.permissions import Op
from caseaudit.services import access
from db.errors import NotFound
from db.rows import MyAuditRow
from db.store import Store

@dataclass
class MyAudit:
    row: MyAuditRow
    stage: str  # where its moderation stands, in words
    amended: str  # "" or "2 Oct 2025 (2)": the last amendment's day and how many


def stage_words(row: MyAuditRow) -> str:
    """Where an audit's moderation stands, for its auditor."""
    state = state_of(row.assigned_to is not None, row.reaudited, row.outcome)
    return auditor_words(state, row.outcome, moderator=row.assigned_to, acknowledged=row.acknowledged_on is not None,
                         resolved=row.resolved)


def amended_words(count: int, last_at: str | datetime | None) -> str:
    """"2 Oct 2025 (2)": the day of the last amendment and how many there are; "" for none."""
    if not count or last_at is None:
        return ""
    moment = last_at if isinstance(last_at, datetime) else datetime.fromisoformat(last_at)
    return f"{format_day(london_day(moment))} ({count})"


def my_audits(store: Store, user: User, limit: int = 200) -> list[MyAudit]:
    """`user`'s submitted audits, newest first, with their moderation and amendments."""
    access.require(store, Op.list_my_audits, user=user)
    return [MyAudit(row=row, stage=stage_words(row), amended=amended_words(row.amendments, row.last_amended_at))
            for row in store.audits.by_auditor(user.username, limit=limit)]


@dataclass
class TrailEntry:
    by: str
    by_name: str
    at: datetime
    reason: str
    changes: list[str] = field(default_factory=list)


def amendment_trail(store: Store, user: User, audit_id: str) -> list[TrailEntry]:
    """Each amendment of the audit, oldest first: who, when, why and what it changed.

    A moderator still to re-audit the audit blind may not see it (it shows the scores).
    """
    submitted = store.audits.submitted(audit_id)
    if submitted is None:
        raise NotFound(f"audit {audit_id}: no submitted audit with this id")
    access.require_audit(store, submitted, user=user)
    names = {u.username: u.display_name for u in store.people.list()}
    audit = submitted.model_dump(mode="json")
    trail = []
    for amendment in store.amendments.list(audit_id):
        trail.append(TrailEntry(by=amendment.by, by_name=names.get(amendment.by, amendment.by), at=amendment.at,
                                reason=amendment.reason, changes=describe(audit, amendment.changes)))
        audit = apply(audit, amendment.changes)
    return trail
