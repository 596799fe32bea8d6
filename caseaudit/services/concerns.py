"""Safeguarding concerns raised while auditing: raise, acknowledge, close, and who sees
which. The audit form, the blind re-audit, the dashboard, the header indicator and
`caseaudit concerns` all call these; the rules are in audit_tools.concerns, the writes in
db.concerns (each its own transaction, with its history entry)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from audit_tools.concerns import Concern, check_raise, concern_facts, may_act, raise_problems
from audit_tools.models import User
from audit_tools.permissions import Facts, Op, Scope, decide
from caseaudit.services import access
from audit_tools.text import Kind, checked
from db.errors import NotFound
from db.store import Store

__all__ = ["Concern", "raise_problems", "raise_concern", "acknowledge", "close", "visible", "for_user",
           "unacknowledged_count", "WaitingFigures", "waiting_figures", "may_act", "as_json", "sees_all"]


def sees_all(user: User) -> bool:
    """A QA lead (or an admin) sees every concern; anyone else those on cases they line-manage."""
    return decide(user, Op.list_concerns, Facts(scope=Scope.all)).allowed


def raise_concern(store: Store, user: User, case_ref: str, audit_id: str | None, found: str, should_happen: str,
                  source: str = "audit") -> Concern:
    """Store the concern now, on its own (never with the draft). The store checks again."""
    access.acting_user(store, user)
    found = checked(found, Kind.text, "what was found")
    should_happen = checked(should_happen, Kind.text, "what should happen")
    check_raise(user, found, should_happen, source)
    return store.concerns.raise_concern(case_ref, audit_id, found, should_happen, source)


def _concern(store: Store, concern_id: str) -> Concern:
    concern = store.concerns.get(concern_id)
    if concern is None:
        raise NotFound(f"concern {concern_id}: not in the database")
    return concern


def acknowledge(store: Store, concern_id: str) -> Concern:
    access.require(store, Op.acknowledge_concern, concern_facts(_concern(store, concern_id)))
    return store.concerns.acknowledge(concern_id)


def close(store: Store, concern_id: str, action_taken: str) -> Concern:
    access.require(store, Op.close_concern, concern_facts(_concern(store, concern_id)))
    return store.concerns.close(concern_id, checked(action_taken, Kind.text, "the action taken"))


def for_user(store: Store, user: User, limit: int | None = None) -> list[Concern]:
    """The not-yet-closed concerns the user must act on, newest first (dashboard)."""
    access.require(store, Op.list_concerns, user=user)
    return store.concerns.list(open_only=True, username=user.username, everyone=sees_all(user), limit=limit)


def unacknowledged_count(store: Store, user: User) -> int:
    """For the header indicator: concerns the user sees that nobody has acknowledged."""
    access.require(store, Op.list_concerns, user=user)
    return store.concerns.count_unacknowledged(user.username, sees_all(user))


class WaitingFigures(NamedTuple):
    """The concerns the user must act on: the header indicator shows the first; a change in
    either refreshes the dashboard."""

    unacknowledged: int
    open: int  # not yet closed


def waiting_figures(store: Store, user: User) -> WaitingFigures:
    """(not yet acknowledged, not yet closed) among the concerns the user must act on."""
    access.require(store, Op.list_concerns, user=user)
    return WaitingFigures(*store.concerns.waiting_figures(user.username, sees_all(user)))


def visible(store: Store, user: User, open_only: bool = False) -> list[Concern]:
    """`caseaudit concerns`: every concern the user may see, newest first. A QA lead or
    admin sees all; a line manager those on their cases; an auditor the ones they raised."""
    access.require(store, Op.list_concerns, user=user)
    return store.concerns.list(open_only=open_only, username=user.username, everyone=sees_all(user),
                               raised_too=True)


def _moment(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def as_json(concern: Concern, include_notes: bool = False) -> dict[str, Any]:
    """cli.md's `concerns --json` object; the free text only with include_notes."""
    doc: dict[str, Any] = {
        "concern_id": concern.concern_id,
        "case_ref": concern.case_ref,
        "audit_id": concern.audit_id,
        "raised_by": concern.raised_by,
        "raised_at": _moment(concern.raised_at),
        "acknowledged_by": concern.acknowledged_by,
        "acknowledged_at": _moment(concern.acknowledged_at),
        "closed_at": _moment(concern.closed_at),
        "state": concern.state.value,
    }
    if include_notes:
        doc.update(found=concern.found, should_happen=concern.should_happen, action_taken=concern.action_taken,
                   closed_by=concern.closed_by, source=concern.source)
    return doc
