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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlite_utils

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
    from db.coverage import pending_state

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

    @property
    def ok(self) -> bool:
        return (not self.integrity and self.broken_entry is None and not self.unrecorded and not self.altered
                and not self.tables and not self.anchors)

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
        return found + self.anchors + self.tables + self.altered


Progress = Callable[[str], None]

COVERAGE_TAKEN = "record coverage taken"


def _anchor(details: dict) -> tuple[int, str] | None:
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
    from db import coverage

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
    recorded_audits = _recorded_audits(db, result.altered)
    result.unrecorded = _unrecorded_audits(db, recorded_audits)
    result.altered += _altered_audits(db, recorded_audits)
    return result


def _check_tables(db: sqlite_utils.Database, state: dict[str, tuple[int, int, int]], result: Verification,
                  say: Progress) -> None:
    from db import coverage

    live = coverage.covered_tables(db)
    for table in live:
        if table not in state:
            if state:  # a file from before the digests has none to compare with
                result.tables.append(f"table {table}: no history entry records its digest: it was added "
                                     "outside caseaudit, or the entries that covered it were removed")
            continue
        digest, count, entry_id = state[table]
        say(f"table {table} (history entry {entry_id} recorded {count:,} rows)")
        found, found_rows = coverage.table_digest(
            db, table, tick=lambda n, t=table: say(f"table {t}: {n:,} rows"))
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


IMPORT_DIGEST = ("SHA-256 over each imported audit as submitted, in audit id order: its canonical JSON "
                 "(no moderation) followed by a newline")


def _audit_digest(audit: dict) -> str:
    """SHA-256 of an audit's canonical JSON, moderation aside: how verify remembers what an
    entry recorded without holding every audit in memory."""
    return hashlib.sha256(canonical({k: v for k, v in audit.items() if k != "moderation"}).encode()).hexdigest()


def _recorded_audits(db: sqlite_utils.Database, found: list[str]) -> dict[str, tuple[int, str | None]]:
    """Each submitted audit's recording history entry: audit_id -> (entry id, `_audit_digest`
    of the audit it recorded).

    An import entry records its audits by id, count and digest instead (IMPORT_DIGEST): those
    stored as submitted are digested again, and, when they match, each maps
    to (entry id, None): what is stored as submitted is then what the history recorded.
    A mismatch is added to `found`.
    """
    recorded: dict[str, tuple[int, str | None]] = {}
    imports: list[tuple[int, dict]] = []
    for entry_id, what, details in db.execute(
        "SELECT id, what, details FROM history WHERE what IN ('audits imported', 'audit submitted') "
        "ORDER BY id"
    ):
        data = json.loads(details)
        if what == "audits imported" and "digest" in data:
            imports.append((entry_id, data))
            continue
        audits = data.get("audits", []) if what == "audits imported" else [data.get("audit", {})]
        for audit in audits:
            if isinstance(audit, dict) and audit.get("audit_id"):
                recorded[audit["audit_id"]] = (entry_id, _audit_digest(audit))
    for entry_id, data in imports:
        digest, count = hashlib.sha256(), 0
        ids = sorted(i for i in data.get("ids") or [] if isinstance(i, str))
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for audit_id, text in db.execute(
                f"SELECT audit_id, data FROM submitted_audits WHERE audit_id IN ({','.join('?' * len(chunk))}) "
                "ORDER BY audit_id", chunk,
            ):
                recorded[audit_id] = (entry_id, None)
                digest.update((text or "").encode("utf-8") + b"\n")
                count += 1
        if count != data.get("count"):
            found.append(f"history entry {entry_id} recorded an import of {data.get('count')} audits "
                         f"({data.get('first')} to {data.get('last')}); {count} of them are stored")
        elif digest.hexdigest() != data.get("digest"):
            found.append(f"history entry {entry_id} recorded an import of {count} audits "
                         f"({data.get('first')} to {data.get('last')}); they are not stored as it recorded them: "
                         "one or more of them was changed outside caseaudit")
    return recorded


def _unrecorded_audits(db: sqlite_utils.Database, recorded: dict[str, tuple[int, str | None]]) -> list[str]:
    """Submitted audits that no history entry records.

    Removing the newest entries leaves an intact but shorter chain; the audits those
    entries recorded are still in the database, and this is how they give it away.
    """
    stored = [r[0] for r in db.execute("SELECT audit_id FROM audits WHERE status = 'submitted' ORDER BY audit_id")]
    return [audit_id for audit_id in stored if audit_id not in recorded]


def _amended(db: sqlite_utils.Database) -> dict[str, list[dict]]:
    """Each audit's amendments as the history recorded them, in order."""
    log: dict[str, list[dict]] = {}
    for (details,) in db.execute("SELECT details FROM history WHERE what = 'audit amended' ORDER BY id"):
        entry = json.loads(details)
        if isinstance(entry.get("changes"), dict):
            log.setdefault(entry.get("audit_id"), []).append(entry["changes"])
    return log


def _differences(audit: dict, stored: dict, grade: str | None, scores: dict, actions: list, themes: set,
                 part: str) -> list[str]:
    """How stored rows differ from `audit` (JSON values), each named after `part`; completion
    dates and moderation aside."""
    differs = [f"{part}{key}" for key in sorted(set(audit) | set(stored))
               if key not in ("moderation", "actions") and audit.get(key) != stored.get(key)]
    if audit.get("grade") != grade:
        differs.append(f"{part}grade column")
    expected_scores = {
        s: ((audit.get("automatic") or {}).get(s), (audit.get("scores") or {}).get(s),
            (audit.get("notes") or {}).get(s), (audit.get("override_reasons") or {}).get(s))
        for s in set(audit.get("scores") or {}) | set(audit.get("automatic") or {})
    }
    if scores != expected_scores:
        differs.append("scores table")
    if actions != [(a.get("description"), a.get("owner"), a.get("due"), a.get("standard"))
                   for a in audit.get("actions") or []]:
        differs.append("actions table")
    given = audit.get("themes") or {}
    if themes != ({(t, "strength") for t in given.get("strengths") or []}
                  | {(t, "improvement") for t in given.get("improvements") or []}):
        differs.append("themes table")
    return differs


def _grouped(cursor) -> Iterator[tuple[str, list[tuple]]]:
    """Rows ordered by their first column, as (that column, the rest of each row)."""
    key, group = None, []
    for row in cursor:
        if row[0] != key:
            if group:
                yield key, group
            key, group = row[0], []
        group.append(row[1:])
    if group:
        yield key, group


class _Merge:
    """Walks one audit-ordered group stream alongside the audits: `take(audit_id)` gives that
    audit's rows (none if it has none) and skips the rows of audits not asked for."""

    def __init__(self, groups: Iterator[tuple[str, list[tuple]]]) -> None:
        self.groups = groups
        self.current = next(groups, None)

    def take(self, audit_id: str) -> list[tuple]:
        while self.current is not None and self.current[0] < audit_id:
            self.current = next(self.groups, None)
        if self.current is not None and self.current[0] == audit_id:
            rows, self.current = self.current[1], next(self.groups, None)
            return rows
        return []


def _entry_audit(db: sqlite_utils.Database, entry_id: int, audit_id: str) -> dict:
    """The audit `audit_id` as history entry `entry_id` recorded it in full."""
    row = db.execute("SELECT what, details FROM history WHERE id = ?", [entry_id]).fetchone()
    data = _loads(row[1] if row else None)
    audits = data.get("audits", []) if row and row[0] == "audits imported" else [data.get("audit", {})]
    return next((a for a in audits if isinstance(a, dict) and a.get("audit_id") == audit_id), {})


def _altered_audits(db: sqlite_utils.Database, recorded: dict[str, tuple[int, str | None]]) -> list[str]:
    """Submitted audits whose stored rows differ from what history recorded.

    The audit as submitted (`submitted_audits`) must be what the submission entry recorded,
    and the current state (the audit's row, scores, themes and actions) must be that
    submission with the amendments the history recorded replayed in order. The triggers
    lock both; this catches a change made with them dropped and names the audit. Marking an
    action done changes only its completed_on, so that never counts as a difference.
    Scores, actions and themes are read in audit order beside the audits, one audit's rows
    at a time.
    """
    from audit_tools.amendments import replay

    found: list[str] = []
    scores = _Merge(_grouped(db.execute(
        "SELECT audit_id, standard, automatic_status, status, note, override_reason FROM scores "
        "ORDER BY audit_id, standard")))
    actions = _Merge(_grouped(db.execute(
        "SELECT audit_id, description, owner, due, standard FROM actions ORDER BY audit_id, position")))
    themes = _Merge(_grouped(db.execute("SELECT audit_id, theme, kind FROM audit_themes ORDER BY audit_id")))
    amended = _amended(db)
    for audit_id, case_ref, auditor, as_of, submitted_on, grade, data, first_grade, first_data in db.execute(
        "SELECT a.audit_id, a.case_ref, a.auditor, a.as_of, a.submitted_on, a.grade, a.data, s.grade, s.data "
        "FROM audits a LEFT JOIN submitted_audits s ON s.audit_id = a.audit_id "
        "WHERE a.status = 'submitted' ORDER BY a.audit_id"
    ):
        if audit_id not in recorded:
            continue
        entry_id, digest = recorded[audit_id]
        differs: list[str] = []
        first = None if first_data is None else _loads(first_data)
        if first is not None and (digest is None or digest == _audit_digest(first)):
            audit = {k: v for k, v in first.items() if k != "moderation"}  # stored as the entry recorded it
        else:
            audit = _entry_audit(db, entry_id, audit_id) if digest is not None else {}
        columns = {"case_ref": case_ref, "auditor": auditor, "as_of": as_of, "submitted_on": submitted_on}
        differs += [f"{k} column" for k, v in columns.items() if audit.get(k) != v]
        if first is None:
            differs.append("the audit as submitted is missing")
        else:
            differs += [f"as submitted: {key}" for key in sorted(set(audit) | set(first))
                        if key != "moderation" and audit.get(key) != first.get(key)]
            if audit.get("grade") != first_grade:
                differs.append("as submitted: grade column")
        current = replay(audit, amended.get(audit_id, []))
        differs += _differences(current, _loads(data), grade,
                                {r[0]: tuple(r[1:]) for r in scores.take(audit_id)},
                                [tuple(r) for r in actions.take(audit_id)],
                                {tuple(r) for r in themes.take(audit_id)}, "")
        if differs:
            found.append(f"audit {audit_id} differs from history entry {entry_id}, which recorded its "
                         f"submission: {', '.join(dict.fromkeys(differs))}")
    return found


def _loads(text: str | None) -> dict:
    try:
        value = json.loads(text or "")
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


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

    def __init__(self, store) -> None:
        self.store = store

    def entries(self, after: int | None = None, limit: int = 50, what: str | None = None) -> list:
        """History newest first, paged by id (pass the last id seen as `after`)."""
        from db.rows import HistoryEntry

        where, params = [], []
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
