"""The Annex A import use case over a real store: all or nothing, rejects, re-import, managers."""

from __future__ import annotations

from datetime import datetime

import pytest

from audit_tools.errors import BadInput, Refused
from audit_tools.models import Role, User
from caseaudit.services.annex_a import import_annex_a
from db import open_store
from tests.domain.test_annex_a import L5, L6, L7, person, workbook
from tests.support import FixedClock


@pytest.fixture
def store(tmp_path):
    store = open_store(tmp_path / "c.db", "root", clock=FixedClock())
    store.people.ensure_admin()
    store.people.upsert([
        User(username="wes", display_name="Wes Worker", team="North"),
        User(username="max", display_name="Max Manager", team="North", manages="North"),
    ])
    yield store
    store.close()


def cp_book(path, visit=datetime(2024, 1, 10), team="North", extra=()):
    return workbook(path, {
        "CP": (L7, [[1001, *person(1), datetime(2024, 1, 2), visit, "a) Yes", None, None, team, "Wes Worker"],
                    *extra]),
        "S47": (L5, [[1001, *person(1), datetime(2023, 12, 1), datetime(2023, 12, 20), "Duty", "X"]]),
    })


def test_import_creates_cases_with_worker_manager_and_events(store, tmp_path):
    plan = import_annex_a(store, cp_book(tmp_path / "a.xlsx"))
    case = store.cases.get("1001")
    assert (case.case_type.value, case.worker, case.line_manager) == ("CP", "wes", "max")
    assert [(e.kind.value, e.date.isoformat(), e.seen_alone) for e in case.events] == [
        ("strategy_discussion", "2023-12-01", None), ("icpc", "2023-12-20", None), ("visit", "2024-01-10", True)]
    assert plan.lists[7].cases_created == 1
    assert store.history.entries(what="annex a imported")[0].details["cases_created"] == ["1001"]


def test_bad_cell_refuses_everything(store, tmp_path):
    before = store.row_counts()
    bad = [2002, *person(2), "not a date", None, None, None, None, "North", "Wes"]
    with pytest.raises(BadInput) as err:
        import_annex_a(store, cp_book(tmp_path / "a.xlsx", extra=[bad]))
    assert err.value.lines == [f"{tmp_path / 'a.xlsx'}:CP!F3: Child Protection Plan Start Date: "
                               "'not a date' is not a date: write it as 31/10/2025, 31 Oct 2025 or 2025-10-31, "
                               "or make it a date cell"]
    assert store.row_counts() == before


def test_skip_invalid_imports_good_rows_and_writes_rejects(store, tmp_path):
    bad = [2002, *person(2), "not a date", None, None, None, None, "North", "Wes"]
    rejects = tmp_path / "rejects.csv"
    plan = import_annex_a(store, cp_book(tmp_path / "a.xlsx", extra=[bad]), rejects=rejects)
    assert store.cases.get("1001") is not None and store.cases.get("2002") is None
    assert plan.lists[7].refused == 1
    assert rejects.read_text().splitlines()[1].startswith('CP,3,7,2002,"CP!F3: Child Protection Plan Start Date')


def test_reimport_adds_only_new_events_and_records_changes(store, tmp_path):
    import_annex_a(store, cp_book(tmp_path / "a.xlsx"))
    events = len(store.cases.get("1001").events)
    again = import_annex_a(store, cp_book(tmp_path / "a.xlsx"))
    assert again.lists[7].events_already_stored == 1 and again.lists[5].events_already_stored == 2
    assert again.events == [] and again.updated == []
    assert len(store.cases.get("1001").events) == events
    store.people.upsert([User(username="sue", display_name="Sue", manages="South")])
    later = import_annex_a(store, cp_book(tmp_path / "b.xlsx", visit=datetime(2024, 1, 24), team="South"))
    assert later.lists[7].events_added == 1 and later.lists[7].cases_updated == 1
    case = store.cases.get("1001")
    assert (case.team, case.line_manager) == ("South", "sue")
    assert len(case.events) == events + 1
    changes = store.history.entries(what="annex a imported")[0].details["cases_updated"]
    assert changes == {"1001": {"team": ["North", "South"], "line_manager": ["max", "sue"]}}


def test_only_an_admin_imports(store, tmp_path):
    path = cp_book(tmp_path / "a.xlsx")
    with pytest.raises(Refused):
        import_annex_a(store.clone("wes"), path)


def test_users_manages_kept_when_a_file_has_no_such_column(store):
    store.people.upsert([User(username="max", display_name="Max Manager", team="North")])
    row = store.db.execute("SELECT manages FROM users WHERE username = 'max'").fetchone()
    assert row[0] == "North"
    store.people.upsert([User(username="max", display_name="Max Manager", team="North", manages=None)])
    assert store.db.execute("SELECT manages FROM users WHERE username = 'max'").fetchone()[0] is None


def test_cin_list_alone(store, tmp_path):
    path = workbook(tmp_path / "a.xlsx", {"6": (L6, [[5, *person(1), datetime(2023, 1, 1), None, None, "North",
                                                      "WES"]])})
    import_annex_a(store, path)
    assert store.cases.get("5").worker == "wes"
