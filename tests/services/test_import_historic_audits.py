"""`caseaudit import audits` brings in historic audits as they were recorded (product.md
"Historic audits"): scores that differ from the automatic status need no reason, the
automatic status is kept beside them, and the file is checked and written a batch at a time
with every bad line reported and nothing written when any is bad."""

from __future__ import annotations

import json

import pytest

import audit_tools.importers as importers
from caseaudit.cli import main
from db.identity import current_username
from db import open_store
from tests.cli.test_import import Terminal, audit_line, counts, load_basics, run, write

ME = current_username()
# C-1001 is an early-help case with no missing episodes as of 2024-05-01: the automatic
# status of return-interview is not_applicable, so "met" departs from it.
DIFFERS = {"return-interview": "met", "voice-of-child": "partly_met", "management-oversight": "met"}


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "caseaudit.db"
    store = open_store(path, ME)
    store.people.ensure_admin()
    store.close()
    return path


def stored(db, audit_id):
    store = open_store(db, ME)
    try:
        return store.audits.get(audit_id)
    finally:
        store.close()


def history_length(db) -> int:
    return counts(db)["history"]


def test_a_score_differing_from_the_automatic_status_imports_without_a_reason(db, tmp_path, capsys):
    load_basics(db, tmp_path, capsys)
    path = write(tmp_path, "audits.jsonl", json.dumps(audit_line(scores=DIFFERS)) + "\n")
    code, out, err = run(db, "audits", path, capsys)
    assert (code, err) == (0, ""), err
    assert out == f"imported 1 audit from {path}\n"
    audit = stored(db, "A-0001")
    assert audit.imported is True
    assert audit.scores["return-interview"].value == "met"
    # the automatic status as at the as-of date, kept beside the score for comparison
    assert audit.automatic["return-interview"].value == "not_applicable"
    assert audit.automatic["voice-of-child"] is None
    assert audit.override_reasons == {}


def test_override_reasons_from_systems_that_had_them_are_kept(db, tmp_path, capsys):
    load_basics(db, tmp_path, capsys)
    reasons = {"return-interview": "interview held by the police, recorded on their system"}
    line = audit_line(scores=DIFFERS, override_reasons=reasons)
    code, _, err = run(db, "audits", write(tmp_path, "audits.jsonl", json.dumps(line) + "\n"), capsys)
    assert code == 0, err
    audit = stored(db, "A-0001")
    assert audit.override_reasons == reasons and audit.imported is True


def test_an_escalated_moderation_without_a_reason_is_refused(db, tmp_path, capsys):
    load_basics(db, tmp_path, capsys)
    before = counts(db)
    escalated = {"moderator": "dev.m", "moderated_on": "2024-05-20", "grade": "good", "outcome": "escalated"}
    lines = [audit_line(moderation=None), audit_line(audit_id="A-0002", moderation=escalated)]
    path = write(tmp_path, "audits.jsonl", "".join(json.dumps(x) + "\n" for x in lines))
    code, out, err = run(db, "audits", path, capsys)
    assert (code, out) == (2, "")
    assert err == f"caseaudit: {path}:2: moderation.reason: say what the QA lead should look at\n"
    assert counts(db) == before


def test_bad_lines_in_different_batches_are_all_reported_and_nothing_is_written(db, tmp_path, capsys,
                                                                                  monkeypatch):
    monkeypatch.setattr(importers.batching, "BATCH_SIZE", 2)
    load_basics(db, tmp_path, capsys)
    before = counts(db)
    lines = [json.dumps(audit_line(audit_id=f"A-{i:04d}", moderation=None)) for i in range(1, 8)]
    lines[1] = json.dumps(audit_line(audit_id="A-0002", auditor="cat.b", moderation=None))  # batch 1
    lines[5] = json.dumps(audit_line(audit_id="A-0001", moderation=None))  # batch 3: a duplicate of line 1
    path = write(tmp_path, "audits.jsonl", "\n".join(lines) + "\n")
    code, out, err = run(db, "audits", path, capsys)
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        f"caseaudit: {path}:2: auditor: cat.b is the case's line manager and may not audit this case; "
        "ask a manager outside the line to audit it",
        f"caseaudit: {path}:6: audit_id: 'A-0001' is also on line 1; each audit may appear only once",
    ]
    # the good batch before the bad one is not written either
    assert counts(db) == before


def test_a_file_of_several_batches_goes_in_whole(db, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(importers.batching, "BATCH_SIZE", 2)
    load_basics(db, tmp_path, capsys)
    lines = [json.dumps(audit_line(audit_id=f"A-{i:04d}", moderation=None)) for i in range(1, 8)]
    path = write(tmp_path, "audits.jsonl", "\n\n".join(lines) + "\n")  # blank lines between
    code, out, err = run(db, "audits", path, capsys)
    assert (code, err) == (0, "")
    assert out == f"imported 7 audits from {path}\n"
    assert counts(db)["audits"] == 7


def test_reimporting_a_file_of_several_batches_names_each_stored_audit_once(db, tmp_path, capsys,
                                                                              monkeypatch):
    monkeypatch.setattr(importers.batching, "BATCH_SIZE", 2)
    load_basics(db, tmp_path, capsys)
    lines = [json.dumps(audit_line(audit_id=f"A-{i:04d}", moderation=None)) for i in (1, 2, 3)]
    path = write(tmp_path, "audits.jsonl", "\n".join(lines) + "\n")
    assert run(db, "audits", path, capsys)[0] == 0
    again = write(tmp_path, "again.jsonl", "\n".join([lines[2], lines[0], lines[0]]) + "\n")
    code, _, err = run(db, "audits", again, capsys)
    assert code == 2
    assert err.splitlines() == [
        f"caseaudit: {again}:1: audit_id: 'A-0003' is already in the database; "
        "a submitted audit cannot be imported again",
        f"caseaudit: {again}:2: audit_id: 'A-0001' is already in the database; "
        "a submitted audit cannot be imported again",
        f"caseaudit: {again}:3: audit_id: 'A-0001' is also on line 2; each audit may appear only once",
        f"caseaudit: {again}:3: audit_id: 'A-0001' is already in the database; "
        "a submitted audit cannot be imported again",
    ]


def test_progress_counts_the_lines_of_an_audits_file(db, tmp_path, capsys, monkeypatch):
    import caseaudit.cli.imports as imports

    load_basics(db, tmp_path, capsys)
    lines = [json.dumps(audit_line(audit_id=f"A-{i:04d}", moderation=None)) for i in range(1, 251)]
    path = write(tmp_path, "audits.jsonl", "\n".join(lines) + "\n")
    terminal = Terminal()
    monkeypatch.setattr(imports.sys, "stderr", terminal)
    code = main(["--db", str(db), "import", "audits", str(path)])
    assert code == 0
    shown = terminal.getvalue()
    assert "\rchecking 50 of 250 rows" in shown and "\rchecking 250 of 250 rows\n" in shown
    assert capsys.readouterr().out == f"imported 250 audits from {path}\n"
