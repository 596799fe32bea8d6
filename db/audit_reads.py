"""Reading audits: the stored current state of each (never the amendment log re-applied),
whole or as list rows, filtered and paged in SQL, and the counts the quota, the cases list
and the independence rule ask of them. `Audits` (db/audits.py) adds the writes."""

from __future__ import annotations

import builtins  # the aggregate's own list() shadows the type in its methods' annotations

import json
from collections.abc import Iterable
from datetime import date

from audit_tools.errors import BadInput
from audit_tools.models import Audit
from db import rows
from db.rows import PAGE, AuditRow, MyAuditRow
from db.session import Aggregate

COLUMNS = "a.audit_id, a.status, a.data"


class AuditReads(Aggregate):
    def revision(self, audit_id: str) -> int | None:
        row = self.db.execute("SELECT revision FROM audits WHERE audit_id = ?", [audit_id]).fetchone()
        return row[0] if row else None

    def stored_ids(self, audit_ids: Iterable[str]) -> set[str]:
        """Those of `audit_ids` already stored (draft or submitted), asked a chunk at a time."""
        found: set[str] = set()
        for chunk, marks in rows.chunks(sorted(set(audit_ids))):
            found.update(r[0] for r in self.db.execute(
                f"SELECT audit_id FROM audits WHERE audit_id IN ({marks})", chunk))
        return found

    def from_rows(self, found: builtins.list[tuple[str, str, str]], id_query: str,
                  params: builtins.list[object]) -> builtins.list[Audit]:
        """Audits from (audit_id, status, data) rows, with the actions in force and the
        moderation of the same selection loaded in two more queries."""
        if not found:
            return []
        actions: dict[str, builtins.list[dict[str, object]]] = {}
        for r in self.db.execute(
            f"SELECT audit_id, description, owner, due, completed_on, standard FROM actions "
            f"WHERE audit_id IN ({id_query}) ORDER BY audit_id, position", params):
            actions.setdefault(r[0], []).append(
                {"description": r[1], "owner": r[2], "due": r[3], "completed_on": r[4], "standard": r[5]})
        moderations = {r[0]: json.loads(r[1]) for r in self.db.execute(
            f"SELECT audit_id, data FROM moderations WHERE audit_id IN ({id_query})", params)}
        out = []
        for audit_id, status, data in found:
            values = json.loads(data)
            if status == "submitted":
                values["actions"] = actions.get(audit_id, [])
            values["moderation"] = moderations.get(audit_id)
            out.append(Audit.model_validate(values))
        return out

    def get(self, audit_id: str) -> Audit | None:
        found = self.db.execute(f"SELECT {COLUMNS} FROM audits a WHERE a.audit_id = ?", [audit_id]).fetchall()
        audits = self.from_rows(found, "?", [audit_id])
        return audits[0] if audits else None

    def submitted(self, audit_id: str) -> Audit | None:
        """The audit exactly as it was submitted, before any amendment."""
        row = self.db.execute("SELECT data FROM submitted_audits WHERE audit_id = ?", [audit_id]).fetchone()
        return Audit.model_validate(json.loads(row[0])) if row else None

    @staticmethod
    def _filters(submitted_from: date | None, submitted_to: date | None, auditor: str | None,
                 status: str | None, case_ref: str | None, team: str | None = None,
                 moderator: str | None = None) -> tuple[builtins.list[str], builtins.list[object]]:
        where: builtins.list[str] = []
        params: builtins.list[object] = []
        if submitted_from is not None:
            where.append("a.submitted_on >= ?")
            params.append(submitted_from.isoformat())
        if submitted_to is not None:
            where.append("a.submitted_on <= ?")
            params.append(submitted_to.isoformat())
        if auditor is not None:
            where.append("a.auditor = ?")
            params.append(auditor)
        if status is not None:
            if status not in ("draft", "submitted"):
                raise BadInput(f"status: {status!r} is not draft or submitted")
            where.append("a.status = ?")
            params.append(status)
        if case_ref is not None:
            where.append("a.case_ref = ?")
            params.append(case_ref)
        if team is not None:
            where.append("a.case_ref IN (SELECT case_ref FROM cases WHERE team = ?)")
            params.append(team)
        if moderator is not None:
            where.append("a.audit_id IN (SELECT audit_id FROM assignments WHERE moderator = ? "
                         "UNION SELECT audit_id FROM moderations WHERE moderator = ?)")
            params.extend([moderator, moderator])
        return where, params

    def list(self, submitted_from: date | None = None, submitted_to: date | None = None,
             auditor: str | None = None, status: str | None = None, case_ref: str | None = None,
             team: str | None = None) -> builtins.list[Audit]:
        """Whole audits as they stand, by submission date then id; drafts last."""
        where, params = self._filters(submitted_from, submitted_to, auditor, status, case_ref, team)
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        found = self.db.execute(
            f"SELECT {COLUMNS} FROM audits a{clause} "
            "ORDER BY a.submitted_on IS NULL, a.submitted_on, a.audit_id", params).fetchall()
        return self.from_rows(found, f"SELECT a.audit_id FROM audits a{clause}", params)

    def page(self, submitted_from: date | None = None, submitted_to: date | None = None,
             auditor: str | None = None, status: str | None = None, case_ref: str | None = None,
             team: str | None = None, moderator: str | None = None, after: str | None = None,
             limit: int = PAGE) -> builtins.list[AuditRow]:
        """Audit summaries in audit_id order, `limit` at a time after the audit_id `after`."""
        where, params = self._filters(submitted_from, submitted_to, auditor, status, case_ref, team, moderator)
        if after is not None:
            where.append("a.audit_id > ?")
            params.append(after)
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        keys = list(AuditRow.model_fields)
        return [AuditRow(**dict(zip(keys, r))) for r in self.db.execute(
            "SELECT a.audit_id, a.case_ref, a.auditor, a.as_of, a.submitted_on, a.grade, "
            "coalesce(m.final_grade, a.grade), a.status, a.revision, a.saved_by, a.saved_at, c.team, "
            "coalesce(m.moderator, s.moderator) "
            "FROM audits a LEFT JOIN cases c ON c.case_ref = a.case_ref "
            "LEFT JOIN moderations m ON m.audit_id = a.audit_id "
            "LEFT JOIN assignments s ON s.audit_id = a.audit_id"
            f"{clause} ORDER BY a.audit_id LIMIT ?", [*params, limit])]

    def by_auditor(self, auditor: str, limit: int = 200) -> builtins.list[MyAuditRow]:
        """The auditor's submitted audits, newest submission first, each with its moderation
        stage and amendment count (one query, on the audits_by_auditor index)."""
        keys = list(MyAuditRow.model_fields)
        return [MyAuditRow(**dict(zip(keys, r))) for r in self.db.execute(
            "SELECT a.audit_id, a.case_ref, a.as_of, a.submitted_on, a.grade, "
            "coalesce(r.final_grade, m.final_grade, a.grade), coalesce(s.moderator, m.moderator), "
            "m.grade IS NOT NULL, m.outcome, r.audit_id IS NOT NULL, m.acknowledged_on, "
            "(SELECT count(*) FROM amendments x WHERE x.audit_id = a.audit_id), "
            "(SELECT max(at) FROM amendments x WHERE x.audit_id = a.audit_id) "
            "FROM audits a LEFT JOIN moderations m ON m.audit_id = a.audit_id "
            "LEFT JOIN assignments s ON s.audit_id = a.audit_id "
            "LEFT JOIN escalation_resolutions r ON r.audit_id = a.audit_id "
            "WHERE a.auditor = ? AND a.status = 'submitted' "
            "ORDER BY a.submitted_on DESC, a.audit_id DESC LIMIT ?", [auditor, limit])]

    def last_for_case(self, case_ref: str, before: date | None = None, exclude: str | None = None) -> date | None:
        """As-of date of the case's latest submitted audit (on or before `before`)."""
        sql = "SELECT max(as_of) FROM audits WHERE case_ref = ? AND status = 'submitted'"
        params: builtins.list[object] = [case_ref]
        if before is not None:
            sql += " AND as_of <= ?"
            params.append(before.isoformat())
        if exclude is not None:
            sql += " AND audit_id != ?"
            params.append(exclude)
        return rows.day(self.db.execute(sql, params).fetchone()[0])

    def submitted_per_case(self, case_refs: Iterable[str]) -> dict[str, int]:
        """How many submitted audits each of `case_refs` has (cases with none are left out)."""
        out: dict[str, int] = {}
        for chunk, marks in rows.chunks(sorted(set(case_refs))):
            for ref, n in self.db.execute(
                    f"SELECT case_ref, count(*) FROM audits WHERE status = 'submitted' AND case_ref IN ({marks}) "
                    "GROUP BY case_ref", chunk):
                out[ref] = n
        return out

    def count_by_auditor_month(self, start: date, end: date) -> dict[str, dict[str, int]]:
        """Submitted audits outside thematic rounds per auditor per calendar month ("YYYY-MM"),
        submission dates in [start, end]: what the monthly quota counts."""
        out: dict[str, dict[str, int]] = {}
        for auditor, month, n in self.db.execute(
            "SELECT auditor, substr(submitted_on, 1, 7), count(*) FROM audits "
            # a thematic round's audits count toward its round, not the monthly quota; the
            # month's are found by date (+status: not by status, which is nearly every audit)
            "WHERE +status = 'submitted' AND +round_id IS NULL AND submitted_on BETWEEN ? AND ? "
            "GROUP BY 1, 2 ORDER BY 1, 2",
            [start.isoformat(), end.isoformat()]):
            out.setdefault(auditor, {})[month] = n
        return out

    def count_drafts(self, auditor: str) -> int:
        """Drafts the auditor has in progress."""
        return int(self.db.execute("SELECT count(*) FROM audits WHERE auditor = ? AND status = 'draft'",
                                   [auditor]).fetchone()[0])
