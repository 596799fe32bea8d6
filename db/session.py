"""What every aggregate shares: the file, the acting person, the clock, one connection
per thread, the transaction helper and the history entry each change appends."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audit_tools.errors import BadInput
from audit_tools.models import User
from audit_tools.permissions import Facts, Op, require
from db import clock as clocks
from db import coverage, history, rows
from db.connection import PerThread, transaction
from db.free_text import conceal

if TYPE_CHECKING:  # the Store is made of aggregates: it imports this module
    import sqlite_utils

    from db.store import Store


class Session:
    """One person (`actor`) at one SQLite file, on a clock.

    Safe to share between threads: each thread gets its own connection on first use.
    """

    def __init__(self, path: str | Path, actor: str, clock: clocks.Clock | None = None) -> None:
        self.path = Path(path)
        self.actor = actor
        self.clock = clock or clocks.system_clock
        self._connections = PerThread(self.path)
        # The moment of the write this thread is in, read once when its transaction begins.
        self._writing = threading.local()

    @property
    def db(self) -> sqlite_utils.Database:
        return self._connections.get()

    def close(self) -> None:
        """Close this thread's connection."""
        self._connections.close()

    @contextmanager
    def transaction(self, keep_pending: bool = False) -> Iterator[sqlite_utils.Database]:
        """One BEGIN IMMEDIATE transaction (a savepoint when one is already open).

        The clock is read once, as the outermost transaction begins: every date the write
        stamps (submitted on, moderated on, acknowledged on) and its history entry's moment
        come from that one reading, so a write a second before midnight cannot be dated one
        day and recorded the next.

        It begins by forgetting any pending record-digest change (made outside caseaudit, so
        it must never reach the chain; `keep_pending` only for the migrations' own writes),
        and a transaction that wrote a table of the record without a history entry gets one
        ("records changed", naming the tables) before it commits (db/coverage.py).
        """
        outermost = getattr(self._writing, "moment", None) is None
        begins = outermost and not self.db.conn.in_transaction
        if outermost:
            self._writing.moment = clocks.now(self.clock)
        try:
            with transaction(self.db) as db:
                if begins and not keep_pending:
                    coverage.clear_pending(db)
                yield db
                if begins:
                    changed = coverage.changed_tables(db)
                    if changed:
                        self.record("records changed", {"tables": changed})
        except sqlite3.OperationalError as err:
            raise self._cannot_write(err) from None
        finally:
            if outermost:
                self._writing.moment = None

    def _cannot_write(self, err: sqlite3.OperationalError) -> Exception:
        """What the person can do about a write the file itself refused (nothing was written)."""
        text = str(err)
        if "readonly" in text or "read-only" in text:
            return BadInput(f"{self.path}: the database file is read-only for you, so nothing was written; "
                            "ask whoever looks after it for write access")
        if "locked" in text or "busy" in text:
            return BadInput(f"{self.path}: another change held the database for too long, so nothing was "
                            "written; try again")
        if "full" in text:
            return BadInput(f"{self.path}: the disk is full, so nothing was written; free some space and try again")
        return err

    def next_number(self, counter: str, taken: Callable[[int], bool] | None = None) -> int:
        """The next number of a named counter (audit, sample, allocation, concern), stored as
        used; `taken(number)` says a number is already in use (imported ids) and is skipped.
        Call inside the transaction that writes the row it numbers."""
        row = self.db.execute("SELECT value FROM counters WHERE name = ?", [counter]).fetchone()
        number = (row[0] if row else 0) + 1
        while taken is not None and taken(number):
            number += 1
        self.db.execute("INSERT INTO counters (name, value) VALUES (?, ?) "
                        "ON CONFLICT(name) DO UPDATE SET value = excluded.value", [counter, number])
        return number

    # -- time -------------------------------------------------------------------------

    def now(self) -> datetime:
        """The current moment; inside a write, the moment that write began."""
        writing = getattr(self._writing, "moment", None)
        return writing if writing is not None else clocks.now(self.clock)

    def today(self) -> date:
        """Today in Europe/London (inside a write, the day that write is dated)."""
        return clocks.london_day(self.now())

    def at(self) -> str:
        """The moment a write is stamped with."""
        return self.now().isoformat(timespec="seconds")

    # -- who is acting ----------------------------------------------------------------

    @property
    def user(self) -> User | None:
        """The actor as a caseaudit user (None when not in the users list)."""
        row = self.db.execute(f"SELECT {rows.USER_COLUMNS} FROM users WHERE username = ?",
                              [self.actor]).fetchone()
        return rows.user(row) if row else None

    def require(self, op: Op, facts: Facts | None = None) -> User:
        """The actor, once the policy (audit_tools.permissions) lets them do `op` given
        `facts`: the store's own guard asks the same policy as the services."""
        user = self.user
        require(user, op, facts)
        assert user is not None
        return user

    # -- the record of every change ---------------------------------------------------

    def record(self, what: str, details: object, at: str | None = None) -> int:
        """Append a history entry; call inside the transaction of the change it records."""
        return history.record(self.db, at or self.at(), self.actor, what, details)

    def record_concealed(self, what: str, details: dict[str, Any], at: str | None = None) -> int:
        """Append a history entry whose free text is kept as salted SHA-256s, not words
        (db/free_text.py): the words stay only in their table, where they can be corrected
        or erased."""
        return self.record(what, conceal(json.loads(history.canonical(details))), at)


class Aggregate:
    """One part of the Store: its tables and queries, over the Store's session.

    Aggregates reach each other through the Store (`self.store.cases.get(...)`), so every
    part runs over the same connection and transaction.
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def session(self) -> Session:
        return self.store.session

    @property
    def db(self) -> sqlite_utils.Database:
        return self.store.session.db
