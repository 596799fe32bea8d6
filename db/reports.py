"""Reports: the counting and grouping behind the themes report, agreement and sampling.

SQL counts and groups over the stored current state of each audit (audits, scores,
audit_themes, actions, moderations); the rows returned are small and plain, and
`audit_tools` shapes them. An audit belongs to the quarter of its `submitted_on`.

`+a.status` keeps SQLite on `audits_by_submitted` (the quarter's date range) rather than
the status index, which would read every submitted audit of every quarter.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from db.session import Aggregate

# The quarter's submitted audits; every query below starts here, by submission date.
# A thematic round's audits are reported in their round only (product.md "Thematic audits");
# `+a.round_id` keeps SQLite off audits_by_round, which would read every audit outside a round.
IN_QUARTER = "a.submitted_on BETWEEN :start AND :end AND +a.status = 'submitted' AND +a.round_id IS NULL"

BOTH_QUARTERS = ("a.submitted_on BETWEEN :previous_start AND :end AND +a.status = 'submitted' "
                 "AND +a.round_id IS NULL")

# An audit imported from earlier records: the term, exactly as the partial index
# audits_imported_for_reports (m193) is defined, so SQLite reads that index and no audit row.
IMPORTED = "json_extract(a.data, '$.imported')"
IMPORTED_IDS = ("SELECT i.audit_id FROM audits i "
                "WHERE i.submitted_on BETWEEN :previous_start AND :end AND json_extract(i.data, '$.imported')")

_TEAM = "coalesce(nullif(c.team, ''), 'unallocated')"

# The one definition of each moderation figure of a quarter (docs/moderation.md, "The
# quarter's moderation figures"), over `audits a LEFT JOIN moderations m LEFT JOIN
# sample_members sm`. Every query, screen and export counts with these and no other.
SAMPLED = "sm.audit_id IS NOT NULL"
# A blind re-audit is stored with its grade, beside the auditor's grade: an agreement pair.
MODERATED = "a.grade IS NOT NULL AND m.grade IS NOT NULL"
RECONCILED = f"{MODERATED} AND m.outcome IS NOT NULL"

# (what, SQL) of each report query, for EXPLAIN QUERY PLAN (db.maintenance.report_plans).
QUERIES: dict[str, str] = {
    # The counts of the themes report read the quarter and the one before it in one pass
    # each: `this` is 1 for the quarter, 0 for the previous one.
    "audits grouped": (
        f"SELECT a.submitted_on >= :start AS this, {_TEAM}, a.auditor, coalesce(m.final_grade, a.grade), "
        f"CASE WHEN {MODERATED} THEN a.grade END, CASE WHEN {MODERATED} THEN m.grade END, "
        "count(*) FROM audits a LEFT JOIN cases c ON c.case_ref = a.case_ref "
        "LEFT JOIN moderations m ON m.audit_id = a.audit_id "
        f"WHERE {BOTH_QUARTERS} GROUP BY 1, 2, 3, 4, 5, 6"),
    # The quarter's (and the previous one's) moderation figures: the one query every screen
    # and export reads them from.
    "moderation figures": (
        f"SELECT a.submitted_on >= :start AS this, coalesce(sum({SAMPLED}), 0), "
        f"coalesce(sum({MODERATED}), 0), coalesce(sum({RECONCILED}), 0), "
        f"coalesce(sum({SAMPLED} AND {MODERATED}), 0) FROM audits a "
        "LEFT JOIN moderations m ON m.audit_id = a.audit_id "
        "LEFT JOIN sample_members sm ON sm.audit_id = a.audit_id "
        f"WHERE {BOTH_QUARTERS} GROUP BY 1"),
    # Imported audits are no one's override; `imported` is read once per audit, not per score,
    # from the imported audits' own index (m193), never from an audit's row.
    "scores grouped": (
        "WITH q AS MATERIALIZED (SELECT a.audit_id, a.submitted_on >= :start AS this, "
        f"a.audit_id IN ({IMPORTED_IDS}) AS imported FROM audits a "
        f"WHERE {BOTH_QUARTERS}) "
        "SELECT q.this, s.standard, s.status, count(*), "
        "coalesce(sum(s.automatic_status IS NOT NULL AND NOT q.imported), 0), "
        "coalesce(sum(s.automatic_status IS NOT NULL AND NOT q.imported AND s.status != s.automatic_status), 0) "
        "FROM q JOIN scores s ON s.audit_id = q.audit_id WHERE s.status IS NOT NULL GROUP BY 1, 2, 3"),
    # Audits imported from earlier records: scored with no automatic status in sight, so
    # outside the override figures, which say how many they leave out.
    "imported audits": (
        "SELECT a.submitted_on >= :start, count(*) FROM audits a "
        f"WHERE {BOTH_QUARTERS} AND {IMPORTED} GROUP BY 1"),
    "themes grouped": (
        "SELECT a.submitted_on >= :start, t.theme, t.kind, count(*) FROM audits a "
        f"JOIN audit_themes t ON t.audit_id = a.audit_id WHERE {BOTH_QUARTERS} GROUP BY 1, 2, 3"),
    # Each quarter's actions are judged as at that quarter's own last day.
    "actions grouped": (
        "SELECT this, count(*), "
        "coalesce(sum(completed_on <= as_at), 0), "
        "coalesce(sum(completed_on <= as_at AND due IS NOT NULL AND completed_on <= due), 0), "
        "coalesce(sum(completed_on IS NULL OR completed_on > as_at), 0), "
        "coalesce(sum((completed_on IS NULL OR completed_on > as_at) AND due < as_at), 0) "
        "FROM (SELECT a.submitted_on >= :start AS this, "
        "CASE WHEN a.submitted_on >= :start THEN :end ELSE :previous_end END AS as_at, "
        "x.completed_on, x.due FROM audits a JOIN actions x ON x.audit_id = a.audit_id "
        f"WHERE {BOTH_QUARTERS}) GROUP BY 1"),
    "moderation pairs": (
        "SELECT a.auditor, a.grade, m.grade, count(*) FROM audits a "
        "JOIN moderations m ON m.audit_id = a.audit_id "
        f"WHERE {IN_QUARTER} AND {MODERATED} GROUP BY 1, 2, 3"),
    "agreement by standard": (
        # CROSS JOIN holds the order: the quarter's audits first, not every score by standard.
        "SELECT s.standard, count(*), sum(s.status = j.value) FROM audits a "
        "CROSS JOIN moderations m ON m.audit_id = a.audit_id "
        "CROSS JOIN scores s ON s.audit_id = a.audit_id "
        "CROSS JOIN json_each(m.data, '$.scores') j ON j.key = s.standard "
        f"WHERE {IN_QUARTER} AND {MODERATED} AND s.status IS NOT NULL "
        "GROUP BY 1"),
    # The detail lists in audits_for_reports' order (status is one value here): that index
    # holds every column they read of an audit, so no audit row is read.
    "audit list": (
        f"SELECT a.audit_id, a.case_ref, a.auditor, {_TEAM}, a.submitted_on, a.grade, "
        "coalesce(m.final_grade, a.grade), m.grade IS NOT NULL FROM audits a "
        "LEFT JOIN cases c ON c.case_ref = a.case_ref LEFT JOIN moderations m ON m.audit_id = a.audit_id "
        f"WHERE {IN_QUARTER} ORDER BY a.submitted_on, a.status, a.audit_id"),
    "action list": (
        "SELECT a.audit_id, a.case_ref, x.standard, x.owner, x.due, x.completed_on, x.description "
        "FROM audits a JOIN actions x ON x.audit_id = a.audit_id "
        f"WHERE {IN_QUARTER} ORDER BY a.submitted_on, a.status, a.audit_id, x.position"),
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

    def _rows(self, what: str, params: dict[str, str]) -> list[tuple[Any, ...]]:
        found: list[tuple[Any, ...]] = self.db.execute(QUERIES[what], params).fetchall()
        return found

    def quarter_counts(self, previous_start: date, start: date, end: date) -> tuple[dict[str, Any], dict[str, Any]]:
        """Every grouped count of the themes report, for the quarter [start, end] and the one
        before it [previous_start, start), as audit_tools.themes.QuarterCounts fields."""
        params = {"previous_start": previous_start.isoformat(), "start": start.isoformat(),
                  "end": end.isoformat(), "previous_end": (start - timedelta(days=1)).isoformat()}
        counts: dict[int, dict[str, Any]] = {flag: {"by_team": Counter(), "by_auditor": Counter(), "final_grades": Counter(),
                         "pairs": Counter(), "moderation": (0, 0, 0, 0), "scores": [], "themes": [],
                         "actions": (0, 0, 0, 0, 0), "overrides": [0, 0], "imported": 0} for flag in (1, 0)}
        # Fold the small groups (team x auditor x grades) into each figure's own counts.
        for this, team, auditor, final, grade, theirs, n in self._rows("audits grouped", params):
            c = counts[this]
            c["by_team"][team] += n
            c["by_auditor"][auditor] += n
            c["final_grades"][final] += n
            if theirs is not None:
                c["pairs"][(auditor, grade, theirs)] += n
        for this, *figures in self._rows("moderation figures", params):
            counts[this]["moderation"] = tuple(figures)
        for this, standard, status, n, automatic, overridden in self._rows("scores grouped", params):
            counts[this]["scores"].append((standard, status, n))
            counts[this]["overrides"][0] += automatic
            counts[this]["overrides"][1] += overridden
        for this, n in self._rows("imported audits", params):
            counts[this]["imported"] = n
        for this, theme, kind, n in self._rows("themes grouped", params):
            counts[this]["themes"].append((theme, kind, n))
        for this, *figures in self._rows("actions grouped", params):
            counts[this]["actions"] = tuple(figures)
        out: list[dict[str, Any]] = []
        for flag in (1, 0):
            c = counts[flag]
            out.append({**c, "by_team": sorted(c["by_team"].items()), "by_auditor": sorted(c["by_auditor"].items()),
                        "final_grades": sorted(c["final_grades"].items(), key=lambda kv: str(kv[0])),
                        "pairs": [(*k, n) for k, n in sorted(c["pairs"].items())],
                        "overrides": tuple(c["overrides"])})
        return out[0], out[1]

    def moderation_figures(self, start: date, end: date) -> tuple[int, int, int, int]:
        """(sampled, moderated, reconciled, moderated of the sample) of the quarter [start, end]:
        the same query and definitions as the themes report's moderation figures."""
        params = {"previous_start": start.isoformat(), "start": start.isoformat(), "end": end.isoformat()}
        rows = self._rows("moderation figures", params)
        return tuple(rows[0][1:]) if rows else (0, 0, 0, 0)

    def agreement_rows(self, start: date, end: date) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """(auditor, grade, moderator's grade, pairs) and (standard, pairs, agreed) of the quarter."""
        span = _span(start, end)
        return self._rows("moderation pairs", span), self._rows("agreement by standard", span)

    def audit_list(self, start: date, end: date) -> list[tuple[Any, ...]]:
        return self._rows("audit list", _span(start, end))

    def action_list(self, start: date, end: date) -> list[tuple[Any, ...]]:
        return self._rows("action list", _span(start, end))

    def notes(self, start: date, end: date) -> list[tuple[Any, ...]]:
        return self._rows("notes", _span(start, end))

    def sample_frame(self, start: date, end: date) -> list[tuple[Any, ...]]:
        """(audit_id, case_ref, auditor, as_of, submitted_on) of the quarter's unmoderated,
        unsampled audits, by audit id."""
        return self._rows("sample frame", _span(start, end))

    def sample_progress(self, quarter: str) -> list[tuple[Any, ...]]:
        """Each audit in a sample of the quarter with its assignment, moderation and resolution."""
        return self._rows("sample progress", {"quarter": quarter})

    def query_plans(self) -> list[tuple[str, str]]:
        """(what, how SQLite runs it) for each report query, from EXPLAIN QUERY PLAN."""
        params = {"previous_start": "2024-07-01", "start": "2024-10-01", "end": "2024-12-31",
                  "previous_end": "2024-09-30", "quarter": "2024-25-Q3"}
        return [(what, "; ".join(r[3] for r in self.db.execute("EXPLAIN QUERY PLAN " + sql, params)))
                for what, sql in QUERIES.items()]
