"""The dashboard's figures never read a council's submitted audits by their status.

Nearly every audit in a council's file is submitted, so a query that finds "the submitted
audits" through the status index reads them all: the month's quota count and the feedback
waiting did, 50 ms of the dashboard's 55 at 20,000 audits. They find their few rows by
submission date and by auditor instead. SQLite chooses how to read from the schema alone
(caseaudit's files hold no statistics), so the plan of each statement the dashboard runs on
a small file is the plan it runs on a council's.
"""

from __future__ import annotations

from datetime import date

from caseaudit.services.concerns import waiting_figures
from caseaudit.services.dashboard import dashboard
from tests.support import USERS, admin_store

BY_NAME = {u.username: u for u in USERS}


def statements_and_plans(store, username: str) -> list[tuple[str, list[str]]]:
    """Each statement the dashboard (and the header's concern count) runs for `username`,
    with SQLite's plan for it."""
    mine = store.clone(username)
    run: list[str] = []
    conn = mine.db.conn
    conn.set_trace_callback(run.append)
    try:
        dashboard(mine, BY_NAME[username], date(2025, 5, 30))
        waiting_figures(mine, BY_NAME[username])
    finally:
        conn.set_trace_callback(None)
    return [(sql, [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")])
            for sql in run if sql.lstrip().upper().startswith("SELECT")]


def test_no_dashboard_query_finds_the_submitted_audits_by_status(tmp_path):
    store = admin_store(tmp_path / "caseaudit.db")
    for who in ("amy", "quinn"):  # an auditor and moderator; a QA lead (every auditor's quota)
        plans = statements_and_plans(store, who)
        assert any("submitted" in sql for sql, _ in plans)  # the quota and the feedback were read
        by_status = [sql for sql, plan in plans
                     if "'submitted'" in sql and any("audits_by_status" in step for step in plan)]
        assert by_status == [], by_status
