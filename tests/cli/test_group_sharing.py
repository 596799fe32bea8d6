"""A council that shares the database with a group (`caseaudit init --group NAME`): the
database, backups and exports are 0660 owned by that group instead of the owner's only."""

from __future__ import annotations

import grp
import os
import stat

import pytest

from caseaudit.cli import main
from db import open_store

GROUP = "users"  # on every Debian machine; the tests run as root, who may give files to any group


def mode_and_group(path) -> tuple[int, str]:
    info = path.stat()
    return stat.S_IMODE(info.st_mode), grp.getgrgid(info.st_gid).gr_name


@pytest.fixture(autouse=True)
def usual_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def shared(tmp_path, capsys):
    path = tmp_path / "caseaudit.db"
    assert main(["--db", str(path), "init", "--group", GROUP]) == 0
    out, err = capsys.readouterr()
    assert f"shared with the group {GROUP}" in out
    assert f"chgrp {GROUP} {tmp_path} && chmod 2770 {tmp_path}" in err  # the folder is not the group's yet
    return path


def test_init_group_gives_the_database_to_the_group(shared):
    assert mode_and_group(shared) == (0o660, GROUP)
    store = open_store(shared, "root")
    assert store.reference.settings().file_group == GROUP
    store.close()


def test_backups_and_exports_of_a_shared_database_are_the_groups(shared, tmp_path, capsys):
    copy = tmp_path / "copy.db"
    assert main(["--db", str(shared), "backup", str(copy)]) == 0
    assert mode_and_group(copy) == (0o660, GROUP)
    paper = tmp_path / "paper.md"
    assert main(["--db", str(shared), "export", "themes", "--quarter", "2024-25-Q1", "--format", "md",
                 "--out", str(paper)]) == 0
    assert mode_and_group(paper) == (0o660, GROUP)
    tables = tmp_path / "tables"
    assert main(["--db", str(shared), "export", "themes", "--quarter", "2024-25-Q1", "--format", "csv",
                 "--out", str(tables)]) == 0
    assert mode_and_group(tables) == (0o770, GROUP)
    assert {mode_and_group(f) for f in tables.iterdir()} == {(0o660, GROUP)}


def test_an_unknown_group_is_bad_input_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "caseaudit.db"
    assert main(["--db", str(path), "init", "--group", "no-such-group-here"]) == 2
    assert "--group no-such-group-here: no such group on this machine" in capsys.readouterr().err
    assert not path.exists()
