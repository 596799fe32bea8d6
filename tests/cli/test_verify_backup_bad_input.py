"""verify and backup against damaged files and awkward destinations: a finding is exit 1, bad input exit 2."""

from __future__ import annotations

import sqlite3

import pytest

from db.connection import connect

from caseaudit.cli import main
from tests.db.test_guards import raw, submitted  # noqa: F401  (a database with one submitted audit)


def verify(path, capsys) -> tuple[int, str, str]:
    code = main(["--db", str(path), "verify"])
    out, err = capsys.readouterr()
    return code, out, err


def test_verify_shows_the_head_of_the_chain(submitted, capsys):
    code, out, _ = verify(submitted, capsys)
    head = raw(submitted).execute("SELECT hash FROM history ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert code == 0
    from db import coverage

    tables = len(coverage.covered_tables(connect(submitted, wal=False)))
    assert out == f"database and history chain OK (5 entries; latest hash {head}; {tables} tables match it)\n"


def test_verify_notices_the_newest_entry_removed(submitted, capsys):
    conn = raw(submitted)
    conn.execute("DROP TRIGGER history_no_delete")
    conn.execute("DELETE FROM history WHERE id = 5")  # the entry that recorded the submission
    conn.close()
    code, out, err = verify(submitted, capsys)
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert lines[0] == ("caseaudit: history ends at entry 4, but 1 submitted audit (first A-0001) is recorded by "
                        "no entry: entries after 4 have been removed")
    # and every table that entry wrote now holds rows the history does not record
    assert {line.split(":")[1].strip() for line in lines[1:]} == {
        "table actions", "table audit_themes", "table audits", "table scores", "table submitted_audits"}


def test_verify_calls_a_missing_history_table_a_finding(submitted, capsys):
    conn = raw(submitted)
    conn.execute("DROP TABLE history")
    conn.close()
    code, _, err = verify(submitted, capsys)
    assert code == 1
    assert err == f"caseaudit: history: {submitted} has no history table; it has been removed\n"


def test_verify_calls_a_damaged_file_a_finding(submitted, capsys):
    conn = raw(submitted)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(submitted, "r+b") as fh:  # overwrite every page after the first with noise
        fh.seek(size)
        fh.write(b"\xff" * size * (pages - 1))
    code, out, err = verify(submitted, capsys)
    assert (code, out) == (1, "")
    assert err.startswith("caseaudit: database integrity: ") and "Traceback" not in err


def test_verify_of_another_sqlite_file_is_bad_input(tmp_path, capsys):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    code, _, err = verify(other, capsys)
    assert code == 2
    assert err == f"caseaudit: {other}: not a caseaudit database (no such table: history)\n"


def files(folder) -> set:
    """Files in `folder`, leaving out SQLite's own -wal and -shm companions."""
    return {p.name for p in folder.rglob("*") if not p.name.endswith(("-wal", "-shm"))}


@pytest.mark.parametrize("dest,message", [
    ("", "give a file name for the backup, e.g. caseaudit backup caseaudit-copy.db"),
    ("{tmp}", "{tmp}: is a folder; give a new file name for the backup, e.g. {tmp}/caseaudit-backup.db"),
    ("/proc/caseaudit-copy.db", "/proc/caseaudit-copy.db: cannot write the backup here: No such file or directory"),
])
def test_backup_names_the_destination_it_cannot_use(submitted, tmp_path, capsys, dest, message):
    dest = dest.format(tmp=tmp_path)
    before = files(tmp_path)
    code = main(["--db", str(submitted), "backup", dest])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err == f"caseaudit: {message.format(tmp=tmp_path)}\n"
    assert files(tmp_path) == before


@pytest.mark.parametrize("args", [
    ["check", "C-1"], ["init"], ["import", "users", "{users}"], ["backup", "{tmp}/copy.db"],
])
def test_another_programs_database_is_left_exactly_as_it_was(tmp_path, capsys, args):
    other = tmp_path / "places.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE bookmarks (url TEXT)")
    conn.commit()
    conn.close()
    users = tmp_path / "users.csv"
    users.write_text("username,display_name,roles,team\nann.x,Ann,auditor,north\n", "utf-8")
    before = other.read_bytes()
    code = main(["--db", str(other), *(a.format(users=users, tmp=tmp_path) for a in args)])
    _, err = capsys.readouterr()
    assert code == 2
    assert err == (f"caseaudit: {other}: is a database of another program (tables bookmarks), not caseaudit's; "
                   "give caseaudit a file of its own with --db\n")
    assert other.read_bytes() == before  # not even switched to WAL
    assert not (tmp_path / "copy.db").exists()


def test_a_read_only_database_refuses_a_write_in_words(tmp_path):
    from audit_tools.errors import BadInput
    from audit_tools.models import User
    from db import current_username, open_store

    path = tmp_path / "ca.db"
    store = open_store(path, current_username())
    store.people.ensure_admin()
    before = store.row_counts()
    store.db.execute("PRAGMA query_only = ON")  # what a file without write permission looks like to SQLite
    with pytest.raises(BadInput) as refused:
        store.people.upsert([User(username="ann.x", display_name="Ann")])
    assert refused.value.lines == [f"{path}: the database file is read-only for you, so nothing was written; "
                                   "ask whoever looks after it for write access"]
    store.db.execute("PRAGMA query_only = OFF")
    assert store.row_counts() == before
    store.close()


@pytest.mark.parametrize("triggers,sql,what", [
    (["audits_submitted_no_update"],
     "UPDATE audits SET grade = 'outstanding', data = json_set(data, '$.grade', 'outstanding')", "grade, grade column"),
    (["audits_submitted_no_update"], "UPDATE audits SET submitted_on = '2024-07-01'", "submitted_on column"),
    (["scores_submitted_no_update"], "UPDATE scores SET status = 'met'", "scores table"),
    (["scores_submitted_no_delete"], "DELETE FROM scores", "scores table"),
    (["actions_submitted_locked"], "UPDATE actions SET due = '2030-01-01'", "actions table"),
])
def test_verify_names_a_submitted_audit_changed_behind_the_triggers(submitted, capsys, triggers, sql, what):
    conn = raw(submitted)
    for trigger in triggers:
        conn.execute(f"DROP TRIGGER {trigger}")
    conn.execute(sql)
    assert conn.total_changes >= 1
    conn.close()
    code, out, err = verify(submitted, capsys)
    assert (code, out) == (1, "")
    table = triggers[0].split("_submitted")[0]
    first, second = err.splitlines()
    if sql.startswith("DELETE"):
        assert first.startswith(f"caseaudit: table {table}: 0 rows where history entry 5 recorded 10: "
                                "10 rows deleted outside caseaudit")
    else:
        rows = "10 rows" if table == "scores" else "1 row"
        assert first == (f"caseaudit: table {table}: its rows are not the ones history entry 5 recorded "
                         f"({rows} either way): a value was changed outside caseaudit")
    assert second == f"caseaudit: audit A-0001 differs from history entry 5, which recorded its submission: {what}"


def test_marking_an_action_done_or_amending_is_not_tampering(submitted, capsys):
    from datetime import date

    from db import current_username, open_store

    store = open_store(submitted, current_username())
    actions = store.amendments.actions()
    store.amendments.complete_action(actions[0].action_id, date(2024, 5, 30))
    store.amendments.amend("A-0001", {"grade": "inadequate"}, "moderation found the plan had lapsed")
    assert store.audits.get("A-0001").grade.value == "inadequate"
    store.close()
    code, out, _ = verify(submitted, capsys)
    assert code == 0 and out.startswith("database and history chain OK")
