"""Checking and copying the whole database file: what `caseaudit verify` and `backup` run.

Kept here so the command line holds no SQL: it checks the arguments and prints.
"""

from __future__ import annotations

import json
import os
import shlex
import sqlite3
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlite_utils

from audit_tools.errors import BadInput, CheckFailed
from audit_tools.files import Output, output_file
from db import free_text
from db.connection import connect
from db.history import Verification, anchor_problem, head
from db.history import verify as verify_chain
from db.foreign import refuse_foreign
from db.history_audits import redactions
from db.sharing import share

if TYPE_CHECKING:
    from db.history import Progress
    from db.store import Store


def _made_by_caseaudit(path: Path) -> bool:
    """Whether caseaudit's migrations are recorded in the file, however damaged it is now."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return conn.execute(
                "SELECT 1 FROM _sqlite_migrations WHERE migration_set = 'caseaudit' LIMIT 1").fetchone() is not None
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False


def verify_file(path: Path, progress: Progress | None = None) -> Verification:
    """PRAGMA integrity_check, the history chain and the audits it records.

    A damaged caseaudit file is what verify is for, so it is a finding (CheckFailed);
    a file that is not a caseaudit database at all is bad input (BadInput).
    """
    try:
        db = connect(path, wal=False)
        try:
            result = verify_chain(db, progress)
            if result.broken_entry is None:
                result.altered += unrecorded_amendments(db)
            return result
        finally:
            db.close()
    except sqlite3.DatabaseError as err:
        text = str(err)
        if "malformed" in text or "corrupt" in text:
            raise CheckFailed(f"database integrity: {path}: {text}") from None
        if "no such table: history" in text and _made_by_caseaudit(path):
            raise CheckFailed(f"history: {path} has no history table; it has been removed") from None
        raise BadInput(f"{path}: not a caseaudit database ({text})") from None


# The queries the screens page and count with on a large database, named as a person reads
# them; bench prints how SQLite runs each, to show none of them reads a whole table.
PAGE_QUERIES = [
    ("case list page", "SELECT case_ref FROM cases c ORDER BY c.case_ref LIMIT 50"),
    ("last audit per case", "SELECT max(a.as_of) FROM audits a WHERE a.case_ref = 'C-000001' "
                            "AND a.status = 'submitted'"),
]


def query_plans(store: Store) -> list[tuple[str, str]]:
    """(what, how SQLite runs it) for each of PAGE_QUERIES, from EXPLAIN QUERY PLAN."""
    return [(what, "; ".join(r[3] for r in store.db.execute("EXPLAIN QUERY PLAN " + sql)))
            for what, sql in PAGE_QUERIES]


def unrecorded_amendments(db: sqlite_utils.Database) -> list[str]:
    """Amendments no "audit amended" history entry records (who, when, why and what).

    The amendment log is what the audit's current state is replayed from when verifying,
    so one slipped into the table with its triggers dropped must be named. An entry written
    since free text left the history holds the reason and changed words as salted hashes
    (db/free_text.py), compared through its salt; a word a redaction replaced is accepted
    only as the redacted form a redaction entry recorded for that amendment.
    """
    redacted = redactions(db, "amendments")
    recorded: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    for actor, at, details in db.execute(
            "SELECT actor, at, details FROM history WHERE what = 'audit amended' ORDER BY id"):
        entry = json.loads(details)
        salt = entry.get("text_salt") if isinstance(entry.get("text_salt"), str) else None
        recorded.setdefault((entry.get("audit_id"), actor, at), []).append(
            ({"reason": entry.get("reason"), "changes": entry.get("changes")}, salt))
    found = []
    for row_id, audit_id, by, at, reason, changes in db.execute(
            "SELECT id, audit_id, by, at, reason, changes FROM amendments ORDER BY id"):
        try:
            stored = {"reason": reason, "changes": json.loads(changes)}
        except (TypeError, ValueError):
            stored = None
        candidates = recorded.get((audit_id, by, at), [])
        match = next((i for i, (entry, salt) in enumerate(candidates) if stored is not None and free_text.same(
            entry, stored, salt, redacted.get(row_id, frozenset()))), None)
        if match is not None:
            candidates.pop(match)
        else:
            found.append(f"amendment {row_id} of audit {audit_id} (by {by} at {at}) is not the one "
                         "the history recorded: it was added or changed outside caseaudit")
    return found


def backup_file(path: Path, dest: "Path | Output") -> int:
    """Copy `path` to `dest` with SQLite's online backup; the copy's history length.

    Written to a private temporary file beside `dest` and linked into place, so `dest` is
    the whole copy or as it was; an existing file is replaced only with `dest.force`, and
    the database itself (or its -wal, -shm, -journal) never.
    """
    refuse_foreign(path)
    out = Output.of(dest, keep=(path,))
    group = None
    try:
        source = connect(path)
    except sqlite3.DatabaseError as err:
        raise BadInput(f"{path}: cannot back up: {err}") from None
    try:
        with output_file(out, "backup") as partial:
            try:
                target = sqlite3.connect(str(partial), isolation_level=None)
            except sqlite3.DatabaseError as err:
                raise BadInput(f"{out.path}: cannot write the backup here: {err}") from None
            try:
                # One step: the whole copy comes from a single read snapshot of the database.
                source.conn.backup(target)
                # The copy should be one self-contained file, not a WAL database.
                target.execute("PRAGMA journal_mode = DELETE")
                entries = int(target.execute("SELECT count(*) FROM history").fetchone()[0])
                group = target.execute("SELECT value FROM settings WHERE key = 'file_group'").fetchone()
            except sqlite3.DatabaseError as err:
                raise BadInput(f"cannot back up {path} to {out.path}: {err}") from None
            finally:
                target.close()
    finally:
        source.close()
    if group and json.loads(group[0]):
        share(out.path, json.loads(group[0]))  # shared like the database it copies
    return entries


def exposure(path: Path) -> list[str]:
    """What lets other accounts on this machine at the database: a file others (or, without
    a chosen group, the group) can read, or a folder others can open. Empty when private."""
    found = []
    for where, mode, what in ((path, path.stat().st_mode, "the database"),
                              (path.parent, path.parent.stat().st_mode, "its folder")):
        # The command to run, quoted for the shell (a macOS data folder is "Application
        # Support"), and taking only the others' bits: a database shared with a group
        # (init --group) stays the group's.
        fix = f"to close it, run: chmod o-rwx {shlex.quote(str(where))}"
        if where.is_dir():
            if mode & stat.S_IROTH or mode & stat.S_IXOTH:
                found.append(f"{where}: {what} lets every account on this machine list and open its "
                             f"files (mode {stat.filemode(mode)}); {fix}")
        elif mode & (stat.S_IROTH | stat.S_IWOTH):
            found.append(f"{where}: {what} can be read by every account on this machine "
                         f"(mode {stat.filemode(mode)}); {fix}")
    return found


def history_head(path: Path) -> tuple[int, str]:
    """The newest history entry's number and hash, read without changing the file."""
    db = connect(path, wal=False)
    try:
        return head(db)
    finally:
        db.close()


def anchor_problem_of_file(path: Path, entry_id: int, expected_hash: str) -> str | None:
    """Why the file's history up to `entry_id` is not the published one (None when it is)."""
    db = connect(path, wal=False)
    try:
        return anchor_problem(db, entry_id, expected_hash)
    finally:
        db.close()
