"""Signing in to a served caseaudit, the passwords it checks, and the accounts behind them.

A password is kept only as an argon2 hash (argon2-cffi's PasswordHasher: slow, salted).
Every refusal looks the same from outside: an unknown name, a user with no password, a
disabled account and a wrong password get the same sentence after the same work (an
unknown name is checked against a dummy hash). Throttles live in the database, so they
hold across sessions, server processes and restarts:

- a name (known or not) is locked after `lockout_after_failures` failures in a row, for
  `lockout_minutes`; each try is counted before its password is checked, so parallel
  guesses cannot slip past the count; every lockout is recorded for the admins;
- an address with `address_failures` failures in `address_window_minutes` waits
  `address_delay_seconds` a try, its tries queued one wait apart (spraying names is slowed).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import NoReturn

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from audit_tools.errors import BadInput, Refused
from audit_tools.models import User
from audit_tools.settings import Settings
from audit_tools.permissions import Facts, Op, decide, require
from audit_tools.sign_in import (
    SessionsFull,
    SignInLocked,
    SignInRefused,
    address_wait,
    check_new_password,
    lock_ends,
    locks_after,
    may_set_password,
)
from caseaudit.services import access
from caseaudit.services.served import end_sessions_of, live_elsewhere, where_words
from db import passwords, served
from db.served import stamp
from db.store import Store

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


def name_key(name: str) -> str:
    """How a typed name is counted: `Amy` and ` amy ` are the same name to lock."""
    return served.digest(name.strip().casefold())


def password_strength(password: str, known: list[str]) -> tuple[int, str]:
    """zxcvbn's score (0-4) and warning, offline, with the person's own words as guessable."""
    # lazy: zxcvbn loads its word lists (~0.1 s), needed only when a password is set
    from zxcvbn import zxcvbn

    result = zxcvbn(password[:100], user_inputs=[w for w in known if w])
    return int(result["score"]), str(result["feedback"].get("warning") or "")


def check_password_rules(store: Store, username: str, password: str, again: str) -> None:
    user = store.people.get(username)
    known = [username, *(user.display_name.split() if user else []), "caseaudit"]
    score, warning = password_strength(password, known) if password.strip() else (0, "")
    check_new_password(password, again, username, score, warning)


# -- signing in ----------------------------------------------------------------------------

@dataclass(frozen=True)
class SignedIn:
    session_id: str  # the cookie's value; only its hash is stored
    csrf: str
    user: User


def address_delay(gate: Store, address: str) -> float:
    """Seconds this address must wait before its next try (its slot is booked now)."""
    settings = gate.reference.settings()
    now = gate.now()
    since = now - _minutes(settings.address_window_minutes)
    wait = address_wait(served.address_failures_since(gate, address, since), settings)
    return served.reserve_address_slot(gate, address, now, wait)


def _minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


def sign_in(gate: Store, username: str, password: str, address: str, browser: str) -> SignedIn:
    """Check `username` and `password` over the `gate` store (opened as SIGNING_IN) and open
    a session. Raises SignInRefused, SignInLocked or SessionsFull, having recorded why.
    Call it off the event loop (argon2 is slow on purpose), after `address_delay`."""
    settings = gate.reference.settings()
    now = gate.now()
    name = username.strip()
    key = name_key(name)
    salted = served.address_hash(gate, address, now, settings.sign_in_retention_days)
    attempt = served.begin_name_try(gate, key, now)
    user = gate.people.get(name) if name else None
    real = user.username if user is not None else None
    if attempt.locked_until is not None:
        served.log_sign_in(gate, now, real, "locked", address, browser)
        raise SignInLocked(attempt.locked_until)
    if locks_after(attempt.failures_before, settings):  # parallel tries already used the allowance
        _lock(gate, key, real, now, settings, salted)
        served.log_sign_in(gate, now, real, "locked", address, browser)
        raise SignInLocked(lock_ends(now, settings))
    hashed = passwords.password_hash(gate, real) if real is not None else None
    right = _matches(hashed, password)  # also spent when there is no such user, or no password
    disabled = real is not None and passwords.is_disabled(gate, real)
    if not right or user is None or not decide(user, Op.sign_in, Facts(account_disabled=disabled)):
        _refused(gate, key, real, now, settings, salted, address, browser)
    assert user is not None and hashed is not None
    served.forgive_name(gate, key)
    store = gate.clone(actor=user.username)
    if _hasher.check_needs_rehash(hashed):
        passwords.replace_hash(store, user.username, hashed, hash_password(password))
        hashed = passwords.password_hash(store, user.username)
    try:
        opened = _open_session(store, user, now, settings, address, browser, passwords.password_mark(hashed))
    except SessionsFull:
        served.log_sign_in(gate, now, user.username, "too many sessions", address, browser)
        raise
    served.log_sign_in(gate, now, user.username, "signed in", address, browser)
    with store.transaction():
        store.session.record("signed in", {"username": user.username, "how": "browser", "address": salted})
    return opened


def _refused(gate: Store, key: str, real: str | None, now: datetime, settings: Settings, salted: str,
             address: str, browser: str) -> NoReturn:
    failures = served.name_failures(gate, key)
    with gate.transaction():
        gate.session.record("sign-in refused", {"username": real, "failures_in_a_row": failures,
                                                "address": salted})
        if locks_after(failures, settings):
            _lock(gate, key, real, now, settings, salted)
    served.log_sign_in(gate, now, real, "refused", address, browser)
    raise SignInRefused()


def _lock(gate: Store, key: str, real: str | None, now: datetime, settings: Settings, salted: str) -> None:
    until = lock_ends(now, settings)
    with gate.transaction():
        if served.lock_name(gate, key, until):
            passwords.record_lockout(gate, real, stamp(until), salted)


def _open_session(store: Store, user: User, now: datetime, settings: Settings, address: str, browser: str, mark: str) -> SignedIn:
    session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with store.transaction():
        others = live_elsewhere(store, user.username, now, settings)
        if len(others) >= settings.sessions_per_user:
            raise SessionsFull(settings.sessions_per_user, [where_words(s) for s in others])
        served.insert_session(store, served.digest(session_id), user.username, csrf, now, address, browser,
                              [r.value for r in user.roles], mark)
    return SignedIn(session_id, csrf, user)


# -- passwords and accounts -------------------------------------------------------------------

def check_may_set_password(store: Store, username: str) -> None:
    """Refuse before anyone types a password: not an admin, or no such user."""
    may_set_password(store.user, username)
    _known(store, username)


def _known(store: Store, username: str) -> None:
    if store.people.get(username) is None:
        raise BadInput(f"{username} is not a user of this caseaudit database; "
                       "an admin adds users with `caseaudit import users`")


def set_password(store: Store, username: str, password: str, again: str) -> None:
    """Set `username`'s password (an admin for anyone, a user for themself). Their open
    browser sessions end at the next check, within a minute (their password changed)."""
    check_may_set_password(store, username)
    check_password_rules(store, username, password, again)
    passwords.set_password_hash(store, username, hash_password(password))


def change_own_password(store: Store, session_hash: str, current: str, new: str, again: str) -> None:
    """A signed-in person changes their own password: the current one first, then the new
    one twice. Their other sessions end now; this one carries on."""
    access.require(store, Op.set_password, Facts(target=store.actor))  # their own, and only a user's
    username = store.actor
    settings = store.reference.settings()
    now = store.now()
    key = name_key(username)
    attempt = served.begin_name_try(store, key, now)  # a wrong current password counts as a failed sign-in
    if attempt.locked_until is not None:
        raise SignInLocked(attempt.locked_until)
    if not _matches(passwords.password_hash(store, username), current):
        failures = served.name_failures(store, key)
        with store.transaction():
            store.session.record("password change refused", {"username": username, "failures_in_a_row": failures})
            if locks_after(failures, settings):
                _lock(store, key, username, now, settings, "")
        raise Refused("the current password is not right; nothing was changed")
    served.forgive_name(store, key)
    check_password_rules(store, username, new, again)
    with store.transaction():
        passwords.set_password_hash(store, username, hash_password(new))
        mark = passwords.password_mark(passwords.password_hash(store, username))
        served.set_password_mark(store, session_hash, mark)
        end_sessions_of(store, username, "password changed", keep=session_hash)


def unlock(store: Store, username: str) -> bool:
    """Lift a lockout on `username` now (admin); returns whether it was locked."""
    require(store.user, Op.unlock_account, Facts(target=username))
    _known(store, username)
    changed = served.unlock_name(store, name_key(username))
    with store.transaction():
        store.session.record("account unlocked", {"username": username, "was_locked": changed})
    return changed


def set_disabled(store: Store, username: str, disabled: bool) -> bool:
    """Stop (or restore) an account; a stopped account's sessions end at the next check."""
    access.require(store, Op.disable_account, Facts(target=username))
    _known(store, username)
    return passwords.set_disabled(store, username, disabled)


def has_password(store: Store, username: str) -> bool:
    return passwords.has_password(store, username)


def count_passwords(store: Store) -> int:
    """How many users could sign in (have a password)."""
    return passwords.count_passwords(store)
