"""The rules for the lines of an audits file (`import audits`): each line, against its case.

A line is checked as the audit form checks a submission (audit_tools.audit), the
moderation in it as the reconciliation screen does (audit_tools.reconciliation), and
against what happened on its case (the engine's automatic statuses as at the audit's
date, kept beside the scores). Nothing here reads the database: each batch of lines
comes with the cases it names and the audit ids already stored, as the caller looked
them up (importers.batching).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from pydantic import ValidationError

from audit_tools.assignment import moderator_conflicts
from audit_tools.audit import auditor_independence, submission_rule_problems
from audit_tools.importers.checks import describe, text_field
from audit_tools.importers.rows import AuditLine
from audit_tools.models import Audit, Case, CaseType, Outcome, Role, Status, User
from audit_tools.reconciliation import reconciliation_rule_problems
from audit_tools.standards import Catalogue, Standard, statuses

Lines = Sequence[tuple[int, Any]]
Automatic = dict[str, Status | None]


def _future_dates(line: AuditLine, today: date) -> list[str]:
    """Fields of a completed audit dated after today (typing slips such as 2052 for 2025)."""
    dated: list[tuple[str, date | None]] = [("submitted_on", line.submitted_on)]
    dated += [(f"actions[{i}].completed_on", a.completed_on) for i, a in enumerate(line.actions)]
    if line.moderation is not None:
        dated += [("moderation.moderated_on", line.moderation.moderated_on),
                  ("moderation.acknowledged_on", line.moderation.acknowledged_on)]
    return [f"{where}: {day.isoformat()} is in the future (today is {today.isoformat()}); "
            "only what has already happened can be imported"
            for where, day in dated if day is not None and day > today]


class _CatalogueByType:
    """The catalogue with the standards of each case type worked out once (the rules ask per line)."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.standards = catalogue.standards
        self._applicable: dict[str, list[Standard]] = {}

    def applicable(self, case_type: CaseType | str) -> list[Standard]:
        key = case_type.value if isinstance(case_type, CaseType) else case_type
        if key not in self._applicable:
            self._applicable[key] = list(self.catalogue.applicable(case_type))
        return self._applicable[key]

    def ids(self, case_type: CaseType | str) -> set[str]:
        return {s.id for s in self.applicable(case_type)}


class AuditCheck:
    """The rules for the lines of one audits file, checked a batch at a time.

    Between batches it remembers only the audit ids met so far (with the line each was
    first on, to name duplicates), so memory does not grow with the file. The lines may
    come in another order than the file's (by case: importers.batching); `first_lines`
    then gives the line each audit id is first on in the file, so a duplicate is named
    by its place in the file whatever the order of checking.
    """

    def __init__(self, name: str, *, users: Mapping[str, User], catalogue: Catalogue | None,
                 themes_vocabulary: Iterable[str], today: date | None = None,
                 first_lines: Mapping[str, int] | None = None) -> None:
        self.name = name
        self.users = users
        self.known_users = set(users)
        self.catalogue = catalogue
        self.by_type = _CatalogueByType(catalogue) if catalogue is not None else None
        self.catalogue_version: str | None = getattr(catalogue, "version", None)
        self.vocabulary = list(themes_vocabulary)
        self.today = today
        self.first_lines = first_lines
        self.first_line: dict[str, int] = {}  # in the file's order: ids met so far, with the line met on
        self.asked: set[str] = set()  # ids whose being stored was looked up
        self.stored: set[str] = set()  # of those, the ids already in the database: each line a problem

    @staticmethod
    def case_refs(batch: Iterable[tuple[int, Any]]) -> set[str]:
        """The case refs a batch's lines name (what the caller looks up for `check`)."""
        return {ref for _, value in batch if (ref := text_field(value, "case_ref"))}

    def audit_ids(self, batch: Iterable[tuple[int, Any]]) -> set[str]:
        """The audit ids of a batch not met in an earlier one (whether stored is the caller's to say)."""
        return {i for _, value in batch if (i := text_field(value, "audit_id")) and i not in self.asked}

    def check(self, batch: Lines, cases: Mapping[str, Case], known_audit_ids: Collection[str] = (),
              progress: Callable[[], None] | None = None) -> tuple[list[Audit], list[str]]:
        """The batch's good audits, and every problem of its bad lines (`FILE:LINE: field: reason`).

        `cases` maps each ref the batch names to the stored case with its events (a ref
        missing from it is unknown); `known_audit_ids` holds (at least) the batch's ids
        already stored. The engine runs once per case and as-of date.
        """
        audits: list[Audit] = []
        problems: list[str] = []
        automatic: dict[tuple[str, date], Automatic] = {}
        for number, value in batch:
            # an id is met on every line that names one, even a line refused for another field
            if audit_id := text_field(value, "audit_id"):
                if self.first_lines is None:
                    self.first_line.setdefault(audit_id, number)
                if audit_id not in self.asked:
                    self.asked.add(audit_id)
                    if audit_id in known_audit_ids:
                        self.stored.add(audit_id)
        for number, value in batch:
            if progress:
                progress()
            audit, own = self._line(number, value, cases, automatic)
            if own:
                problems.extend(f"{self.name}:{number}: {p}" for p in own)
            elif audit is not None:
                audits.append(audit)
        return audits, problems

    def _parse(self, number: int, value: Any) -> AuditLine | list[str]:
        if isinstance(value, list):
            return [f"line: holds a JSON array of {len(value)} item{'s' if len(value) != 1 else ''}; "
                    "write each audit as one JSON object {...} on its own line"]
        if not isinstance(value, dict):
            return ["line: expected one audit as a JSON object {...}"]
        try:
            return AuditLine.model_validate(value)
        except ValidationError as err:
            at = f"{self.name}:{number}: "
            return [p.removeprefix(at) for p in describe(err, self.name, number, missing_word="field")]

    def _once(self, number: int, line: AuditLine) -> list[str]:
        """An audit id on two lines, or already stored."""
        own: list[str] = []
        first = (self.first_lines if self.first_lines is not None else self.first_line).get(line.audit_id)
        if first is not None and first != number:
            own.append(f"audit_id: {line.audit_id!r} is also on line {first}; each audit may appear only once")
        if line.audit_id in self.stored:
            own.append(f"audit_id: {line.audit_id!r} is already in the database; "
                       "a submitted audit cannot be imported again")
        return own

    def _automatic(self, case: Case | None, as_of: date, automatic: dict[tuple[str, date], Automatic]) -> Automatic:
        if case is None or self.catalogue is None:
            return {}
        key = (case.case_ref, as_of)
        if key not in automatic:
            automatic[key] = statuses(case, as_of, self.catalogue)  # the statuses alone: no evidence is kept
        return automatic[key]

    def _line(self, number: int, value: Any, cases: Mapping[str, Case],
              automatic: dict[tuple[str, date], Automatic]) -> tuple[Audit | None, list[str]]:
        line = self._parse(number, value)
        if isinstance(line, list):
            return None, line
        own = self._once(number, line)
        case = cases.get(line.case_ref)
        own.extend(self._person("auditor", line.auditor, Role.auditor))
        if line.submitted_on < line.as_of:
            own.append(f"submitted_on: {line.submitted_on.isoformat()} is before the as-at date "
                       f"{line.as_of.isoformat()}")
        if self.today is not None:
            own.extend(_future_dates(line, self.today))
        for i, action in enumerate(line.actions):
            if action.completed_on is not None and action.completed_on < line.as_of:
                # an action is raised by the audit, so it cannot be done before the audit's date
                own.append(f"actions[{i}].completed_on: {action.completed_on.isoformat()} is before the "
                           f"audit's as-at date {line.as_of.isoformat()}")
        audit = line.to_model(self._automatic(case, line.as_of, automatic), self.catalogue_version)
        own.extend(self._moderation(line, audit, case))
        if case is None:
            own.append(f"case_ref: {line.case_ref!r} is not a known case; "
                       "import it with `caseaudit import cases` first")
            return None, own
        # the rule names the case; on an audit line the field at fault is the auditor
        own.extend(f"auditor: {p.split(': ', 1)[-1]}" for p in auditor_independence(case, line.auditor))
        own.extend(p.in_file() for p in submission_rule_problems(
            audit, case, self.by_type, self.known_users, self.vocabulary, imported=True))
        for field_name, texts in (("notes", line.notes), ("override_reasons", line.override_reasons)):
            for standard in texts:
                if standard not in line.scores:
                    own.append(f"{field_name}.{standard}: there is no score for this standard; "
                               "score it or remove the text")
        if line.moderation is not None and self.by_type is not None:
            ids = self.by_type.ids(case.case_type)
            own.extend(f"moderation.scores.{standard}: not a standard of this audit"
                       for standard in line.moderation.scores if standard not in ids)
        return audit, own

    def _person(self, field: str, username: str, role: Role) -> list[str]:
        """The problem with naming `username` in `field`: not a user, or without `role`."""
        user = self.users.get(username)
        if user is None:
            return [f"{field}: {username!r} is not a known username"]
        if not user.has(role):
            return [f"{field}: {username} does not have the {role.value} role"]
        return []

    def _moderation(self, line: AuditLine, audit: Audit, case: Case | None) -> list[str]:
        m = line.moderation
        if m is None or audit.moderation is None:
            return []
        own: list[str] = []
        own.extend(self._person("moderation.moderator", m.moderator, Role.moderator))
        if m.moderated_on < line.submitted_on:
            own.append(f"moderation.moderated_on: {m.moderated_on.isoformat()} is before the "
                       f"audit was submitted ({line.submitted_on.isoformat()})")
        # the moderator's own rules, as the reconciliation screen applies them
        own.extend(f"moderation.{p.in_file()}"
                   for p in reconciliation_rule_problems(audit, audit.moderation, imported=True))
        if m.final_grade is not None and m.outcome is Outcome.agreed and m.final_grade != line.grade:
            own.append("moderation.final_grade: differs from the audit's grade, "
                       "so the outcome should be grade_changed")
        if case is not None:
            own.extend(f"moderation.moderator: {reason}" for reason in moderator_conflicts(m.moderator, line.auditor, case))
        if m.acknowledged_on is not None and m.acknowledged_on < m.moderated_on:
            own.append("moderation.acknowledged_on: before the moderation date")
        return own
