"""`caseaudit check CASE_REF`: the same engine over the events stored in the database."""

import json
from datetime import date

import pytest

from audit_tools.models import Case, Event, Role, User
from caseaudit.cli import main
from db import open_store
from db.identity import current_username


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "audit.db"
    me = current_username()
    store = open_store(path, actor=me)
    store.people.ensure_admin()
    store.people.upsert([
        User(username=me, display_name="Me", roles=[Role.admin]),
        User(username="wes", display_name="Wes Worker", roles=[]),
        User(username="tia", display_name="Tia Manager", roles=[Role.auditor]),
    ])
    store.cases.upsert([
        Case(case_ref="C-1001", case_type="CP", start_date=date(2024, 1, 2), team="North",
             worker="wes", line_manager="tia"),
    ])
    store.cases.add_events([
        ("C-1001", Event(kind="visit", date=date(2024, 1, 10), seen_alone=True)),
        ("C-1001", Event(kind="visit", date=date(2024, 1, 25), seen_alone=False, reason_not_alone="asleep")),
        ("C-1001", Event(kind="supervision", date=date(2024, 1, 20))),
    ])
    store.close()
    return path


def test_stored_case_scores_like_the_case_file(database, capsys):
    assert main(["--db", str(database), "check", "C-1001", "--as-of", "2024-02-01", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    by_id = {r["standard"]: r for r in out["results"]}
    assert out["case_ref"] == "C-1001" and out["as_of"] == "2024-02-01"
    assert by_id["cp-visits"]["status"] == "not_met"
    assert by_id["cp-visits"]["late"] == [{"due": "2024-01-24", "actual": "2024-01-25"}]
    assert by_id["cp-seen-alone"]["status"] == "partly_met"
    assert by_id["supervision"]["status"] == "met"


def test_database_from_environment(database, capsys, monkeypatch):
    monkeypatch.setenv("CASEAUDIT_DB", str(database))
    assert main(["check", "C-1001", "--as-of", "2024-02-01"]) == 0
    assert "cp-visits" in capsys.readouterr().out


def test_unknown_case_and_missing_database(database, tmp_path, capsys):
    assert main(["--db", str(database), "check", "C-9999"]) == 2
    assert "'C-9999' is not in" in capsys.readouterr().err
    missing = tmp_path / "none.db"
    assert main(["--db", str(missing), "check", "C-1001"]) == 2
    assert "caseaudit init" in capsys.readouterr().err
    assert not missing.exists()  # nothing written


def test_case_ref_and_case_file_together_is_bad_usage(database, tmp_path, capsys):
    assert main(["--db", str(database), "check", "C-1001", "--case-file", str(tmp_path / "x.json")]) == 2
    assert "either CASE_REF or --case-file" in capsys.readouterr().err
