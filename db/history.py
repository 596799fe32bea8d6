"""The append-only, hash-chained history of every change.

Each entry's hash is SHA-256 over the previous entry's hash followed by the
canonical JSON (sorted keys, no spaces) of the entry itself, so changing,
removing or reordering any entry breaks every hash after it. Triggers (see
migrations.steps_001_006.m005_guards) refuse UPDATE and DELETE; the chain catches anyone who
drops them first.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from datetime import date, datetime

from db import coverage
from db.coverage import pending_state
from db.rows import HistoryEntry

if TYPE_CHECKING:
    import sqlite_utils

    from db.store import Store

GENESIS = "0" * 64


def canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)


def _plain(value: object) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"cannot record {type(value).__name__} in history")


def entry_hash(prev_hash: str, entry_id: int, at: str, actor: str, what: str, details: object,
               state: object = None) -> str:
    """SHA-256 of the previous hash and the entry's canonical JSON; `state` (the record
    digests of the tables the entry's transaction changed) is part of it when present."""
    entry = {"id": entry_id, "at": at, "actor": actor, "what": what, "details": details}
    if state is not None:
        entry["state"] = state
    return hashlib.sha256((prev_hash + canonical(entry)).encode("utf-8")).hexdigest()


def record(db: sqlite_utils.Database, at: str, actor: str, what: str, details: object) -> int:
    """Append one entry; call inside the write transaction of the change it records.

    The entry carries the record digests of every table changed since the previous entry
    (db.coverage.pending_state), so the chain says what each table must hash to."""
    # Round-trip through canonical JSON so what is hashed is exactly what is stored.
    details = json.loads(canonical(details))
    state = pending_state(db)
    last = db.execute("SELECT id, hash FROM history ORDER BY id DESC LIMIT 1").fetchone()
    entry_id, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    db.execute(
        "INSERT INTO history (id, at, actor, what, details, prev_hash, hash, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [entry_id, at, actor, what, canonical(details), prev,
         entry_hash(prev, entry_id, at, actor, what, details, state),
         None if state is None else canonical(state)],
    )
    return entry_id


@dataclass
class Verification:
    entries: int = 0
    integrity: list[str] = field(default_factory=list)  # PRAGMA integrity_check lines other than "ok"
    broken_entry: int | None = None  # id of the first entry whose hash or link is wrong
    broken_reason: str | None = None
    last_hash: str = GENESIS  # the head of the chain: note it down to notice a cut-short history later
    unrecorded: list[str] = field(default_factory=list)  # submitted audits no history entry records
    altered: list[str] = field(default_factory=list)  # how stored audits differ from what history recorded
    tables: list[str] = field(default_factory=list)  # covered tables that differ from their recorded digest
    anchors: list[str] = field(default_factory=list)  # heads recorded in the history the chain does not match
    covered: int = 0  # tables checked against their recorded digest
    unnamed: list[str] = field(default_factory=list)  # redaction marks no redaction entry names

    @property
    def ok(self) -> bool:
        return (not self.integrity and self.broken_entry is None and not self.unrecorded and not self.altered
                and not self.tables and not self.anchors and not self.unnamed)

    @property
    def findings(self) -> list[str]:
        """One line per finding, each naming what it is about (the entry, the table, the audit)."""
        found = [f"database integrity: {line}" for line in self.integrity]
        if self.broken_entry is not None:
            found.append(f"history entry {self.broken_entry} is broken: {self.broken_reason}")
        if self.unrecorded:
            n, first = len(self.unrecorded), self.unrecorded[0]
            found.append(
                f"history ends at entry {self.entries}, but {n} submitted audit{'s' if n != 1 else ''} "
                f"(first {first}) {'are' if n != 1 else 'is'} recorded by no entry: "
                f"entries after {self.entries} have been removed")
        return found + self.anchors + self.tables + self.altered + self.unnamed


Progress = Callable[[str], None]

COVERAGE_TAKEN = "record coverage taken"


def _anchor(details: object) -> tuple[int, str] | None:
    """The head an entry recorded (`history_head`: "ENTRY:HASH"), if it recorded one."""
    value = details.get("history_head") if isinstance(details, dict) else None
    if not isinstance(value, str) or ":" not in value:
        return None
    number, _, digest = value.partition(":")
    return (int(number), digest) if number.isdigit() else None


def verify(db: sqlite_utils.Database, progress: Progress | None = None) -> Verification:
    """Check the file, the chain, the heads recorded in it and every covered table against it.

    Memory stays flat whatever the size: the chain, each table and the submitted audits are
    streamed once, and only a table's running sum or one audit's rows are held at a time."""
    say = progress or (lambda text: None)
    result = Verification()
    say("integrity check")
    rows = [r[0] for r in db.execute("PRAGMA integrity_check").fetchall()]
    result.integrity = [r for r in rows if r != "ok"]
    prev = GENESIS
    expected_id = 1
    state: dict[str, tuple[int, int, int]] = {}  # table -> (digest, rows, the last entry that changed them)
    anchors: list[tuple[int, int, str]] = []  # (entry, the entry it anchors, the hash it recorded)
    say("history chain")
    # A file from before the record digests has no `state` column until a store opens it.
    state_column = "state" if "state" in coverage.columns(db, "history") else "NULL"
    for entry_id, at, actor, what, details, prev_hash, stored_hash, state_text in db.execute(
        f"SELECT id, at, actor, what, details, prev_hash, hash, {state_column} FROM history ORDER BY id"
    ):
        result.entries += 1
        reason = None
        parsed = recorded = None
        if entry_id != expected_id:
            reason = f"expected entry {expected_id} next, found {entry_id} (entries missing)"
        elif prev_hash != prev:
            reason = "its link to the previous entry does not match"
        else:
            try:
                parsed = json.loads(details)
                recorded = None if state_text is None else json.loads(state_text)
            except (TypeError, ValueError):
                reason = "its details are not valid JSON"
            else:
                if entry_hash(prev, entry_id, at, actor, what, parsed, recorded) != stored_hash:
                    reason = "its contents do not match its hash"
        if reason:
            result.broken_entry, result.broken_reason = entry_id, reason
            break
        taken = {}
        if what == COVERAGE_TAKEN and isinstance(parsed, dict) and isinstance(parsed.get("tables"), dict):
            taken = parsed["tables"]
            for table, why in taken.items():
                if why == "first covered" and table in state:
                    result.tables.append(
                        f"table {table}: history entry {entry_id} took its digest afresh as if it were new, "
                        f"though entry {state[table][2]} already covered it: its pending digest was removed "
                        "outside caseaudit, and changes before the new digest cannot be checked")
                if why == "removed by a migration":
                    state.pop(table, None)
        if isinstance(recorded, dict):
            for table, value in recorded.items():
                try:
                    change, rows_changed = int(value[0], 16), int(value[1])
                except (TypeError, ValueError, IndexError):
                    result.tables.append(f"table {table}: history entry {entry_id} records no readable digest")
                    continue
                if table in state and table not in taken:  # a change: add it to the table's sum
                    total, count, _ = state[table]
                    state[table] = ((total + change) % coverage.MODULUS, count + rows_changed, entry_id)
                else:  # the table's whole digest, taken when it was first covered
                    state[table] = (change, rows_changed, entry_id)
        if '"history_head"' in details:
            anchor = _anchor(parsed)
            if anchor:
                anchors.append((entry_id, *anchor))
        prev = stored_hash
        expected_id = entry_id + 1
        if result.entries % 100_000 == 0:
            say(f"history chain: {result.entries:,} entries")
    result.last_hash = prev
    if result.broken_entry is not None:
        return result
    for entry_id, number, digest in anchors:
        row = db.execute("SELECT hash FROM history WHERE id = ?", [number]).fetchone()
        if row is None or row[0] != digest:
            result.anchors.append(
                f"history entry {entry_id} recorded the head {number}:{digest}, but "
                + (f"entry {number} is not in the history: entries have been removed" if row is None else
                   f"the chain's hash at entry {number} is now {row[0]}: entries up to {number} were "
                   "changed and the chain recomputed after that head was recorded"))
    _check_tables(db, state, result, say)
    say("submitted audits")
    # at call time: db.history_audits and db.history_redactions import this module
    from db import history_audits as audits

    redacted = audits.redactions(db, "audits")
    recorded = audits.recorded_audits(db, result.altered, redacted)
    result.unrecorded = audits.unrecorded_audits(db, recorded)
    result.altered += audits.altered_audits(db, recorded, redacted)
    say("redacted text")
    from db.history_redactions import unnamed_marks  # at call time: a cycle, as above

    result.unnamed = unnamed_marks(db)
    return result


def _check_tables(db: sqlite_utils.Database, state: dict[str, tuple[int, int, int]], result: Verification,
                  say: Progress) -> None:
    live = coverage.covered_tables(db)
    for table in live:
        if table not in state:
            if state:  # a file from before the digests has none to compare with
                result.tables.append(f"table {table}: no history entry records its digest: it was added "
                                     "outside caseaudit, or the entries that covered it were removed")
            continue
        digest, count, entry_id = state[table]
        say(f"table {table} (history entry {entry_id} recorded {count:,} rows)")

        def tick(n: int, t: str = table) -> None:
            say(f"table {t}: {n:,} rows")

        found, found_rows = coverage.table_digest(db, table, tick=tick)
        result.covered += 1
        if found_rows != count:
            more = found_rows - count
            result.tables.append(
                f"table {table}: {found_rows:,} rows where history entry {entry_id} recorded {count:,}: "
                f"{abs(more):,} row{'s' if abs(more) != 1 else ''} "
                f"{'added' if more > 0 else 'deleted'} outside caseaudit")
        elif int(found, 16) != digest:
            result.tables.append(
                f"table {table}: its rows are not the ones history entry {entry_id} recorded "
                f"({count:,} row{'s' if count != 1 else ''} either way): a value was changed outside caseaudit")
    for table in sorted(set(state) - set(live)):
        digest, count, entry_id = state[table]
        result.tables.append(f"table {table}: missing, though history entry {entry_id} recorded "
                             f"{count:,} rows in it: it was dropped outside caseaudit")


def head(db: sqlite_utils.Database) -> tuple[int, str]:
    """The newest entry's number and hash (0 and the genesis hash for an empty history)."""
    row = db.execute("SELECT id, hash FROM history ORDER BY id DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, GENESIS)


def anchor_problem(db: sqlite_utils.Database, entry_id: int, expected_hash: str) -> str | None:
    """Why the history up to `entry_id` is not the one whose head was published as
    `entry_id:expected_hash` (None when it is). Call after the chain itself verifies: a
    chain rewritten from an edit onwards, every hash recomputed, is whole again, and only
    a head noted outside the file (a board paper) shows it is not the history it was."""
    row = db.execute("SELECT hash FROM history WHERE id = ?", [entry_id]).fetchone()
    if row is None:
        last, _ = head(db)
        return (f"entry {entry_id} of the published head is not in the history, which ends at entry "
                f"{last}: entries have been removed")
    if row[0] != expected_hash:
        return (f"the history up to entry {entry_id} is not the one published as {entry_id}:{expected_hash}; "
                f"its hash there is now {row[0]}: entries 1 to {entry_id} were changed and the chain "
                "recomputed after that head was published")
    return None


class History:
    """The history aggregate of the Store: reading entries and checking the chain."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def entries(self, after: int | None = None, limit: int = 50, what: str | None = None) -> list[HistoryEntry]:
        """History newest first, paged by id (pass the last id seen as `after`)."""
        where: list[str] = []
        params: list[object] = []
        if after is not None:
            where.append("id < ?")
            params.append(after)
        if what:
            where.append("what = ?")
            params.append(what)
        sql = "SELECT id, at, actor, what, details FROM history"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id DESC LIMIT ?"
        found = self.store.session.db.execute(sql, [*params, limit]).fetchall()
        return [HistoryEntry(id=r[0], at=r[1], actor=r[2], what=r[3], details=json.loads(r[4])) for r in found]

    def verify(self) -> Verification:
        return verify(self.store.session.db)

    def head(self) -> tuple[int, str]:
        return head(self.store.session.db)
