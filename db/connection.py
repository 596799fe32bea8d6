"""One SQLite connection per thread, set up so several people can share one file.

WAL lets readers carry on while someone writes; every write runs in a short
BEGIN IMMEDIATE transaction so a second writer waits (busy_timeout) for the lock
instead of failing half-way through with "database is locked".
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qs, unquote, urlsplit

from db import coverage

if TYPE_CHECKING:
    import sqlite_utils

# Long enough for six managers importing at once to queue behind each other.
BUSY_TIMEOUT_MS = 10_000

# Case references, staff names and grades of their practice: readable and writable by the
# owner only, whatever the umask. SQLite gives the -wal and -shm files the database's mode.
PRIVATE_FILE = 0o600


def create_private(path: Path) -> None:
    """Create `path` empty with owner-only permissions, unless it exists already."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE))
    except FileExistsError:  # pragma: no cover - O_CREAT without O_EXCL does not raise it
        pass


def file_behind(target: str) -> Path | None:
    """The file SQLite will create for `target`, or None when it creates none.

    `:memory:` and `""` are databases in memory and a temporary file SQLite removes
    itself; a `file:` URI names its file before any `?`, unless it asks for memory
    (`mode=memory` or the path `:memory:`) or only reads (`mode=ro`).
    """
    if target in ("", ":memory:"):
        return None
    if not target.startswith("file:"):
        return Path(target)
    parsed = urlsplit(target)
    query = parse_qs(parsed.query)
    if query.get("mode", [""])[-1] in ("memory", "ro"):
        return None
    name = unquote(parsed.path)
    if name in ("", ":memory:"):
        return None
    return Path(name)


class Database:
    """A connection as sqlite-utils' Database, with that library imported only when needed.

    Nearly everything caseaudit does with its file is SQL through `execute` (and `conn`),
    which is sqlite3's own; only the migrations and a few writes (`table(...).upsert_all`)
    use sqlite-utils itself. Importing it (with click and pluggy, about 60 modules) cost
    the first screen a tenth of a second of CPU it never used, so this object answers
    `execute`, `conn` and `close` itself and hands everything else to a sqlite-utils
    Database made on first use over the same connection: to the code and to the type checker
    it is that Database (`connect` says so).
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._utils: sqlite_utils.Database | None = None

    def execute(self, sql: str, parameters: Any = None) -> sqlite3.Cursor:
        # sqlite-utils' execute, for a connection in autocommit mode (isolation_level None,
        # as `connect` makes): no implicit transaction is ever left open to commit or undo.
        if parameters is not None:
            return self.conn.execute(sql, parameters)
        return self.conn.execute(sql)

    def close(self) -> None:
        self.conn.close()

    def executescript(self, sql: str) -> sqlite3.Cursor:
        """Several statements; inside a transaction, one by one, split in one pass.

        Inside a transaction sqlite-utils runs a script statement by statement (the sqlite3
        module's executescript would commit first), finding each statement's end by asking
        SQLite whether every prefix of it, one character longer each time, is complete: a
        migration's script of a few thousand characters took half of opening a new file.
        A statement can only be complete at a semicolon, so asking there alone finds the
        same statements (`complete_statements`)."""
        if not self.conn.in_transaction:
            return self.utils().executescript(sql)
        cursor = self.conn.cursor()
        for statement in complete_statements(sql):
            cursor.execute(statement)
        return cursor

    def utils(self) -> sqlite_utils.Database:
        if self._utils is None:
            # Here, not at the top: sqlite-utils is loaded by the first step that uses it
            import sqlite_utils

            # recursive_triggers is already on (connect); sqlite-utils would set it again.
            self._utils = sqlite_utils.Database(self.conn, recursive_triggers=False)
        return self._utils

    def __getitem__(self, table: str) -> Any:
        return self.utils()[table]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.utils(), name)


def complete_statements(sql: str) -> Iterator[str]:
    """The statements of `sql` in order, each stripped, as SQLite's sqlite3_complete ends them
    (a semicolon inside a string, a comment or a trigger's body does not end one)."""
    start = 0
    at = sql.find(";")
    while at != -1:
        statement = sql[start:at + 1].strip()
        if sqlite3.complete_statement(statement):
            yield statement
            start = at + 1
        at = sql.find(";", at + 1)
    rest = sql[start:].strip()
    if rest:
        yield rest


def connect(path: str | Path, wal: bool = True) -> sqlite_utils.Database:
    """Open `path` (created if missing) as a sqlite-utils Database in autocommit mode
    (`Database` above: sqlite-utils itself is imported only when a step needs it).

    `path` may also be `:memory:`, `""` or a `file:` URI, as SQLite understands them;
    only a real file is created first (owner-only). `wal=False` leaves the journal mode
    alone (checking a backup copy must not change it).
    """
    target = os.fspath(path)
    file = file_behind(target)
    if file is not None and not file.exists() and file.parent.is_dir():
        create_private(file)
    conn = sqlite3.connect(
        target,
        timeout=BUSY_TIMEOUT_MS / 1000,
        isolation_level=None,  # we issue BEGIN IMMEDIATE ourselves
        check_same_thread=True,  # one connection per thread: misuse fails loudly
        uri=target.startswith("file:"),
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if wal:
        _enable_wal(conn)
    conn.execute("PRAGMA foreign_keys = ON")
    # Delete triggers fire for rows an INSERT OR REPLACE removes only with recursive triggers
    # on: the record digests (db/coverage.py) must see every row that goes.
    conn.execute("PRAGMA recursive_triggers = ON")
    coverage.register(conn)
    conn.execute("PRAGMA synchronous = FULL")
    return cast("sqlite_utils.Database", Database(conn))


def _enable_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL, waiting for other openers of a brand-new file.

    The switch needs a brief exclusive lock and SQLite may refuse it at once with
    "database is locked" without calling the busy handler (several programs opening
    a new file together), so we wait and retry up to the busy timeout ourselves.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.005
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as err:
            busy = "locked" in str(err) or "busy" in str(err)
            if not busy or time.monotonic() >= deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.1)


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error.

    Nested use joins the outer transaction (a savepoint), so a Store method can
    be called from inside another one's transaction and still be all or nothing.
    """
    conn = db.conn
    if conn.in_transaction:
        with db.atomic():
            yield db
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        try:
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


class PerThread:
    """Hands each thread its own connection to one file (sqlite3 objects are not shareable)."""

    def __init__(self, path: str | Path) -> None:
        self.path = path if isinstance(path, str) else Path(path)
        self._local = threading.local()

    def get(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None:
            db = connect(self.path)
            self._local.db = db
        return db

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None
