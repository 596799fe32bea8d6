"""The append-only, hash-chained history of every change.

Each entry's hash is SHA-256 over the previous entry's hash followed by the
canonical JSON (sorted keys, no spaces) of the entry itself, so changing,
removing or reordering any entry breaks every hash after it. Triggers (see
migrations.m005_guards) refuse UPDATE and DELETE; the chain catches anyone who
drops them first.
"""

from __future__ import annotations

import hashlib
import json
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


def entry_hash(prev_hash: str, entry_id: int, at: str, actor: str, what: str, details: object) -> str:
    body = canonical({"id": entry_id, "at": at, "actor": actor, "what": what, "details": details})
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def record(db: sqlite_utils.Database, at: str, actor: str, what: str, details: object) -> int:
    """Append one entry; call inside the write transaction of the change it records."""
    # Round-trip through canonical JSON so what is hashed is exactly what is stored.
    details = json.loads(canonical(details))
    last = db.execute("SELECT id, hash FROM history ORDER BY id DESC LIMIT 1").fetchone()
    entry_id, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    db.execute(
        "INSERT INTO history (id, at, actor, what, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [entry_id, at, actor, what, canonical(details), prev,
         entry_hash(prev, entry_id, at, actor, what, details)],
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

    @property
    def ok(self) -> bool:
        return not self.integrity and self.broken_entry is None and not self.unrecorded


def verify(db: sqlite_utils.Database) -> Verification:
    result = Verification()
    rows = [r[0] for r in db.execute("PRAGMA integrity_check").fetchall()]
    result.integrity = [r for r in rows if r != "ok"]
    prev = GENESIS
    expected_id = 1
    for entry_id, at, actor, what, details, prev_hash, stored_hash in db.execute(
        "SELECT id, at, actor, what, details, prev_hash, hash FROM history ORDER BY id"
    ):
        result.entries += 1
        reason = None
        if entry_id != expected_id:
            reason = f"expected entry {expected_id} next, found {entry_id} (entries missing)"
        elif prev_hash != prev:
            reason = "its link to the previous entry does not match"
        else:
            try:
                parsed = json.loads(details)
            except (TypeError, ValueError):
                reason = "its details are not valid JSON"
            else:
                if entry_hash(prev, entry_id, at, actor, what, parsed) != stored_hash:
                    reason = "its contents do not match its hash"
        if reason:
            result.broken_entry, result.broken_reason = entry_id, reason
            break
        prev = stored_hash
        expected_id = entry_id + 1
    result.last_hash = prev
    if result.broken_entry is None:
        result.unrecorded = _unrecorded_audits(db)
    return result


def _unrecorded_audits(db: sqlite_utils.Database) -> list[str]:
    """Submitted audits that no history entry records.

    Removing the newest entries leaves an intact but shorter chain; the audits those
    entries recorded are still in the database, and this is how they give it away.
    """
    recorded: set[str] = set()
    for what, details in db.execute(
        "SELECT what, details FROM history WHERE what IN ('audits imported', 'audit submitted')"
    ):
        data = json.loads(details)
        audits = data.get("audits", []) if what == "audits imported" else [data.get("audit", {})]
        recorded.update(a.get("audit_id") for a in audits if isinstance(a, dict))
    stored = [r[0] for r in db.execute("SELECT audit_id FROM audits WHERE status = 'submitted' ORDER BY audit_id")]
    return [audit_id for audit_id in stored if audit_id not in recorded]
