"""Free text stays out of new history entries: a salted SHA-256 there, the words only in their table.

An imported event's note naming a child, an autosaved draft's notes and a safeguarding
concern's words are what a council may have to correct or erase; none of them may be
copied into the append-only history any more.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date

from audit_tools.models import Event, EventKind
from db.cases import events_digest
from db.maintenance import verify_file
from tests.support import admin_store, make_audit

NOTE = "Jane DOE (dob 01/02/2019) disclosed bruising"
DRAFT_NOTE = "Spoke to Jane DOE's school nurse"
FOUND = "Jane DOE has an unexplained bruise"


def _history_text(path) -> str:
    conn = sqlite3.connect(path)
    try:
        return "\n".join(d for (d,) in conn.execute("SELECT details FROM history"))
    finally:
        conn.close()


def test_an_event_note_a_draft_note_and_a_concern_are_not_in_the_history(tmp_path):
    path = tmp_path / "ca.db"
    store = admin_store(path)
    store.cases.add_events([("C-1001", Event(kind=EventKind.visit, date=date(2024, 2, 3), seen_alone=False,
                                             reason_not_alone="Jane DOE was with her mother", note=NOTE))])
    amy = store.clone("amy")
    draft = make_audit(submitted_on=None)
    amy.audits.save_draft(draft.model_copy(update={"notes": {"chronology": DRAFT_NOTE}}), None)
    amy.concerns.raise_concern("C-1001", draft.audit_id, FOUND, "a strategy discussion today")
    text = _history_text(path)
    for words in ("Jane DOE", "01/02/2019", DRAFT_NOTE, FOUND, "strategy discussion"):
        assert words not in text, words
    # ... and the entry still shows which text it was: its digest, the texts salted, matches the stored note.
    entry = json.loads(store.db.execute(
        "SELECT details FROM history WHERE what = 'events imported' ORDER BY id DESC LIMIT 1").fetchone()[0])
    event = Event(kind=EventKind.visit, date=date(2024, 2, 3), seen_alone=False,
                  reason_not_alone="Jane DOE was with her mother", note=NOTE)
    assert entry["count"] == 1
    assert entry["digest"] == events_digest([("C-1001", event)], entry["text_salt"])
    assert entry["digest"] != events_digest([("C-1001", event.model_copy(update={"note": NOTE + "."}))],
                                            entry["text_salt"])
    assert store.db.execute("SELECT note FROM case_events WHERE note = ?", [NOTE]).fetchone() == (NOTE,)
    assert verify_file(path).ok


def test_the_note_is_still_proven_unchanged_by_the_chain(tmp_path):
    path = tmp_path / "ca.db"
    store = admin_store(path)
    store.cases.add_events([("C-1001", Event(kind=EventKind.visit, date=date(2024, 2, 3), note=NOTE))])
    store.close()
    conn = sqlite3.connect(path, isolation_level=None)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    conn.execute("UPDATE case_events SET note = 'nothing of note' WHERE note = ?", [NOTE])
    conn.close()
    result = verify_file(path)
    assert [line.split(":")[0] for line in result.tables] == ["table case_events"]


def _drop_triggers(path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    return conn


def _submitted_and_amended(path):
    store = admin_store(path)
    amy = store.clone("amy")
    audit = make_audit()
    amy.audits.submit(audit.model_copy(update={"notes": {"chronology": DRAFT_NOTE}}))
    amy.amendments.amend(audit.audit_id, {"notes": {"chronology": "Jane DOE's chronology is late"}},
                         "Jane DOE's name was misspelt")
    amy.close()
    store.close()
    return audit.audit_id


def test_a_submission_and_an_amendment_keep_their_words_out_of_the_history(tmp_path):
    path = tmp_path / "ca.db"
    _submitted_and_amended(path)
    text = _history_text(path)
    for words in ("Jane DOE", DRAFT_NOTE, "misspelt", "Update chronology"):
        assert words not in text, words
    assert verify_file(path).ok


def test_a_note_of_a_submitted_audit_changed_behind_the_triggers_names_the_audit(tmp_path):
    path = tmp_path / "ca.db"
    audit_id = _submitted_and_amended(path)
    conn = _drop_triggers(path)
    conn.execute("UPDATE submitted_audits SET data = json_set(data, '$.notes.chronology', 'all fine')")
    conn.close()
    result = verify_file(path)
    assert [line.split(":")[0] for line in result.tables] == ["table submitted_audits"]
    assert result.altered == [f"audit {audit_id} differs from history entry 5, which recorded its submission: "
                              "as submitted: notes"]


def test_an_amendment_reason_changed_behind_the_triggers_is_named(tmp_path):
    path = tmp_path / "ca.db"
    audit_id = _submitted_and_amended(path)
    conn = _drop_triggers(path)
    conn.execute("UPDATE amendments SET reason = 'a typo'")
    conn.close()
    result = verify_file(path)
    assert [line.split(":")[0] for line in result.tables] == ["table amendments"]
    assert [line.split(" (")[0] for line in result.altered] == [f"amendment 1 of audit {audit_id}"]
