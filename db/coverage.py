"""What ties every table of the record to the history: a multiset digest per table.

A covered table's digest is the sum, modulo 2**256, of the SHA-256 of each of its rows
(`row_hash`), so it does not depend on row order and changes by one addition or
subtraction a written row. Triggers made here (`record_digest_<table>_insert|update|delete`)
add a new row's hash and subtract an old one's, in the same statement as the write, to
that table's pending change in `record_digests`, through the SQL function `caseaudit_row`
that every caseaudit connection registers: O(1) a write, never a whole-table pass.

Each history entry carries in its hashed `state` the pending change (digest and rows) of
every table its transaction wrote, and the pending changes are cleared. The first entry
that covers a table (`cover`) records its whole digest. So, for every covered table, the
sum of what the chain recorded is what the table must hash to; `verify` recomputes each
table's digest by streaming its rows once and compares (db.history.verify).

A caseaudit write transaction clears any pending change it finds when it begins
(`clear_pending`): a change made outside one never reaches the chain, so the next entry
cannot launder it.

Every table is covered unless it is named in EXCLUDED or starts with one of
EXCLUDED_PREFIXES: a table added by a later migration is covered when the store that ran the
migration first opens the file (`cover`), with no list to keep up to date.

A connection without `caseaudit_row` (a sqlite3 shell) cannot write to a covered table
at all: its trigger fails. Someone who drops the triggers first can write, and the
digest no longer matches what the chain recorded.

A bulk import (`summed_inserts`) sums its rows' hashes in memory instead: each insert
trigger asks `caseaudit_row_inline` first, which on every connection says "digest it here"
except on the one connection, inside the one transaction, where an import is summing;
there it adds the row's hash (of the trigger's NEW values, the row as stored) to that
import's sum and says "done", and the sum joins the table's pending change once, before
the import's history entry. The rows and the sum are the same either way; only the one
UPDATE of `record_digests` a row is saved.
"""

from __future__ import annotations

import hashlib
import sqlite3
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: the store opens without sqlite-utils (db/connection.py)
    import sqlite_utils

MODULUS = 2 ** 256
EMPTY = "0" * 64

# Not part of the record, each for its reason (docs/architecture.md "Data safety"):
EXCLUDED = {
    "history": "the chain itself, checked entry by entry",
    "_sqlite_migrations": "which schema steps ran; the schema is not the record",
    "counters": "the next free number of audits, samples, allocations and concerns",
    "reaudit_drafts": "a moderator's unsubmitted blind re-audit, rewritten at every autosave",
    "sign_in_failures": "failed sign-ins in a row, a brake on guessing",
    "record_digests": "the running digests themselves, checked through the chain",
}
# Browser sessions, tokens, throttles and sign-in addresses (served_*): transient by design.
# sqlite_*: SQLite's own bookkeeping (sqlite_sequence, sqlite_stat1).
EXCLUDED_PREFIXES = ("served_", "sqlite_")

TRIGGER_PREFIX = "record_digest_"


def excluded(table: str) -> bool:
    return table in EXCLUDED or table.startswith(EXCLUDED_PREFIXES)


def row_hash(table: str, values: Iterable[object]) -> int:
    """SHA-256 of one row (its table and its values in column order) as an integer.

    The values are the Python values SQLite hands out (None, int, float, str, bytes), so the
    trigger's NEW/OLD values and a SELECT of the same row hash alike."""
    return int.from_bytes(hashlib.sha256(repr((table, *values)).encode("utf-8")).digest(), "big")


def _mix(digest: str | None, sign: int, table: str, *values: object) -> str:
    value = (int(digest or EMPTY, 16) + sign * row_hash(table, values)) % MODULUS
    return f"{value:064x}"


class _Sums:
    """A connection's bulk sums: None but inside `summed_inserts`, then {table: [sum, rows]}."""

    tables: dict[str, list[int]] | None = None

    def inline(self, table: str, *values: object) -> int:
        """1: the trigger digests the row itself; 0: the row's hash went into the import's sum."""
        if self.tables is None:
            return 1
        entry = self.tables.setdefault(table, [0, 0])
        entry[0] += row_hash(table, values)
        entry[1] += 1
        return 0


# Each connection's sums by id (a sqlite3 connection cannot be weakly referenced); an entry
# lives as long as the connection's function holds it.
_SUMS: weakref.WeakValueDictionary[int, _Sums] = weakref.WeakValueDictionary()


def register(conn: sqlite3.Connection) -> None:
    """Give a connection the functions the digest triggers call: `caseaudit_row`, and
    `caseaudit_row_inline`, which only this connection's own `summed_inserts` turns off."""
    conn.create_function("caseaudit_row", -1, _mix, deterministic=True)
    sums = _Sums()
    _SUMS[id(conn)] = sums
    conn.create_function("caseaudit_row_inline", -1, sums.inline)


@contextmanager
def summed_inserts(db: sqlite_utils.Database) -> Iterator[None]:
    """Inside a write transaction already begun: the rows this connection inserts meanwhile
    are summed in memory (`_Sums.inline`) rather than one UPDATE of `record_digests` each,
    and the sums join each table's pending change when the block ends, before the caller's
    history entry. On an error nothing is added, and the caller's transaction rolls back.
    Updates and deletes are digested by their triggers as ever."""
    conn = db.conn
    sums = _SUMS.get(id(conn))
    if sums is None or not conn.in_transaction:
        raise RuntimeError("summed_inserts: only inside a caseaudit write transaction")
    if sums.tables is not None:
        raise RuntimeError("summed_inserts: already summing on this connection")
    sums.tables = {}
    try:
        yield
        tables = sums.tables
        sums.tables = None
        for table, (total, count) in sorted(tables.items()):
            row = conn.execute("SELECT digest FROM record_digests WHERE name = ?", [table]).fetchone()
            if row is None:
                continue  # as the trigger's UPDATE would find no row: verify names the table
            digest = f"{(int(row[0] or EMPTY, 16) + total) % MODULUS:064x}"
            conn.execute("UPDATE record_digests SET digest = ?, rows = rows + ?, changed = 1 WHERE name = ?",
                         [digest, count, table])
    finally:
        sums.tables = None


def covered_tables(db: sqlite_utils.Database) -> list[str]:
    return [name for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") if not excluded(name)]


def columns(db: sqlite_utils.Database, table: str) -> list[str]:
    return [r[1] for r in db.execute(f'PRAGMA table_info("{table}")')]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def table_digest(db: sqlite_utils.Database, table: str, cols: list[str] | None = None,
                 tick: Callable[[int], None] | None = None) -> tuple[str, int]:
    """(digest, rows) of `table` as stored now, streaming its rows once (constant memory)."""
    cols = cols if cols is not None else columns(db, table)
    total, count = 0, 0
    select = f"SELECT {', '.join(map(_quoted, cols))} FROM {_quoted(table)}"
    for row in db.execute(select):
        total += row_hash(table, row)
        count += 1
        if tick is not None and count % 100_000 == 0:
            tick(count)
    return f"{total % MODULUS:064x}", count


def _triggers(table: str, cols: list[str]) -> list[str]:
    name = _literal(table)

    def values(row: str) -> str:
        return ", ".join(f"{row}.{_quoted(c)}" for c in cols)

    def trigger(event: str, digest: str, delta: str, when: str | None = None) -> str:
        return (f"CREATE TRIGGER {_quoted(TRIGGER_PREFIX + table + '_' + event.lower())} "
                f"AFTER {event} ON {_quoted(table)} {f'WHEN {when} ' if when else ''}BEGIN "
                f"UPDATE record_digests SET digest = {digest}, rows = rows {delta}, changed = 1 "
                f"WHERE name = {name}; END")

    old = f"caseaudit_row(digest, -1, {name}, {values('OLD')})"
    return [
        trigger("INSERT", f"caseaudit_row(digest, 1, {name}, {values('NEW')})", "+ 1",
                when=f"caseaudit_row_inline({name}, {values('NEW')})"),
        trigger("DELETE", old, "- 1"),
        trigger("UPDATE", f"caseaudit_row({old}, 1, {name}, {values('NEW')})", "+ 0"),
    ]


def install_triggers(db: sqlite_utils.Database, table: str, cols: list[str]) -> None:
    for event in ("insert", "update", "delete"):
        db.execute(f"DROP TRIGGER IF EXISTS {_quoted(TRIGGER_PREFIX + table + '_' + event)}")
    for sql in _triggers(table, cols):
        db.execute(sql)


def _schemas(db: sqlite_utils.Database) -> dict[str, str]:
    return {name: sql for name, sql in db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
            if not excluded(name)}


def _triggered(db: sqlite_utils.Database) -> set[str]:
    return {name for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE ? ESCAPE '\\'",
        [TRIGGER_PREFIX.replace("_", "\\_") + "%"])}


def uncovered(db: sqlite_utils.Database) -> bool:
    """Whether a covered table has no digest or is missing a trigger (read only, cheap)."""
    try:
        known = {name for (name,) in db.execute("SELECT name FROM record_digests")}
    except sqlite3.OperationalError:
        return False  # a file from before the digests: the migration comes first
    triggered = _triggered(db)
    return any(table not in known or not all(f"{TRIGGER_PREFIX}{table}_{e}" in triggered
                                             for e in ("insert", "update", "delete"))
               for table in _schemas(db))


def cover(db: sqlite_utils.Database, migrated: bool) -> dict[str, str]:
    """Bring every covered table under a digest; call inside a write transaction.

    A table not yet covered has its digest taken from its rows. A covered table whose
    schema a migration changed (`migrated`: steps ran in this opening) is taken again, since
    its rows now have other columns; one changed without a migration is left for `verify`
    to report. Missing triggers are put back (the running digest still has to match the
    chain). Returns {table: why it was taken}, for the history entry that records it."""
    known = {name: schema for name, schema in db.execute("SELECT name, schema FROM record_digests")}
    schemas = _schemas(db)
    triggered = _triggered(db)
    taken: dict[str, str] = {}
    for table, schema in sorted(schemas.items()):
        if table not in known:
            why = "first covered"
        elif known[table] != schema and migrated:
            why = "schema changed by a migration"
        else:
            why = None
        if why:
            cols = columns(db, table)
            digest, count = table_digest(db, table, cols)
            # The whole digest, not a change: the entry that records it starts the table's sum.
            db.execute("INSERT INTO record_digests (name, digest, rows, schema, changed) VALUES (?, ?, ?, ?, 1) "
                       "ON CONFLICT(name) DO UPDATE SET digest = excluded.digest, rows = excluded.rows, "
                       "schema = excluded.schema, changed = 1", [table, digest, count, schema])
            install_triggers(db, table, cols)
            taken[table] = why
        elif not all(f"{TRIGGER_PREFIX}{table}_{e}" in triggered for e in ("insert", "update", "delete")):
            install_triggers(db, table, columns(db, table))
    if migrated:
        for table in sorted(set(known) - set(schemas)):
            db.execute("DELETE FROM record_digests WHERE name = ?", [table])
            taken[table] = "removed by a migration"
    return taken


def pending_state(db: sqlite_utils.Database) -> dict[str, list[Any]] | None:
    """The pending change (digest, rows) of each table written since the last history entry,
    then cleared; None when nothing changed (or the file predates the digests)."""
    try:
        changed = db.execute(
            "SELECT name, digest, rows FROM record_digests WHERE changed = 1 ORDER BY name").fetchall()
    except sqlite3.OperationalError:
        return None
    if not changed:
        return None
    clear_pending(db)
    return {name: [digest, count] for name, digest, count in changed}


def clear_pending(db: sqlite_utils.Database) -> None:
    """Forget pending changes: at an entry that recorded them, or at the start of a caseaudit
    transaction, where any found were made outside caseaudit and must not reach the chain."""
    try:
        db.execute("UPDATE record_digests SET digest = ?, rows = 0, changed = 0 WHERE changed = 1", [EMPTY])
    except sqlite3.OperationalError:
        pass  # a file from before the digests


def changed_tables(db: sqlite_utils.Database) -> list[str]:
    try:
        return [r[0] for r in db.execute("SELECT name FROM record_digests WHERE changed = 1 ORDER BY name")]
    except sqlite3.OperationalError:
        return []
