"""What `verify` checks of redacted text: every redaction's mark stands where a redaction
entry ("free text redacted") put it.

The record digests already prove each table holds what caseaudit wrote; this names the
record when someone wrote a redaction's mark by hand (the triggers dropped) to make words
look lawfully erased: each text column holding a mark must belong to a record that a
redaction entry named, with that very mark. Each column is scanned once for values that
look like a mark (SQL does the filtering), so memory holds only the ids the entries name.
"""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from db.history_audits import REDACTED

# table, its key column, the entry's list that names its records, its free-text columns, and
# how a finding names one record.
PLACES = [
    ("case_events", "id", "events", ("note", "reason_not_alone"), "event"),
    ("concerns", "concern_id", "concerns", ("found", "should_happen", "action_taken"), "concern"),
    ("actions", "id", "actions", ("description",), "action"),
    ("scores", "audit_id", "audits", ("note", "override_reason"), "audit"),
    ("round_answers", "audit_id", "audits", ("comment",), "audit"),
    ("moderations", "audit_id", "moderations", ("reason", "feedback"), "moderation of audit"),
    ("escalation_resolutions", "audit_id", "moderations", ("reason", "feedback"), "resolution of audit"),
    ("amendments", "id", "amendments", ("reason",), "amendment"),
]


def _named(db: sqlite_utils.Database) -> dict[str, dict[Any, set[str]]]:
    """For each of the entries' lists, the records named and the marks each was given."""
    named: dict[str, dict[Any, set[str]]] = {}
    for (details,) in db.execute("SELECT details FROM history WHERE what = ? ORDER BY id", [REDACTED]):
        try:
            data = json.loads(details)
        except (TypeError, ValueError):
            continue
        mark = data.get("replacement") if isinstance(data, dict) else None
        if not isinstance(mark, str):
            continue
        for kind in ("events", "concerns", "actions", "audits", "moderations", "amendments"):
            for key in data.get(kind) or []:
                named.setdefault(kind, {}).setdefault(key, set()).add(mark)
    return named


def unnamed_marks(db: sqlite_utils.Database) -> list[str]:
    """One line per record whose text holds a redaction's mark no redaction entry gave it."""
    named = _named(db)
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    found: list[str] = []
    for table, key, kind, columns, noun in PLACES:
        if table not in tables:
            continue
        given = named.get(kind, {})
        looks = " OR ".join(f"{c} LIKE '[redacted %'" for c in columns)
        for row in db.execute(f"SELECT {key}, {', '.join(columns)} FROM {table} WHERE {looks} ORDER BY {key}"):
            marks = given.get(row[0], set())
            wrong = [c for c, v in zip(columns, row[1:])
                     if isinstance(v, str) and v[:10].lower() == "[redacted " and v not in marks]
            if wrong:
                found.append(f"{noun} {row[0]}: its {' and '.join(c.replace('_', ' ') for c in wrong)} "
                             "holds a redaction's mark that no redaction entry gave it: it was written outside "
                             "caseaudit")
    return found
