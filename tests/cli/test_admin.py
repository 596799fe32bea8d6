"""`caseaudit init`, `verify` and `backup` as a council runs them, in subprocesses."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from db import current_username, open_store
from db.connection import connect
from db.maintenance import verify_file
from db.migrations import migrations
from tests.support import admin_store

CASEAUDIT = str(Path(sys.executable).with_name("caseaudit"))


def run(*args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([CASEAUDIT, *args], capture_output=True, text=True, timeout=timeout)


def schema(path: Path) -> list[tuple]:
    conn = sqlite3.connect(str(path))
    try:
        return conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    finally:
        conn.close()


def test_init_twice_changes_nothing_the_second_time(tmp_path):
    db = tmp_path / "ca.db"
    first = run("--db", str(db), "init")
    assert first.returncode == 0, first.stderr
    assert f"{current_username()} is the first admin" in first.stdout
    before_schema = schema(db)
    store = open_store(db, current_username())
    before_counts = store.row_counts()
    store.close()
    second = run("--db", str(db), "init")
    assert second.returncode == 0, second.stderr
    assert "first admin" not in second.stdout and "database ready" in second.stdout
    assert schema(db) == before_schema
    assert open_store(db, current_username()).row_counts() == before_counts


def test_the_person_running_init_is_the_admin(tmp_path):
    db = tmp_path / "ca.db"
    assert run("--db", str(db), "init").returncode == 0
    store = open_store(db, current_username())
    assert [u.username for u in store.people.list(role="admin")] == [current_username()]
    assert store.reference.catalogues()[0]["name"] == "default"


def test_init_stores_a_given_catalogue_and_refuses_a_bad_one(tmp_path):
    from audit_tools.standards.catalogue import default_catalogue_text

    db = tmp_path / "ca.db"
    toml = tmp_path / "ours.toml"
    toml.write_text(default_catalogue_text().replace('version = "2024.1"', 'version = "2025.1"'), "utf-8")
    done = run("--db", str(db), "init", "--standards", str(toml))
    assert done.returncode == 0, done.stderr
    assert "2025.1" in done.stdout
    bad = run("--db", str(db), "init", "--standards", str(tmp_path / "missing.toml"))
    assert bad.returncode == 2
    assert bad.stderr.strip() == f"caseaudit: {tmp_path / 'missing.toml'}: standards catalogue not found"


def test_init_with_sample_data_verifies(tmp_path):
    db = tmp_path / "ca.db"
    done = run("--db", str(db), "init", "--sample")
    assert done.returncode == 0, done.stderr
    assert "sample data loaded" in done.stdout
    store = open_store(db, current_username())
    assert store.row_counts()["audits"] > 0
    store.close()
    result = verify_file(db)  # what `caseaudit verify` checks (run as a program in the tests below)
    assert result.ok, result.findings


def test_a_newer_program_migrates_an_older_file(tmp_path):
    db_file = tmp_path / "old.db"
    old = connect(db_file)
    migrations.apply(old, stop_before="m003_moderation")
    old.close()
    assert "moderations" not in {row[1] for row in schema(db_file)}
    store = admin_store(db_file)
    names = {row[1] for row in schema(db_file)}
    assert {"moderations", "samples", "history", "history_no_update"} <= names
    assert store.history.verify().ok


def test_missing_or_foreign_files_are_refused_without_traceback(tmp_path):
    missing = tmp_path / "none.db"
    for args in (["verify"], ["backup", str(tmp_path / "copy.db")]):
        done = run("--db", str(missing), *args)
        assert done.returncode == 2
        assert done.stderr == f"caseaudit: {missing}: no database there; run `caseaudit init` first or give --db\n"
    assert not missing.exists()
    junk = tmp_path / "junk.db"
    junk.write_text("not a database at all, just some text " * 40)
    for args in (["verify"], ["init"], ["backup", str(tmp_path / "copy.db")]):
        done = run("--db", str(junk), *args)
        assert done.returncode == 2, args
        assert "Traceback" not in done.stderr and str(junk) in done.stderr
    assert run("--db", str(tmp_path), "init").returncode == 2


def test_backup_refuses_an_existing_destination(tmp_path):
    db = tmp_path / "ca.db"
    assert run("--db", str(db), "init").returncode == 0
    dest = tmp_path / "copy.db"
    dest.write_text("keep me")
    done = run("--db", str(db), "backup", str(dest))
    assert done.returncode == 2
    assert done.stderr == f"caseaudit: {dest}: already exists; nothing was written (give --force to replace it)\n"
    assert dest.read_text() == "keep me"
    done = run("--db", str(db), "backup", str(tmp_path / "no" / "such" / "copy.db"))
    assert done.returncode == 2 and "no such folder" in done.stderr


# Writes a case at a time (each with its history entry) until the stop file appears, at most
# argv[2] of them: it writes for as long as the backups take, and no longer.
WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from db import open_store
    from tests.support import make_case
    store = open_store(sys.argv[1], "root")
    stop = Path(sys.argv[3])
    print("ready", flush=True)
    for n in range(int(sys.argv[2])):
        if stop.exists():
            break
        store.cases.upsert([make_case(f"W-{n:05d}")])
    print("done", n, flush=True)
""")


def test_backup_is_consistent_while_another_process_writes(tmp_path):
    db = tmp_path / "ca.db"
    admin_store(db).close()
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), "400", str(stop)], stdout=subprocess.PIPE, text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert writer.stdout.readline().strip() == "ready"
        copies = []
        for n in range(3):
            dest = tmp_path / f"copy{n}.db"
            done = run("--db", str(db), "backup", str(dest))
            assert done.returncode == 0, done.stderr
            copies.append(dest)
        stop.touch()
        assert writer.wait(timeout=300) == 0  # the backups never made a write fail
        assert int(writer.stdout.read().split()[-1]) > 0  # and it was writing while they ran
    finally:
        writer.kill()
    for dest in copies:
        result = verify_file(dest)  # what `caseaudit verify` checks, without a program a copy
        assert result.ok, result.findings
        conn = sqlite3.connect(str(dest))
        cases = conn.execute("SELECT count(*) FROM cases WHERE case_ref LIKE 'W-%'").fetchone()[0]
        imports = conn.execute("SELECT count(*) FROM history WHERE what = 'cases imported'").fetchone()[0]
        # Each write adds a case and its history entry together: a consistent copy has both or neither.
        assert imports == cases + 1
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        conn.close()
    assert not list(tmp_path.glob("*.partial"))


def test_a_bad_catalogue_writes_nothing(tmp_path):
    db = tmp_path / "ca.db"
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "ours"\nversion = "1"\n', "utf-8")
    done = run("--db", str(db), "init", "--standards", str(bad))
    assert done.returncode == 2
    assert done.stderr == f"caseaudit: {bad}: no standards: add [[standard]] tables\n"
    assert not db.exists()
    assert run("--db", str(db), "init").returncode == 0
    before = open_store(db, current_username()).row_counts()
    assert run("--db", str(db), "init", "--standards", str(bad)).returncode == 2
    assert open_store(db, current_username()).row_counts() == before
