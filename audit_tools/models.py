"""The service's own nouns: cases, events, users, audits, actions, moderation.

These pydantic models are the schema: the database stores `model_dump(mode="json")`,
imports validate into them, and the screens show them.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_serializer


def _iso_date(value: object) -> object:
    """Dates are ISO YYYY-MM-DD everywhere; a spreadsheet date cell (midnight) is accepted."""
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise ValueError(f"expected a date without a time, got {value.isoformat()}")
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(f"invalid date {value!r}: expected YYYY-MM-DD")
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"invalid date {value!r}: no such day") from None
    raise ValueError(f"invalid date {value!r}: expected YYYY-MM-DD")


# A calendar date written YYYY-MM-DD; numbers and date-times are refused.
IsoDate = Annotated[date, BeforeValidator(_iso_date)]


class Model(BaseModel):
    """Strict base: unknown fields are refused and text is trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CaseType(str, Enum):
    EH = "EH"  # early help
    CIN = "CIN"  # child in need
    CP = "CP"  # child protection plan
    CLA = "CLA"  # child looked after
    CL = "CL"  # care leaver


class EventKind(str, Enum):
    visit = "visit"
    supervision = "supervision"
    chronology = "chronology"
    plan_review = "plan_review"
    referral = "referral"
    assessment_completed = "assessment_completed"
    strategy_discussion = "strategy_discussion"
    icpc = "icpc"
    review_conference = "review_conference"
    cla_review = "cla_review"
    missing_return = "missing_return"
    return_interview = "return_interview"


class Grade(str, Enum):
    outstanding = "outstanding"
    good = "good"
    requires_improvement = "requires_improvement"
    inadequate = "inadequate"

    @property
    def rank(self) -> int:
        """Ordinal used for agreement statistics: inadequate 0 … outstanding 3."""
        return GRADE_RANK[self]

    @property
    def label(self) -> str:
        return GRADE_LABELS[self]


GRADE_RANK: dict[Grade, int] = {
    Grade.inadequate: 0,
    Grade.requires_improvement: 1,
    Grade.good: 2,
    Grade.outstanding: 3,
}

GRADE_LABELS: dict[Grade, str] = {
    Grade.outstanding: "Outstanding",
    Grade.good: "Good",
    Grade.requires_improvement: "Requires improvement",
    Grade.inadequate: "Inadequate",
}


class Status(str, Enum):
    met = "met"
    partly_met = "partly_met"
    not_met = "not_met"
    not_applicable = "not_applicable"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class Role(str, Enum):
    auditor = "auditor"
    moderator = "moderator"
    qa_lead = "qa_lead"
    admin = "admin"


class Outcome(str, Enum):
    agreed = "agreed"
    grade_changed = "grade_changed"
    escalated = "escalated"


class EventDetails(Protocol):
    """What an events import compares of a stored event with a row of its file: an Event,
    or the event's plain values as read from the store."""

    @property
    def child_seen(self) -> bool: ...
    @property
    def seen_alone(self) -> bool | None: ...
    @property
    def reason_not_alone(self) -> str | None: ...
    @property
    def note(self) -> str | None: ...


class Event(Model):
    """Something that happened on a case, as recorded in the case-management system."""

    kind: EventKind
    date: IsoDate
    child_seen: bool = True
    seen_alone: bool | None = None
    reason_not_alone: str | None = None
    note: str | None = None


class CaseDetails(Model):
    """A case's own fields: the one place a new case field is added. The import's row
    (importers.rows.CaseRow) and the cases list's row (db.rows.CaseRow) derive from it."""

    case_ref: str = Field(min_length=1)
    case_type: CaseType
    start_date: IsoDate
    team: str | None = None
    worker: str | None = None
    line_manager: str | None = None
    closed_date: IsoDate | None = None


class Case(CaseDetails):
    """A case with what happened on it."""

    events: list[Event] = Field(default_factory=list)


class User(Model):
    username: str = Field(min_length=1)
    display_name: str = Field(min_length=1)
    roles: list[Role] = Field(default_factory=list)
    team: str | None = None
    manages: str | None = None  # the team whose manager this user is (line manager of its cases)

    def has(self, role: Role) -> bool:
        return role in self.roles or Role.admin in self.roles


class Late(Model):
    """One late interval or follow-up: when it was due and when it happened (None: not yet)."""

    due: IsoDate
    actual: IsoDate | None = None


class StandardResult(Model):
    standard: str
    status: Status | None
    evidence: str
    late: list[Late] = Field(default_factory=list)


class CheckReport(Model):
    case_ref: str
    as_of: IsoDate
    catalogue: str
    results: list[StandardResult]


class Themes(Model):
    strengths: list[str] = Field(default_factory=list)
    improvements: list[str] = Field(default_factory=list)


class Action(Model):
    description: str = ""
    owner: str | None = None
    due: IsoDate | None = None
    completed_on: IsoDate | None = None
    standard: str | None = None


class Moderation(Model):
    moderator: str
    moderated_on: IsoDate | None = None
    grade: Grade | None = None
    outcome: Outcome | None = None
    final_grade: Grade | None = None
    scores: dict[str, Status] = Field(default_factory=dict)
    notes: dict[str, str] = Field(default_factory=dict)
    reason: str | None = None
    feedback: str | None = None
    acknowledged_on: IsoDate | None = None


class RoundAnswer(Model):
    """An answer to one of a thematic round's questions, with the auditor's comment."""

    answer: str | None = None
    comment: str = ""


AUDIT_ID_PATTERN = r"^A-\d{6}$"


def audit_id_for(number: int) -> str:
    """The one way an audit id is written: "A-000123" (new audits and the demo's alike)."""
    return f"A-{number:06d}"


class Audit(Model):
    """One audit of one case as of a date by one auditor.

    `scores` are the auditor's final statuses; `automatic` what the engine said when the
    audit was scored; `override_reasons` why the auditor departed from it. An `imported`
    audit was scored outside caseaudit: nobody saw `automatic` (computed at import, for
    comparison), so a difference from it is not an override.
    """

    audit_id: str = Field(min_length=1)
    case_ref: str = Field(min_length=1)
    auditor: str = Field(min_length=1)
    as_of: IsoDate
    submitted_on: IsoDate | None = None
    grade: Grade | None = None
    scores: dict[str, Status] = Field(default_factory=dict)
    notes: dict[str, str] = Field(default_factory=dict)
    themes: Themes = Field(default_factory=Themes)
    actions: list[Action] = Field(default_factory=list)
    moderation: Moderation | None = None
    automatic: dict[str, Status | None] = Field(default_factory=dict)
    override_reasons: dict[str, str] = Field(default_factory=dict)
    catalogue_version: str | None = None
    imported: bool = False
    round_id: str | None = None  # a thematic round's audit (product.md "Thematic audits")
    answers: dict[str, RoundAnswer] = Field(default_factory=dict)  # question id -> answer, in a round

    @model_serializer(mode="wrap")
    def _without_round(self, handler: Any) -> Any:
        # An audit outside a round is stored and recorded exactly as before rounds existed.
        data = handler(self)
        if isinstance(data, dict) and self.round_id is None and not self.answers:
            data.pop("round_id", None)
            data.pop("answers", None)
        return data

    @property
    def final_grade(self) -> Grade | None:
        """The grade after moderation: a moderator's final grade wins when set."""
        if self.moderation and self.moderation.final_grade is not None:
            return self.moderation.final_grade
        return self.grade

    @property
    def submitted(self) -> bool:
        return self.submitted_on is not None


class Amendment(Model):
    audit_id: str
    by: str
    at: datetime
    reason: str = Field(min_length=1)
    changes: dict[str, Any] = Field(default_factory=dict)


class SampleDraw(Model):
    """A stored moderation sample: enough to re-derive the selection exactly."""

    sample_id: str | None = None
    quarter: str
    seed: str
    algorithm: Literal["v1"] = "v1"
    rate: str
    min_per_auditor: int
    frame: list[str]
    frame_sha256: str
    selected: list[str]
    strata: dict[str, list[str]] = Field(default_factory=dict)
    drawn_by: str | None = None
    drawn_at: datetime | None = None

    @field_validator("rate", mode="before")
    @classmethod
    def _rate_text(cls, value: object) -> str:
        # The rate is kept as written so the sample size is computed on its exact decimal.
        return str(value)
