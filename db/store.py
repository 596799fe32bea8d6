"""The Store: caseaudit's data in one SQLite file, by aggregate, over one session.

Callers write `store.cases.get(ref)`, `store.audits.submit(...)`, `store.moderation.assign(...)`.
Each write checks the actor's role (and the audit rules where they apply), runs in one
short BEGIN IMMEDIATE transaction and appends its history entry in that same
transaction, so a change and its record of who, when and what are committed together.
"""

from __future__ import annotations

import importlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar, overload

from audit_tools.errors import BadInput
from audit_tools.models import User
from db.clock import Clock
from db import coverage, history
from db.foreign import refuse_foreign
from db.migrations import migrate
from db.sharing import private_folder
from db.session import Session

if TYPE_CHECKING:  # annotations only: the store opens without sqlite-utils (db/connection.py)
    import sqlite_utils

    from db.allocations import Allocations
    from db.amendments import Amendments
    from db.audits import Audits
    from db.cases import Cases
    from db.concerns import Concerns
    from db.history import History
    from db.holds import Holds
    from db.moderation import ModerationAggregate
    from db.packs import Packs
    from db.people import People
    from db.redaction import Redaction
    from db.reference import Reference
    from db.reports import Reports
    from db.rounds import Rounds
    from db.samples import Samples

T = TypeVar("T")


class Aggregate(Generic[T]):
    """A Store's aggregate, made (and its module imported) when first used, then kept.

    The first screen reads a few of the sixteen; the others' modules, with the domain
    rules they bring (samples, reports, packs, redaction...), are a later step's.
    """

    def __init__(self, module: str, name: str) -> None:
        self.module = module
        self.name = name

    def __set_name__(self, owner: type, attribute: str) -> None:
        self.attribute = attribute

    @overload
    def __get__(self, store: None, owner: type) -> Aggregate[T]: ...

    @overload
    def __get__(self, store: Store, owner: type | None = None) -> T: ...

    def __get__(self, store: Store | None, owner: type | None = None) -> T | Aggregate[T]:
        if store is None:  # looked up on the class itself
            return self
        made: T = getattr(importlib.import_module(self.module), self.name)(store)
        store.__dict__[self.attribute] = made  # the next read finds it without this descriptor
        return made


class Store:
    """caseaudit's data seen by one person (`actor`); safe to share between threads."""

    people: Aggregate[People] = Aggregate("db.people", "People")
    cases: Aggregate[Cases] = Aggregate("db.cases", "Cases")
    audits: Aggregate[Audits] = Aggregate("db.audits", "Audits")
    amendments: Aggregate[Amendments] = Aggregate("db.amendments", "Amendments")
    moderation: Aggregate[ModerationAggregate] = Aggregate("db.moderation", "ModerationAggregate")
    samples: Aggregate[Samples] = Aggregate("db.samples", "Samples")
    allocations: Aggregate[Allocations] = Aggregate("db.allocations", "Allocations")
    reference: Aggregate[Reference] = Aggregate("db.reference", "Reference")
    history: Aggregate[History] = Aggregate("db.history", "History")
    reports: Aggregate[Reports] = Aggregate("db.reports", "Reports")
    concerns: Aggregate[Concerns] = Aggregate("db.concerns", "Concerns")
    rounds: Aggregate[Rounds] = Aggregate("db.rounds", "Rounds")
    packs: Aggregate[Packs] = Aggregate("db.packs", "Packs")
    holds: Aggregate[Holds] = Aggregate("db.holds", "Holds")
    redaction: Aggregate[Redaction] = Aggregate("db.redaction", "Redaction")

    def __init__(self, path: str | Path, actor: str, clock: Clock | None = None, *, _migrate: bool = True) -> None:
        self.session = Session(path, actor, clock)
        if _migrate:
            refuse_foreign(self.path)
            try:
                steps = migrate(self.db)
                self._cover(steps)
            except sqlite3.DatabaseError as err:
                raise BadInput(f"{self.path}: cannot open the database: {err}") from None

    def _cover(self, steps: list[str]) -> None:
        """Bring every table of the record under its digest (db/coverage.py), recorded in
        the history: on a new file, after a migration, or when a table has none yet."""
        if not steps and not coverage.uncovered(self.db):
            return
        with self.session.transaction(keep_pending=bool(steps)):
            taken = coverage.cover(self.db, migrated=bool(steps))
            if taken or coverage.changed_tables(self.db):
                self.session.record(history.COVERAGE_TAKEN, {"tables": taken, "migrations": steps})

    @property
    def path(self) -> Path:
        return self.session.path

    @property
    def actor(self) -> str:
        return self.session.actor

    @property
    def clock(self) -> Clock:
        return self.session.clock

    @property
    def db(self) -> sqlite_utils.Database:
        return self.session.db

    @property
    def user(self) -> User | None:
        """The actor as a caseaudit user (None when not in the users list)."""
        return self.session.user

    def clone(self, actor: str | None = None, clock: Clock | None = None) -> Store:
        """The same file for another thread or another person, or on another clock (no
        migration check)."""
        return Store(self.path, actor or self.actor, clock or self.clock, _migrate=False)

    def close(self) -> None:
        """Close this thread's connection."""
        self.session.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        with self.session.transaction() as db:
            yield db

    def now(self) -> datetime:
        return self.session.now()

    def today(self) -> date:
        """Today in Europe/London, by the Store's clock."""
        return self.session.today()

    def record(self, what: str, details: object) -> int:
        """Append a history entry for something done outside the database (e.g. an export)."""
        with self.transaction():
            return self.session.record(what, details)

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the main file (before copying or renaming it)."""
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def row_counts(self) -> dict[str, int]:
        """Rows in each table (tests use this to prove a refused change wrote nothing)."""
        names = [r[0] for r in self.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {n: self.db.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def open_store(path: str | Path, actor: str, clock: Clock | None = None) -> Store:
    """Open (creating and migrating as needed) the caseaudit database at `path` as `actor`."""
    path = Path(path)
    if path.is_dir():
        raise BadInput(f"{path}: is a folder, not a database file")
    try:
        private_folder(path.parent)  # the data folder: the owner's only (0700)
    except OSError as err:
        raise BadInput(f"{path.parent}: cannot create the folder for the database: {err.strerror}") from None
    return Store(path, actor, clock)
