"""Rounds: thematic audit rounds (round-v1) with their frame, selection and assignment as
made, and the answers of submitted round audits."""

from __future__ import annotations

import builtins  # the aggregate's own list() shadows the type in its methods' annotations

import json
import sqlite3
from datetime import date
from typing import Any

from audit_tools.errors import Refused
from audit_tools.models import Audit, Case, Event
from audit_tools.permissions import Op
from audit_tools.rounds import Filters, QuestionSet, Round, Selected, event_window
from db import projection, rows
from db.errors import NotFound
from db.session import Aggregate

ROUND_COLUMNS = ("round_id, name, date, algorithm, seed, size, frame_sha256, frame_size, shortfall, "
                 "score_standards, grade, filters, auditors, questions, created_by, created_at")


class Rounds(Aggregate):
    # -- what a round is made from ------------------------------------------------------

    def candidate_cases(self, day: date, filters: Filters) -> list[Case]:
        """Cases open on `day` narrowed in SQL by the filters, each with the events of the
        event filter's kind inside its window (round-v1 decides the frame from these)."""
        where = ["start_date <= :day", "(closed_date IS NULL OR closed_date >= :day)"]
        params: dict[str, object] = {"day": day.isoformat()}
        if filters.case_types:
            where.append("case_type IN (SELECT value FROM json_each(:types))")
            params["types"] = json.dumps([t.value for t in filters.case_types])
        if filters.teams:
            where.append("team IN (SELECT value FROM json_each(:teams))")
            params["teams"] = json.dumps(filters.teams)
        events: dict[str, list[Event]] = {}
        if filters.with_event is not None:
            start, end = event_window(day, filters.with_event.within)
            params.update(kind=filters.with_event.kind.value, start=start.isoformat(), end=end.isoformat())
            where.append("case_ref IN (SELECT case_ref FROM case_events WHERE kind = :kind "
                         "AND date >= :start AND date <= :end)")
            for ref, when in self.db.execute(
                    "SELECT case_ref, date FROM case_events WHERE kind = :kind AND date >= :start AND date <= :end",
                    params):
                events.setdefault(ref, []).append(Event(kind=filters.with_event.kind, date=when))
        found = self.db.execute(
            "SELECT case_ref, case_type, start_date, team, worker, line_manager, closed_date FROM cases "
            f"WHERE {' AND '.join(where)} ORDER BY case_ref", params)
        return [Case(case_ref=r[0], case_type=r[1], start_date=r[2], team=r[3], worker=r[4], line_manager=r[5],
                     closed_date=r[6], events=events.get(r[0], [])) for r in found]

    # -- writing ------------------------------------------------------------------------

    def save(self, made: Round) -> str:
        """Store a round; returns its id ("R-000001")."""
        self.session.require(Op.create_round)
        with self.session.transaction():
            round_id = f"R-{self.session.next_number('round'):06d}"
            made = made.model_copy(update={
                "round_id": round_id,
                "created_by": made.created_by or self.session.actor,
                "created_at": made.created_at or self.session.now().replace(microsecond=0),
            })
            data = made.model_dump(mode="json")
            self.db.execute(
                f"INSERT INTO rounds ({ROUND_COLUMNS}) VALUES ({', '.join('?' * 16)})",
                [round_id, made.name, data["date"], made.algorithm, made.seed, made.size, made.frame_sha256,
                 made.frame_size, made.shortfall, int(made.score_standards), int(made.grade),
                 rows.dumps(data["filters"]), rows.dumps(made.auditors), rows.dumps(data["questions"]),
                 made.created_by, data["created_at"]])
            self.db.conn.executemany("INSERT INTO round_frame (round_id, case_ref) VALUES (?, ?)",
                                     [(round_id, ref) for ref in made.frame])
            try:
                self.db.conn.executemany(
                    "INSERT INTO round_cases (round_id, rank, case_ref, auditor, worker, line_manager) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [(round_id, rank, s.case_ref, s.auditor, s.worker, s.line_manager)
                     for rank, s in enumerate(made.selected, start=1)])
            except sqlite3.IntegrityError:
                raise NotFound("the round names a case that is not in the database") from None
            self.session.record("round created", data)
        return round_id

    # -- reading ------------------------------------------------------------------------

    def get(self, round_id: str) -> Round | None:
        """The round as its rows hold it now (frame and selection from their own tables)."""
        row = self.db.execute(f"SELECT {ROUND_COLUMNS} FROM rounds WHERE round_id = ?", [round_id]).fetchone()
        if row is None:
            return None
        frame = [r[0] for r in self.db.execute(
            "SELECT case_ref FROM round_frame WHERE round_id = ? ORDER BY case_ref", [round_id])]
        selected = [Selected(case_ref=r[0], auditor=r[1], worker=r[2], line_manager=r[3]) for r in self.db.execute(
            "SELECT case_ref, auditor, worker, line_manager FROM round_cases WHERE round_id = ? ORDER BY rank",
            [round_id])]
        return Round(round_id=row[0], name=row[1], date=row[2], algorithm=row[3], seed=row[4], size=row[5],
                     frame_sha256=row[6], shortfall=row[8], score_standards=bool(row[9]), grade=bool(row[10]),
                     filters=Filters.model_validate(json.loads(row[11])), auditors=json.loads(row[12]),
                     questions=QuestionSet.model_validate(json.loads(row[13])), created_by=row[14],
                     created_at=row[15], frame=frame, selected=selected)

    def frame_size_column(self, round_id: str) -> int | None:
        row = self.db.execute("SELECT frame_size FROM rounds WHERE round_id = ?", [round_id]).fetchone()
        return row[0] if row else None

    def recorded(self, round_id: str) -> dict[str, Any] | None:
        """The round as the history entry that created it recorded it."""
        row = self.db.execute(
            "SELECT details FROM history WHERE what = 'round created' "
            "AND json_extract(details, '$.round_id') = ? ORDER BY id LIMIT 1", [round_id]).fetchone()
        return json.loads(row[0]) if row else None

    def list(self) -> builtins.list[tuple[Any, ...]]:
        """(round_id, name, date, size, selected, submitted) of every round, newest first."""
        return list(self.db.execute(
            "SELECT r.round_id, r.name, r.date, r.size, "
            "(SELECT count(*) FROM round_cases c WHERE c.round_id = r.round_id), "
            "(SELECT count(*) FROM audits a WHERE a.round_id = r.round_id AND a.status = 'submitted') "
            "FROM rounds r ORDER BY r.round_id DESC"))

    def case_in_round(self, round_id: str, case_ref: str) -> tuple[str | None] | None:
        """(auditor,) of a case selected in the round, None when it is not selected."""
        row = self.db.execute("SELECT auditor FROM round_cases WHERE round_id = ? AND case_ref = ?",
                              [round_id, case_ref]).fetchone()
        return (row[0],) if row else None

    def for_auditor(self, auditor: str, limit: int = 50) -> builtins.list[tuple[Any, ...]]:
        """(round_id, round name, case_ref, case_type, team, audit_id, status, submitted_on) of the
        round cases assigned to `auditor` in the rounds where they still have one to submit,
        newest round first; status None while not started. A finished round drops off."""
        return list(self.db.execute(
            "SELECT r.round_id, r.name, c.case_ref, k.case_type, k.team, a.audit_id, a.status, a.submitted_on "
            "FROM round_cases c JOIN rounds r ON r.round_id = c.round_id "
            "JOIN cases k ON k.case_ref = c.case_ref "
            "LEFT JOIN audits a ON a.round_id = c.round_id AND a.case_ref = c.case_ref AND a.auditor = c.auditor "
            "WHERE c.auditor = :auditor AND EXISTS (SELECT 1 FROM round_cases o WHERE o.round_id = c.round_id "
            "AND o.auditor = :auditor AND NOT EXISTS (SELECT 1 FROM audits d WHERE d.round_id = o.round_id "
            "AND d.case_ref = o.case_ref AND d.auditor = o.auditor AND d.status = 'submitted')) "
            "ORDER BY r.round_id DESC, c.rank LIMIT :limit", {"auditor": auditor, "limit": limit}))

    def progress(self, round_id: str) -> builtins.list[tuple[Any, ...]]:
        """(auditor, selected, started, submitted) per auditor of the round (NULL: no auditor)."""
        return list(self.db.execute(
            "SELECT c.auditor, count(*), count(a.audit_id), "
            "coalesce(sum(CASE WHEN a.status = 'submitted' THEN 1 ELSE 0 END), 0) "
            "FROM round_cases c LEFT JOIN audits a "
            "ON a.round_id = c.round_id AND a.case_ref = c.case_ref AND a.auditor = c.auditor "
            "WHERE c.round_id = ? GROUP BY c.auditor ORDER BY c.auditor IS NULL, c.auditor", [round_id]))

    def answer_counts(self, round_id: str) -> builtins.list[tuple[Any, ...]]:
        """(question, team, answer, n) over the round's submitted audits, counted in SQL."""
        return list(self.db.execute(
            "SELECT w.question, k.team, w.answer, count(*) FROM round_answers w "
            "JOIN audits a ON a.audit_id = w.audit_id JOIN cases k ON k.case_ref = a.case_ref "
            "WHERE w.round_id = ? AND a.status = 'submitted' GROUP BY w.question, k.team, w.answer",
            [round_id]))

    def comments(self, round_id: str) -> builtins.list[tuple[Any, ...]]:
        """(question, audit_id, case_ref, answer, comment) of the round's submitted audits' comments."""
        return list(self.db.execute(
            "SELECT w.question, w.audit_id, a.case_ref, w.answer, w.comment FROM round_answers w "
            "JOIN audits a ON a.audit_id = w.audit_id "
            "WHERE w.round_id = ? AND a.status = 'submitted' AND coalesce(w.comment, '') != '' "
            "ORDER BY w.question, w.audit_id", [round_id]))

    def standard_counts(self, round_id: str) -> builtins.list[tuple[Any, ...]]:
        """(standard, status, n) of the round's submitted audits' scores, counted in SQL."""
        return list(self.db.execute(
            "SELECT s.standard, s.status, count(*) FROM audits a JOIN scores s ON s.audit_id = a.audit_id "
            "WHERE a.round_id = ? AND a.status = 'submitted' GROUP BY s.standard, s.status", [round_id]))

    def grade_counts(self, round_id: str) -> builtins.list[tuple[Any, ...]]:
        """(final grade, n) of the round's submitted audits (a moderator's final grade wins)."""
        return list(self.db.execute(
            "SELECT coalesce(m.final_grade, a.grade), count(*) FROM audits a "
            "LEFT JOIN moderations m ON m.audit_id = a.audit_id "
            "WHERE a.round_id = ? AND a.status = 'submitted' AND coalesce(m.final_grade, a.grade) IS NOT NULL "
            "GROUP BY 1", [round_id]))

    def audited_count(self, round_id: str) -> int:
        """Selected cases with a submitted round audit by their auditor."""
        return int(self.db.execute(
            "SELECT count(*) FROM round_cases c WHERE c.round_id = ? AND EXISTS (SELECT 1 FROM audits a "
            "WHERE a.round_id = c.round_id AND a.case_ref = c.case_ref AND a.status = 'submitted')",
            [round_id]).fetchone()[0])

    def moderating(self, round_id: str) -> builtins.list[tuple[Any, ...]]:
        """(audit_id, moderator, blind re-audit submitted) of the round's audits assigned for moderation."""
        return list(self.db.execute(
            "SELECT s.audit_id, s.moderator, (m.grade IS NOT NULL OR m.moderated_on IS NOT NULL) "
            "FROM assignments s JOIN audits a ON a.audit_id = s.audit_id "
            "LEFT JOIN moderations m ON m.audit_id = s.audit_id WHERE a.round_id = ?", [round_id]))

    def submitted_audit_ids(self, round_id: str) -> builtins.list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT audit_id FROM audits WHERE round_id = ? AND status = 'submitted' ORDER BY audit_id",
            [round_id])]

    def write_answers(self, audit_id: str, round_id: str, answers: dict[str, Any]) -> None:
        """A submitted round audit's answers, inside the submission's transaction."""
        projection.write_answers(self.db, audit_id, round_id, answers)

    def of_audit(self, audit: Audit) -> Round:
        """The round a round audit belongs to, refused unless the round gave its case to its auditor."""
        made = self.get(audit.round_id) if audit.round_id is not None else None
        if made is None or audit.round_id is None:
            raise NotFound(f"round {audit.round_id}: not in the database")
        self.refuse_unless_selected(audit.round_id, audit.case_ref, audit.auditor)
        return made

    def refuse_unless_selected(self, round_id: str, case_ref: str, auditor: str) -> None:
        row = self.case_in_round(round_id, case_ref)
        if row is None:
            raise Refused(f"round {round_id}: case {case_ref} is not one of its cases")
        if row[0] != auditor:
            raise Refused(f"round {round_id}: case {case_ref} is {row[0] or 'nobody'}'s to audit, not {auditor}'s")
