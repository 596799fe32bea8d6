"""The history hash chain as docs/architecture.md "Data safety" writes it, checked from the outside.

Entry n's hash is the SHA-256 of entry n-1's hash followed by the canonical JSON (sorted
keys, no spaces) of {id, at, actor, what, details}, with `state` too when the entry records
table digests; the first entry links to 64 zeros.
These tests compute hashes with hashlib from that sentence, never with db.history's own
functions, and tamper the way someone who knows the format would: triggers dropped with
sqlite3, an entry changed, its hash recomputed, the next entry's link patched.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest

from db import history
from db.connection import connect
from db.maintenance import verify_file
from db.migrations import migrate
from tests.support import raw_connection, admin_store, make_audit

ZEROS = "0" * 64


def documented_hash(prev: str, entry_id: int, at: str, actor: str, what: str, details: object,
                    state: object = None) -> str:
    """The format, written from the docs: sha256(prev + canonical JSON of the entry)."""
    entry = {"id": entry_id, "at": at, "actor": actor, "what": what, "details": details}
    if state is not None:
        entry["state"] = state
    body = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev + body).encode("utf-8")).hexdigest()


def raw(path) -> sqlite3.Connection:
    return raw_connection(str(path), isolation_level=None)


@pytest.fixture
def submitted(tmp_path):
    """A database with users, a case and one submitted audit (A-0001, grade good)."""
    path = tmp_path / "ca.db"
    store = admin_store(path)
    store.audits.insert([make_audit()])
    store.close()
    return path


def test_two_entries_hash_to_the_values_worked_out_by_hand():
    # Worked with hashlib from the documented format:
    # entry 1 = sha256("0"*64 + '{"actor":"amy","at":"2024-05-01T10:00:00+00:00","details":{"n":1},"id":1,"what":"audit saved"}')
    #         = e6e17797...49abd7
    # entry 2 = sha256(<entry 1's hash> + '{"actor":"ben","at":"2024-05-02T11:30:00+00:00","details":{"n":2},"id":2,"what":"audit saved"}')
    #         = 48eb06ad...e770c0
    # Were entry 2 hashed without entry 1's hash in front it would be e8591fdf...cccd83 instead.
    db = connect(":memory:")
    migrate(db)
    history.record(db, "2024-05-01T10:00:00+00:00", "amy", "audit saved", {"n": 1})
    history.record(db, "2024-05-02T11:30:00+00:00", "ben", "audit saved", {"n": 2})
    rows = db.execute("SELECT id, prev_hash, hash FROM history ORDER BY id").fetchall()
    first = "e6e177972edf1d43575dd5247e062d629721ff98665efb2cd77f926b0449abd7"
    second = "48eb06ad7cc841e7f06f086e30b8adf8c5b39d0026a5dd51e7aa41b37fe770c0"
    assert rows == [(1, ZEROS, first), (2, first, second)]
    assert history.verify(db).last_hash == second


def test_every_stored_hash_follows_the_documented_format(submitted):
    conn = raw(submitted)
    rows = conn.execute("SELECT id, at, actor, what, details, prev_hash, hash, state FROM history "
                        "ORDER BY id").fetchall()
    conn.close()
    assert len(rows) >= 3
    assert all(state is not None for *_, state in rows)  # every entry here wrote a table of the record
    prev = ZEROS
    for entry_id, at, actor, what, details, prev_hash, stored, state in rows:
        assert prev_hash == prev, entry_id
        assert stored == documented_hash(prev, entry_id, at, actor, what, json.loads(details),
                                         json.loads(state)), entry_id
        prev = stored


def _edit_entry(conn, entry_id: int, details: object) -> str:
    """Change entry `entry_id`'s details and recompute its hash the documented way; its new hash."""
    at, actor, what, prev, state = conn.execute(
        "SELECT at, actor, what, prev_hash, state FROM history WHERE id = ?", [entry_id]).fetchone()
    new_hash = documented_hash(prev, entry_id, at, actor, what, details, state and json.loads(state))
    conn.execute("UPDATE history SET details = ?, hash = ? WHERE id = ?",
                 [json.dumps(details, sort_keys=True, separators=(",", ":")), new_hash, entry_id])
    return new_hash


def test_an_edit_with_its_hash_recomputed_is_named_at_the_next_entry_by_its_link(submitted):
    conn = raw(submitted)
    conn.execute("DROP TRIGGER history_no_update")
    _edit_entry(conn, 3, {"users": []})
    conn.close()
    result = verify_file(submitted)
    assert not result.ok
    assert (result.broken_entry, result.broken_reason) == (4, "its link to the previous entry does not match")


def test_an_edit_with_the_next_link_patched_is_named_at_the_next_entry_by_its_hash(submitted):
    """Patching entry 4's link to the new hash is not enough: entry 4's hash covers entry 3's hash."""
    conn = raw(submitted)
    conn.execute("DROP TRIGGER history_no_update")
    last = conn.execute("SELECT max(id) FROM history").fetchone()[0]
    assert last >= 4
    new_hash = _edit_entry(conn, 3, {"users": []})
    conn.execute("UPDATE history SET prev_hash = ? WHERE id = 4", [new_hash])
    conn.close()
    result = verify_file(submitted)
    assert not result.ok
    assert (result.broken_entry, result.broken_reason) == (4, "its contents do not match its hash")


def test_a_recomputed_chain_still_gives_away_an_altered_submission(submitted):
    """Rewriting the whole chain after the edit keeps the chain whole, so plain verify cannot see it
    there (an anchored head is future work); the submitted audit stored beside it still differs."""
    conn = raw(submitted)
    conn.execute("DROP TRIGGER history_no_update")
    rows = conn.execute("SELECT id, at, actor, what, details, state FROM history ORDER BY id").fetchall()
    entry = next(r for r in rows if r[3] == "audits imported")
    details = json.loads(entry[4])
    assert [a["grade"] for a in details["audits"]] == ["good"]
    details["audits"][0]["grade"] = "outstanding"
    prev = ZEROS
    for entry_id, at, actor, what, text, state in rows:
        body = details if entry_id == entry[0] else json.loads(text)
        new_hash = documented_hash(prev, entry_id, at, actor, what, body, state and json.loads(state))
        conn.execute("UPDATE history SET details = ?, prev_hash = ?, hash = ? WHERE id = ?",
                     [json.dumps(body, sort_keys=True, separators=(",", ":")), prev, new_hash, entry_id])
        prev = new_hash
    conn.close()
    result = verify_file(submitted)
    assert result.broken_entry is None  # the chain itself is consistent again
    assert result.last_hash == prev
    assert not result.ok
    assert len(result.altered) == 1
    assert result.altered[0].startswith(f"audit A-0001 differs from history entry {entry[0]}, which recorded its "
                                        "submission: ")
    assert "grade" in result.altered[0]
