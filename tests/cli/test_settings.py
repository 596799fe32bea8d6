"""`caseaudit settings` as an admin and as someone who is not one."""

from __future__ import annotations

import json

import pytest

from caseaudit.cli import main
from db import current_username, open_store
from tests.support import USERS

ME = current_username()


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "ca.db"
    store = open_store(path, ME)
    store.people.ensure_admin()
    store.people.upsert(USERS)
    store.close()
    return path


def test_an_admin_lists_reads_and_sets_a_setting_recorded_in_the_history(db, capsys):
    assert main(["--db", str(db), "settings"]) == 0
    out = capsys.readouterr().out
    for key in ("idle_timeout_minutes", "session_lifetime_hours", "app_process_cap", "sessions_per_user",
                "lockout_after_failures", "address_delay_seconds", "sign_in_retention_days",
                "audit_quota_per_month", "independence_window_months", "independence_mode"):
        assert key in out
    assert main(["--db", str(db), "settings", "idle_timeout_minutes", "10"]) == 0
    assert "idle_timeout_minutes is now 10" in capsys.readouterr().out
    assert main(["--db", str(db), "settings", "idle_timeout_minutes"]) == 0
    assert capsys.readouterr().out.strip() == "10"
    assert main(["--db", str(db), "settings", "independence_mode", "block", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"independence_mode": "block"}
    assert main(["--db", str(db), "settings"]) == 0
    assert "(default 30)" in capsys.readouterr().out
    store = open_store(db, ME)
    changes = [e.details for e in store.history.entries(what="setting changed")]
    assert {"key": "idle_timeout_minutes", "value": 10, "was": 30} in changes
    assert store.reference.settings().idle_timeout_minutes == 10


@pytest.mark.parametrize("key, value, words", [
    ("idle_timeout_minutes", "0", "idle_timeout_minutes: 0 is not a whole number from 1 to 1440"),
    ("idle_timeout_minutes", "soon", "idle_timeout_minutes: 'soon' is not a whole number"),
    ("app_process_cap", "100000", "app_process_cap: 100000 is not a whole number from 1 to 1000"),
    ("independence_mode", "maybe", "independence_mode: 'maybe' is not warn or block"),
    ("no_such_thing", "1", "no_such_thing: not a setting"),
    ("file_group", "staff", "file_group: set with `caseaudit init --group NAME`"),
])
def test_a_bad_value_is_refused_and_nothing_changes(db, capsys, key, value, words):
    before = open_store(db, ME).row_counts()
    assert main(["--db", str(db), "settings", key, value]) == 2
    err = capsys.readouterr().err
    assert f"caseaudit: {words}" in err and "Traceback" not in err
    assert open_store(db, ME).row_counts() == before


def test_someone_not_an_admin_may_not_list_or_set(db, capsys, monkeypatch):
    from caseaudit.services import identity

    monkeypatch.setattr(identity, "acting", lambda path, **kwargs: identity.Acting("amy"))
    before = open_store(db, ME).row_counts()
    assert main(["--db", str(db), "settings"]) == 2
    assert "amy may not change settings: needs the admin role" in capsys.readouterr().err
    assert main(["--db", str(db), "settings", "app_process_cap", "500"]) == 2
    assert "needs the admin role" in capsys.readouterr().err
    assert open_store(db, ME).row_counts() == before
