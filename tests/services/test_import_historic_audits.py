"""`caseaudit import audits` brings in historic audits as they were recorded (product.md
"Historic audits"): scores that differ from the automatic status need no reason, and the
automatic status is kept beside them."""

from __future__ import annotations

import json

import pytest

from db.identity import current_username
from db.repository import open_store
from tests.cli.test_import import audit_line, counts, load_basics, run, write

ME = current_username()
# C-1001 is an early-help case with no missing episodes as of 2024-05-01: the automatic
# status of return-interview is not_applicable, so "met" departs from it.
DIFFERS = {"return-interview": "met", "voice-of-child": "partly_met", "management-oversight": "met"}


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "caseaudit.db"
    store = open_store(path, ME)
    store.ensure_admin()
    store.close()
    return path


def stored(db, audit_id):
    store = open_store(db, ME)
    try:
        return store.get_audit(audit_id)
    finally:
        store.close()


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
