"""The paths SQLite reads specially are opened as SQLite means them, and leave no file behind.

`:memory:` once became an empty file named `:memory:` in the working folder (made
owner-only before SQLite opened it), so every run of the tests dirtied the checkout.
"""

from __future__ import annotations

import os
import stat

import pytest

from db.connection import connect


@pytest.mark.parametrize("target", [":memory:", "", "file::memory:", "file:scratch.db?mode=memory",
                                    "file:shared.db?mode=memory&cache=shared"])
def test_databases_in_memory_make_no_file(tmp_path, monkeypatch, target):
    monkeypatch.chdir(tmp_path)
    db = connect(target)
    db.execute("CREATE TABLE t (x)")
    db.execute("INSERT INTO t VALUES (1)")
    assert db.execute("SELECT x FROM t").fetchall() == [(1,)]
    db.close()
    assert sorted(os.listdir(tmp_path)) == []


def test_a_file_uri_opens_the_file_it_names_owner_only(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    db = connect("file:named.db")
    db.execute("CREATE TABLE t (x)")
    db.close()
    assert "named.db" in os.listdir(tmp_path)
    assert not any(name.startswith("file:") for name in os.listdir(tmp_path))
    assert stat.S_IMODE((tmp_path / "named.db").stat().st_mode) == 0o600


def test_a_read_only_uri_reads_and_creates_nothing(tmp_path):
    path = tmp_path / "ca.db"
    db = connect(path)
    db.execute("CREATE TABLE t (x)")
    db.execute("INSERT INTO t VALUES (7)")
    db.close()
    ro = connect(f"{path.as_uri()}?mode=ro", wal=False)
    assert ro.execute("SELECT x FROM t").fetchall() == [(7,)]
    ro.close()
    missing = tmp_path / "missing.db"
    with pytest.raises(Exception):
        connect(f"{missing.as_uri()}?mode=ro", wal=False)
    assert not missing.exists()


def test_a_plain_path_is_still_created_owner_only(tmp_path):
    path = tmp_path / "plain.db"
    connect(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
