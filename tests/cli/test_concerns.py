"""`caseaudit concerns [--open] [--json] [--include-notes]` and its acknowledge/close
extensions, as a user runs them: exact JSON keys, newest first, exit statuses."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from caseaudit.cli import main
from db.identity import current_username
from tests.support import FixedClock, admin_store

ME = current_username()
KEYS = ["concern_id", "case_ref", "audit_id", "raised_by", "raised_at", "acknowledged_by", "acknowledged_at",
        "closed_at", "state"]


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "caseaudit.db"
    store = admin_store(path)
    store.people.ensure_admin()
    from audit_tools.models import Role, User

    store.people.upsert([User(username=ME, display_name="Me", roles=[Role.admin])])
    amy = store.clone("amy")
    amy.concerns.raise_concern("C-1001", "A-0001", "Bruise seen", "Visit today")
    amy.session.clock = FixedClock(datetime(2024, 5, 3, 9, tzinfo=timezone.utc))
    amy.concerns.raise_concern("C-1001", None, "No food in the house", "Check today")
    eve = store.clone("eve")
    eve.session.clock = FixedClock(datetime(2024, 5, 3, 10, tzinfo=timezone.utc))
    eve.concerns.acknowledge("SC-000001")
    eve.concerns.close("SC-000001", "Strategy discussion held")
    store.close()
    return path


def run(db, *args, capsys):
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_lists_every_concern_newest_first_with_exactly_the_contract_keys(db, capsys):
    code, out, err = run(db, "concerns", "--json", capsys=capsys)
    assert (code, err) == (0, "")
    assert json.loads(out) == [
        {"concern_id": "SC-000002", "case_ref": "C-1001", "audit_id": None, "raised_by": "amy",
         "raised_at": "2024-05-03T09:00:00+00:00", "acknowledged_by": None, "acknowledged_at": None,
         "closed_at": None, "state": "open"},
        {"concern_id": "SC-000001", "case_ref": "C-1001", "audit_id": "A-0001", "raised_by": "amy",
         "raised_at": "2024-05-02T14:02:00+00:00", "acknowledged_by": "eve",
         "acknowledged_at": "2024-05-03T10:00:00+00:00", "closed_at": "2024-05-03T10:00:00+00:00",
         "state": "closed"},
    ]
    assert "Bruise" not in out  # no free text without --include-notes


def test_open_leaves_out_closed_ones(db, capsys):
    code, out, _ = run(db, "concerns", "--open", "--json", capsys=capsys)
    assert code == 0
    assert [c["concern_id"] for c in json.loads(out)] == ["SC-000002"]
    assert list(json.loads(out)[0]) == KEYS


def test_include_notes_adds_the_texts(db, capsys):
    code, out, _ = run(db, "concerns", "--json", "--include-notes", capsys=capsys)
    doc = json.loads(out)
    assert (doc[1]["found"], doc[1]["should_happen"], doc[1]["action_taken"]) == (
        "Bruise seen", "Visit today", "Strategy discussion held")


def test_text_output(db, capsys):
    code, out, _ = run(db, "concerns", "--open", capsys=capsys)
    assert code == 0
    assert out.splitlines() == ["SC-000002  C-1001  raised by amy 2024-05-03 10:00  open"]  # London time (BST)


def test_acknowledge_and_close_from_the_command_line(db, capsys):
    code, out, _ = run(db, "concerns", "acknowledge", "SC-000002", capsys=capsys)
    assert (code, out) == (0, f"concern SC-000002 acknowledged by {ME}\n")
    code, out, err = run(db, "concerns", "close", "SC-000002", "--action", " ", capsys=capsys)
    assert (code, out) == (2, "")
    assert err == "caseaudit: the action taken: required; write it in a sentence or two\n"
    code, out, _ = run(db, "concerns", "close", "SC-000002", "--action", "Visited", capsys=capsys)
    assert code == 0
    code, out, _ = run(db, "concerns", "--open", "--json", capsys=capsys)
    assert json.loads(out) == []


def test_unknown_concern_is_bad_input(db, capsys):
    code, out, err = run(db, "concerns", "acknowledge", "SC-000099", capsys=capsys)
    assert (code, out, err) == (2, "", "caseaudit: concern SC-000099: not in the database\n")
