"""`caseaudit redact` and `caseaudit hold` as an admin runs them: exit 0 or 2, the exact JSON
document, a clear line for bad input and nothing written then."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest

from audit_tools.models import Event, EventKind, Role, User
from caseaudit.cli import main
from db.identity import current_username
from db.maintenance import verify_file
from tests.support import admin_store, copy_database

ME = current_username()
NOTE = "Jane DOE (dob 01/02/2019) disclosed bruising"
KEYS = {"redacted": {"audits", "events", "actions", "concerns", "moderations", "amendments"},
        "held_back": {"on_hold", "open_concerns", "open_actions"}}


def build_db(path):
    store = admin_store(path)
    store.people.upsert([User(username=ME, display_name="Me", roles=[Role.admin])])
    store.cases.add_events([("C-1001", Event(kind=EventKind.visit, date=date(2024, 2, 3), note=NOTE))])
    store.close()


@pytest.fixture
def db(tmp_path, built):
    """A copy of the database build_db makes, built once a run."""
    return copy_database(built("redact-hold", build_db), tmp_path / "caseaudit.db")


def run(db, *args, capsys):
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def _head(db):
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT max(id) FROM history").fetchone()[0]
    finally:
        conn.close()


def _notes(db):
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT note FROM case_events WHERE note IS NOT NULL")]
    finally:
        conn.close()


def test_a_dry_run_prints_the_json_document_and_changes_nothing(db, capsys):
    head = _head(db)
    code, out, err = run(db, "redact", "--older-than", "31/12/2024", "--reason", "retention", "--dry-run",
                         "--json", capsys=capsys)
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert set(document) == {"redacted", "held_back", "dry_run"}
    assert {k: set(v) for k, v in document.items() if k != "dry_run"} == KEYS
    assert document["dry_run"] is True and document["redacted"]["events"] == 1
    assert (_head(db), _notes(db)) == (head, [NOTE])


def test_redact_one_event_then_verify_passes(db, capsys):
    conn = sqlite3.connect(db)
    (event_id,) = conn.execute("SELECT id FROM case_events WHERE note = ?", [NOTE]).fetchone()
    conn.close()
    code, out, err = run(db, "redact", "--event", str(event_id), "--reason", "erasure request", capsys=capsys)
    assert (code, err) == (0, "")
    assert "events: 1" in out
    (note,) = _notes(db)
    assert note.startswith("[redacted ") and note.endswith(": erasure request]") and len(note) == 38
    assert verify_file(db).ok


def test_the_json_after_a_redaction_says_it_was_not_a_dry_run(db, capsys):
    code, out, err = run(db, "redact", "--older-than", "2025-01-01", "--reason", "retention", "--json",
                         capsys=capsys)
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "redacted": {"audits": 0, "events": 1, "actions": 0, "concerns": 0, "moderations": 0, "amendments": 0},
        "held_back": {"on_hold": 0, "open_concerns": 0, "open_actions": 0}, "dry_run": False}


@pytest.mark.parametrize("args,words", [
    (["redact", "--older-than", "2025-01-01"], "--reason"),
    (["redact", "--reason", "x"], "one of the arguments"),
    (["redact", "--audit", "A-0001", "--event", "1", "--reason", "x"], "not allowed with"),
    (["redact", "--older-than", "12/31/2024", "--reason", "x"], "--older-than"),
    (["redact", "--event", "one", "--reason", "x"], "--event"),
    (["redact", "--audit", "A-9999", "--reason", "x"], "audit A-9999: not in the database"),
    (["redact", "--concern", "SC-000009", "--reason", "x"], "concern SC-000009: not in the database"),
    (["redact", "--audit", "A-0001", "--reason", "  "], "--reason"),
    (["hold", "C-1001"], "--reason"),
    (["hold", "C-9999", "--reason", "court"], "case C-9999: not in the database"),
    (["hold", "--release", "C-1001"], "not on hold"),
    (["hold", "--release", "C-1001", "--reason", "x"], "takes no other case"),
])
def test_bad_input_exits_2_with_a_clear_line_and_writes_nothing(db, capsys, args, words):
    head = _head(db)
    try:
        code = main(["--db", str(db), *args])
    except SystemExit as exited:  # argparse's own refusals (usage) exit 2 the same way
        code = exited.code
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert words in err and "Traceback" not in err
    assert (_head(db), _notes(db)) == (head, [NOTE])


def test_hold_keeps_a_case_through_a_schedule_and_release_lets_it_go(db, capsys):
    code, out, err = run(db, "hold", "C-1001", "--reason", "court proceedings", capsys=capsys)
    assert (code, err) == (0, "")
    code, out, _ = run(db, "hold", capsys=capsys)
    assert out.startswith("C-1001  held by ")
    code, out, err = run(db, "redact", "--older-than", "2025-01-01", "--reason", "retention", "--json",
                         capsys=capsys)
    assert json.loads(out)["held_back"]["on_hold"] == 1 and _notes(db) == [NOTE]
    code, out, err = run(db, "hold", "--release", "C-1001", capsys=capsys)
    assert (code, err) == (0, "") and "released" in out
    run(db, "redact", "--older-than", "2025-01-01", "--reason", "retention", capsys=capsys)
    assert _notes(db)[0].startswith("[redacted ")
    assert verify_file(db).ok
