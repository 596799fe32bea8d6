"""The rules an audit must obey before it is submitted, wherever it comes from.

The audit form, the command line and `import audits` all ask these functions, so a
screen can never let through what an import would refuse. Each message says what to
do and names the standard, action or theme it is about. Nothing here reads the clock
or the database: the case, the catalogue, the known users and the vocabulary are passed in.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any
from dataclasses import dataclass, replace
from datetime import date

from dateutil.relativedelta import relativedelta

from audit_tools.calendar import format_day
from audit_tools.models import Audit, Case, Grade, Status

# Below this grade an audit must carry an action plan.
GOOD_RANK = Grade.good.rank


def auditor_independence(case: Case, auditor: str) -> list[str]:
    """Why `auditor` may not audit `case` (empty when they may).

    Auditing must be independent of line management: neither the allocated worker
    nor their line manager may audit the case.
    """
    problems: list[str] = []
    if case.worker and auditor == case.worker:
        problems.append(
            f"{case.case_ref}: {auditor} is the allocated worker and may not audit this case; "
            "ask another manager to audit it"
        )
    if case.line_manager and auditor == case.line_manager:
        problems.append(
            f"{case.case_ref}: {auditor} is the case's line manager and may not audit this case; "
            "ask a manager outside the line to audit it"
        )
    return problems


def recent_audit_warning(
    case_ref: str, last_audit: date | None, as_of: date, months: int = 12
) -> str | None:
    """A warning when the case was audited within `months` before `as_of` (None otherwise).

    `last_audit` is the as-of (or submission) date of the case's latest earlier audit.
    """
    if last_audit is None or last_audit > as_of:
        return None
    if last_audit + relativedelta(months=months) > as_of:
        return (
            f"{case_ref}: already audited as at {format_day(last_audit)}, "
            f"within the last {months} months"
        )
    return None


def overridden(audit: Audit) -> list[str]:
    """Standards whose final status departs from a (non-null) automatic status, in score order."""
    out: list[str] = []
    for standard, status in audit.scores.items():
        automatic = audit.automatic.get(standard)
        if automatic is not None and status != automatic:
            out.append(standard)
    return out


def _status_words(status: Status | None) -> str:
    return "no status" if status is None else status.label


@dataclass(frozen=True)
class Problem:
    """One reason an audit may not be submitted.

    `label` is what a screen shows it against (the standard, "action 2", "grade");
    `field` is where it sits in an audit line ("notes.chronology", "actions[1].owner"),
    so an import names the field the person fixing the file must change.
    """

    field: str
    label: str
    text: str

    def __str__(self) -> str:
        return f"{self.label}: {self.text}" if self.label else self.text

    def in_file(self) -> str:
        return f"{self.field}: {self.text}"

    def titled(self, catalogue: Any) -> "Problem":
        """The same problem named as a person reads it: a standard by its title, not its id
        (an import file keeps the field and the id, which is what its writer must change)."""
        standard = catalogue.get(self.label) if self.label else None
        return replace(self, label=standard.title) if standard is not None else self


def submission_problems(
    audit: Audit,
    case: Case,
    catalogue: Any,
    known_users: Collection[str],
    themes_vocabulary: Iterable[str],
    *,
    imported: bool | None = None,
    round: Any = None,
) -> list[str]:
    """Every reason the audit may not be submitted, all at once (empty: it may be).

    `catalogue` is an audit_tools.standards Catalogue (only `.applicable(case_type)` and
    `.standards` are used); `known_users` the usernames the service knows;
    `themes_vocabulary` the theme ids in use. `imported` (default: the audit's own
    `imported` mark) lifts only the rule that a departure from the automatic status needs
    a reason: a historic audit was scored without seeing it (product.md "Historic audits").
    """
    return [str(p) for p in submission_rule_problems(audit, case, catalogue, known_users, themes_vocabulary,
                                                     imported=imported, round=round)]


def submission_rule_problems(
    audit: Audit,
    case: Case,
    catalogue: Any,
    known_users: Collection[str],
    themes_vocabulary: Iterable[str],
    *,
    imported: bool | None = None,
    round: Any = None,
) -> list[Problem]:
    """`submission_problems` with the field of the audit each one is about.

    `round` (an audit_tools.rounds.Round) is the thematic round a round audit belongs to:
    its questions need their answers, and the standards and the grade are required only
    when the round scores or grades them.
    """
    if imported is None:
        imported = audit.imported
    problems: list[Problem] = []
    scored, graded = True, True
    if round is not None:
        # at call time: a top import would be a cycle (audit_tools.rounds.checks imports this module)
        from audit_tools.rounds import answer_problems

        problems += answer_problems(audit, round)
        scored, graded = round.score_standards, round.grade
    applicable = [s.id for s in catalogue.applicable(case.case_type)] if scored else []
    applicable_set = set(applicable)
    all_ids = {s.id for s in catalogue.standards}

    if audit.case_ref != case.case_ref:
        problems.append(Problem("case_ref", "case_ref", f"the audit is of {audit.case_ref}, not {case.case_ref}"))

    for standard in audit.scores:
        if not scored:
            problems.append(Problem(f"scores.{standard}", standard,
                                    "this round does not score the standards; remove its score"))
        elif standard not in all_ids:
            problems.append(Problem(f"scores.{standard}", standard,
                                    "not a standard in the catalogue; remove its score or correct the id"))
        elif standard not in applicable_set:
            problems.append(Problem(f"scores.{standard}", standard,
                                    f"does not apply to {case.case_type.value} cases; remove its score"))

    for standard in applicable:
        status = audit.scores.get(standard)
        if status is None:
            problems.append(Problem(f"scores.{standard}", standard,
                                    "no status; choose met, partly met, not met or not applicable"))
            continue
        if status in (Status.partly_met, Status.not_met) and not (audit.notes.get(standard) or "").strip():
            problems.append(Problem(f"notes.{standard}", standard,
                                    f"{status.label} needs an evidence note saying why"))

    # An imported audit was scored without the pre-fill, so its departures were never overrides.
    for standard in () if imported else overridden(audit):
        if not (audit.override_reasons.get(standard) or "").strip():
            problems.append(Problem(
                f"override_reasons.{standard}", standard,
                f"changing the automatic status "
                f"({_status_words(audit.automatic.get(standard))}) to "
                f"{_status_words(audit.scores.get(standard))} needs a reason"
            ))

    if audit.grade is None and graded:
        problems.append(Problem("grade", "grade",
                                "no grade; choose outstanding, good, requires improvement or inadequate"))

    linked = {a.standard for a in audit.actions if a.standard}
    for standard in applicable:
        if audit.scores.get(standard) == Status.not_met and standard not in linked:
            problems.append(Problem(f"scores.{standard}", standard,
                                    "not met needs at least one action linked to it"))
    if audit.grade is not None and audit.grade.rank < GOOD_RANK and not audit.actions:
        problems.append(Problem(
            "grade", "grade", f"{audit.grade.label.lower()} needs at least one action in the action plan"
        ))

    for number, action in enumerate(audit.actions, start=1):
        where = f"action {number}"
        at = f"actions[{number - 1}]"
        if not (action.description or "").strip():
            problems.append(Problem(f"{at}.description", where, "no description; say what must be done"))
        if not action.owner:
            problems.append(Problem(f"{at}.owner", where, "no owner; name the person who will do it"))
        elif action.owner not in known_users:
            problems.append(Problem(f"{at}.owner", where, f"owner {action.owner!r} is not a known user"))
        if action.due is None:
            problems.append(Problem(f"{at}.due", where,
                                    f"no due date; give a date after {format_day(audit.as_of)}"))
        elif action.due <= audit.as_of:
            problems.append(Problem(
                f"{at}.due", where,
                f"due {format_day(action.due)} must be after the audit's as-at date {format_day(audit.as_of)}"
            ))
        if action.standard and action.standard not in applicable_set:
            problems.append(Problem(
                f"{at}.standard", where,
                f"linked to {action.standard!r}, which is not a standard of this audit"
            ))

    vocabulary = set(themes_vocabulary)
    for kind, themes in (("strengths", audit.themes.strengths), ("improvements", audit.themes.improvements)):
        for theme in themes:
            if theme not in vocabulary:
                problems.append(Problem(
                    f"themes.{kind}", f"themes.{kind}",
                    f"{theme!r} is not in the theme vocabulary; "
                    "choose an existing theme or ask an admin to add it"
                ))
    return problems


def audit_problems(
    audit: Audit,
    case: Case | None,
    catalogue: Any,
    known_users: Collection[str],
    themes_vocabulary: Iterable[str],
    last_audit: date | None = None,
    window_months: int = 12,
    block_recent: bool = False,
    round: Any = None,
) -> list[str]:
    """Every rule an audit must meet to be stored as submitted (empty: it may be): the
    auditor's independence, a known auditor, the submission rules and, when the service
    blocks them, a recent audit of the case (`last_audit`: its latest other audit)."""
    if case is None:
        return [f"case {audit.case_ref}: not in the database; import the case first"]
    problems = list(auditor_independence(case, audit.auditor))
    if audit.auditor not in known_users:
        problems.append(f"auditor: {audit.auditor!r} is not a known user")
    problems += submission_problems(audit, case, catalogue, known_users, themes_vocabulary, round=round)
    if block_recent:
        warning = recent_audit_warning(audit.case_ref, last_audit, audit.as_of, window_months)
        if warning:
            problems.append(warning)
    return problems
