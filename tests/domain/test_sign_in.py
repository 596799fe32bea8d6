"""The sign-in rules: what a new password must be, when a name locks, when a session ends."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from audit_tools.errors import BadInput, Refused
from audit_tools.models import Role, User
from audit_tools.settings import Settings
from audit_tools.sign_in import (
    address_wait,
    check_new_password,
    locks_after,
    may_set_password,
    session_ends_why,
)


@pytest.mark.parametrize("password, again, strength, words", [
    ("", "", 4, "empty"),
    ("   ", "   ", 4, "empty"),
    ("correct horse", "correct hörse", 4, "differ"),
    ("short words", "short words", 4, "shorter than 12"),
    ("amy-and-horses", "amy-and-horses", 4, "contains the username"),
    ("AMY-and-horses", "AMY-and-horses", 4, "contains the username"),
    ("password1234", "password1234", 2, "too easy to guess"),
])
def test_a_new_password_is_refused_saying_why(password, again, strength, words):
    with pytest.raises(BadInput, match=words):
        check_new_password(password, again, "amy", strength)


def test_a_long_strong_password_typed_twice_is_accepted():
    check_new_password("correct horse battery", "correct horse battery", "amy", 3)


def test_a_name_locks_at_the_setting_and_an_address_waits_past_its_threshold():
    settings = Settings()
    assert not locks_after(9, settings) and locks_after(10, settings)
    assert address_wait(19, settings) == 0 and address_wait(20, settings) == 5.0
    assert locks_after(3, Settings(lockout_after_failures=3))


def test_a_session_ends_when_idle_or_too_old():
    settings = Settings()
    start = datetime(2025, 9, 30, 9, 0, tzinfo=timezone.utc)
    assert session_ends_why(start, start, start + timedelta(minutes=29), settings) is None
    assert session_ends_why(start, start, start + timedelta(minutes=30), settings) == "idle"
    late = start + timedelta(hours=12)
    assert session_ends_why(start, late, late, settings) == "lifetime"
    assert session_ends_why(start, late - timedelta(minutes=1), late - timedelta(seconds=1), settings) is None


def test_only_an_admin_sets_someone_elses_password():
    amy = User(username="amy", display_name="Amy", roles=[Role.auditor])
    root = User(username="root", display_name="Root", roles=[Role.admin])
    may_set_password(amy, "amy")
    may_set_password(root, "amy")
    with pytest.raises(Refused, match="only their own"):
        may_set_password(amy, "ben")
    with pytest.raises(Refused, match="not a caseaudit user"):
        may_set_password(None, "amy")
