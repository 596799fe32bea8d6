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


def test_failures_are_counted_per_name_without_keeping_the_name(tmp_path):
    store = admin_store(tmp_path / "ca.db")
    assert passwords.record_failure(store, "amy", "amy") == 1
    assert passwords.record_failure(store, " AMY ", "amy") == 2  # the same name, typed differently
    assert passwords.record_failure(store, "hunter2-typed-as-a-name", None) == 1
    assert passwords.failures(store, "amy") == 2
    kept = [r[0] for r in store.db.execute("SELECT name_key FROM sign_in_failures")]
    assert "hunter2-typed-as-a-name" not in str(kept) and "amy" not in kept
    details = [e.details for e in store.history.entries(what="sign-in refused")]
    assert details == [{"username": None, "failures_in_a_row": 1},
                       {"username": "amy", "failures_in_a_row": 2},
                       {"username": "amy", "failures_in_a_row": 1}]


def test_a_sign_in_forgives_the_names_failures_and_is_recorded(tmp_path):
    store = admin_store(tmp_path / "ca.db")
    passwords.record_failure(store, "amy", "amy")
    passwords.record_sign_in(store.clone(actor="amy"), "amy", "browser")
    assert passwords.failures(store, "amy") == 0
    [entry] = store.history.entries(what="signed in")
    assert (entry.actor, entry.details) == ("amy", {"username": "amy", "how": "browser"})
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
