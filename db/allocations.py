"""Allocations: each month's alloc-v1 allocations, the cases allocated (a case at most once a
month) and the audit started from each."""

from __future__ import annotations

import builtins  # the aggregate's own list() shadows the type in its methods' annotations

import json
import sqlite3
from datetime import date
from typing import Any

from audit_tools.allocation import Allocation
from audit_tools.errors import Refused
from audit_tools.permissions import Op
from audit_tools.models import Audit, Case
from db import rows
from db.errors import NotFound
from db.session import Aggregate


class Allocations(Aggregate):
    # -- what an allocation reads -------------------------------------------------------

    def open_cases(self, day: date) -> list[Case]:
        """Cases open on `day` (started on or before it, not closed before it), without events."""
        found = self.db.execute(
            "SELECT case_ref, case_type, start_date, team, worker, line_manager, closed_date FROM cases "
            "WHERE start_date <= :day AND (closed_date IS NULL OR closed_date >= :day) ORDER BY case_ref",
            {"day": day.isoformat()})
        return [Case(case_ref=r[0], case_type=r[1], start_date=r[2], team=r[3], worker=r[4],
                     line_manager=r[5], closed_date=r[6]) for r in found]

    def submissions(self, start: date, end: date) -> list[tuple[str, date]]:
        """(case_ref, submitted_on) of audits submitted on or after `start` and before `end`."""
        return [(r[0], date.fromisoformat(r[1])) for r in self.db.execute(
            "SELECT case_ref, submitted_on FROM audits WHERE status = 'submitted' "
            "AND submitted_on >= ? AND submitted_on < ? ORDER BY case_ref",
            [start.isoformat(), end.isoformat()])]

    def allocated_refs(self, month: str) -> set[str]:
        """Every case allocated in the month, in any allocation."""
        return {r[0] for r in self.db.execute("SELECT case_ref FROM allocated_cases WHERE month = ?", [month])}

    # -- writing ------------------------------------------------------------------------

    def save(self, allocation: Allocation) -> str:
        """Store an allocation; returns its id ("AL-000001"). A case is allocated once a month."""
        self.session.require(Op.allocate)
        with self.session.transaction():
            allocation_id = f"AL-{self.session.next_number('allocation'):06d}"
            allocation = allocation.model_copy(update={
                "allocation_id": allocation_id,
                "allocated_by": allocation.allocated_by or self.session.actor,
                "allocated_at": allocation.allocated_at or self.session.now().replace(microsecond=0),
            })
            data = allocation.model_dump(mode="json")
            self.db.execute(
                "INSERT INTO allocations (allocation_id, month, seed, algorithm, per_auditor, frame_sha256, "
                "frame_size, allocated_by, allocated_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [allocation_id, allocation.month, allocation.seed, allocation.algorithm, allocation.per_auditor,
                 allocation.frame_sha256, allocation.frame_size, allocation.allocated_by, data["allocated_at"],
                 rows.dumps(data)])
            pairs = [(allocation.month, ref, allocation_id, auditor)
                     for auditor, refs in allocation.allocated.items() for ref in refs]
            taken = sorted(self.allocated_refs(allocation.month) & {p[1] for p in pairs})
            if taken:
                raise Refused(*(f"case {ref}: already allocated in {allocation.month}" for ref in taken))
            try:
                self.db.conn.executemany(
                    "INSERT INTO allocated_cases (month, case_ref, allocation_id, auditor) VALUES (?, ?, ?, ?)", pairs)
            except sqlite3.IntegrityError as err:
                if "UNIQUE" in str(err):
                    raise Refused(f"the allocation gives a case twice in {allocation.month}") from None
                raise NotFound("the allocation names a case that is not in the database") from None
            self.session.record("audits allocated", data)
        return allocation_id

    def link(self, audit: Audit) -> str | None:
        """Link `audit` to the case allocated to its auditor in its as-at month (inside the
        caller's transaction); returns the allocation id when it linked one."""
        month = audit.as_of.strftime("%Y-%m")
        row = self.db.execute(
            "SELECT allocation_id, audit_id FROM allocated_cases WHERE month = ? AND case_ref = ? AND auditor = ?",
            [month, audit.case_ref, audit.auditor]).fetchone()
        if row is None or row[1] == audit.audit_id:
            return None
        if row[1] is not None and self.db.execute("SELECT 1 FROM audits WHERE audit_id = ?", [row[1]]).fetchone():
            return None  # already carried on by another audit of the auditor's
        with self.session.transaction():
            self.db.execute("UPDATE allocated_cases SET audit_id = ? WHERE month = ? AND case_ref = ?",
                            [audit.audit_id, month, audit.case_ref])
            self.session.record("allocated audit started", {
                "allocation_id": row[0], "month": month, "case_ref": audit.case_ref,
                "auditor": audit.auditor, "audit_id": audit.audit_id})
        return str(row[0])

    # -- reading ------------------------------------------------------------------------

    def get(self, allocation_id: str) -> Allocation | None:
        row = self.db.execute("SELECT data FROM allocations WHERE allocation_id = ?", [allocation_id]).fetchone()
        return Allocation.model_validate(json.loads(row[0])) if row else None

    def columns(self, allocation_id: str) -> dict[str, Any] | None:
        """The allocation's own columns as stored (verify compares them with its record)."""
        row = self.db.execute(
            "SELECT month, seed, algorithm, per_auditor, frame_sha256, frame_size FROM allocations "
            "WHERE allocation_id = ?", [allocation_id]).fetchone()
        if row is None:
            return None
        return dict(zip(("month", "seed", "algorithm", "per_auditor", "frame_sha256", "frame_size"), row))

    def list(self, month: str | None = None) -> list[Allocation]:
        sql, params = "SELECT data FROM allocations", []
        if month is not None:
            sql += " WHERE month = ?"
            params.append(month)
        sql += " ORDER BY allocation_id"
        return [Allocation.model_validate(json.loads(r[0])) for r in self.db.execute(sql, params)]

    def rows_of(self, allocation_id: str) -> dict[str, builtins.list[str]]:
        """Auditor -> case refs, as the allocated-case rows hold them now."""
        out: dict[str, list[str]] = {}
        for auditor, ref in self.db.execute(
                "SELECT auditor, case_ref FROM allocated_cases WHERE allocation_id = ? ORDER BY auditor, case_ref",
                [allocation_id]):
            out.setdefault(auditor, []).append(ref)
        return out

    def earlier_refs(self, month: str, allocation_id: str) -> builtins.list[str]:
        """Cases allocated in the month by allocations made before `allocation_id`."""
        return [r[0] for r in self.db.execute(
            "SELECT case_ref FROM allocated_cases WHERE month = ? AND allocation_id < ? ORDER BY case_ref",
            [month, allocation_id])]

    def for_auditor(self, auditor: str, month: str) -> builtins.list[tuple[Any, ...]]:
        """(case_ref, case_type, team, allocation_id, audit_id, status, submitted_on) of the
        auditor's allocated cases in the month; status None while no audit is started."""
        return list(self.db.execute(
            "SELECT l.case_ref, c.case_type, c.team, l.allocation_id, a.audit_id, a.status, a.submitted_on "
            "FROM allocated_cases l JOIN cases c ON c.case_ref = l.case_ref "
            "LEFT JOIN audits a ON a.audit_id = l.audit_id "
            "WHERE l.auditor = ? AND l.month = ? ORDER BY l.case_ref", [auditor, month]))

    def completion(self, first_month: str, last_month: str) -> builtins.list[tuple[Any, ...]]:
        """(auditor, auditor's team, allocated, started, submitted) over the months, counted in SQL."""
        return list(self.db.execute(
            "SELECT l.auditor, u.team, count(*), count(a.audit_id), "
            "sum(CASE WHEN a.status = 'submitted' THEN 1 ELSE 0 END) "
            "FROM allocated_cases l LEFT JOIN users u ON u.username = l.auditor "
            "LEFT JOIN audits a ON a.audit_id = l.audit_id "
            "WHERE l.month >= ? AND l.month <= ? GROUP BY l.auditor ORDER BY l.auditor",
            [first_month, last_month]))
