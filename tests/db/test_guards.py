"""The database itself refuses to rewrite history or a submitted audit; verify catches tampering."""

from __future__ import annotations

import json
import sqlite3
from functools import lru_cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseaudit.cli import main
from tests.support import admin_store, copy_database, make_audit, raw_connection


def raw(path) -> sqlite3.Connection:
    return raw_connection(str(path), isolation_level=None)


def build_submitted(path) -> None:
    store = admin_store(path)
    store.audits.insert([make_audit()])
    store.close()


@pytest.fixture
def submitted(tmp_path, built):
    """A database with one submitted audit: a copy of one built once a run."""
    return copy_database(built("guards-submitted", build_submitted), tmp_path / "ca.db")


@pytest.mark.parametrize("sql", [
    "UPDATE history SET actor = 'mallory' WHERE id = 1",
    "DELETE FROM history WHERE id = 1",
    "UPDATE audits SET grade = 'outstanding' WHERE audit_id = 'A-0001'",
    "DELETE FROM audits WHERE audit_id = 'A-0001'",
    "UPDATE scores SET status = 'met' WHERE audit_id = 'A-0001'",
    "DELETE FROM scores WHERE audit_id = 'A-0001'",
    "INSERT INTO scores (audit_id, standard, status) VALUES ('A-0001', 'extra', 'met')",
    "DELETE FROM audit_themes WHERE audit_id = 'A-0001'",
    "UPDATE actions SET due = '2030-01-01' WHERE audit_id = 'A-0001'",
    "DELETE FROM actions WHERE audit_id = 'A-0001'",
])
def test_database_refuses_changes_to_history_and_submitted_audits(submitted, sql):
    conn = raw(submitted)
    before = conn.execute("SELECT (SELECT group_concat(hash) FROM history), "
                          "(SELECT data || grade FROM audits), (SELECT count(*) FROM scores)").fetchone()
    with pytest.raises(sqlite3.DatabaseError, match="append-only|locked"):
        conn.execute(sql)
    assert conn.execute("SELECT (SELECT group_concat(hash) FROM history), "
                        "(SELECT data || grade FROM audits), (SELECT count(*) FROM scores)").fetchone() == before


def test_an_action_of_a_submitted_audit_may_still_be_completed(submitted):
    conn = raw(submitted)
    conn.execute("UPDATE actions SET completed_on = '2024-05-30' WHERE audit_id = 'A-0001'")
    assert conn.execute("SELECT completed_on FROM actions").fetchone() == ("2024-05-30",)


def verify(path, capsys) -> tuple[int, str, str]:
    """`caseaudit verify` (run in this process: tests/cli/test_admin.py runs it as a program)."""
    code = main(["--db", str(path), "verify"])
    out, err = capsys.readouterr()
    return code, out, err


def test_verify_passes_on_an_untouched_database(submitted, capsys):
    code, out, err = verify(submitted, capsys)
    assert code == 0, err
    assert out.startswith("database and history chain OK (5 entries; latest hash ")


def test_tampered_history_is_named_by_verify(submitted, capsys):
    conn = raw(submitted)
    conn.execute("DROP TRIGGER history_no_update")
    conn.execute("""UPDATE history SET details = replace(details, '"good"', '"outstanding"') WHERE id = 5""")
    assert conn.total_changes == 1
    conn.close()
    code, _, err = verify(submitted, capsys)
    assert code == 1
    assert "caseaudit: history entry 5 is broken: its contents do not match its hash" in err
    assert "Traceback" not in err


def test_a_removed_history_entry_breaks_the_chain(submitted, capsys):
    conn = raw(submitted)
    conn.execute("DROP TRIGGER history_no_delete")
    conn.execute("DELETE FROM history WHERE id = 2")
    conn.close()
    code, _, err = verify(submitted, capsys)
    assert code == 1
    assert "history entry 3 is broken" in err


def test_a_rewritten_chain_tail_is_still_caught(submitted, capsys):
    """Recomputing one entry's hash is not enough: the next entry's link no longer matches."""
    from db.history import entry_hash

    conn = raw(submitted)
    conn.execute("DROP TRIGGER history_no_update")
    at, actor, what, prev, state = conn.execute(
        "SELECT at, actor, what, prev_hash, state FROM history WHERE id = 3").fetchone()
    details = {"users": []}
    conn.execute("UPDATE history SET details = ?, hash = ? WHERE id = 3",
                 ['{"users":[]}', entry_hash(prev, 3, at, actor, what, details, json.loads(state))])
    conn.close()
    code, _, err = verify(submitted, capsys)
    assert code == 1
    assert "history entry 4 is broken: its link to the previous entry does not match" in err


DETAILS = st.dictionaries(st.text(max_size=5), st.one_of(st.integers(), st.text(max_size=8), st.none()),
                          max_size=3)


@lru_cache(maxsize=1)
def migrated() -> sqlite3.Connection:
    """A new database in memory with every migration run, made once: each example starts
    from a copy (SQLite's backup of one in-memory file to another) rather than migrating."""
    from db.connection import connect
    from db.migrations import migrate

    db = connect(":memory:")
    migrate(db)
    return db.conn


@settings(max_examples=40, deadline=None)
@given(entries=st.lists(DETAILS, min_size=1, max_size=8), data=st.data())
def test_any_change_to_any_entry_is_named_exactly(entries, data):
    from db import history
    from db.connection import connect

    db = connect(":memory:")
    migrated().backup(db.conn)
    for n, details in enumerate(entries):
        history.record(db, f"2024-05-0{1 + n % 9}T10:00:00+00:00", "amy", "audit saved", details)
    assert history.verify(db).ok
    victim = data.draw(st.integers(min_value=1, max_value=len(entries)))
    column = data.draw(st.sampled_from(["at", "actor", "what", "details"]))
    db.execute("DROP TRIGGER history_no_update")
    db.execute(f"UPDATE history SET {column} = {column} || 'x' WHERE id = ?", [victim])
    result = history.verify(db)
    assert result.broken_entry == victim
