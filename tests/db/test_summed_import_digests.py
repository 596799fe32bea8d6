"""A bulk import sums its rows' record digests in memory (db.coverage.summed_inserts) instead
of one update of the running digest a row: only on its own connection, only inside its own
transaction, and with the same digest as the triggers would have kept, so `verify` still
names a row deleted or changed behind the app afterwards."""

from __future__ import annotations

import sqlite3
from contextlib import nullcontext
from datetime import date

import pytest

from audit_tools.errors import BadInput
from audit_tools.models import Event, EventKind
from db import coverage, open_store
from db.connection import connect
from db.errors import NotFound
from db.history import verify
from db.identity import current_username
from tests.support import admin_store, make_audit, raw_connection

ME = current_username()


def _digests(path) -> dict[str, tuple[str, int]]:
    return {t: coverage.table_digest(_db(path), t) for t in ("scores", "audits", "case_events")}


def _db(path):
    return connect(path)


def _drop_every_trigger(conn: sqlite3.Connection) -> None:
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')


def _imported(tmp_path):
    path = tmp_path / "ca.db"
    store = admin_store(path)
    store.audits.import_checked([[make_audit("A-0001"), make_audit("A-0002")], [make_audit("A-0003")]])
    store.cases.import_events([[("C-1001", "visit", "2024-03-01", 1, 1, None, "seen at school")],
                               [("C-1001", "supervision", "2024-03-02", 1, None, None, None)]])
    store.close()
    return path


def test_an_import_summed_in_memory_verifies_and_each_entry_records_its_tables(tmp_path):
    path = _imported(tmp_path)
    db = _db(path)
    result = verify(db)
    assert result.ok, result.findings
    states = {what: state for what, state in db.execute(
        "SELECT what, state FROM history WHERE what IN ('audits imported', 'events imported')")}
    assert '"scores"' in states["audits imported"] and '"submitted_audits"' in states["audits imported"]
    assert '"case_events"' in states["events imported"]


@pytest.mark.parametrize("sql,table", [
    ("DELETE FROM scores WHERE rowid = (SELECT max(rowid) FROM scores)", "scores"),
    ("UPDATE case_events SET note = 'not what was imported' WHERE kind = 'visit'", "case_events"),
    ("DELETE FROM audit_themes WHERE rowid = (SELECT min(rowid) FROM audit_themes)", "audit_themes"),
])
def test_a_row_an_import_wrote_changed_behind_the_app_is_named(tmp_path, sql, table):
    path = _imported(tmp_path)
    conn = sqlite3.connect(path, isolation_level=None)
    _drop_every_trigger(conn)
    conn.execute(sql)
    conn.close()
    assert [line.split(":")[0] for line in verify(_db(path)).tables] == [f"table {table}"]


def test_the_sum_is_the_digest_the_triggers_keep_row_by_row(tmp_path, monkeypatch):
    (tmp_path / "summed").mkdir()
    (tmp_path / "inline").mkdir()
    summed = _imported(tmp_path / "summed")
    monkeypatch.setattr(coverage, "summed_inserts", lambda db: nullcontext())  # every row by its trigger
    inline = _imported(tmp_path / "inline")
    assert _digests(summed) == _digests(inline)
    # what each import's history entry recorded of the tables it wrote
    states = "SELECT what, state FROM history WHERE what IN ('audits imported', 'events imported') ORDER BY id"
    recorded = sqlite3.connect(summed).execute(states).fetchall()
    assert recorded == sqlite3.connect(inline).execute(states).fetchall()
    assert all(state and '"scores"' in state or '"case_events"' in state for _, state in recorded)


def test_summing_needs_a_transaction_and_ends_with_it(tmp_path):
    path = _imported(tmp_path)
    db = _db(path)
    with pytest.raises(RuntimeError, match="transaction"):
        with coverage.summed_inserts(db):
            pass
    db.conn.execute("BEGIN IMMEDIATE")
    with pytest.raises(ValueError):
        with coverage.summed_inserts(db):
            db.execute("INSERT INTO settings (key, value) VALUES ('left', '1')")
            raise ValueError("an import refused half-way")
    db.conn.execute("ROLLBACK")
    # after the block, even one that failed, the triggers digest each row again
    db.conn.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO settings (key, value) VALUES ('later', '1')")
    assert db.execute("SELECT changed, rows FROM record_digests WHERE name = 'settings'").fetchone() == (1, 1)
    db.conn.execute("ROLLBACK")


def test_summing_on_one_connection_leaves_every_other_digesting_inline(tmp_path):
    path = _imported(tmp_path)
    importing, other = _db(path), raw_connection(path)
    importing.conn.execute("BEGIN")
    with coverage.summed_inserts(importing):
        assert importing.execute("SELECT caseaudit_row_inline('settings', 'k', 'v')").fetchone() == (0,)
        assert other.execute("SELECT caseaudit_row_inline('settings', 'k', 'v')").fetchone() == (1,)
    importing.conn.execute("ROLLBACK")


def test_a_sqlite_shell_still_cannot_insert_into_a_covered_table(tmp_path):
    path = _imported(tmp_path)
    conn = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError, match="caseaudit_row"):
        conn.execute("INSERT INTO settings (key, value) VALUES ('planted', '1')")
    conn.close()
    assert verify(_db(path)).ok


def test_a_bad_batch_late_in_an_import_writes_nothing(tmp_path):
    path = tmp_path / "ca.db"
    store = admin_store(path)
    before = store.row_counts()
    with pytest.raises(BadInput):
        store.audits.import_checked([[make_audit("A-0001")], [make_audit("A-0002", case_ref="C-404")]])
    with pytest.raises(NotFound):
        store.cases.import_events([[("C-1001", "visit", "2024-03-01", 1, 1, None, None)],
                                   [("C-404", "visit", "2024-03-02", 1, 1, None, None)]])
    assert store.row_counts() == before
    assert store.history.verify().ok
    store.cases.add_events([("C-1001", Event(kind=EventKind.visit, date=date(2024, 3, 1)))])
    assert store.history.verify().ok


def test_a_file_whose_triggers_predate_the_summing_gets_them_when_opened(tmp_path):
    path = _imported(tmp_path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TRIGGER record_digest_scores_insert")
    conn.execute("CREATE TRIGGER record_digest_scores_insert AFTER INSERT ON scores BEGIN "
                 "UPDATE record_digests SET digest = caseaudit_row(digest, 1, 'scores', NEW.audit_id, "
                 "NEW.standard, NEW.automatic_status, NEW.status, NEW.note, NEW.override_reason), "
                 "rows = rows + 1, changed = 1 WHERE name = 'scores'; END")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm180_summed_import_digests'")
    conn.close()
    store = open_store(path, ME)
    sql = store.db.execute("SELECT sql FROM sqlite_master WHERE name = 'record_digest_scores_insert'").fetchone()[0]
    assert "caseaudit_row_inline('scores'" in sql
    store.audits.import_checked([[make_audit("A-0009")]])
    assert store.history.verify().ok
