"""Signing in to a served caseaudit, and setting the password it checks.

A password is kept only as an argon2 hash (argon2-cffi's PasswordHasher: slow, salted).
Every refusal looks the same from outside: an unknown name, a user with no password and
a wrong password get the same sentence after the same work (an unknown name is checked
against a dummy hash), and each failure makes the next try for that name wait longer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from audit_tools.errors import BadInput
from audit_tools.models import User
from audit_tools.permissions import Op, decide
from audit_tools.sign_in import SignInRefused, check_new_password, delay_before_try, may_set_password
from db import passwords

# The history's actor for a sign-in not yet proved: nobody is known until it succeeds.
SIGNING_IN = "(signing in)"

_hasher = PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash no password matches, so an unknown name costs what a known one does."""
    return _hasher.hash("not a password of anyone: only here to spend the same time")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _matches(hashed: str | None, password: str) -> bool:
    try:
        _hasher.verify(hashed or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return hashed is not None


def sign_in(
    gate: Any,
    username: str,
    password: str,
    *,
    how: str = "browser",
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[Any, User]:
    """Check `username` and `password` over the `gate` store (opened as SIGNING_IN).

    Returns a store acting as that user, and the user; raises SignInRefused otherwise,
    after recording the failure. Waits first, as long as the name's failures in a row
    say, so a guesser is slowed whichever name they try. Call it off the UI thread.
    """
    name = username.strip()
    sleep(delay_before_try(passwords.failures(gate, name)))
    user = gate.people.get(name) if name else None
    hashed = passwords.password_hash(gate, user.username) if user is not None else None
    if not _matches(hashed, password):  # also when there is no such user, or no password
        passwords.record_failure(gate, name, user.username if user is not None else None)
        raise SignInRefused()
    assert user is not None and hashed is not None
    if not decide(user, Op.sign_in):  # the policy's: e.g. a disabled account, told as any failure
        passwords.record_failure(gate, name, user.username)
        raise SignInRefused()
    store = gate.clone(actor=user.username)
    if _hasher.check_needs_rehash(hashed):
        passwords.replace_hash(store, user.username, hashed, hash_password(password))
    passwords.record_sign_in(store, user.username, how)
    return store, user


def check_may_set_password(store: Any, username: str) -> None:
    """Refuse before anyone types a password: not an admin, or no such user."""
    may_set_password(store.user, username)
    if store.people.get(username) is None:
        raise BadInput(f"{username} is not a user of this caseaudit database; "
                       "an admin adds users with `caseaudit import users`")


def set_password(store: Any, username: str, password: str, again: str) -> None:
    """Set `username`'s password (an admin for anyone, a user for themself)."""
    check_may_set_password(store, username)
    check_new_password(password, again)
    passwords.set_password_hash(store, username, hash_password(password))


def has_password(store: Any, username: str) -> bool:
    return passwords.has_password(store, username)


def count_passwords(store: Any) -> int:
    """How many users could sign in (have a password)."""
    return passwords.count_passwords(store)
