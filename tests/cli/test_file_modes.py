"""Children's data on a shared server: under the usual umask 022 every file caseaudit
writes (the database and its -wal and -shm files, backups, exports) is readable and
writable by its owner only, and verify warns about a database others can read."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from caseaudit.cli import main
from tests.support import admin_store

PRIVATE = 0o600


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "caseaudit.db"
    store = admin_store(path)
    store.close()
    return path


def test_a_new_database_and_its_wal_and_shm_are_the_owners_only(tmp_path):
    path = tmp_path / "new.db"
    store = admin_store(path)
    try:
        assert Path(f"{path}-wal").exists() and Path(f"{path}-shm").exists()  # open while checked
        assert {p.name: mode(p) for p in tmp_path.iterdir()} == {
            "new.db": PRIVATE, "new.db-wal": PRIVATE, "new.db-shm": PRIVATE}
    finally:
        store.close()


def test_init_creates_an_owner_only_database(tmp_path, capsys):
    path = tmp_path / "init.db"
    assert main(["--db", str(path), "init"]) == 0
    assert mode(path) == PRIVATE


def test_a_backup_is_the_owners_only(db, tmp_path, capsys):
    dest = tmp_path / "copy.db"
    assert main(["--db", str(db), "backup", str(dest)]) == 0
    assert mode(dest) == PRIVATE


@pytest.mark.parametrize("fmt, name", [("json", "t.json"), ("md", "t.md"), ("xlsx", "t.xlsx"), ("csv", "tables")])
def test_exports_are_the_owners_only(db, tmp_path, capsys, fmt, name):
    out = tmp_path / name  # the command runs as the operating-system user, the first admin here
    assert main(["--db", str(db), "export", "themes", "--quarter", "2024-25-Q1",
                 "--format", fmt, "--out", str(out)]) == 0, capsys.readouterr().err
    if fmt == "csv":
        assert mode(out) == 0o700
        assert {mode(f) for f in out.iterdir()} == {PRIVATE}
    else:
        assert mode(out) == PRIVATE


def test_verify_warns_about_a_database_others_can_read(db, capsys):
    os.chmod(db, 0o644)
    os.chmod(db.parent, 0o755)
    assert main(["--db", str(db), "verify"]) == 0  # the data is sound: a warning, not a finding
    err = capsys.readouterr().err
    assert f"caseaudit: warning: {db}: the database can be read by every account" in err
    assert f"caseaudit: warning: {db.parent}: its folder lets every account" in err


def test_verify_says_nothing_of_a_private_database(db, capsys):
    os.chmod(db.parent, 0o700)
    assert main(["--db", str(db), "verify"]) == 0
    assert "warning" not in capsys.readouterr().err
