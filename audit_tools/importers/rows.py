"""The row of each file caseaudit imports, derived from the domain model it becomes.

A users, cases or events row is its model (models.User, models.CaseDetails, models.Event)
with each field read as a cell is written (importers.cells: a date as a person types it,
yes/no, roles separated by ;) and checked at the door (audit_tools.text). A field added to
the model is a column of the file at once: an optional one, unless the CLI contract
(cli.md) makes it required here. Audit lines (`import audits`, JSON Lines) have their own
schema: what a file may say of an audit is narrower than what caseaudit keeps of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, Field, field_validator

from audit_tools.importers.cells import Day, Roles, Row, Username, YesNo
from audit_tools.models import (
    Action,
    Audit,
    Case,
    CaseDetails,
    Event,
    Grade,
    Moderation,
    Outcome,
    Status,
    Themes,
    User,
)
from audit_tools.text import ACTIONS_LIMIT, IdentifierText, LongText, NameText


class UserRow(User):
    username: Username
    display_name: NameText = Field(min_length=1)
    roles: Roles = Field(default_factory=list)
    team: IdentifierText | None = None
    manages: IdentifierText | None = None

    def to_model(self) -> User:
        return User.model_validate(self.model_dump())


class CaseRow(CaseDetails):
    case_ref: IdentifierText = Field(min_length=1)
    start_date: Day
    team: IdentifierText | None = None
    worker: Username | None = None
    line_manager: Username | None = None
    closed_date: Day | None = None

    def to_model(self) -> Case:
        return Case.model_validate(self.model_dump())


class EventRow(Event):
    date: Day
    child_seen: YesNo = True
    seen_alone: YesNo | None = None
    reason_not_alone: LongText | None = None
    note: LongText | None = None
    case_ref: IdentifierText = Field(min_length=1)

    def to_model(self) -> Event:
        return Event.model_validate(self.model_dump(exclude={"case_ref"}))


@dataclass(frozen=True)
class TableSpec:
    """A CSV/XLSX file's columns: those the header must name, then the rest of the row's fields."""

    what: str
    required: tuple[str, ...]
    row_model: type[BaseModel]

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(f for f in self.row_model.model_fields if f not in self.required)

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


USERS = TableSpec("users", ("username", "display_name", "roles", "team"), UserRow)
CASES = TableSpec("cases", ("case_ref", "case_type", "start_date", "team", "worker", "line_manager"), CaseRow)
EVENTS = TableSpec("events", ("case_ref", "kind", "date"), EventRow)


# --- audit lines ----------------------------------------------------------------------------


class ThemesLine(Row):
    strengths: list[IdentifierText] = Field(default_factory=list)
    improvements: list[IdentifierText] = Field(default_factory=list)


class ActionLine(Row):
    description: LongText
    owner: IdentifierText
    due: Day
    completed_on: Day | None = None
    standard: IdentifierText | None = None


class ModerationLine(Row):
    moderator: IdentifierText = Field(min_length=1)
    moderated_on: Day
    grade: Grade
    outcome: Outcome
    final_grade: Grade | None = None
    scores: dict[IdentifierText, Status] = Field(default_factory=dict)
    notes: dict[IdentifierText, LongText] = Field(default_factory=dict)
    reason: LongText | None = None
    feedback: LongText | None = None
    acknowledged_on: Day | None = None


class AuditLine(Row):
    """One line of `import audits` (cli.md "Audit line"); `override_reasons` is an extension."""

    audit_id: IdentifierText = Field(min_length=1)
    case_ref: IdentifierText = Field(min_length=1)
    auditor: IdentifierText = Field(min_length=1)
    as_of: Day
    submitted_on: Day
    grade: Grade
    scores: dict[IdentifierText, Status]
    notes: dict[IdentifierText, LongText] = Field(default_factory=dict)
    themes: ThemesLine = Field(default_factory=ThemesLine)
    actions: list[ActionLine] = Field(default_factory=list, max_length=ACTIONS_LIMIT)
    moderation: ModerationLine | None = None
    override_reasons: dict[IdentifierText, LongText] = Field(default_factory=dict)

    @field_validator("notes", "override_reasons")
    @classmethod
    def _no_blank_notes(cls, value: dict[str, str]) -> dict[str, str]:
        return {k: v for k, v in value.items() if v.strip()}

    def to_model(self, automatic: dict[str, Status | None], catalogue_version: str | None) -> Audit:
        data = self.model_dump()
        data["themes"] = Themes(**data["themes"])
        data["actions"] = [Action(**a) for a in data["actions"]]
        data["moderation"] = Moderation(**data["moderation"]) if data["moderation"] else None
        return Audit(**data, automatic=automatic, catalogue_version=catalogue_version, imported=True)
