"""The sign-in rules: how long a failed name waits, and what a new password must be."""

from __future__ import annotations

import pytest

from audit_tools.errors import BadInput, Refused
from audit_tools.models import Role, User
from audit_tools.sign_in import MAX_DELAY, check_new_password, delay_before_try, may_set_password


def test_the_wait_starts_at_half_a_second_and_doubles_up_to_the_cap():
    assert [delay_before_try(n) for n in range(7)] == [0.0, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0]
    assert delay_before_try(7) == MAX_DELAY == 16.0
    assert delay_before_try(10_000) == MAX_DELAY  # no overflow however long the attack


@pytest.mark.parametrize("password, again, words", [
    ("", "", "empty"),
    ("   ", "   ", "empty"),
    ("correct horse", "correct hörse", "differ"),
    ("short", "short", "shorter than 8"),
])
def test_a_new_password_is_refused_saying_why(password, again, words):
    with pytest.raises(BadInput, match=words):
        check_new_password(password, again)


def test_a_long_enough_password_typed_twice_is_accepted():
    check_new_password("correct horse battery", "correct horse battery")


def test_only_an_admin_sets_someone_elses_password():
    amy = User(username="amy", display_name="Amy", roles=[Role.auditor])
    root = User(username="root", display_name="Root", roles=[Role.admin])
    may_set_password(amy, "amy")
    may_set_password(root, "amy")
    with pytest.raises(Refused, match="only their own"):
        may_set_password(amy, "ben")
    with pytest.raises(Refused, match="not a caseaudit user"):
        may_set_password(None, "amy")
