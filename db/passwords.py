"""Accounts for signing in from a browser: password hashes, disabled accounts, lockouts.

Only a slow salted hash of each password is kept (caseaudit.services.sign_in makes it),
never the password. An account's disabled state and every lockout are part of the
record (ordinary tables, in the history); the counters behind a lockout are transient
and live in db/served.py. Every change is in the history.

The tables come from migrations m008 and m122 (db/migrations/).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from audit_tools.permissions import Facts, Op, require
from audit_tools.sign_in import may_set_password

if TYPE_CHECKING:
    from db.store import Store

PASSWORDS = "passwords"


def password_hash(store: Store, username: str) -> str | None:
    """The stored hash of `username`'s password (None: no such user, or no password yet)."""
    row = store.db.execute(f"SELECT hash FROM {PASSWORDS} WHERE username = ?", [username]).fetchone()
    return row[0] if row else None


def password_mark(hashed: str | None) -> str:
    """A fingerprint of the stored hash: a session remembers it, and a new password ends it."""
    return hashlib.sha256((hashed or "").encode("utf-8")).hexdigest()


def has_password(store: Store, username: str) -> bool:
    return password_hash(store, username) is not None


def count_passwords(store: Store) -> int:
    count: int = store.db.execute(f"SELECT count(*) FROM {PASSWORDS}").fetchone()[0]
    return count


def set_password_hash(store: Store, username: str, hashed: str) -> None:
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


def replace_hash(store: Store, username: str, old: str, new: str) -> None:
    """Swap in a hash made with today's stronger settings, when the password was just proved."""
    with store.transaction():
        store.db.execute(f"UPDATE {PASSWORDS} SET hash = ? WHERE username = ? AND hash = ?",
                         [new, username, old])


# -- disabled accounts -------------------------------------------------------------------

def is_disabled(store: Store, username: str) -> bool:
    return store.db.execute("SELECT 1 FROM disabled_accounts WHERE username = ?", [username]).fetchone() is not None


def set_disabled(store: Store, username: str, disabled: bool) -> bool:
    """Stop or restore `username`'s account (admin); returns whether anything changed."""
    require(store.user, Op.disable_account, Facts(target=username))
    with store.transaction():
        if disabled:
            changed = store.db.execute(
                "INSERT OR IGNORE INTO disabled_accounts (username, disabled_by, disabled_at) VALUES (?, ?, ?)",
                [username, store.actor, store.session.at()]).rowcount
        else:
            changed = store.db.execute("DELETE FROM disabled_accounts WHERE username = ?", [username]).rowcount
        if changed:
            store.session.record("account disabled" if disabled else "account enabled", {"username": username})
    return bool(changed)


# -- lockouts ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Lockout:
    id: int
    at: str
    username: str | None  # None: a name that is no user's
    until: str


def record_lockout(store: Store, username: str | None, until: str, address_hash: str) -> int:
    """A name locked after failures in a row; call inside the transaction that locks it."""
    cursor = store.db.execute("INSERT INTO lockouts (at, username, until) VALUES (?, ?, ?)",
                              [store.session.at(), username, until])
    store.session.record("account locked", {"username": username, "until": until, "address": address_hash})
    assert cursor.lastrowid is not None  # an INSERT's row
    return cursor.lastrowid


def open_lockouts(store: Store) -> list[Lockout]:
    """Lockouts no admin has acknowledged yet, newest first."""
    return [Lockout(*row) for row in store.db.execute(
        "SELECT id, at, username, until FROM lockouts WHERE acknowledged_at IS NULL ORDER BY at DESC, id DESC")]


def acknowledge_lockouts(store: Store, ids: list[int]) -> int:
    """An admin has seen these lockouts: they leave the dashboards (and stay in the record)."""
    require(store.user, Op.unlock_account)  # seeing to lockouts is the unlocking admins' work
    with store.transaction():
        done = []
        for lockout_id in ids:
            if store.db.execute("UPDATE lockouts SET acknowledged_by = ?, acknowledged_at = ? "
                                "WHERE id = ? AND acknowledged_at IS NULL",
                                [store.actor, store.session.at(), lockout_id]).rowcount:
                done.append(lockout_id)
        if done:
            store.session.record("lockouts acknowledged", {"lockouts": done})
    return len(done)
