"""Redaction: a child's name and date of birth leave the file, and only redaction can make them go.

A populated record holds the same words in every place free text lives: an event's note and
why the child was not seen alone, an audit's notes, override reason and actions (one
completed, one still open), its copy as submitted, an amendment's reason and changed notes,
a blind re-audit's notes, reason and feedback, the resolution of its escalation, and a
closed concern. A held case, an open concern and the open action carry other words, which
a retention schedule must leave.
"""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from audit_tools.errors import BadInput, Refused
from audit_tools.models import Action, Event, EventKind, Status
from audit_tools.redaction import Selection
from caseaudit.services import concerns, holds, moderation, moderation_escalations, redaction
from db.maintenance import verify_file
from db import open_store
from tests.support import FixedClock, admin_store, full_blind, make_audit, make_case

NAME, DOB = "Jane DOE", "01/02/2019"
NOTE = f"{NAME} (dob {DOB}) disclosed bruising"
HELD = "Kim HELD told the nurse"
OPEN_CONCERN = "Lee OPEN has no bed"
OPEN_ACTION = "Ring the school about Ola WAITING"
EVERY_NAMED = (NAME, DOB)


def _populate(path):
    root = admin_store(path)
    root.cases.upsert([make_case("C-2")])
    root.cases.add_events([
        ("C-1001", Event(kind=EventKind.visit, date=date(2024, 2, 3), seen_alone=False,
                         reason_not_alone=f"{NAME} was with her mother", note=NOTE)),
        ("C-2", Event(kind=EventKind.visit, date=date(2024, 2, 3), note=HELD))])
    amy = root.clone("amy")
    audit = make_audit()
    audit = audit.model_copy(update={
        "notes": {"chronology": NOTE, "supervision": f"{NAME}'s supervision is missing"},
        "scores": {**audit.scores, "supervision": Status.not_met},
        "override_reasons": {"supervision": f"{NAME} said so"},
        "actions": [Action(description=f"See {NAME} at home", owner="ben", due=date(2024, 6, 1),
                           standard="chronology"),
                    Action(description=OPEN_ACTION, owner="ben", due=date(2024, 6, 1), standard="supervision")]})
    amy.audits.submit(audit)
    amy.amendments.complete_action(amy.amendments.actions(audit_id="A-0001")[0].action_id, date(2024, 5, 2))
    amy.amendments.amend("A-0001", {"notes": {"chronology": f"{NOTE}; chronology late",
                                                   "supervision": "no supervision recorded"}}, f"{NAME}'s dob was wrong")
    amy.audits.submit(make_audit("A-0002", "C-2").model_copy(update={"notes": {"chronology": HELD}}))
    quinn = root.clone("quinn")
    quinn.moderation.assign("A-0001", "cat")
    cat = root.clone("cat")
    moderation.submit_blind(cat, "A-0001", full_blind(cat, "A-0001", "cat", "inadequate",
                                                      notes={"chronology": f"{NAME} not seen"}))
    moderation.reconcile(cat, "A-0001", "escalated", None, f"far apart on {NAME}", f"Where is {NAME}'s voice?")
    moderation_escalations.resolve_escalation(quinn, "A-0001", "requires_improvement", f"{NAME}'s file supports it",
                                              f"Talk about {NAME}")
    concerns.raise_concern(amy, amy.user, "C-1001", "A-0001", f"{NAME} has a bruise", "a strategy discussion")
    concerns.acknowledge(quinn, "SC-000001")
    concerns.close(quinn, "SC-000001", f"{NAME} seen the same day")
    concerns.raise_concern(amy, amy.user, "C-1001", "A-0001", OPEN_CONCERN, "a bed tonight")
    holds.hold_case(root, "C-2", "court proceedings")
    for store in (amy, quinn, cat, root):
        store.close()
    return path


@pytest.fixture(scope="module")
def populated(tmp_path_factory):
    return _populate(tmp_path_factory.mktemp("redaction") / "ca.db")


@pytest.fixture
def copy(populated, tmp_path):
    target = tmp_path / "ca.db"
    source, dest = sqlite3.connect(populated), sqlite3.connect(target)
    source.backup(dest)
    source.close()
    dest.close()
    return target


def _file_bytes(path) -> bytes:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    conn.close()
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def _open(path, who="root"):
    return open_store(path, who, clock=FixedClock())


def _older_than(path, who="root"):
    store = _open(path, who)
    try:
        return redaction.redact(store, Selection(older_than=date(2025, 1, 1)), "retention schedule")
    finally:
        store.close()


def test_before_redaction_the_file_holds_the_words_and_verifies(copy):
    assert verify_file(copy).ok
    text = _file_bytes(copy)
    assert NAME.encode() in text and DOB.encode() in text


def test_after_a_retention_redaction_the_name_and_dob_are_nowhere_in_the_file_and_verify_passes(copy):
    reach = _older_than(copy)
    assert reach.as_json() == {
        "redacted": {"audits": 1, "events": 1, "actions": 1, "concerns": 1, "moderations": 1, "amendments": 1},
        "held_back": {"on_hold": 2, "open_concerns": 1, "open_actions": 1}, "dry_run": False}
    result = verify_file(copy)
    assert result.ok, result.findings
    body = _file_bytes(copy)
    for words in EVERY_NAMED:
        assert words.encode() not in body, words
    # What must stay: the held case's words, the open concern's and the open action's.
    for words in (HELD, OPEN_CONCERN, OPEN_ACTION):
        assert words.encode() in body, words


def test_the_words_leave_the_file_without_a_vacuum(copy):
    _older_than(copy)
    body = b"".join(p.read_bytes() for p in copy.parent.glob(copy.name + "*"))
    for words in EVERY_NAMED:
        assert words.encode() not in body, words


def test_a_retention_redaction_leaves_a_held_case_an_open_concern_and_an_open_action(copy):
    _older_than(copy)
    conn = sqlite3.connect(copy)
    assert conn.execute("SELECT note FROM case_events WHERE case_ref = 'C-2' AND note IS NOT NULL").fetchone() == (HELD,)
    assert HELD in conn.execute("SELECT data FROM submitted_audits WHERE audit_id = 'A-0002'").fetchone()[0]
    assert conn.execute("SELECT found FROM concerns WHERE concern_id = 'SC-000002'").fetchone() == (OPEN_CONCERN,)
    assert conn.execute("SELECT found, action_taken FROM concerns WHERE concern_id = 'SC-000001'").fetchone() == (
        "[redacted 2024-05-02: retention schedule]",) * 2
    assert [r[0] for r in conn.execute("SELECT description FROM actions WHERE audit_id = 'A-0001' ORDER BY position")] \
        == ["[redacted 2024-05-02: retention schedule]", OPEN_ACTION]
    data = conn.execute("SELECT data FROM audits WHERE audit_id = 'A-0001'").fetchone()[0]
    assert OPEN_ACTION in data and NAME not in data
    # Figures, grades, statuses and dates stay.
    assert conn.execute("SELECT grade, submitted_on FROM audits WHERE audit_id = 'A-0001'").fetchone() == (
        "good", "2024-05-02")
    assert conn.execute("SELECT status FROM scores WHERE audit_id = 'A-0001' AND standard = 'supervision'"
                        ).fetchone() == ("not_met",)
    conn.close()


def test_releasing_the_hold_lets_the_next_run_reach_the_case(copy):
    _older_than(copy)
    store = _open(copy)
    holds.release_case(store, "C-2")
    store.close()
    reach = _older_than(copy)
    assert (reach.audits, len(reach.events), reach.on_hold) == (["A-0002"], 1, 0)
    assert HELD.encode() not in _file_bytes(copy)
    assert verify_file(copy).ok


def _drop_triggers(path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    return conn


@pytest.mark.parametrize("sql,table,audit,unnamed", [
    ("UPDATE case_events SET note = '[redacted 2024-05-02: retention schedule]' WHERE case_ref = 'C-1001' "
     "AND note IS NOT NULL", "case_events", False, "event 5: its note holds"),
    ("UPDATE submitted_audits SET data = json_set(data, '$.notes.chronology', "
     "'[redacted 2024-05-02: retention schedule]') WHERE audit_id = 'A-0001'", "submitted_audits", True, None),
    ("UPDATE concerns SET found = '[redacted 2024-05-02: retention schedule]' WHERE concern_id = 'SC-000001'",
     "concerns", False, "concern SC-000001: its found holds"),
    ("UPDATE scores SET note = '[redacted 2024-05-02: retention schedule]' WHERE audit_id = 'A-0001' "
     "AND standard = 'chronology'", "scores", False, "audit A-0001: its note holds"),
])
def test_the_same_edit_made_behind_the_triggers_instead_of_by_redact_is_caught(copy, sql, table, audit, unnamed):
    conn = _drop_triggers(copy)
    assert conn.execute(sql).rowcount == 1
    conn.close()
    result = verify_file(copy)
    assert [line.split(":")[0] for line in result.tables] == [f"table {table}"]
    assert bool(result.altered) is audit
    assert [line[:len(unnamed)] for line in result.unnamed] == ([unnamed] if unnamed else [])
    if audit:
        assert result.altered[0].startswith("audit A-0001 differs from history entry")
        assert result.altered[0].endswith("as submitted: notes")


def test_after_a_redaction_a_later_edit_of_the_redacted_note_is_caught(copy):
    _older_than(copy)
    conn = _drop_triggers(copy)
    conn.execute("UPDATE case_events SET note = 'Jane DOE is back' WHERE note LIKE '[redacted %'")
    conn.close()
    assert [line.split(":")[0] for line in verify_file(copy).tables] == ["table case_events"]


def test_the_lock_triggers_let_through_only_the_redaction(copy):
    conn = sqlite3.connect(copy, isolation_level=None)
    from db import coverage

    coverage.register(conn)
    mark = "[redacted 2024-05-02: x]"
    with pytest.raises(sqlite3.IntegrityError, match="locked"):  # no redaction under way
        conn.execute("UPDATE scores SET note = ? WHERE audit_id = 'A-0001' AND note != ''", [mark])
    conn.execute("BEGIN")
    conn.execute("INSERT INTO redacting (replacement) VALUES (?)", [mark])
    with pytest.raises(sqlite3.IntegrityError, match="locked"):  # another text than the mark
        conn.execute("UPDATE scores SET note = 'all fine' WHERE audit_id = 'A-0001' AND note != ''")
    with pytest.raises(sqlite3.IntegrityError, match="locked"):  # a status, with the mark
        conn.execute("UPDATE scores SET status = 'met', note = ? WHERE audit_id = 'A-0001' AND note != ''", [mark])
    with pytest.raises(sqlite3.IntegrityError, match="kept as it was"):  # the grade of the copy
        conn.execute("UPDATE submitted_audits SET grade = 'outstanding'")
    conn.execute("UPDATE scores SET note = ? WHERE audit_id = 'A-0001' AND note != ''", [mark])
    conn.execute("UPDATE redacting SET replacement = '[redacted 2024-05-03: y]'")
    with pytest.raises(sqlite3.IntegrityError, match="locked"):  # once redacted, never again
        conn.execute("UPDATE scores SET note = '[redacted 2024-05-03: y]' WHERE audit_id = 'A-0001' "
                     "AND note != ''")
    conn.execute("ROLLBACK")
    conn.close()


def test_one_record_at_a_time(copy):
    store = _open(copy)
    event_id = store.db.execute("SELECT id FROM case_events WHERE note = ?", [NOTE]).fetchone()[0]
    one = redaction.redact(store, Selection(event=event_id), "erasure request")
    assert one.as_json()["redacted"] == {"audits": 0, "events": 1, "actions": 0, "concerns": 0, "moderations": 0,
                                         "amendments": 0}
    done = store.amendments.actions(audit_id="A-0001", limit=None)
    assert redaction.redact(store, Selection(action=done[1].action_id), "x").open_actions == 1
    assert redaction.redact(store, Selection(action=done[0].action_id), "x").actions == [done[0].action_id]
    assert redaction.redact(store, Selection(concern="SC-000002"), "x").open_concerns == 1
    assert redaction.redact(store, Selection(audit="A-0002"), "x").on_hold == 1
    assert verify_file(copy).ok
    store.close()


def test_a_dry_run_changes_nothing(copy):
    store = _open(copy)
    before = store.row_counts(), store.history.head()
    reach = redaction.redact(store, Selection(older_than=date(2025, 1, 1)), "retention schedule", dry_run=True)
    assert reach.dry_run and reach.audits == ["A-0001"]
    assert (store.row_counts(), store.history.head()) == before
    assert store.db.execute("SELECT count(*) FROM case_events WHERE note = ?", [NOTE]).fetchone() == (1,)
    store.close()


@pytest.mark.parametrize("who", ["amy", "quinn", "cat", "dan"])
def test_only_an_admin_may_redact_or_hold(copy, who):
    store = _open(copy, who)
    head = store.history.head()
    with pytest.raises(Refused):
        redaction.redact(store, Selection(older_than=date(2025, 1, 1)), "retention schedule")
    with pytest.raises(Refused):
        holds.release_case(store, "C-2")
    with pytest.raises(Refused):
        holds.hold_case(store, "C-1001", "mine now")
    with pytest.raises(Refused):  # the store asks the policy again, behind the service
        store.redaction.redact(Selection(older_than=date(2025, 1, 1)), "retention schedule")
    assert store.history.head() == head
    assert store.db.execute("SELECT count(*) FROM case_events WHERE note = ?", [NOTE]).fetchone() == (1,)
    store.close()


@pytest.mark.parametrize("selection,reason,words", [
    (Selection(), "x", "choose exactly one"),
    (Selection(audit="A-0001", event=1), "x", "choose exactly one"),
    (Selection(audit="A-9999"), "x", "audit A-9999: not in the database"),
    (Selection(concern="SC-999999"), "x", "concern SC-999999: not in the database"),
    (Selection(audit="A-0001"), "   ", "--reason"),
])
def test_bad_input_writes_nothing(copy, selection, reason, words):
    store = _open(copy)
    head = store.history.head()
    with pytest.raises(BadInput, match=words):
        redaction.redact(store, selection, reason)
    assert store.history.head() == head
    store.close()


def test_the_redaction_steps_on_a_file_made_by_the_steps_before_them(tmp_path):
    """A file whose schema stopped before m151 (no holds, no redaction mark, the lock triggers
    as they were): opening it runs m151 and m152, and a redaction then goes through and verifies."""
    from db.connection import connect
    from db.migrations import migrations

    path = tmp_path / "older.db"
    db = connect(path)
    migrations.apply(db, stop_before="m151_case_holds")
    assert "case_holds" not in db.table_names()
    before = db.execute("SELECT sql FROM sqlite_master WHERE name = 'scores_submitted_no_update'").fetchone()[0]
    db.close()
    _populate(path)
    db = connect(path)
    after = db.execute("SELECT sql FROM sqlite_master WHERE name = 'scores_submitted_no_update'").fetchone()[0]
    db.close()
    assert "redacting" not in before and "redacting" in after
    assert _older_than(path).audits == ["A-0001"]
    assert verify_file(path).ok
