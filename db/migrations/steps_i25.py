"""Schema steps of the whole-record verification and redaction work (m150 to m169)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: sqlite-utils is loaded when a step runs
    import sqlite_utils

from db.migrations import migrations


@migrations()
def m150_record_digests(db: sqlite_utils.Database) -> None:
    # The pending change of each covered table's multiset digest (db/coverage.py), kept by
    # triggers in the same statement as each write, and the history's `state`: the changes of
    # the tables an entry's transaction wrote, hashed with the entry. The store takes each
    # table's first digest when it opens the file after this step (coverage.cover), recorded.
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS record_digests (
            name TEXT PRIMARY KEY,   -- the covered table
            digest TEXT NOT NULL,    -- rows' SHA-256 added minus removed, modulo 2**256, hex
            rows INTEGER NOT NULL,   -- rows added minus removed
            schema TEXT NOT NULL,    -- its CREATE TABLE when the digest was taken
            changed INTEGER NOT NULL DEFAULT 0  -- written since the last history entry
        );
        ALTER TABLE history ADD COLUMN state TEXT;  -- JSON {table: [digest, rows]} or NULL
        """
    )


@migrations()
def m151_case_holds(db: sqlite_utils.Database) -> None:
    # A legal or safeguarding hold on a case (`caseaudit hold`): while a case is held, no
    # redaction reaches its text, whatever the schedule. Released by deleting the row; both
    # are recorded in the history (db/holds.py).
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS case_holds (
            case_ref TEXT PRIMARY KEY REFERENCES cases(case_ref),
            reason TEXT NOT NULL,
            held_by TEXT NOT NULL,
            held_at TEXT NOT NULL
        );
        """
    )


# What a redaction may change in a locked record (db/redaction.py): only while the redaction's
# mark is in `redacting` (written and removed inside the redaction's own transaction, which
# also writes its history entry), each text column only from its words to the redaction's
# replacement, once, and nothing else of the row.
_REDACTING = "EXISTS (SELECT 1 FROM redacting)"
_REPLACEMENT = "(SELECT replacement FROM redacting LIMIT 1)"


def _text(column: str) -> str:
    return (f"(NEW.{column} IS OLD.{column} OR (OLD.{column} NOT LIKE '[redacted %' "
            f"AND NEW.{column} = {_REPLACEMENT}))")


def _kept(*columns: str) -> str:
    return " AND ".join(f"NEW.{c} IS OLD.{c}" for c in columns)


_REDACTABLE = {
    "audits_submitted_no_update": _kept(
        "audit_id", "case_ref", "auditor", "as_of", "submitted_on", "grade", "status", "catalogue_version",
        "revision", "saved_by", "saved_at", "amendment_id", "round_id") + " AND json_valid(NEW.data)",
    "submitted_audits_no_update": _kept("audit_id", "grade") + " AND json_valid(NEW.data)",
    "scores_submitted_no_update": _kept("audit_id", "standard", "automatic_status", "status")
    + f" AND {_text('note')} AND {_text('override_reason')}",
    "actions_submitted_locked": _kept("id", "audit_id", "position", "owner", "due", "standard", "completed_on")
    + f" AND {_text('description')}",
    "amendments_no_update": _kept("id", "audit_id", "by", "at") + f" AND {_text('reason')} AND json_valid(NEW.changes)",
    "escalation_resolutions_no_update": _kept("audit_id", "final_grade", "resolved_by", "resolved_at")
    + f" AND {_text('reason')} AND {_text('feedback')}",
    "concerns_raised_kept": _kept(
        "concern_id", "case_ref", "audit_id", "source", "raised_by", "raised_at", "acknowledged_by",
        "acknowledged_at", "closed_by", "closed_at")
    + f" AND {_text('found')} AND {_text('should_happen')} AND {_text('action_taken')}",
    "round_answers_no_update": _kept("audit_id", "round_id", "question", "answer") + f" AND {_text('comment')}",
}


@migrations()
def m152_redaction_mark(db: sqlite_utils.Database) -> None:
    # The mark a redaction writes for the length of its transaction, and each lock trigger on
    # a record holding free text rewritten to let that one change through: its own condition
    # (kept as it was) AND NOT the redaction's.
    import re

    db.executescript("CREATE TABLE IF NOT EXISTS redacting (replacement TEXT NOT NULL);")
    for name, allowed in _REDACTABLE.items():
        row = db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", [name]).fetchone()
        if row is None:
            continue
        head, _, body = row[0].partition("BEGIN")
        redaction = f"({_REDACTING} AND {allowed})"
        when = re.search(r"\bWHEN\b", head, re.IGNORECASE)
        if when:
            head = f"{head[:when.start()]}WHEN ({head[when.end():].strip()}) AND NOT {redaction} "
        else:
            head = f"{head.rstrip()} WHEN NOT {redaction} "
        db.execute(f'DROP TRIGGER "{name}"')
        db.execute(f"{head}BEGIN{body}")
