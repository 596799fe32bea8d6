"""What an inspection pack holds for each case, as at its date, and the first page's sums."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta

from audit_tools.models import Case, Grade, StandardResult

@dataclass
class PackAudit:
    audit_id: str
    as_of: date
    submitted_on: date | None
    auditor: str
    grade: str | None
    final_grade: str | None
    round: str | None  # "R-000001 Neglect" for a thematic round's audit


@dataclass
class PackModeration:
    audit_id: str
    moderator: str
    moderated_on: date | None
    grade: str | None
    outcome: str | None
    final_grade: str | None
    reason: str | None = None  # free text: only with notes
    feedback: str | None = None


@dataclass
class PackAction:
    audit_id: str
    owner: str | None
    due: date | None
    completed_on: date | None
    standard: str | None
    state: str  # done, open or overdue as at the pack's date
    description: str | None = None  # free text: only with notes


@dataclass
class PackConcern:
    concern_id: str
    audit_id: str | None
    raised_by: str
    raised_on: date
    state: str  # open, acknowledged or closed as at the pack's date
    acknowledged_on: date | None
    closed_on: date | None
    found: str | None = None  # free text: only with notes
    should_happen: str | None = None
    action_taken: str | None = None


@dataclass
class PackCase:
    case: Case
    standards: list[StandardResult]
    titles: dict[str, str]
    audits: list[PackAudit] = field(default_factory=list)
    moderation: list[PackModeration] = field(default_factory=list)
    actions: list[PackAction] = field(default_factory=list)
    concerns: list[PackConcern] = field(default_factory=list)
    notes: list[tuple[str, str, str]] = field(default_factory=list)  # (audit_id, standard, note): only with notes


@dataclass
class Pack:
    as_of: date
    asked: list[str]
    cases: list[PackCase]
    not_found: list[str]
    include_notes: bool = False

    def audited_within_12_months(self) -> list[str]:
        start = self.as_of - relativedelta(months=12)
        return [c.case.case_ref for c in self.cases
                if any(a.submitted_on is not None and start < a.submitted_on <= self.as_of for a in c.audits)]

    def latest_grades(self) -> dict[str, int]:
        """Each case's latest audit's final grade, counted by grade."""
        counts = {g.value: 0 for g in Grade}
        for c in self.cases:
            graded = [a for a in c.audits if a.final_grade]
            latest = max(graded, key=lambda a: (a.submitted_on or a.as_of, a.audit_id)).final_grade if graded else None
            if latest:
                counts[latest] += 1
        return counts

    def summary(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "references": len(self.asked),
            "cases_found": len(self.cases),
            "audited_in_last_12_months": len(self.audited_within_12_months()),
            "latest_grades": self.latest_grades(),
            "audits": sum(len(c.audits) for c in self.cases),
            "moderated": sum(len(c.moderation) for c in self.cases),
            "actions": sum(len(c.actions) for c in self.cases),
            "overdue_actions": sum(1 for c in self.cases for a in c.actions if a.state == "overdue"),
            "concerns": sum(len(c.concerns) for c in self.cases),
            "open_concerns": sum(1 for c in self.cases for k in c.concerns if k.state != "closed"),
            "not_found": list(self.not_found),
        }


def action_state(completed_on: date | None, due: date | None, as_of: date) -> str:
    if completed_on is not None and completed_on <= as_of:
        return "done"
    if due is not None and due < as_of:
        return "overdue"
    return "open"


def concern_state(acknowledged_on: date | None, closed_on: date | None, as_of: date) -> str:
    if closed_on is not None and closed_on <= as_of:
        return "closed"
    if acknowledged_on is not None and acknowledged_on <= as_of:
        return "acknowledged"
    return "open"
