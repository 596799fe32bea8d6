"""The moderator's two steps: a blind re-audit, then reconciliation with the original.

The screens and any other caller ask these functions, so what a moderator must record
before the original is revealed, and before the outcome is stored, is the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from audit_tools.models import Audit, Grade, Moderation, Outcome, Status

NEEDS_NOTE = (Status.partly_met, Status.not_met)


def blind_problems(moderation: Moderation, applicable: Iterable[str]) -> list[str]:
    """Why the blind re-audit cannot be submitted yet (empty when it can), all at once."""
    problems: list[str] = []
    for standard in applicable:
        status = moderation.scores.get(standard)
        if status is None:
            problems.append(f"{standard}: choose a status")
        elif status in NEEDS_NOTE and not (moderation.notes.get(standard) or "").strip():
            problems.append(f"{standard}: {status.label} needs an evidence note")
    if moderation.grade is None:
        problems.append("grade: choose your own grade for the case")
    return problems


def reconciliation_problems(audit: Audit, moderation: Moderation) -> list[str]:
    """Why the reconciliation cannot be stored yet (empty when it can), all at once."""
    problems: list[str] = []
    if moderation.grade is None or moderation.moderated_on is None:
        problems.append("submit the blind re-audit before reconciling")
    if moderation.outcome is None:
        problems.append("outcome: choose agreed, grade changed or escalated")
    if moderation.outcome == Outcome.grade_changed:
        if moderation.final_grade is None:
            problems.append("final grade: a changed grade needs the final grade")
        elif moderation.final_grade == audit.grade:
            problems.append("final grade: it is the auditor's grade; choose agreed instead, or another grade")
        if not (moderation.reason or "").strip():
            problems.append("reason: say why the grade changed")
    if moderation.outcome == Outcome.escalated and not (moderation.reason or "").strip():
        problems.append("reason: say what the QA lead should look at")
    if not (moderation.feedback or "").strip():
        problems.append("feedback: write feedback for the auditor")
    return problems


def settle(moderation: Moderation) -> Moderation:
    """The moderation as stored: only a changed grade carries a final grade."""
    if moderation.outcome != Outcome.grade_changed:
        return moderation.model_copy(update={"final_grade": None})
    return moderation


@dataclass(frozen=True)
class Difference:
    """One standard side by side: the auditor's status and the moderator's."""

    standard: str
    auditor: Status | None
    moderator: Status | None

    @property
    def differs(self) -> bool:
        return self.auditor != self.moderator


def side_by_side(audit: Audit, moderation: Moderation, order: Iterable[str] = ()) -> list[Difference]:
    """Every standard either side scored, in `order` first (the catalogue's), then by id."""
    seen = set(audit.scores) | set(moderation.scores)
    ordered = [s for s in order if s in seen]
    ordered += sorted(seen - set(ordered))
    return [Difference(s, audit.scores.get(s), moderation.scores.get(s)) for s in ordered]


def grade_step(auditor: Grade | None, moderator: Grade | None) -> str:
    """How the moderator's blind grade compares, in words."""
    if auditor is None or moderator is None:
        return "not comparable"
    if auditor == moderator:
        return "same grade"
    if moderator.rank < auditor.rank:
        return "moderator graded lower (auditor more generous)"
    return "moderator graded higher"
