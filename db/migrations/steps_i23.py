"""Steps m120-m139: served sessions a council's IT security can sign off (issue 23).

Tables named `served_` hold what is transient (live sessions, single-use tokens, throttle
counters, the 90-day sign-in log with client addresses, the salt that hashes addresses in
the history); `verify` leaves them out. An account's disabled state and its lockouts are
part of the record, so they live in ordinary tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: sqlite-utils is loaded when a step runs
    import sqlite_utils

from db.migrations import migrations


@migrations()
def m120_served_sessions(db: sqlite_utils.Database) -> None:
    # A browser session is a row keyed by the SHA-256 of the random id in its cookie (a copied
    # database holds no live cookie). `roles` and `password_mark` are what the session was
    # granted with: a change of either ends it. The app process a session starts redeems a
    # single-use token written here by the server, good for a few seconds.
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS served_sessions (
            id_hash TEXT PRIMARY KEY,
            username TEXT NOT NULL,
            csrf TEXT NOT NULL,
            started_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            address TEXT NOT NULL,
            browser TEXT NOT NULL,
            roles TEXT NOT NULL,
            password_mark TEXT NOT NULL,
            ended_at TEXT,
            ended_why TEXT
        );
        CREATE INDEX IF NOT EXISTS served_sessions_by_user ON served_sessions(username, ended_at);
        CREATE TABLE IF NOT EXISTS served_tokens (
            token_hash TEXT PRIMARY KEY,
            session_hash TEXT NOT NULL,
            username TEXT NOT NULL,
            issued_by TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT
        );
        """
    )


@migrations()
def m121_served_throttles(db: sqlite_utils.Database) -> None:
    # Throttles that hold across sessions and processes: failures in a row per name typed
    # (by SHA-256, so a password typed as a name leaves no trace), and the next moment an
    # address may try. The sign-in log keeps client addresses for the retention period;
    # the history holds only an address hashed with a salt that is replaced when it is
    # that old, so an old entry can no longer be matched to an address.
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS served_name_throttle (
            name_key TEXT PRIMARY KEY,
            failures INTEGER NOT NULL,
            locked_until TEXT
        );
        CREATE TABLE IF NOT EXISTS served_address_throttle (
            address TEXT PRIMARY KEY,
            next_try_at TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS served_sign_ins (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            username TEXT,
            outcome TEXT NOT NULL,
            address TEXT NOT NULL,
            browser TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS served_sign_ins_by_address ON served_sign_ins(address, outcome, at);
        CREATE INDEX IF NOT EXISTS served_sign_ins_by_at ON served_sign_ins(at);
        CREATE TABLE IF NOT EXISTS served_salt (
            salt TEXT NOT NULL,
            made_at TEXT NOT NULL
        );
        DROP TABLE IF EXISTS sign_in_failures;
        """
    )


@migrations()
def m122_accounts(db: sqlite_utils.Database) -> None:
    # An account stopped by `caseaudit passwd --disable` (until --enable), and every lockout
    # (a name locked after failures in a row), kept until an admin acknowledges it and after.
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS disabled_accounts (
            username TEXT PRIMARY KEY REFERENCES users(username),
            disabled_by TEXT NOT NULL,
            disabled_at TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS lockouts (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            username TEXT,
            until TEXT NOT NULL,
            acknowledged_by TEXT,
            acknowledged_at TEXT
        );
        CREATE INDEX IF NOT EXISTS lockouts_open ON lockouts(acknowledged_at, at);
        """
    )
