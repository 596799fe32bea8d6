"""The transient side of served sessions (tables named `served_`): live sessions, the
single-use tokens an app process redeems, the sign-in throttles, the sign-in log with
client addresses, and the salt that hashes an address for the history.

Only SQL and the bookkeeping that must be atomic live here: every counter that two
sign-ins could race on is read and written in one BEGIN IMMEDIATE transaction. The
rules (how many, how long) come from audit_tools.sign_in through caseaudit.services.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from db.store import Store


def stamp(moment: datetime) -> str:
    """Moments in these tables are UTC ISO text, so they compare as text."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def digest(secret: str) -> str:
    """What is stored of a cookie id or a token: its SHA-256, never the secret itself."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


# -- the salt for addresses in the history --------------------------------------------

def address_hash(store: Store, address: str, now: datetime, retention_days: int) -> str:
    """The address as the history keeps it: HMAC-SHA256 under a salt replaced once it is
    `retention_days` old, so an entry older than that can no longer be tied to an address."""
    with store.transaction():
        row = store.db.execute("SELECT salt, made_at FROM served_salt ORDER BY made_at DESC LIMIT 1").fetchone()
        if row is None or moment(row[1]) <= now - timedelta(days=retention_days):
            store.db.execute("DELETE FROM served_salt")
            salt = secrets.token_hex(32)
            store.db.execute("INSERT INTO served_salt (salt, made_at) VALUES (?, ?)", [salt, stamp(now)])
        else:
            salt = row[0]
    return hmac.new(bytes.fromhex(salt), address.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


# -- the sign-in log ---------------------------------------------------------------------

def log_sign_in(store: Store, now: datetime, username: str | None, outcome: str, address: str, browser: str) -> None:
    with store.transaction():
        store.db.execute("INSERT INTO served_sign_ins (at, username, outcome, address, browser) VALUES (?, ?, ?, ?, ?)",
                         [stamp(now), username, outcome, address, browser[:200]])


def address_failures_since(store: Store, address: str, since: datetime) -> int:
    count: int = store.db.execute("SELECT count(*) FROM served_sign_ins WHERE address = ? AND outcome = 'refused' "
                                  "AND at > ?", [address, stamp(since)]).fetchone()[0]
    return count


def sign_ins(store: Store) -> list[tuple[str, str | None, str, str]]:
    """(at, username, outcome, address) of the sign-in log, oldest first."""
    return [tuple(r) for r in store.db.execute(
        "SELECT at, username, outcome, address FROM served_sign_ins ORDER BY id")]


def purge(store: Store, now: datetime, retention_days: int) -> int:
    """Remove what is past keeping: the sign-in log beyond retention, sessions ended a day
    ago, tokens spent or expired. Returns the sign-in rows removed."""
    with store.transaction():
        removed = store.db.execute("DELETE FROM served_sign_ins WHERE at <= ?",
                                   [stamp(now - timedelta(days=retention_days))]).rowcount
        store.db.execute("DELETE FROM served_sessions WHERE ended_at IS NOT NULL AND ended_at <= ?",
                         [stamp(now - timedelta(days=1))])
        store.db.execute("DELETE FROM served_tokens WHERE used_at IS NOT NULL OR expires_at <= ?", [stamp(now)])
        store.db.execute("DELETE FROM served_address_throttle WHERE next_try_at <= ?", [stamp(now)])
    return removed


# -- throttles -----------------------------------------------------------------------------

def reserve_address_slot(store: Store, address: str, now: datetime, wait: float) -> float:
    """Book this address's next try `wait` seconds after its last booked one; returns the
    seconds to wait before trying. Parallel tries queue one `wait` apart."""
    if wait <= 0:
        return 0.0
    with store.transaction():
        row = store.db.execute("SELECT next_try_at FROM served_address_throttle WHERE address = ?",
                               [address]).fetchone()
        booked = max(now, moment(row[0])) if row else now
        slot = booked + timedelta(seconds=wait)
        store.db.execute("INSERT INTO served_address_throttle (address, next_try_at) VALUES (?, ?) "
                         "ON CONFLICT(address) DO UPDATE SET next_try_at = excluded.next_try_at",
                         [address, stamp(slot)])
    return (slot - now).total_seconds()


@dataclass(frozen=True)
class NameTry:
    failures_before: int  # failures in a row (tries still being checked count) before this one
    locked_until: datetime | None  # set when the name is locked now


def begin_name_try(store: Store, name_key: str, now: datetime) -> NameTry:
    """Count a try against the name before its password is checked, so parallel tries see
    each other; a lock that has run out starts the count again."""
    with store.transaction():
        row = store.db.execute("SELECT failures, locked_until FROM served_name_throttle WHERE name_key = ?",
                               [name_key]).fetchone()
        failures, locked = (int(row[0]), row[1]) if row else (0, None)
        if locked is not None and moment(locked) > now:
            return NameTry(failures, moment(locked))
        if locked is not None:
            failures = 0
        store.db.execute("INSERT INTO served_name_throttle (name_key, failures, locked_until) VALUES (?, ?, NULL) "
                         "ON CONFLICT(name_key) DO UPDATE SET failures = excluded.failures, locked_until = NULL",
                         [name_key, failures + 1])
    return NameTry(failures, None)


def lock_name(store: Store, name_key: str, until: datetime) -> bool:
    """Lock the name (inside the caller's transaction); False when it already was."""
    return bool(store.db.execute(
        "UPDATE served_name_throttle SET locked_until = ? WHERE name_key = ? "
        "AND (locked_until IS NULL OR locked_until < ?)", [stamp(until), name_key, stamp(until)]).rowcount)


def name_failures(store: Store, name_key: str) -> int:
    row = store.db.execute("SELECT failures FROM served_name_throttle WHERE name_key = ?", [name_key]).fetchone()
    return int(row[0]) if row else 0


def forgive_name(store: Store, name_key: str) -> None:
    """The right password: the name's failures in a row are forgotten."""
    with store.transaction():
        store.db.execute("DELETE FROM served_name_throttle WHERE name_key = ?", [name_key])


def unlock_name(store: Store, name_key: str) -> bool:
    with store.transaction():
        return bool(store.db.execute("DELETE FROM served_name_throttle WHERE name_key = ?", [name_key]).rowcount)


# -- sessions --------------------------------------------------------------------------

@dataclass(frozen=True)
class SessionRow:
    id_hash: str
    username: str
    csrf: str
    started_at: datetime
    last_seen_at: datetime
    address: str
    browser: str
    roles: list[str]
    password_mark: str
    ended_at: datetime | None
    ended_why: str | None


COLUMNS = ("id_hash, username, csrf, started_at, last_seen_at, address, browser, roles, password_mark, "
           "ended_at, ended_why")


def _row(row: tuple[Any, ...]) -> SessionRow:
    return SessionRow(row[0], row[1], row[2], moment(row[3]), moment(row[4]), row[5], row[6], json.loads(row[7]),
                      row[8], moment(row[9]) if row[9] else None, row[10])


def get_session(store: Store, id_hash: str) -> SessionRow | None:
    row = store.db.execute(f"SELECT {COLUMNS} FROM served_sessions WHERE id_hash = ?", [id_hash]).fetchone()
    return _row(row) if row else None


def open_sessions(store: Store, username: str | None = None) -> list[SessionRow]:
    """Sessions not yet ended (some may be past their time until next looked at)."""
    where, args = "ended_at IS NULL", []
    if username is not None:
        where, args = where + " AND username = ?", [username]
    return [_row(r) for r in store.db.execute(
        f"SELECT {COLUMNS} FROM served_sessions WHERE {where} ORDER BY started_at", args)]


def insert_session(store: Store, id_hash: str, username: str, csrf: str, now: datetime, address: str,
                   browser: str, roles: list[str], mark: str) -> None:
    """Call inside the transaction that counted the user's sessions."""
    store.db.execute(
        f"INSERT INTO served_sessions ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
        [id_hash, username, csrf, stamp(now), stamp(now), address, browser[:200], json.dumps(roles), mark])


def touch_session(store: Store, id_hash: str, now: datetime) -> None:
    with store.transaction():
        store.db.execute("UPDATE served_sessions SET last_seen_at = max(last_seen_at, ?) "
                         "WHERE id_hash = ? AND ended_at IS NULL", [stamp(now), id_hash])


def set_password_mark(store: Store, id_hash: str, mark: str) -> None:
    """The session's own password change: it carries on with the new password."""
    store.db.execute("UPDATE served_sessions SET password_mark = ? WHERE id_hash = ?", [mark, id_hash])


def end_session(store: Store, id_hash: str, now: datetime, why: str) -> SessionRow | None:
    """End the session (inside or outside a transaction); returns it when it was live."""
    with store.transaction():
        row = get_session(store, id_hash)
        if row is None or row.ended_at is not None:
            return None
        store.db.execute("UPDATE served_sessions SET ended_at = ?, ended_why = ? WHERE id_hash = ?",
                         [stamp(now), why, id_hash])
        store.session.record("session ended", {"username": row.username, "why": why})
    return row


# -- tokens for the app process ------------------------------------------------------------

def issue_token(store: Store, session_hash: str, username: str, issued_by: str, expires: datetime) -> str:
    token = secrets.token_urlsafe(32)
    with store.transaction():
        store.db.execute("INSERT INTO served_tokens (token_hash, session_hash, username, issued_by, expires_at) "
                         "VALUES (?, ?, ?, ?, ?)", [digest(token), session_hash, username, issued_by, stamp(expires)])
    return token


@dataclass(frozen=True)
class TokenRow:
    session_hash: str
    username: str
    issued_by: str
    expires_at: datetime
    used_at: str | None


def spend_token(store: Store, token: str, now: datetime) -> TokenRow | None:
    """The token's row, marked used in the same transaction (a second redemption finds it used)."""
    with store.transaction():
        row = store.db.execute("SELECT session_hash, username, issued_by, expires_at, used_at FROM served_tokens "
                               "WHERE token_hash = ?", [digest(token)]).fetchone()
        if row is None:
            return None
        store.db.execute("UPDATE served_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
                         [stamp(now), digest(token)])
    return TokenRow(row[0], row[1], row[2], moment(row[3]), row[4])
