"""`verify` covers the whole record: every table but the named exclusions, however it was changed.

Played as someone with a copy of the file would: every trigger dropped with sqlite3, then one
row deleted or one value edited in a table, or a row planted. The tables are found in a
populated database, not listed here, so a table that lands later is tried as well.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date, datetime, timezone

import pytest

from audit_tools.models import Audit, Case, Moderation, User
from caseaudit.cli import main
from caseaudit.services import moderation_escalations
from db import coverage, history, open_store
from db.identity import current_username
from db.maintenance import verify_file
from tests.support import raw_connection

ME = current_username()
CLOCK = lambda: datetime(2025, 9, 30, 12, 0, tzinfo=timezone.utc)  # noqa: E731

# What the issue names as the record; each must be covered and, in the populated file, hold rows.
NAMED = {
    "users", "passwords", "teams", "cases", "case_events", "audits", "scores", "themes", "audit_themes",
    "actions", "amendments", "submitted_audits", "moderations", "assignments", "escalation_resolutions",
    "samples", "sample_members", "allocations", "allocated_cases", "concerns", "settings", "catalogues",
    "case_holds",
}


def _escalated(audit_id: str) -> Audit:
    scores = {"return-interview": "not_applicable", "voice-of-child": "met", "management-oversight": "met"}
    return Audit(
        audit_id=audit_id, case_ref=f"E-{audit_id}", auditor="amy", as_of=date(2024, 5, 1),
        submitted_on=date(2024, 5, 2), grade="good", scores=scores, notes={"voice-of-child": "clear"},
        moderation=Moderation(moderator="cat", moderated_on=date(2024, 6, 20), grade="inadequate",
                              outcome="escalated", scores={**scores, "voice-of-child": "not_met"},
                              notes={"voice-of-child": "no wishes"}, reason="far apart on the child's voice",
                              feedback="Where is the child's voice?"))


@pytest.fixture(scope="module")
def populated(tmp_path_factory):
    """The demo database, plus what the demo leaves empty: an amendment, an escalation's
    resolution, a password and a case on hold."""
    from caseaudit.services import moderation as ms
    from caseaudit.services.demo import build_demo
    from caseaudit.services.sign_in import set_password
    from sample_audits import load_sample

    path = build_demo(tmp_path_factory.mktemp("record") / "demo.db", load_sample)
    admin = open_store(path, "demo", clock=CLOCK)
    admin.people.upsert([User(username=ME, display_name="Me", roles=["admin"]),
                         User(username="amy", display_name="Amy", roles=["auditor"]),
                         User(username="cat", display_name="Cat", roles=["moderator"]),
                         User(username="lee", display_name="Lee", roles=["qa_lead"])])
    admin.cases.upsert([Case(case_ref="E-E1", case_type="EH", start_date=date(2024, 1, 2), team="North")])
    admin.audits.insert([_escalated("E1")])
    set_password(admin, "amy", "correct horse battery", "correct horse battery")
    admin.holds.hold("E-E1", "court proceedings")
    admin.close()
    moderation_escalations.resolve_escalation(open_store(path, "lee", clock=CLOCK), "E1", "requires_improvement", "talked it through",
                          None)
    amy = open_store(path, "amy", clock=CLOCK)
    amy.amendments.amend("E1", {"notes": {"voice-of-child": "clear, in the child's words"}}, "typo")
    amy.checkpoint()
    amy.close()
    return path


def _copy(populated, tmp_path):
    copy = tmp_path / "copy.db"
    shutil.copy(populated, copy)
    return copy


def _drop_every_trigger(conn: sqlite3.Connection) -> None:
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')


def _covered_with_rows(path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                if not coverage.excluded(t) and conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]]
    finally:
        conn.close()


def _first_row(conn: sqlite3.Connection, table: str) -> tuple[str, list]:
    """A WHERE clause and its values naming one row of `table` (by primary key, which a table
    WITHOUT ROWID has, else by rowid)."""
    keys = [r[1] for r in sorted(conn.execute(f'PRAGMA table_info("{table}")'), key=lambda r: r[5]) if r[5]]
    keys = keys or ["rowid"]
    values = list(conn.execute(f'SELECT {", ".join(keys)} FROM "{table}" LIMIT 1').fetchone())
    return " AND ".join(f"{k} IS ?" for k in keys), values


def _delete_one_row(conn: sqlite3.Connection, table: str) -> None:
    where, values = _first_row(conn, table)
    conn.execute(f'DELETE FROM "{table}" WHERE {where}', values)


def _edit_one_value(conn: sqlite3.Connection, table: str) -> str:
    """Change one value of one row, the first column the table's constraints let change; its name."""
    where, key = _first_row(conn, table)
    for column in [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]:
        value = conn.execute(f'SELECT "{column}" FROM "{table}" WHERE {where}', key).fetchone()[0]
        new = value + 1 if isinstance(value, int) else ("changed" if value is None else str(value) + " (changed)")
        try:
            conn.execute(f'UPDATE "{table}" SET "{column}" = ? WHERE {where}', [new, *key])
        except sqlite3.DatabaseError:
            continue
        return column
    raise AssertionError(f"no value of {table} could be changed")


def test_the_populated_file_holds_every_table_the_issue_names_and_verifies(populated):
    with_rows = _covered_with_rows(populated)  # read once: each reading counts every table's rows
    assert NAMED <= set(with_rows)
    result = verify_file(populated)
    assert result.ok, result.findings
    assert result.covered == len(with_rows) + sum(
        1 for t in coverage.covered_tables(_open(populated)) if t not in with_rows)


def _open(path):
    from db.connection import connect

    return connect(path, wal=False)


def test_every_table_is_covered_or_named_as_excluded(populated):
    """Fails when a table is neither: one that lands later without its digest triggers and a
    digest in the history, or an exclusion nobody wrote down."""
    db = _open(populated)
    triggers = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    recorded = set()
    for (state,) in db.execute("SELECT state FROM history WHERE state IS NOT NULL"):
        import json

        recorded |= set(json.loads(state))
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        if coverage.excluded(table):
            assert table in coverage.EXCLUDED or table.startswith(coverage.EXCLUDED_PREFIXES)
            continue
        assert {f"record_digest_{table}_{e}" for e in ("insert", "update", "delete")} <= triggers, table
        assert table in recorded, table
    assert set(coverage.EXCLUDED) == {"history", "_sqlite_migrations", "counters", "reaudit_drafts",
                                      "sign_in_failures", "record_digests"}
    assert coverage.excluded("served_sessions") and coverage.excluded("served_tokens")
    assert not coverage.excluded("round_members") and not coverage.excluded("users")


@pytest.mark.parametrize("change", ["delete one row", "edit one value"])
def test_a_change_to_any_covered_table_behind_the_app_is_named(populated, tmp_path, change):
    """Each covered table found in the file is changed once, all in one copy (each table's digest
    is computed from its own rows alone, so one copy tries them all as 44 copies would): verify
    names every one of them, once, and no other."""
    tables = _covered_with_rows(populated)
    assert len(tables) >= len(NAMED)
    copy = _copy(populated, tmp_path)
    conn = sqlite3.connect(copy, isolation_level=None)
    _drop_every_trigger(conn)
    for table in tables:
        before = conn.total_changes
        if change == "delete one row":
            _delete_one_row(conn, table)
        else:
            _edit_one_value(conn, table)
        assert conn.total_changes == before + 1, table
    conn.close()
    result = verify_file(copy)
    assert not result.ok
    named = [line.split(":")[0].removeprefix("table ") for line in result.tables]
    assert sorted(named) == tables, result.tables
    if change == "delete one row":
        assert all(" 1 row deleted outside caseaudit" in line for line in result.tables), result.tables


def test_verify_exits_1_naming_the_table_and_0_when_nothing_changed(populated, tmp_path, capsys):
    copy = _copy(populated, tmp_path)
    assert main(["--db", str(copy), "verify"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("database and history chain OK (") and " tables match it)" in out
    conn = sqlite3.connect(copy, isolation_level=None)
    _drop_every_trigger(conn)
    conn.execute("UPDATE moderations SET final_grade = 'outstanding' WHERE rowid = (SELECT min(rowid) FROM moderations)")
    conn.close()
    assert main(["--db", str(copy), "verify"]) == 1
    err = capsys.readouterr().err
    assert ("caseaudit: table moderations: its rows are not the ones history entry " in err
            and "a value was changed outside caseaudit" in err)


@pytest.mark.parametrize("plant,table", [
    ("INSERT INTO passwords (username, hash, set_by, set_at) VALUES "
     "('cat', '$argon2id$v=19$m=65536,t=3,p=4$planted', 'cat', '2025-09-30T12:00:00+00:00')", "passwords"),
    ("INSERT INTO settings (key, value) VALUES ('independence_mode_override', '\"off\"')", "settings"),
    ("UPDATE users SET roles = '[\"admin\", \"qa_lead\"]' WHERE username = 'amy'", "users"),
])
def test_a_planted_password_setting_or_role_is_named(populated, tmp_path, plant, table):
    copy = _copy(populated, tmp_path)
    conn = sqlite3.connect(copy, isolation_level=None)
    _drop_every_trigger(conn)
    conn.execute(plant)
    conn.close()
    result = verify_file(copy)
    assert [line.split(":")[0] for line in result.tables] == [f"table {table}"], result.tables


def test_a_sqlite_shell_without_caseaudit_cannot_write_a_covered_table(populated, tmp_path):
    copy = _copy(populated, tmp_path)
    conn = sqlite3.connect(copy, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError, match="caseaudit_row"):
        conn.execute("UPDATE users SET roles = '[\"admin\"]' WHERE username = 'amy'")
    conn.close()
    assert verify_file(copy).ok


def test_a_change_behind_the_app_is_not_laundered_by_the_next_entry(populated, tmp_path):
    """With caseaudit's own function and no trigger dropped, the digest triggers note the change;
    the next change made in caseaudit forgets it rather than record it, so verify still names it."""
    copy = _copy(populated, tmp_path)
    conn = raw_connection(copy, isolation_level=None)
    conn.execute("UPDATE users SET roles = '[\"admin\"]' WHERE username = 'amy'")
    conn.close()
    store = open_store(copy, ME, clock=CLOCK)
    store.reference.set_setting("audit_quota_per_month", 3)  # any later change, by someone innocent
    store.close()
    result = verify_file(copy)
    assert [line.split(":")[0] for line in result.tables] == ["table users"], result.tables


def test_a_table_added_later_is_covered_when_the_store_next_opens(populated, tmp_path):
    copy = _copy(populated, tmp_path)
    conn = sqlite3.connect(copy, isolation_level=None)
    conn.execute("CREATE TABLE round_members (round_id TEXT, case_ref TEXT)")
    conn.execute("INSERT INTO round_members VALUES ('R-1', 'C-1'), ('R-1', 'C-2')")
    conn.close()
    open_store(copy, ME, clock=CLOCK).close()
    assert verify_file(copy).ok
    conn = sqlite3.connect(copy, isolation_level=None)
    _drop_every_trigger(conn)
    conn.execute("DELETE FROM round_members WHERE case_ref = 'C-2'")
    conn.close()
    assert [line.split(":")[0] for line in verify_file(copy).tables] == ["table round_members"]


def test_removing_a_tables_pending_digest_to_have_it_taken_afresh_is_named(populated, tmp_path):
    copy = _copy(populated, tmp_path)
    conn = sqlite3.connect(copy, isolation_level=None)
    _drop_every_trigger(conn)
    conn.execute("DELETE FROM cases WHERE rowid = (SELECT min(rowid) FROM cases)")
    conn.execute("DELETE FROM record_digests WHERE name = 'cases'")
    conn.close()
    open_store(copy, ME, clock=CLOCK).close()  # puts the triggers back and takes the cases afresh
    result = verify_file(copy)
    assert any(line.startswith("table cases: history entry ") and "took its digest afresh" in line
               for line in result.tables), result.tables


def _as_before_the_digests(path) -> None:
    """Make `path` what a file written before m150 looks like: no record digests, no digest
    triggers, no `state` in the history, and m150 not yet applied."""
    conn = sqlite3.connect(path, isolation_level=None)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                "AND name LIKE 'record_digest_%'").fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    conn.execute("DROP TABLE record_digests")
    conn.execute("DROP TRIGGER history_no_update")
    conn.execute("DROP TRIGGER history_no_delete")
    conn.execute("DELETE FROM history WHERE what = 'record coverage taken'")
    conn.execute("ALTER TABLE history DROP COLUMN state")
    prev = history.GENESIS  # the entries hashed as a version before the digests hashed them
    for n, (entry_id, at, actor, what, details) in enumerate(conn.execute(
            "SELECT id, at, actor, what, details FROM history ORDER BY id").fetchall(), start=1):
        digest = history.entry_hash(prev, n, at, actor, what, json.loads(details))
        conn.execute("UPDATE history SET id = ?, prev_hash = ?, hash = ? WHERE id = ?", [n, prev, digest, entry_id])
        prev = digest
    for event in ("UPDATE", "DELETE"):
        conn.execute(f"CREATE TRIGGER history_no_{event.lower()} BEFORE {event} ON history "
                     "BEGIN SELECT RAISE(ABORT, 'history is append-only'); END")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm150_record_digests'")
    conn.close()


def test_a_file_from_before_the_digests_verifies_then_is_covered_when_opened(tmp_path):
    from tests.support import admin_store, make_audit

    path = tmp_path / "older.db"
    store = admin_store(path)
    store.audits.insert([make_audit()])
    store.close()
    _as_before_the_digests(path)
    # Before any store opens it, verify checks what older versions checked, and passes.
    older = verify_file(path)
    assert older.ok and older.covered == 0, older.findings
    entries = older.entries
    open_store(path, ME, clock=CLOCK).close()  # m150 runs and every table is taken, recorded
    result = verify_file(path)
    assert result.ok, result.findings
    assert result.entries == entries + 1 and result.covered == len(coverage.covered_tables(_open(path)))
    conn = sqlite3.connect(path, isolation_level=None)
    _drop_every_trigger(conn)
    conn.execute("UPDATE cases SET worker = 'ben'")
    conn.close()
    assert [line.split(":")[0] for line in verify_file(path).tables] == ["table cases"]
