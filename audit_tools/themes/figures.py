"""The themes report's figures: each quarter's, the report that holds two, and how a
fraction is rounded. Its JSON form (`ThemesReport.to_json()`) is the contract of cli.md."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from audit_tools.models import Grade
from audit_tools.wording import moderation_words


# Best first, as a board paper lists them.
GRADE_ORDER: list[Grade] = [
    Grade.outstanding,
    Grade.good,
    Grade.requires_improvement,
    Grade.inadequate,
]

NO_TEAM = "unallocated"
DEFAULT_QUOTA = 2  # audits per auditor per calendar month (product.md)


class Figures(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class AuditorFigures(Figures):
    completed: int
    expected: int


class AuditFigures(Figures):
    completed: int
    by_team: dict[str, int]
    by_auditor: dict[str, AuditorFigures]


class StandardFigures(Figures):
    n: int
    met: int
    partly_met: int
    not_met: int
    pct_met: float | None
    not_applicable: int = 0


class ThemeFigures(Figures):
    strength: int
    improvement: int


class ModerationFigures(Figures):
    """The quarter's moderation figures, one definition each (docs/moderation.md):
    sampled, in a moderation sample; moderated, the blind re-audit's grade stored beside
    the auditor's (an agreement pair, sampled or brought in by import); reconciled,
    moderated with an outcome recorded; sample_moderated, sampled and moderated."""

    sampled: int
    moderated: int
    reconciled: int
    sample_moderated: int
    exact_agreement: float | None
    kappa_quadratic: float | None
    moved_down: int
    moved_up: int


@dataclass(frozen=True)
class ModerationCounts:
    """sampled, moderated, reconciled and sample_moderated: docs/moderation.md's definitions."""

    sampled: int
    moderated: int
    reconciled: int
    sample_moderated: int

    @classmethod
    def of(cls, figures: "ModerationFigures") -> "ModerationCounts":
        return cls(figures.sampled, figures.moderated, figures.reconciled, figures.sample_moderated)

    @property
    def words(self) -> str:
        return moderation_words(self.sampled, self.moderated, self.reconciled, self.sample_moderated)


class ActionFigures(Figures):
    raised: int
    completed: int
    completed_on_time: int
    open: int
    overdue: int


class ConcernFigures(Figures):
    """Safeguarding concerns (audit_tools.concerns.quarter_counts says exactly what counts)."""

    raised: int = 0
    acknowledged_within_1wd: int = 0
    open: int = 0


class OverrideFigures(Figures):
    """How often auditors departed from the engine's automatic status."""

    automatic: int  # standards that had an automatic status and an auditor's score
    overridden: int
    rate: float | None  # overridden / automatic, a fraction from 0 to 1
    # Audits imported from earlier records: scored with no automatic status shown, so not counted.
    imported: int = 0

    def imported_words(self, audits: int) -> str:
        """What the figure leaves out, when it leaves anything out: "" for a quarter of
        audits made in caseaudit alone."""
        if not self.imported:
            return ""
        made = audits - self.imported
        return (f"counted over the {made} audit{'s' if made != 1 else ''} made in caseaudit; the "
                f"{self.imported} imported audit{'s' if self.imported != 1 else ''} had no automatic "
                "status to override")


class AuditRow(Figures):
    audit_id: str
    case_ref: str
    auditor: str
    team: str
    submitted_on: date
    grade: Grade | None
    final_grade: Grade | None
    moderated: bool


class ActionRow(Figures):
    audit_id: str
    case_ref: str
    standard: str | None
    owner: str | None
    due: date | None
    completed_on: date | None
    state: str  # completed, open or overdue, as at the quarter's last day
    description: str | None = None  # free text: only with include_notes


class NoteRow(Figures):
    """Free text from an audit or its moderation: only with include_notes."""

    audit_id: str
    case_ref: str
    source: str  # auditor or moderator
    topic: str  # a standard id, or reason / feedback
    text: str


class QuarterFigures(Figures):
    quarter: str
    from_: date = Field(alias="from")
    to: date
    audits: AuditFigures
    grades: dict[str, int]
    standards: dict[str, StandardFigures]
    themes: dict[str, ThemeFigures]
    moderation: ModerationFigures
    actions: ActionFigures
    overrides: OverrideFigures
    concerns: ConcernFigures = Field(default_factory=ConcernFigures)


class ThemesReport(QuarterFigures):
    """cli.md's keys, plus the detail lists, labels and override figures (extra keys)."""

    label: str
    previous: QuarterFigures
    standard_titles: dict[str, str] = Field(default_factory=dict)
    theme_labels: dict[str, str] = Field(default_factory=dict)
    audit_list: list[AuditRow] = Field(default_factory=list)
    action_list: list[ActionRow] = Field(default_factory=list)
    include_notes: bool = False
    notes: list[NoteRow] = Field(default_factory=list)
    # The history's head when the report was exported (ENTRY:HASH): printed in the paper so
    # `caseaudit verify --against` can later prove the history up to it was not rewritten.
    history_head: str | None = None
    # Completion against the monthly allocations of the quarter's months (extra key, set on export):
    # {"months", "allocated", "started", "submitted", "by_auditor": {..}, "by_team": {..}}.
    allocation: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """The canonical JSON document (cli.md's keys, `from` spelled as such)."""
        return self.model_dump(mode="json", by_alias=True)


def pct(part: int, whole: int) -> float | None:
    """part/whole×100 to one decimal, half up (12.25 → 12.3), None when whole is 0.

    Decimal, because binary floats round 12.25 and friends the wrong way half the time.
    """
    if whole == 0:
        return None
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return float(value)


def fraction(part: int, whole: int) -> float | None:
    """part/whole to four decimals, half up; None when whole is 0."""
    if whole == 0:
        return None
    value = (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return float(value)
