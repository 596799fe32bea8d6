"""Floors: the same work done with nothing but the standard library, to compare caseaudit with.

Run as their own processes, so the start-up of a bare Python is part of each floor just as
caseaudit's start-up is part of each command:

    python -m bench.floors load users|cases|events|audits FILE PLAIN.db
        (a) parse the file (csv / json) and insert it into plain SQLite tables
            in one transaction: no validation, no history, no engine
    python -m bench.floors quarter CASEAUDIT.db 2024-25-Q3
        (b) fetch one quarter's grades, scores, themes, actions and moderation rows from
            a caseaudit database with plain SQL (`quarter_rows`)

Only `quarter_rows` knows caseaudit's schema (db/migrations/); when the schema changes,
that one function is what to adapt.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import sys
from datetime import date

PLAIN_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (username TEXT PRIMARY KEY, display_name TEXT, roles TEXT, team TEXT);
CREATE TABLE IF NOT EXISTS cases (case_ref TEXT PRIMARY KEY, case_type TEXT, start_date TEXT, team TEXT,
    worker TEXT, line_manager TEXT, closed_date TEXT);
CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, case_ref TEXT, kind TEXT, date TEXT,
    child_seen INTEGER, seen_alone INTEGER, reason_not_alone TEXT);
CREATE TABLE IF NOT EXISTS audits (audit_id TEXT PRIMARY KEY, case_ref TEXT, auditor TEXT, as_of TEXT,
    submitted_on TEXT, grade TEXT, data TEXT);
CREATE TABLE IF NOT EXISTS scores (audit_id TEXT, standard TEXT, status TEXT, note TEXT,
    PRIMARY KEY (audit_id, standard));
CREATE TABLE IF NOT EXISTS themes (audit_id TEXT, theme TEXT, kind TEXT, PRIMARY KEY (audit_id, kind, theme));
CREATE TABLE IF NOT EXISTS actions (id INTEGER PRIMARY KEY, audit_id TEXT, position INTEGER,
    description TEXT, owner TEXT, due TEXT, completed_on TEXT, standard TEXT);
CREATE TABLE IF NOT EXISTS moderations (audit_id TEXT PRIMARY KEY, moderator TEXT, moderated_on TEXT,
    grade TEXT, outcome TEXT, final_grade TEXT, reason TEXT, data TEXT);
"""

BATCH = 5000


def _bool(text: str | None):
    if not text:
        return None
    return 1 if text.strip().lower() in ("true", "yes", "y", "1") else 0


def load(kind: str, path: str, db_path: str) -> int:
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.executescript(PLAIN_SCHEMA)
    conn.execute("BEGIN")
    count = 0
    if kind == "audits":
        count = _load_audits(conn, path)
    else:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = csv.DictReader(fh)
            if kind == "users":
                sql = "INSERT OR REPLACE INTO users VALUES (?, ?, ?, ?)"
                get = lambda r: (r["username"], r["display_name"], r["roles"], r["team"] or None)  # noqa: E731
            elif kind == "cases":
                sql = "INSERT OR REPLACE INTO cases VALUES (?, ?, ?, ?, ?, ?, ?)"
                get = lambda r: (r["case_ref"], r["case_type"], r["start_date"], r["team"], r["worker"],  # noqa: E731
                                 r["line_manager"], r.get("closed_date") or None)
            elif kind == "events":
                sql = ("INSERT INTO events (case_ref, kind, date, child_seen, seen_alone, reason_not_alone) "
                       "VALUES (?, ?, ?, ?, ?, ?)")
                get = lambda r: (r["case_ref"], r["kind"], r["date"],  # noqa: E731
                                 1 if _bool(r.get("child_seen")) is None else _bool(r.get("child_seen")),
                                 _bool(r.get("seen_alone")), r.get("reason_not_alone") or None)
            else:
                raise SystemExit(f"floors: cannot load {kind!r}")
            batch = []
            for row in rows:
                batch.append(get(row))
                if len(batch) == BATCH:
                    conn.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            conn.executemany(sql, batch)
            count += len(batch)
    conn.execute("COMMIT")
    conn.close()
    return count


def _load_audits(conn: sqlite3.Connection, path: str) -> int:
    audits, scores, themes, actions, moderations = [], [], [], [], []

    def flush() -> None:
        conn.executemany("INSERT INTO audits VALUES (?, ?, ?, ?, ?, ?, ?)", audits)
        conn.executemany("INSERT INTO scores VALUES (?, ?, ?, ?)", scores)
        conn.executemany("INSERT INTO themes VALUES (?, ?, ?)", themes)
        conn.executemany("INSERT INTO actions (audit_id, position, description, owner, due, completed_on, "
                         "standard) VALUES (?, ?, ?, ?, ?, ?, ?)", actions)
        conn.executemany("INSERT INTO moderations VALUES (?, ?, ?, ?, ?, ?, ?, ?)", moderations)
        for rows in (audits, scores, themes, actions, moderations):
            rows.clear()

    count = 0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            a = json.loads(line)
            aid = a["audit_id"]
            audits.append((aid, a["case_ref"], a["auditor"], a["as_of"], a["submitted_on"], a["grade"], line))
            notes = a.get("notes", {})
            scores.extend((aid, s, v, notes.get(s)) for s, v in a["scores"].items())
            t = a.get("themes", {})
            themes.extend((aid, x, "strength") for x in t.get("strengths", []))
            themes.extend((aid, x, "improvement") for x in t.get("improvements", []))
            actions.extend((aid, i, x["description"], x["owner"], x["due"], x.get("completed_on"),
                            x.get("standard")) for i, x in enumerate(a.get("actions", [])))
            m = a.get("moderation")
            if m:
                moderations.append((aid, m["moderator"], m["moderated_on"], m["grade"], m["outcome"],
                                    m.get("final_grade"), m.get("reason"), json.dumps(m)))
            count += 1
            if len(audits) == BATCH:
                flush()
    flush()
    return count


# --- (b) one quarter from the caseaudit database -------------------------------------------


def quarter_dates(quarter: str) -> tuple[date, date]:
    """'2024-25-Q3' -> (2024-10-01, 2024-12-31): UK local-government financial-year quarters."""
    year, q = int(quarter[:4]), int(quarter[-1])
    starts = {1: date(year, 4, 1), 2: date(year, 7, 1), 3: date(year, 10, 1), 4: date(year + 1, 1, 1)}
    ends = {1: date(year, 6, 30), 2: date(year, 9, 30), 3: date(year, 12, 31), 4: date(year + 1, 3, 31)}
    return starts[q], ends[q]


def quarter_rows(conn: sqlite3.Connection, start: str, end: str) -> dict[str, list]:
    """One quarter's audits (by submission date) as plain rows: the schema of db/migrations/
    (m002_audits, m003_moderation). Adapt here when the schema changes."""
    # unary + on status: without ANALYZE statistics SQLite would pick the status index and read every
    # submitted audit; the floor reads the quarter through audits_by_submitted.
    in_quarter = "FROM audits a WHERE +a.status = 'submitted' AND a.submitted_on BETWEEN ? AND ?"
    span = [start, end]
    return {
        "grades": conn.execute(
            "SELECT a.audit_id, a.auditor, a.grade, m.final_grade, c.team "
            "FROM audits a JOIN cases c ON c.case_ref = a.case_ref "
            "LEFT JOIN moderations m ON m.audit_id = a.audit_id "
            "WHERE +a.status = 'submitted' AND a.submitted_on BETWEEN ? AND ?", span).fetchall(),
        "scores": conn.execute(
            "SELECT s.audit_id, s.standard, s.status, s.automatic_status FROM scores s "
            f"WHERE s.audit_id IN (SELECT a.audit_id {in_quarter})", span).fetchall(),
        "themes": conn.execute(
            "SELECT t.audit_id, t.theme, t.kind FROM audit_themes t "
            f"WHERE t.audit_id IN (SELECT a.audit_id {in_quarter})", span).fetchall(),
        "actions": conn.execute(
            "SELECT x.audit_id, x.owner, x.due, x.completed_on, x.standard FROM actions x "
            f"WHERE x.audit_id IN (SELECT a.audit_id {in_quarter})", span).fetchall(),
        "moderations": conn.execute(
            "SELECT m.audit_id, m.moderator, m.grade, m.outcome, m.final_grade, m.data FROM moderations m "
            f"WHERE m.audit_id IN (SELECT a.audit_id {in_quarter})", span).fetchall(),
    }


def case_page_rows(conn: sqlite3.Connection, case_type: str | None, after: str | None,
                   limit: int = 50) -> tuple[list, int | None]:
    """One page of the case list with plain SQL (the floor of the TUI's filter and page down):
    cases of a type in case_ref order after `after`, with the date of each one's last audit,
    and the count of all matching cases for a first page. Schema: db/migrations/."""
    where, params = [], []
    if case_type:
        where.append("c.case_type = ?")
        params.append(case_type)
    count = None
    if after is None:
        count = conn.execute("SELECT count(*) FROM cases c" + (" WHERE " + " AND ".join(where) if where else ""),
                             params).fetchone()[0]
    else:
        where.append("c.case_ref > ?")
        params.append(after)
    rows = conn.execute(
        "SELECT c.case_ref, c.case_type, c.team, c.worker, c.start_date, "
        "(SELECT max(a.as_of) FROM audits a WHERE a.case_ref = c.case_ref AND a.status = 'submitted') "
        "FROM cases c" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY c.case_ref LIMIT ?",
        [*params, limit]).fetchall()
    return rows, count


def row_counts(db_path, tables=("users", "cases", "case_events", "audits", "scores", "moderations")) -> dict:
    """Rows in some of the caseaudit database's tables (db/migrations/), for the report."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    finally:
        conn.close()


def quarter(db_path: str, quarter_name: str) -> dict[str, int]:
    start, end = quarter_dates(quarter_name)
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = quarter_rows(conn, start.isoformat(), end.isoformat())
    finally:
        conn.close()
    return {k: len(v) for k, v in rows.items()}


def main(argv: list[str]) -> int:
    if len(argv) == 4 and argv[0] == "load":
        print(json.dumps({"rows": load(argv[1], argv[2], argv[3])}))
        return 0
    if len(argv) == 3 and argv[0] == "quarter":
        print(json.dumps(quarter(argv[1], argv[2])))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))


def form_case(path: str, username: str) -> str | None:
    """A child-protection case (the longest form) that `username` may audit: neither its
    worker nor its line manager, open, audited longest ago (plain SQL, as bench.floors)."""
    import sqlite3

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute(
            "SELECT c.case_ref FROM cases c WHERE c.case_type = 'CP' AND c.closed_date IS NULL "
            "AND coalesce(c.worker, '') != ? AND coalesce(c.line_manager, '') != ? "
            "ORDER BY (SELECT max(a.as_of) FROM audits a WHERE a.case_ref = c.case_ref) IS NOT NULL, "
            "(SELECT max(a.as_of) FROM audits a WHERE a.case_ref = c.case_ref), c.case_ref LIMIT 1",
            (username, username)).fetchone()
    finally:
        conn.close()
    return row[0] if row else None
