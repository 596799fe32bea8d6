"""What `verify` checks of submitted audits against the history entries that recorded them.

The record digests (db/coverage.py) already prove every table unchanged since the chain
last saw it; these checks say more where they can: which audit differs, and how.

- Each submitted audit must be recorded by an entry ("audit submitted", or an import), or
  the history was cut short.
- The audit as submitted (`submitted_audits`) must be what its entry recorded. An entry
  written since free text left the history holds each note, reason and description as a
  salted SHA-256 (db/free_text.py): the stored words are hashed with the entry's salt and
  compared. A word replaced by redaction is accepted only as the redacted form a
  "free text redacted" entry recorded for that very audit.
- The current state (the audit's row, scores, themes and actions) must be that submission
  with the recorded amendments replayed. Amendments' words are hashed with their own salts,
  so this comparison is blind to words (db.free_text.blind): the digests prove them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

import sqlite_utils

from audit_tools.amendments import replay
from db import free_text
from db.history import canonical

IMPORT_DIGEST = ("SHA-256 over each imported audit as submitted, in audit id order: its canonical JSON "
                 "(no moderation) followed by a newline")
REDACTED = "free text redacted"

Recorded = dict[str, tuple[int, "str | None", "str | None"]]  # audit -> (entry, digest, text salt)


def redactions(db: sqlite_utils.Database, kind: str) -> dict[Any, frozenset[str]]:
    """For each record of `kind` ("audits", "amendments", ...) a redaction entry named, the
    redacted forms those entries recorded: the only words verify accepts in place of the
    recorded ones."""
    found: dict[Any, set[str]] = {}
    for (details,) in db.execute("SELECT details FROM history WHERE what = ? ORDER BY id", [REDACTED]):
        data = _loads(details)
        replacement = data.get("replacement")
        if not isinstance(replacement, str):
            continue
        named = list(data.get(kind) or [])
        if kind == "audits":  # an action's redaction reaches its audit's copies too
            named += data.get("audit_copies") or []
        for key in named:
            found.setdefault(key, set()).add(replacement)
    return {key: frozenset(forms) for key, forms in found.items()}


def _audit_digest(audit: dict[str, Any]) -> str:
    """SHA-256 of an audit's canonical JSON, moderation aside: how verify remembers what an
    entry recorded without holding every audit in memory."""
    return hashlib.sha256(canonical({k: v for k, v in audit.items() if k != "moderation"}).encode()).hexdigest()


def recorded_audits(db: sqlite_utils.Database, found: list[str],
                    redacted: dict[Any, frozenset[str]] | None = None) -> Recorded:
    """Each submitted audit's recording history entry: audit_id -> (entry id, `_audit_digest`
    of the audit it recorded, the entry's text salt when it concealed free text).

    An import entry records its audits by id, count and digest instead (IMPORT_DIGEST): those
    stored as submitted are digested again, and, when they match, each maps
    to (entry id, None, None): what is stored as submitted is then what the history recorded.
    A mismatch is added to `found`. An import holding an audit a redaction reached cannot be
    digested again (the words it hashed are gone): the submitted_audits table's digest is
    what proves those audits, and each is compared field by field where it can be.
    """
    redacted = redacted or {}
    recorded: Recorded = {}
    imports: list[tuple[int, dict[str, Any]]] = []
    for entry_id, what, details in db.execute(
        "SELECT id, what, details FROM history WHERE what IN ('audits imported', 'audit submitted') "
        "ORDER BY id"
    ):
        data = json.loads(details)
        if what == "audits imported" and "digest" in data:
            imports.append((entry_id, data))
            continue
        salt = data.get("text_salt") if isinstance(data.get("text_salt"), str) else None
        audits = data.get("audits", []) if what == "audits imported" else [data.get("audit", {})]
        for audit in audits:
            if isinstance(audit, dict) and audit.get("audit_id"):
                recorded[audit["audit_id"]] = (entry_id, _audit_digest(audit), salt)
    for entry_id, data in imports:
        digest, count = hashlib.sha256(), 0
        ids = sorted(i for i in data.get("ids") or [] if isinstance(i, str))
        reached = any(i in redacted for i in ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for audit_id, text in db.execute(
                f"SELECT audit_id, data FROM submitted_audits WHERE audit_id IN ({','.join('?' * len(chunk))}) "
                "ORDER BY audit_id", chunk,
            ):
                recorded[audit_id] = (entry_id, None, None)
                digest.update((text or "").encode("utf-8") + b"\n")
                count += 1
        if count != data.get("count"):
            found.append(f"history entry {entry_id} recorded an import of {data.get('count')} audits "
                         f"({data.get('first')} to {data.get('last')}); {count} of them are stored")
        elif digest.hexdigest() != data.get("digest") and not reached:
            found.append(f"history entry {entry_id} recorded an import of {count} audits "
                         f"({data.get('first')} to {data.get('last')}); they are not stored as it recorded them: "
                         "one or more of them was changed outside caseaudit")
    return recorded


def unrecorded_audits(db: sqlite_utils.Database, recorded: Recorded) -> list[str]:
    """Submitted audits that no history entry records.

    Removing the newest entries leaves an intact but shorter chain; the audits those
    entries recorded are still in the database, and this is how they give it away.
    """
    stored = [r[0] for r in db.execute("SELECT audit_id FROM audits WHERE status = 'submitted' ORDER BY audit_id")]
    return [audit_id for audit_id in stored if audit_id not in recorded]


def _amended(db: sqlite_utils.Database) -> dict[str, list[dict[str, Any]]]:
    """Each audit's amendments as the history recorded them, in order."""
    log: dict[str, list[dict[str, Any]]] = {}
    for (details,) in db.execute("SELECT details FROM history WHERE what = 'audit amended' ORDER BY id"):
        entry = json.loads(details)
        if isinstance(entry.get("changes"), dict):
            log.setdefault(entry.get("audit_id"), []).append(entry["changes"])
    return log


def _differences(audit: dict[str, Any], stored: dict[str, Any], grade: str | None,
                 scores: dict[str, tuple[Any, ...]], actions: list[tuple[Any, ...]],
                 themes: set[tuple[Any, ...]], part: str) -> list[str]:
    """How stored rows differ from `audit` (JSON values), each named after `part`; completion
    dates and moderation aside, and blind to words (both sides as db.free_text.blind marks them)."""
    audit = free_text.blind(audit)  # type: ignore[assignment]  # a dict blinds to a dict
    stored = free_text.blind(stored)  # type: ignore[assignment]
    differs = [f"{part}{key}" for key in sorted(set(audit) | set(stored))
               if key not in ("moderation", "actions") and audit.get(key) != stored.get(key)]
    if audit.get("grade") != grade:
        differs.append(f"{part}grade column")
    expected_scores = {
        s: ((audit.get("automatic") or {}).get(s), (audit.get("scores") or {}).get(s),
            (audit.get("notes") or {}).get(s), (audit.get("override_reasons") or {}).get(s))
        for s in set(audit.get("scores") or {}) | set(audit.get("automatic") or {})
    }
    blinded = {s: (r[0], r[1], free_text.blind_text(r[2]), free_text.blind_text(r[3])) for s, r in scores.items()}
    if blinded != expected_scores:
        differs.append("scores table")
    if [(free_text.blind_text(a[0]), *a[1:]) for a in actions] != [
            (a.get("description"), a.get("owner"), a.get("due"), a.get("standard"))
            for a in audit.get("actions") or []]:
        differs.append("actions table")
    given = audit.get("themes") or {}
    if themes != ({(t, "strength") for t in given.get("strengths") or []}
                  | {(t, "improvement") for t in given.get("improvements") or []}):
        differs.append("themes table")
    return differs


def _grouped(cursor: Any) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    """Rows ordered by their first column, as (that column, the rest of each row)."""
    key: str | None = None
    group: list[tuple[Any, ...]] = []
    for row in cursor:
        if row[0] != key:
            if group and key is not None:
                yield key, group
            key, group = row[0], []
        group.append(tuple(row[1:]))
    if group and key is not None:
        yield key, group


class _Merge:
    """Walks one audit-ordered group stream alongside the audits: `take(audit_id)` gives that
    audit's rows (none if it has none) and skips the rows of audits not asked for."""

    def __init__(self, groups: Iterator[tuple[str, list[tuple[Any, ...]]]]) -> None:
        self.groups = groups
        self.current = next(groups, None)

    def take(self, audit_id: str) -> list[tuple[Any, ...]]:
        while self.current is not None and self.current[0] < audit_id:
            self.current = next(self.groups, None)
        if self.current is not None and self.current[0] == audit_id:
            rows, self.current = self.current[1], next(self.groups, None)
            return rows
        return []


def _entry_audit(db: sqlite_utils.Database, entry_id: int, audit_id: str) -> dict[str, Any]:
    """The audit `audit_id` as history entry `entry_id` recorded it in full."""
    row = db.execute("SELECT what, details FROM history WHERE id = ?", [entry_id]).fetchone()
    data = _loads(row[1] if row else None)
    audits = data.get("audits", []) if row and row[0] == "audits imported" else [data.get("audit", {})]
    return next((a for a in audits if isinstance(a, dict) and a.get("audit_id") == audit_id), {})


def _as_recorded(first: dict[str, Any], salt: str | None) -> dict[str, Any]:
    """The audit as submitted, as an entry with `salt` would have recorded it."""
    if salt is None:
        return first
    hidden = free_text.hide(first, salt)
    assert isinstance(hidden, dict)  # a dict hides to a dict
    return hidden


def altered_audits(db: sqlite_utils.Database, recorded: Recorded,
                   redacted: dict[Any, frozenset[str]] | None = None) -> list[str]:
    """Submitted audits whose stored rows differ from what history recorded.

    The audit as submitted (`submitted_audits`) must be what the submission entry recorded
    (its words through the entry's salted hashes, or a redacted form a redaction entry
    recorded for that audit), and the current state (the audit's row, scores, themes and
    actions) must be that submission with the amendments the history recorded replayed in
    order. The triggers lock both; this catches a change made with them dropped and names
    the audit. Marking an action done changes only its completed_on, so that never counts
    as a difference. Scores, actions and themes are read in audit order beside the audits,
    one audit's rows at a time.
    """
    redacted = redacted or {}
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
        entry_id, digest, salt = recorded[audit_id]
        differs: list[str] = []
        first = None if first_data is None else {k: v for k, v in _loads(first_data).items() if k != "moderation"}
        if first is not None and (digest is None or digest == _audit_digest(_as_recorded(first, salt))):
            audit = first  # stored as the entry recorded it
        else:
            audit = _entry_audit(db, entry_id, audit_id) if digest is not None else dict(first or {})
        columns = {"case_ref": case_ref, "auditor": auditor, "as_of": as_of, "submitted_on": submitted_on}
        differs += [f"{k} column" for k, v in columns.items() if audit.get(k) != v]
        if first is None:
            differs.append("the audit as submitted is missing")
        else:
            allowed = redacted.get(audit_id, frozenset())
            differs += [f"as submitted: {key}" for key in sorted(set(audit) | set(first))
                        if key != "moderation" and not free_text.same(
                            audit.get(key), first.get(key), salt if audit is not first else None, allowed,
                            key in free_text.FREE_TEXT_KEYS)]
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


def _loads(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "")
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}
