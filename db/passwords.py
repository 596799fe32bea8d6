"""Passwords for signing in from a browser, and the count of failed sign-ins per name.

Only a slow salted hash of each password is kept (caseaudit.services.sign_in makes it),
never the password. Failed sign-ins are counted by a SHA-256 of the name typed, not the
name itself: someone who types their password into the name box leaves no trace of it.
Every change is in the history; the history names the user only when the name is one.

The tables come from migration m008 (db/migrations/).
"""

from __future__ import annotations

import hashlib
from typing import Any

from audit_tools.sign_in import may_set_password

PASSWORDS = "passwords"
FAILURES = "sign_in_failures"


def name_key(name: str) -> str:
    """How a typed name is counted: `Amy` and ` amy ` are the same name to slow down."""
    return hashlib.sha256(name.strip().casefold().encode("utf-8")).hexdigest()


def password_hash(store: Any, username: str) -> str | None:
    """The stored hash of `username`'s password (None: no such user, or no password yet)."""
    row = store.db.execute(f"SELECT hash FROM {PASSWORDS} WHERE username = ?", [username]).fetchone()
    return row[0] if row else None


def has_password(store: Any, username: str) -> bool:
    return password_hash(store, username) is not None


def count_passwords(store: Any) -> int:
    return store.db.execute(f"SELECT count(*) FROM {PASSWORDS}").fetchone()[0]


def set_password_hash(store: Any, username: str, hashed: str) -> None:
    """Store `username`'s new password hash; the actor must be an admin or that user."""
    may_set_password(store.user, username)
    with store.transaction():
        store.db.execute(
            f"INSERT INTO {PASSWORDS} (username, hash, set_by, set_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(username) DO UPDATE SET hash = excluded.hash, set_by = excluded.set_by, "
            "set_at = excluded.set_at",
            [username, hashed, store.actor, store.session.at()],
        )
        store.session.record("password set", {"username": username})


def replace_hash(store: Any, username: str, old: str, new: str) -> None:
    """Swap in a hash made with today's stronger settings, when the password was just proved."""
    with store.transaction():
        store.db.execute(f"UPDATE {PASSWORDS} SET hash = ? WHERE username = ? AND hash = ?",
                         [new, username, old])


def failures(store: Any, name: str) -> int:
    """Failed sign-ins in a row for the name typed."""
    row = store.db.execute(f"SELECT failures FROM {FAILURES} WHERE name_key = ?", [name_key(name)]).fetchone()
    return int(row[0]) if row else 0


def record_failure(store: Any, name: str, username: str | None) -> int:
    """Count one more failed sign-in for `name` and record it; returns the count.

    `username` is the name when it is a user's, else None (the history keeps no stray text).
    """
    with store.transaction():
        at = store.session.at()
        store.db.execute(
            f"INSERT INTO {FAILURES} (name_key, failures, last_failed_at) VALUES (?, 1, ?) "
            "ON CONFLICT(name_key) DO UPDATE SET failures = failures + 1, "
            "last_failed_at = excluded.last_failed_at",
            [name_key(name), at],
        )
        count = failures(store, name)
        store.session.record("sign-in refused", {"username": username, "failures_in_a_row": count})
    return count


def record_sign_in(store: Any, username: str, how: str) -> None:
    """A successful sign-in: its name's failures are forgiven, and the history says who and how."""
    with store.transaction():
        store.db.execute(f"DELETE FROM {FAILURES} WHERE name_key = ?", [name_key(username)])
        store.session.record("signed in", {"username": username, "how": how})
