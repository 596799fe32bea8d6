"""Refusals the store makes on its own, tested at the store (not only through a service):
the database refuses a direct change of a concern's "should happen" text; the allocation
store's "already allocated this month" names the cases; the themes report's SQL counts an
audit submitted on the quarter's last day."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from audit_tools.errors import Refused
from audit_tools.models import User
from db import open_store
from tests.support import admin_store, clock_on, make_audit, make_case, raw_connection


def test_the_database_refuses_a_direct_change_of_what_should_happen(tmp_path):
    path = tmp_path / "caseaudit.db"
    store = admin_store(path)
    store.clone("amy").concerns.raise_concern("C-1001", None, "bruising seen", "a strategy discussion today")
    store.close()
    conn = raw_connection(path)  # with the digest function registered: the guard trigger is what refuses
    with pytest.raises(sqlite3.DatabaseError, match="concern"):
        with conn:
            conn.execute("UPDATE concerns SET should_happen = 'nothing needed' WHERE concern_id = 'SC-000001'")
    assert conn.execute("SELECT should_happen FROM concerns").fetchone() == ("a strategy discussion today",)
    conn.close()


def test_the_allocation_store_names_the_cases_already_allocated_this_month(tmp_path):
    from caseaudit.services.allocation import allocate_month

    store = admin_store(tmp_path / "caseaudit.db", clock=clock_on(date(2024, 5, 2)))
    store.cases.upsert([make_case("C-2001", team="South"), make_case("C-2002", team="South")])
    made = allocate_month(store.clone("quinn"), "2024-05", 1, "seed")
    given = sorted(ref for refs in made.allocated.values() for ref in refs)
    assert given  # something was allocated to give again
    again = made.model_copy(update={"allocation_id": None, "seed": "another"})
    quinn = store.clone("quinn")
    before = quinn.row_counts()
    with pytest.raises(Refused) as refused:
        quinn.allocations.save(again)  # the store itself, no service in between
    assert refused.value.lines == [f"case {ref}: already allocated in 2024-05" for ref in given]
    assert quinn.row_counts() == before


def test_the_themes_sql_counts_an_audit_submitted_on_the_quarters_last_day(tmp_path):
    store = admin_store(tmp_path / "caseaudit.db")
    store.cases.upsert([make_case("C-2001")])
    last_day = make_audit("A-0001", submitted_on=date(2024, 6, 30))  # 2024-25-Q1 ends 30 June
    next_day = make_audit("A-0002", "C-2001", submitted_on=date(2024, 7, 1))
    store.audits.insert([last_day, next_day])
    this, before = store.reports.quarter_counts(date(2024, 1, 1), date(2024, 4, 1), date(2024, 6, 30))
    assert this["by_auditor"] == [("amy", 1)]  # the last day's audit, not the next day's
    assert this["final_grades"] == [("good", 1)]
    assert before["by_auditor"] == []
    after, previous = store.reports.quarter_counts(date(2024, 4, 1), date(2024, 7, 1), date(2024, 9, 30))
    assert after["by_auditor"] == [("amy", 1)] and previous["by_auditor"] == [("amy", 1)]
