"""The rows the Store's lists return (no scores, no events): enough to show and to open.
A column that holds one of the domain's values (a grade, an outcome, a case type) is read
into its enum here, at the edge, so no caller parses the text again."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel

from audit_tools.models import CaseDetails, Grade, Outcome, User

PAGE = 50

T = TypeVar("T")


class CaseRow(CaseDetails):
    """One line of the cases list: the case without its events (models.CaseDetails), and when
    it was last audited."""

    last_audit: date | None = None  # as-of date of the latest submitted audit


class AuditRow(BaseModel):
    """One line of an audits list (no scores): enough to show and to open the audit."""

    audit_id: str
    case_ref: str
    auditor: str
    as_of: date
    submitted_on: date | None = None
    grade: Grade | None = None
    final_grade: Grade | None = None
    status: str  # draft | submitted
    revision: int
    saved_by: str | None = None
    saved_at: str | None = None
    team: str | None = None
    moderator: str | None = None


class MyAuditRow(BaseModel):
    """One of an auditor's submitted audits: where its moderation stands and how often it
    was amended (for the "My audits" list)."""

    audit_id: str
    case_ref: str
    as_of: date
    submitted_on: date | None = None
    grade: Grade | None = None
    final_grade: Grade | None = None  # after moderation (or the QA lead's resolution)
    assigned_to: str | None = None  # the moderator it was assigned to, if sampled
    reaudited: bool = False  # the moderator's blind re-audit is stored
    outcome: Outcome | None = None  # once reconciled
    resolved: bool = False  # an escalation the QA lead has settled
    acknowledged_on: date | None = None
    amendments: int = 0
    last_amended_at: str | None = None


class ActionRow(BaseModel):
    """An action from an audit's action plan in force, with where it came from."""

    action_id: int
    audit_id: str
    case_ref: str
    team: str | None = None
    auditor: str
    description: str
    owner: str | None = None
    due: date | None = None
    completed_on: date | None = None
    standard: str | None = None

    def overdue(self, today: date) -> bool:
        return self.completed_on is None and self.due is not None and self.due < today


class Assignment(BaseModel):
    audit_id: str
    moderator: str
    assigned_by: str | None = None
    assigned_at: str | None = None
    moderated: bool = False  # the blind re-audit is stored
    case_ref: str | None = None
    auditor: str | None = None
    submitted_on: date | None = None
    reconciled: bool = False  # the outcome is stored too: the moderator's task is done


class HistoryEntry(BaseModel):
    id: int
    at: str
    actor: str
    what: str
    details: Any


USER_COLUMNS = "username, display_name, team, roles"


def user(row: tuple[Any, ...]) -> User:
    return User(username=row[0], display_name=row[1], team=row[2], roles=json.loads(row[3]))


def iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def dumps(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chunks(values: list[T], size: int = 500) -> Iterator[tuple[list[T], str]]:
    """`values` in slices small enough for one IN (...) list each."""
    for start in range(0, len(values), size):
        chunk = values[start : start + size]
        yield chunk, ",".join("?" * len(chunk))
