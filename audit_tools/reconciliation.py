"""The moderator's two steps: a blind re-audit, then reconciliation with the original.

The screens and any other caller ask these functions, so what a moderator must record
before the original is revealed, and before the outcome is stored, is the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from audit_tools.audit import Problem
from audit_tools.errors import BadInput, Refused
from audit_tools.models import Audit, Grade, Model, Moderation, Outcome, Status, User
from audit_tools.permissions import Op, require

NEEDS_NOTE = (Status.partly_met, Status.not_met)


def blind_problems(moderation: Moderation, applicable: Iterable[str]) -> list[Problem]:
    """Why the blind re-audit cannot be submitted yet (empty when it can), all at once, each
    with the field of the moderation it is about ("scores.chronology", "notes.chronology",
    "grade"), as the audit form's problems are."""
    problems: list[Problem] = []
    for standard in applicable:
        status = moderation.scores.get(standard)
        if status is None:
            problems.append(Problem(f"scores.{standard}", standard, "choose a status"))
        elif status in NEEDS_NOTE and not (moderation.notes.get(standard) or "").strip():
            problems.append(Problem(f"notes.{standard}", standard, f"{status.label} needs an evidence note"))
    if moderation.grade is None:
        problems.append(Problem("grade", "grade", "choose your own grade for the case"))
    return problems


def reconciliation_problems(audit: Audit, moderation: Moderation) -> list[str]:
    """Why the reconciliation cannot be stored yet (empty when it can), all at once."""
    return [str(p) for p in reconciliation_rule_problems(audit, moderation)]


def reconciliation_rule_problems(audit: Audit, moderation: Moderation, *,
                                 imported: bool = False) -> list[Problem]:
    """`reconciliation_problems` with the field of the moderation each one is about.

    An `imported` moderation (`import audits`) was fed back outside caseaudit, so it
    needs no feedback text; every other rule is the moderator's own.
    """
    problems: list[Problem] = []
    if moderation.grade is None or moderation.moderated_on is None:
        problems.append(Problem("grade", "", "submit the blind re-audit before reconciling"))
    if moderation.outcome is None:
        problems.append(Problem("outcome", "outcome", "choose agreed, grade changed or escalated"))
    if moderation.outcome == Outcome.grade_changed:
        if moderation.final_grade is None:
            problems.append(Problem("final_grade", "final grade", "a changed grade needs the final grade"))
        elif moderation.final_grade == audit.grade:
            problems.append(Problem("final_grade", "final grade",
                                    "it is the auditor's grade; choose agreed instead, or another grade"))
        if not (moderation.reason or "").strip():
            problems.append(Problem("reason", "reason", "say why the grade changed"))
    if moderation.outcome == Outcome.escalated and not (moderation.reason or "").strip():
        problems.append(Problem("reason", "reason", "say what the QA lead should look at"))
    if not imported and not (moderation.feedback or "").strip():
        problems.append(Problem("feedback", "feedback", "write feedback for the auditor"))
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


# --- the QA lead's resolution of an escalated moderation ----------------------------


class Resolution(Model):
    """How the QA lead settled an escalated moderation.

    Kept apart from the moderation: the auditor's grade and scores and the moderator's
    blind grade and scores stay as they were; only the audit's final grade follows it.
    """

    audit_id: str
    final_grade: Grade
    reason: str
    feedback: str | None = None
    resolved_by: str
    resolved_at: datetime


def resolution_problems(final_grade: Grade | None, reason: str | None) -> list[str]:
    """Why the resolution cannot be stored yet (empty when it can), all at once."""
    problems: list[str] = []
    if final_grade is None:
        problems.append("final grade: choose the grade the audit ends with")
    if not (reason or "").strip():
        problems.append("reason: say why, for the auditor and the moderator to read")
    return problems


def resolver_conflict(username: str, audit: Audit) -> str | None:
    """Why `username` may not resolve the audit's escalation themselves (None when they may)."""
    if username == audit.auditor:
        return f"{username} audited it, so another QA lead resolves it"
    if audit.moderation is not None and username == audit.moderation.moderator:
        return f"{username} moderated it, so another QA lead resolves it"
    return None


def resolve(user: User | None, audit: Audit, final_grade: Grade | str | None, reason: str | None,
            feedback: str | None, at: datetime, resolved: Resolution | None = None) -> Resolution:
    """The QA lead's resolution of `audit`'s escalated moderation, or why it is refused.

    Only a QA lead resolves, and not one who audited or moderated the case themselves:
    the escalation asks for a third view. `resolved` is a resolution already stored.
    """
    require(user, Op.resolve_escalation)
    assert user is not None
    m = audit.moderation
    if m is None or m.outcome != Outcome.escalated:
        raise Refused(f"audit {audit.audit_id}: its moderation was not escalated, so there is nothing to resolve")
    if resolved is not None:
        raise Refused(f"audit {audit.audit_id}: {resolved.resolved_by} resolved the escalation on "
                      f"{resolved.resolved_at.date().isoformat()}; a resolution is not changed afterwards")
    conflict = resolver_conflict(user.username, audit)
    if conflict:
        raise Refused(f"audit {audit.audit_id}: {conflict}")
    try:
        grade = Grade(final_grade) if final_grade else None
    except ValueError:
        raise BadInput(f"final grade: {final_grade!r} is not a grade; choose "
                       + ", ".join(g.value for g in Grade)) from None
    problems = resolution_problems(grade, reason)
    if problems:
        raise BadInput(*problems)
    assert grade is not None and reason is not None
    return Resolution(audit_id=audit.audit_id, final_grade=grade, reason=reason.strip(),
                      feedback=(feedback or "").strip() or None, resolved_by=user.username, resolved_at=at)
