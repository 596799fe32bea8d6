"""Allocation through the store: who may allocate, a case once a month in the database
itself, the audit started from an allocated case linked to it, and completion counted."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from audit_tools.errors import BadInput, Refused
from audit_tools.models import Audit, Case
from caseaudit.services import allocation as service
from caseaudit.services.audits import save_draft, submit_audit
from caseaudit.services.dashboard import dashboard
from tests.support import admin_store


@pytest.fixture
def store(tmp_path):
    store = admin_store(tmp_path / "caseaudit.db")  # C-1001: North, worker dan, line manager eve
    store.cases.upsert([
        Case(case_ref="C-2001", case_type="CIN", start_date=date(2024, 1, 2), team="South",
             worker="dan", line_manager="ben"),
        Case(case_ref="C-3001", case_type="CIN", start_date=date(2024, 1, 2), team="East",
             worker="dan", line_manager="cat"),
    ])
    return store


def test_only_a_qa_lead_allocates_and_a_case_is_allocated_once_a_month(store):
    with pytest.raises(Refused, match="amy may not allocate audits: needs the qa_lead role"):
        service.allocate_month(store.clone("amy"), "2024-05", 1, "s")
    quinn = store.clone("quinn")
    made = service.allocate_month(quinn, "2024-05", 1, "s")
    # amy (North) and eve (North, line manager of C-1001) may have C-2001 or C-3001;
    # ben (South, line manager of C-2001) C-1001 or C-3001; amy goes first, then ben, then eve.
    refs = sorted(r for rs in made.allocated.values() for r in rs)
    assert refs == ["C-1001", "C-2001", "C-3001"]
    assert made.allocated["ben"] != ["C-2001"] and made.allocated["amy"] != ["C-1001"]
    assert made.allocation_id == "AL-000001" and made.allocated_by == "quinn"
    # The database itself refuses a second allocation of a case in the month.
    with pytest.raises(sqlite3.IntegrityError):
        with quinn.transaction() as db:
            db.execute("INSERT INTO allocated_cases (month, case_ref, allocation_id, auditor) "
                       "VALUES ('2024-05', 'C-1001', 'AL-000001', 'eve')")
    # Everything is taken: a second allocation of the month has nothing to give and stores nothing.
    with pytest.raises(BadInput, match="no case can be allocated"):
        service.allocate_month(quinn, "2024-05", 1, "t")
    assert quinn.row_counts()["allocations"] == 1
    assert quinn.history.entries(limit=1)[0].what == "audits allocated"


def test_an_audit_started_from_an_allocated_case_is_linked_and_counted(store):
    made = service.allocate_month(store.clone("quinn"), "2024-05", 1, "s")
    ref = made.allocated["amy"][0]
    amy = store.clone("amy")
    today = date(2024, 5, 2)
    me = amy.people.get("amy")
    assert [c.case_ref for c in dashboard(amy, me, today).allocated] == [ref]
    assert dashboard(amy, me, today).allocated[0].done_words == "not started"

    audit = Audit(audit_id=amy.audits.next_id(), case_ref=ref, auditor="amy", as_of=today)
    revision = save_draft(amy, audit, None)
    row = service.allocated_to(amy, "amy", today)[0]
    assert (row.audit_id, row.status, row.done_words) == (audit.audit_id, "draft", f"draft {audit.audit_id}")
    assert [e.what for e in amy.history.entries(limit=2)] == ["allocated audit started", "audit draft saved"]
    done = service.completion(store.clone("quinn"), "2024-05")  # the QA lead's view
    assert [(c.name, c.allocated, c.started, c.submitted) for c in done.by_auditor] == [
        ("amy", 1, 1, 0), ("ben", 1, 0, 0), ("eve", 1, 0, 0)]
    assert [(c.name, c.allocated, c.started) for c in done.by_team] == [("North", 2, 1), ("South", 1, 0)]

    # A discarded draft frees the case; the next audit started from it is linked instead.
    amy.audits.discard(audit.audit_id, revision)
    assert service.allocated_to(amy, "amy", today)[0].status is None
    again = Audit(audit_id=amy.audits.next_id(), case_ref=ref, auditor="amy", as_of=today)
    save_draft(amy, again, None)
    assert service.allocated_to(amy, "amy", today)[0].audit_id == again.audit_id
    # An audit of an allocated case by someone else is not linked to amy's allocation.
    other = service.allocated_to(store.clone("ben"), "ben", today)[0]
    assert other.audit_id is None


def test_the_themes_export_carries_completion_against_allocation(store, tmp_path):
    import json

    from audit_tools.quarters import Quarter
    from caseaudit.services.themes import export_themes_report

    quinn = store.clone("quinn")
    service.allocate_month(quinn, "2024-05", 1, "s")
    out = export_themes_report(quinn, Quarter.parse("2024-25-Q1"), "json", tmp_path / "themes.json")
    block = json.loads(out.read_text("utf-8"))["allocation"]
    assert block["months"] == ["2024-04", "2024-06"]
    assert (block["allocated"], block["started"], block["submitted"]) == (3, 0, 0)
    assert block["by_team"] == {"North": {"allocated": 2, "started": 0, "submitted": 0},
                                "South": {"allocated": 1, "started": 0, "submitted": 0}}
    assert set(block["by_auditor"]) == {"amy", "ben", "eve"}
