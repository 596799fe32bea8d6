"""`caseaudit export themes` against a real database: the JSON contract, the other
formats, history, permissions and bad --out paths."""

from __future__ import annotations

import csv
import json
import os
from datetime import date

import pytest

from audit_tools.errors import Refused
from audit_tools.models import Action, Audit, Case, Moderation, Themes, User
from audit_tools.quarters import Quarter
from caseaudit.cli import main
from caseaudit.services.themes import export_themes_report
from db import open_store
from db.identity import current_username
from tests.support import copy_database

ME = current_username()


def build_db(path):
    store = open_store(path, actor=ME)
    store.people.ensure_admin()
    store.people.upsert([
        User(username="amy", display_name="Amy", roles=["auditor"]),
        User(username="ben", display_name="Ben", roles=["auditor"]),
        User(username="dan", display_name="Dan", roles=["moderator"]),
        User(username="wkr", display_name="Worker", roles=[]),
        User(username="lm", display_name="Line manager", roles=[]),
    ])
    # Early help cases: return-interview, voice-of-child and management-oversight apply.
    store.cases.upsert([
        Case(case_ref=ref, case_type="EH", start_date=date(2024, 1, 2), team=team,
             worker="wkr", line_manager="lm")
        for ref, team in [("E1", "North"), ("E2", "North"), ("E3", "South")]
    ])
    store.audits.insert([
        Audit(audit_id="A1", case_ref="E1", auditor="amy", as_of=date(2024, 4, 30),
              submitted_on=date(2024, 5, 2), grade="good",
              scores={"return-interview": "not_applicable", "voice-of-child": "met",
                      "management-oversight": "partly_met"},
              notes={"management-oversight": "No recorded decisions since March"},
              themes=Themes(strengths=["voice-of-child"], improvements=["management-oversight"]),
              moderation=Moderation(moderator="dan", moderated_on=date(2024, 5, 20),
                                    grade="requires_improvement", outcome="grade_changed",
                                    final_grade="requires_improvement", reason="Oversight too thin")),
        Audit(audit_id="A2", case_ref="E2", auditor="amy", as_of=date(2024, 4, 10),
              submitted_on=date(2024, 4, 15), grade="requires_improvement",
              scores={"return-interview": "met", "voice-of-child": "met",
                      "management-oversight": "not_met"},
              notes={"management-oversight": "Supervision not on file"},
              actions=[Action(description="Record supervision decisions", owner="ben",
                              due=date(2024, 5, 15), standard="management-oversight")]),
        Audit(audit_id="P1", case_ref="E3", auditor="ben", as_of=date(2024, 3, 20),
              submitted_on=date(2024, 3, 31), grade="good",
              scores={"return-interview": "not_applicable", "voice-of-child": "met",
                      "management-oversight": "met"}),
    ])
    store.close()


@pytest.fixture
def db(tmp_path, built):
    """A copy of the database build_db makes, built once a run."""
    return copy_database(built("export-themes", build_db), tmp_path / "caseaudit.db")


def run(db, *argv):
    return main(["--db", str(db), "export", "themes", "--quarter", "2024-25-Q1", *argv])


def test_json_export_matches_the_contract(db, tmp_path, capsys):
    out = tmp_path / "q1.json"
    assert run(db, "--format", "json", "--out", str(out)) == 0
    assert str(out) in capsys.readouterr().out
    doc = json.loads(out.read_text())
    assert doc["quarter"] == "2024-25-Q1" and doc["from"] == "2024-04-01" and doc["to"] == "2024-06-30"
    # A1 and A2 (amy) are this quarter; P1 (31 March) is last quarter's.
    assert doc["audits"]["completed"] == 2
    assert doc["audits"]["by_team"] == {"North": 2}
    # Default quota 2 a month × 3 months; ben is listed at zero.
    assert doc["audits"]["by_auditor"] == {"amy": {"completed": 2, "expected": 6},
                                           "ben": {"completed": 0, "expected": 6}}
    # A1's good became requires improvement at moderation; A2 requires improvement.
    assert doc["grades"] == {"outstanding": 0, "good": 0, "requires_improvement": 2, "inadequate": 0}
    # management-oversight: partly (A1), not met (A2) → n 2, 0 met, 0.0 %.
    mo = doc["standards"]["management-oversight"]
    assert (mo["n"], mo["met"], mo["partly_met"], mo["not_met"], mo["pct_met"]) == (2, 0, 1, 1, 0.0)
    # return-interview: not applicable (A1) and met (A2) → n 1, 100.0 %.
    assert doc["standards"]["return-interview"]["n"] == 1
    assert doc["standards"]["return-interview"]["pct_met"] == 100.0
    assert doc["standards"]["cp-visits"]["pct_met"] is None  # in the catalogue, never scored
    assert doc["themes"]["management-oversight"] == {"strength": 0, "improvement": 1}
    # One pair: good (2) against the moderator's requires improvement (1).
    assert doc["moderation"]["moderated"] == 1 and doc["moderation"]["moved_down"] == 1
    assert doc["moderation"]["exact_agreement"] == 0.0
    # One pair: observed disagreement equals chance disagreement, so kappa 1 − 1 = 0.
    assert doc["moderation"]["kappa_quadratic"] == 0.0
    # A2's action due 15 May, never completed: open and overdue on 30 June.
    assert doc["actions"] == {"raised": 1, "completed": 0, "completed_on_time": 0, "open": 1, "overdue": 1}
    assert doc["previous"]["quarter"] == "2023-24-Q4"
    assert doc["previous"]["grades"]["good"] == 1
    assert doc["previous"]["standards"]["management-oversight"]["pct_met"] == 100.0
    text = out.read_text()
    for free in ["No recorded decisions", "Supervision not on file", "Oversight too thin",
                 "Record supervision decisions"]:
        assert free not in text


def test_export_is_recorded_in_history(db, tmp_path):
    run(db, "--format", "md", "--out", str(tmp_path / "q1.md"), "--include-notes")
    store = open_store(db, actor=ME)
    entries = store.history.entries(what="themes exported")
    assert len(entries) == 1
    assert entries[0].details["quarter"] == "2024-25-Q1"
    assert entries[0].details["format"] == "md"
    assert entries[0].details["include_notes"] is True
    assert entries[0].actor == ME
    assert store.history.verify().ok
    assert "Supervision not on file" in (tmp_path / "q1.md").read_text()


def test_csv_export_writes_a_folder(db, tmp_path):
    folder = tmp_path / "q1"
    assert run(db, "--format", "csv", "--out", str(folder)) == 0
    with (folder / "grades.csv").open(encoding="utf-8-sig", newline="") as fh:
        grades = {r["grade"]: int(r["audits"]) for r in csv.DictReader(fh)}
    assert grades["requires_improvement"] == 2


def test_xlsx_export(db, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "q1.xlsx"
    assert run(db, "--format", "xlsx", "--out", str(out)) == 0
    ws = load_workbook(out)["audits_by_team"]
    assert [c.value for c in ws[2]] == ["North", 2, 0]


@pytest.mark.parametrize("fmt,make,message", [
    ("json", lambda p: p / "no-such-folder" / "q1.json", "does not exist"),
    ("csv", lambda p: (p / "taken.txt", (p / "taken.txt").write_text("x"))[0], "is a file"),
    ("md", lambda p: p, "is a folder"),
])
def test_bad_out_exits_2_with_a_sentence(db, tmp_path, capsys, fmt, make, message):
    target = make(tmp_path)
    before = sorted(os.listdir(tmp_path))
    assert run(db, "--format", fmt, "--out", str(target)) == 2
    err = capsys.readouterr().err
    assert err.startswith("caseaudit: ") and message in err
    assert "Traceback" not in err
    assert sorted(os.listdir(tmp_path)) == before  # nothing written


def test_unwritable_folder_exits_2(db, tmp_path, capsys, monkeypatch):
    from audit_tools import files

    # Tests may run as root, who can write anywhere; ask the check what a user would see.
    monkeypatch.setattr(files.os, "access", lambda path, mode: False)
    assert run(db, "--format", "json", "--out", str(tmp_path / "q1.json")) == 2
    assert "is not writable" in capsys.readouterr().err
    assert not (tmp_path / "q1.json").exists()


def test_missing_database_is_bad_input(tmp_path, capsys):
    code = main(["--db", str(tmp_path / "none.db"), "export", "themes", "--quarter", "2024-25-Q1",
                 "--format", "json", "--out", str(tmp_path / "q.json")])
    assert code == 2
    assert "caseaudit init" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()


def test_only_qa_lead_or_admin_may_export(db, tmp_path):
    store = open_store(db, actor="amy")
    with pytest.raises(Refused, match="amy may not export the quarterly themes report"):
        export_themes_report(store, Quarter.parse("2024-25-Q1"), "json", tmp_path / "q.json")
    assert not (tmp_path / "q.json").exists()
    assert store.history.entries(what="themes exported") == []

