"""Reports: the counting and grouping behind the themes report, agreement and sampling.

SQL counts and groups over the stored current state of each audit (audits, scores,
audit_themes, actions, moderations); the rows returned are small and plain, and
`audit_tools` shapes them. An audit belongs to the quarter of its `submitted_on`.

`+a.status` keeps SQLite on `audits_by_submitted` (the quarter's date range) rather than
the status index, which would read every submitted audit of every quarter.
"""

from __future__ import annotations

from datetime import date

from db.session import Aggregate

# The quarter's submitted audits; every query below starts here, by submission date.
IN_QUARTER = "a.submitted_on BETWEEN :start AND :end AND +a.status = 'submitted'"

_TEAM = "coalesce(nullif(c.team, ''), 'unallocated')"

# (what, SQL) of each report query, for EXPLAIN QUERY PLAN (db.maintenance.report_plans).
QUERIES: dict[str, str] = {
    "audits by team": (
        f"SELECT {_TEAM}, count(*) FROM audits a LEFT JOIN cases c ON c.case_ref = a.case_ref "
        f"WHERE {IN_QUARTER} GROUP BY 1"),
    "audits by auditor": f"SELECT a.auditor, count(*) FROM audits a WHERE {IN_QUARTER} GROUP BY 1",
    "final grades": (
        "SELECT coalesce(m.final_grade, a.grade), count(*) FROM audits a "
        f"LEFT JOIN moderations m ON m.audit_id = a.audit_id WHERE {IN_QUARTER} GROUP BY 1"),
    "scores by standard": (
        "SELECT s.standard, s.status, count(*) FROM audits a JOIN scores s ON s.audit_id = a.audit_id "
        f"WHERE {IN_QUARTER} AND s.status IS NOT NULL GROUP BY 1, 2"),
    "themes": (
        "SELECT t.theme, t.kind, count(*) FROM audits a JOIN audit_themes t ON t.audit_id = a.audit_id "
        f"WHERE {IN_QUARTER} GROUP BY 1, 2"),
    "moderation pairs": (
        "SELECT a.auditor, a.grade, m.grade, count(*) FROM audits a "
        "JOIN moderations m ON m.audit_id = a.audit_id "
        f"WHERE {IN_QUARTER} AND a.grade IS NOT NULL AND m.grade IS NOT NULL GROUP BY 1, 2, 3"),
    "agreement by standard": (
        # CROSS JOIN holds the order: the quarter's audits first, not every score by standard.
        "SELECT s.standard, count(*), sum(s.status = j.value) FROM audits a "
        "CROSS JOIN moderations m ON m.audit_id = a.audit_id "
        "CROSS JOIN scores s ON s.audit_id = a.audit_id "
        "CROSS JOIN json_each(m.data, '$.scores') j ON j.key = s.standard "
        f"WHERE {IN_QUARTER} AND a.grade IS NOT NULL AND m.grade IS NOT NULL AND s.status IS NOT NULL "
        "GROUP BY 1"),
    "sampled": (
        "SELECT count(*) FROM audits a JOIN sample_members sm ON sm.audit_id = a.audit_id "
        f"WHERE {IN_QUARTER}"),
    "actions": (
        "SELECT count(*), "
        "coalesce(sum(x.completed_on <= :end), 0), "
        "coalesce(sum(x.completed_on <= :end AND x.due IS NOT NULL AND x.completed_on <= x.due), 0), "
        "coalesce(sum(x.completed_on IS NULL OR x.completed_on > :end), 0), "
        "coalesce(sum((x.completed_on IS NULL OR x.completed_on > :end) AND x.due < :end), 0) "
        f"FROM audits a JOIN actions x ON x.audit_id = a.audit_id WHERE {IN_QUARTER}"),
    "overrides": (
        "SELECT count(*), coalesce(sum(s.status != s.automatic_status), 0) FROM audits a "
        "JOIN scores s ON s.audit_id = a.audit_id "
        f"WHERE {IN_QUARTER} AND s.status IS NOT NULL AND s.automatic_status IS NOT NULL "
        "AND NOT coalesce(json_extract(a.data, '$.imported'), 0)"),
    "audit list": (
        f"SELECT a.audit_id, a.case_ref, a.auditor, {_TEAM}, a.submitted_on, a.grade, "
        "coalesce(m.final_grade, a.grade), m.grade IS NOT NULL FROM audits a "
        "LEFT JOIN cases c ON c.case_ref = a.case_ref LEFT JOIN moderations m ON m.audit_id = a.audit_id "
        f"WHERE {IN_QUARTER} ORDER BY a.submitted_on, a.audit_id"),
    "action list": (
        "SELECT a.audit_id, a.case_ref, x.standard, x.owner, x.due, x.completed_on, x.description "
        "FROM audits a JOIN actions x ON x.audit_id = a.audit_id "
        f"WHERE {IN_QUARTER} ORDER BY a.submitted_on, a.audit_id, x.position"),
    # Free text, only with include_notes: in the order the audit's stored JSON keeps it.
    "notes": (
        "SELECT audit_id, case_ref, source, topic, text FROM ("
        "SELECT a.submitted_on AS o1, a.audit_id, a.case_ref, 'auditor' AS source, j.key AS topic, "
        "j.value AS text, 0 AS o2, j.id AS o3 FROM audits a JOIN json_each(a.data, '$.notes') j "
        f"WHERE {IN_QUARTER} "
        "UNION ALL SELECT a.submitted_on, a.audit_id, a.case_ref, 'auditor', 'override of ' || j.key, "
        "j.value, 1, j.id FROM audits a JOIN json_each(a.data, '$.override_reasons') j "
        f"WHERE {IN_QUARTER} "
        "UNION ALL SELECT a.submitted_on, a.audit_id, a.case_ref, 'moderator', j.key, j.value, 2, j.id "
        "FROM audits a JOIN moderations m ON m.audit_id = a.audit_id JOIN json_each(m.data, '$.notes') j "
        f"WHERE {IN_QUARTER} "
        "UNION ALL SELECT a.submitted_on, a.audit_id, a.case_ref, 'moderator', 'reason', "
        "json_extract(m.data, '$.reason'), 3, 0 FROM audits a JOIN moderations m ON m.audit_id = a.audit_id "
        f"WHERE {IN_QUARTER} AND coalesce(json_extract(m.data, '$.reason'), '') != '' "
        "UNION ALL SELECT a.submitted_on, a.audit_id, a.case_ref, 'moderator', 'feedback', "
        "json_extract(m.data, '$.feedback'), 4, 0 FROM audits a JOIN moderations m ON m.audit_id = a.audit_id "
        f"WHERE {IN_QUARTER} AND coalesce(json_extract(m.data, '$.feedback'), '') != '' "
        ") ORDER BY o1, audit_id, o2, o3"),
    "sample frame": (
        "SELECT a.audit_id, a.case_ref, a.auditor, a.as_of, a.submitted_on FROM audits a "
        f"WHERE {IN_QUARTER} "
        "AND NOT EXISTS (SELECT 1 FROM moderations m WHERE m.audit_id = a.audit_id) "
        "AND NOT EXISTS (SELECT 1 FROM sample_members sm WHERE sm.audit_id = a.audit_id) "
        "ORDER BY a.audit_id"),
    "sample progress": (
        "SELECT a.audit_id, a.case_ref, a.auditor, m.moderator, s.moderator, m.grade, m.outcome, "
        "m.acknowledged_on, r.audit_id IS NOT NULL FROM samples p "
        "JOIN sample_members sm ON sm.sample_id = p.sample_id "
        "JOIN audits a ON a.audit_id = sm.audit_id "
        "LEFT JOIN moderations m ON m.audit_id = a.audit_id "
        "LEFT JOIN assignments s ON s.audit_id = a.audit_id "
        "LEFT JOIN escalation_resolutions r ON r.audit_id = a.audit_id "
        "WHERE p.quarter = :quarter ORDER BY a.audit_id"),
}


def _span(start: date, end: date) -> dict[str, str]:
    return {"start": start.isoformat(), "end": end.isoformat()}


class Reports(Aggregate):
    """Read-only: grouped figures and plain rows for one quarter (start and end inclusive)."""

    def _rows(self, what: str, params: dict) -> list[tuple]:
        return self.db.execute(QUERIES[what], params).fetchall()

    def quarter_counts(self, start: date, end: date) -> dict[str, object]:
        """Every grouped count of the themes report for one quarter, as plain rows."""
        span = _span(start, end)
        return {
            "by_team": self._rows("audits by team", span),
            "by_auditor": self._rows("audits by auditor", span),
            "final_grades": self._rows("final grades", span),
            "scores": self._rows("scores by standard", span),
            "themes": self._rows("themes", span),
            "pairs": self._rows("moderation pairs", span),
            "sampled": self._rows("sampled", span)[0][0],
            "actions": self._rows("actions", span)[0],
            "overrides": self._rows("overrides", span)[0],
        }

    def agreement_rows(self, start: date, end: date) -> tuple[list[tuple], list[tuple]]:
        """(auditor, grade, moderator's grade, pairs) and (standard, pairs, agreed) of the quarter."""
        span = _span(start, end)
        return self._rows("moderation pairs", span), self._rows("agreement by standard", span)

    def audit_list(self, start: date, end: date) -> list[tuple]:
        return self._rows("audit list", _span(start, end))

    def action_list(self, start: date, end: date) -> list[tuple]:
        return self._rows("action list", _span(start, end))

    def notes(self, start: date, end: date) -> list[tuple]:
        return self._rows("notes", _span(start, end))

    def sample_frame(self, start: date, end: date) -> list[tuple]:
        """(audit_id, case_ref, auditor, as_of, submitted_on) of the quarter's unmoderated,
        unsampled audits, by audit id."""
        return self._rows("sample frame", _span(start, end))

    def sample_progress(self, quarter: str) -> list[tuple]:
        """Each audit in a sample of the quarter with its assignment, moderation and resolution."""
        return self._rows("sample progress", {"quarter": quarter})

    def query_plans(self) -> list[tuple[str, str]]:
        """(what, how SQLite runs it) for each report query, from EXPLAIN QUERY PLAN."""
        params = {"start": "2024-10-01", "end": "2024-12-31", "quarter": "2024-25-Q3"}
        return [(what, "; ".join(r[3] for r in self.db.execute("EXPLAIN QUERY PLAN " + sql, params)))
                for what, sql in QUERIES.items()]
