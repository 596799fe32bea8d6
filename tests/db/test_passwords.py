"""Password hashes and failed sign-ins: who may set one, what is kept, what history says."""

from __future__ import annotations

import pytest

from audit_tools.errors import Refused
from db import open_store, passwords
from tests.support import admin_store


def test_a_password_hash_is_stored_and_replaced_with_history(tmp_path):
    store = admin_store(tmp_path / "ca.db")
    assert passwords.password_hash(store, "amy") is None
    passwords.set_password_hash(store, "amy", "$argon2id$first")
    passwords.set_password_hash(store, "amy", "$argon2id$second")
    assert passwords.password_hash(store, "amy") == "$argon2id$second"
    entries = store.history.entries(what="password set")
    assert [(e.actor, e.details) for e in entries] == [("root", {"username": "amy"})] * 2
    assert all("argon2" not in str(e.details) for e in entries)


def test_a_user_sets_only_their_own_password(tmp_path):
    path = tmp_path / "ca.db"
    admin_store(path)
    amy = open_store(path, "amy")
    passwords.set_password_hash(amy, "amy", "$argon2id$amy")
    before = amy.row_counts()
    with pytest.raises(Refused, match="only their own"):
        passwords.set_password_hash(amy, "ben", "$argon2id$ben")
    assert amy.row_counts() == before
    assert passwords.password_hash(amy, "ben") is None


def test_disabling_an_account_is_an_admins_and_in_the_history(tmp_path):
    path = tmp_path / "ca.db"
    store = admin_store(path)
    assert passwords.set_disabled(store, "amy", True) and passwords.is_disabled(store, "amy")
    assert not passwords.set_disabled(store, "amy", True)  # already: nothing more recorded
    amy = open_store(path, "amy")
    before = amy.row_counts()
    with pytest.raises(Refused, match="admin"):
        passwords.set_disabled(amy, "amy", False)
    assert amy.row_counts() == before
    assert passwords.set_disabled(store, "amy", False) and not passwords.is_disabled(store, "amy")
    assert [e.what for e in store.history.entries() if e.what.startswith("account")] == [
        "account enabled", "account disabled"]


def test_a_lockout_stays_on_record_once_acknowledged(tmp_path):
    store = admin_store(tmp_path / "ca.db")
    with store.transaction():
        first = passwords.record_lockout(store, "amy", "2025-09-30T09:15:00+00:00", "salted")
        passwords.record_lockout(store, None, "2025-09-30T09:16:00+00:00", "salted")
    assert [lo.username for lo in passwords.open_lockouts(store)] == [None, "amy"]
    assert passwords.acknowledge_lockouts(store, [first]) == 1
    assert passwords.acknowledge_lockouts(store, [first]) == 0  # once only
    assert [lo.username for lo in passwords.open_lockouts(store)] == [None]
    assert store.db.execute("SELECT count(*) FROM lockouts").fetchone()[0] == 2
    assert store.history.verify().ok


def test_the_password_step_brings_an_older_file_up_to_date(tmp_path):
    from db.connection import connect
    from db.migrations import migrations

    path = tmp_path / "older.db"
    older = connect(path)
    migrations.apply(older, stop_before="m008_sign_in_passwords")
    older.execute("INSERT INTO users (username, display_name, roles) VALUES ('root', 'Root', '[\"admin\"]')")
    assert "passwords" not in older.table_names()
    older.close()
    store = open_store(path, "root")  # opening applies the pending step
    passwords.set_password_hash(store, "root", "$argon2id$root")
    assert passwords.password_hash(store, "root") == "$argon2id$root"
    assert migrations.pending(store.db) == []
