"""What an inspection pack reads of a list of cases, a query per table over the cases' index,
each asked a chunk of references at a time."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from db import rows
from db.session import Aggregate


class Packs(Aggregate):
    def _each(self, sql: str, refs: Iterable[str], *more: object) -> list[tuple[Any, ...]]:
        out: list[tuple[Any, ...]] = []
        for chunk, marks in rows.chunks(sorted(set(refs))):
            out += self.db.execute(sql.format(marks=marks), [*chunk, *more]).fetchall()
        return out

    def known(self, refs: Iterable[str]) -> set[str]:
        return {r[0] for r in self._each("SELECT case_ref FROM cases WHERE case_ref IN ({marks})", refs)}

    def moderating(self, refs: Iterable[str]) -> list[tuple[Any, ...]]:
        """(audit_id, moderator, blind re-audit submitted) of every moderation assignment of the
        cases' audits: what the policy needs to keep a blind moderator's pack waiting."""
        return self._each(
            "SELECT s.audit_id, s.moderator, (m.grade IS NOT NULL OR m.moderated_on IS NOT NULL) "
            "FROM assignments s JOIN audits a ON a.audit_id = s.audit_id "
            "LEFT JOIN moderations m ON m.audit_id = s.audit_id WHERE a.case_ref IN ({marks})", refs)

    def audits(self, refs: Iterable[str], as_of: date) -> list[tuple[Any, ...]]:
        """(case_ref, audit_id, as_of, submitted_on, auditor, grade, final grade, round_id, round name)
        of the cases' audits submitted on or before `as_of`."""
        return self._each(
            "SELECT a.case_ref, a.audit_id, a.as_of, a.submitted_on, a.auditor, a.grade, "
            "coalesce(m.final_grade, a.grade), a.round_id, r.name FROM audits a "
            "LEFT JOIN moderations m ON m.audit_id = a.audit_id LEFT JOIN rounds r ON r.round_id = a.round_id "
            "WHERE a.case_ref IN ({marks}) AND a.status = 'submitted' AND a.submitted_on <= ? "
            "ORDER BY a.case_ref, a.submitted_on, a.audit_id", refs, as_of.isoformat())

    def moderations(self, refs: Iterable[str], as_of: date) -> list[tuple[Any, ...]]:
        """(case_ref, audit_id, moderator, moderated_on, grade, outcome, final_grade, reason, feedback)
        of the cases' moderations made on or before `as_of`."""
        return self._each(
            "SELECT a.case_ref, m.audit_id, m.moderator, m.moderated_on, m.grade, m.outcome, m.final_grade, "
            "m.reason, m.feedback FROM moderations m JOIN audits a ON a.audit_id = m.audit_id "
            "WHERE a.case_ref IN ({marks}) AND m.moderated_on IS NOT NULL AND m.moderated_on <= ? "
            "ORDER BY a.case_ref, m.moderated_on, m.audit_id", refs, as_of.isoformat())

    def actions(self, refs: Iterable[str], as_of: date) -> list[tuple[Any, ...]]:
        """(case_ref, audit_id, owner, due, completed_on, standard, description) of the actions in
        force of the cases' audits submitted on or before `as_of`."""
        return self._each(
            "SELECT a.case_ref, x.audit_id, x.owner, x.due, x.completed_on, x.standard, x.description "
            "FROM actions x JOIN audits a ON a.audit_id = x.audit_id "
            "WHERE a.case_ref IN ({marks}) AND a.status = 'submitted' AND a.submitted_on <= ? "
            "ORDER BY a.case_ref, x.due IS NULL, x.due, x.id", refs, as_of.isoformat())

    def notes(self, refs: Iterable[str], as_of: date) -> list[tuple[Any, ...]]:
        """(case_ref, audit_id, standard, note) of the evidence notes of the cases' audits."""
        return self._each(
            "SELECT a.case_ref, s.audit_id, s.standard, s.note FROM scores s JOIN audits a ON a.audit_id = s.audit_id "
            "WHERE a.case_ref IN ({marks}) AND a.status = 'submitted' AND a.submitted_on <= ? "
            "AND coalesce(s.note, '') != '' ORDER BY a.case_ref, s.audit_id, s.standard", refs, as_of.isoformat())

    def concerns(self, refs: Iterable[str], as_of: date) -> list[tuple[Any, ...]]:
        """(case_ref, concern_id, audit_id, raised_by, raised_at, acknowledged_at, closed_at, found,
        should_happen, action_taken) of the concerns raised on the cases on or before `as_of`."""
        return self._each(
            "SELECT case_ref, concern_id, audit_id, raised_by, raised_at, acknowledged_at, closed_at, found, "
            "should_happen, action_taken FROM concerns WHERE case_ref IN ({marks}) AND substr(raised_at, 1, 10) <= ? "
            "ORDER BY case_ref, raised_at, concern_id", refs, as_of.isoformat())
