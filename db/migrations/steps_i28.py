"""Schema steps for thematic audit rounds (product.md "Thematic audits"): m190 to m209."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: sqlite-utils is loaded when a step runs
    import sqlite_utils

from db.migrations import migrations


@migrations()
def m190_rounds(db: sqlite_utils.Database) -> None:
    # A round keeps everything round-v1 made it from, so `round verify` can re-derive it:
    # its row (seed, size, auditors, filters, the question set as it was), the frame's refs,
    # and each selected case in rank order with its auditor and the worker and line manager
    # it had. None of it changes once made. A round audit is an audit with `round_id` set;
    # its answers are written beside its scores when it is submitted.
    db.executescript(
        """
        CREATE TABLE rounds (
            round_id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            date TEXT NOT NULL,
            algorithm TEXT NOT NULL,
            seed TEXT NOT NULL,
            size INTEGER NOT NULL,
            frame_sha256 TEXT NOT NULL,
            frame_size INTEGER NOT NULL,
            shortfall INTEGER NOT NULL,
            score_standards INTEGER NOT NULL,
            grade INTEGER NOT NULL,
            filters TEXT NOT NULL,    -- JSON
            auditors TEXT NOT NULL,   -- JSON list of usernames
            questions TEXT NOT NULL,  -- JSON: the question set as it was when the round was made
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE round_frame (
            round_id TEXT NOT NULL REFERENCES rounds(round_id),
            case_ref TEXT NOT NULL,
            PRIMARY KEY (round_id, case_ref)
        ) WITHOUT ROWID;
        CREATE TABLE round_cases (
            round_id TEXT NOT NULL REFERENCES rounds(round_id),
            rank INTEGER NOT NULL,
            case_ref TEXT NOT NULL REFERENCES cases(case_ref),
            auditor TEXT,  -- NULL: no auditor of the round may take it
            worker TEXT,
            line_manager TEXT,
            PRIMARY KEY (round_id, rank),
            UNIQUE (round_id, case_ref)
        );
        CREATE INDEX round_cases_by_auditor ON round_cases(auditor, round_id);
        CREATE INDEX round_cases_by_case ON round_cases(case_ref);
        CREATE TABLE round_answers (
            audit_id TEXT NOT NULL REFERENCES audits(audit_id),
            round_id TEXT NOT NULL REFERENCES rounds(round_id),
            question TEXT NOT NULL,
            answer TEXT NOT NULL,
            comment TEXT,
            PRIMARY KEY (audit_id, question)
        );
        CREATE INDEX round_answers_by_round ON round_answers(round_id, question, answer);
        ALTER TABLE audits ADD COLUMN round_id TEXT REFERENCES rounds(round_id);
        CREATE INDEX audits_by_round ON audits(round_id, case_ref);
        CREATE TRIGGER rounds_no_update BEFORE UPDATE ON rounds
        BEGIN SELECT RAISE(ABORT, 'a round is kept as it was made'); END;
        CREATE TRIGGER rounds_no_delete BEFORE DELETE ON rounds
        BEGIN SELECT RAISE(ABORT, 'a round is kept as it was made'); END;
        CREATE TRIGGER round_frame_no_update BEFORE UPDATE ON round_frame
        BEGIN SELECT RAISE(ABORT, 'a round''s frame is kept as it was made'); END;
        CREATE TRIGGER round_frame_no_delete BEFORE DELETE ON round_frame
        BEGIN SELECT RAISE(ABORT, 'a round''s frame is kept as it was made'); END;
        CREATE TRIGGER round_cases_no_update BEFORE UPDATE ON round_cases
        BEGIN SELECT RAISE(ABORT, 'a round''s selection is kept as it was made'); END;
        CREATE TRIGGER round_cases_no_delete BEFORE DELETE ON round_cases
        BEGIN SELECT RAISE(ABORT, 'a round''s selection is kept as it was made'); END;
        CREATE TRIGGER round_answers_no_update BEFORE UPDATE ON round_answers
        BEGIN SELECT RAISE(ABORT, 'a submitted round audit''s answers are kept as submitted'); END;
        CREATE TRIGGER round_answers_no_delete BEFORE DELETE ON round_answers
        BEGIN SELECT RAISE(ABORT, 'a submitted round audit''s answers are kept as submitted'); END;
        """
    )


@migrations()
def m191_reports_skip_round_audits(db: sqlite_utils.Database) -> None:
    # The quarter's reports leave a thematic round's audits out (`round_id IS NULL`); the
    # covering index they read carries round_id so they still never touch the audit rows.
    db.executescript(
        """
        DROP INDEX IF EXISTS audits_for_reports;
        CREATE INDEX audits_for_reports
            ON audits(submitted_on, status, audit_id, auditor, case_ref, grade, round_id);
        """
    )


@migrations()
def m192_round_answers_amendable(db: sqlite_utils.Database) -> None:
    # A round audit's answers are corrected like its scores: by an amendment, which rewrites
    # them in the amendment's own transaction while it is the newest one the audit's row does
    # not carry yet; at any other time a submitted audit's answers are locked.
    pending = """coalesce((SELECT amendment_id FROM audits WHERE audit_id = {row}.audit_id), 0)
            < coalesce((SELECT max(id) FROM amendments WHERE audit_id = {row}.audit_id), 0)"""
    submitted = "(SELECT status FROM audits WHERE audit_id = {row}.audit_id) = 'submitted'"
    statements = ["DROP TRIGGER round_answers_no_delete;"]
    for event, row in (("INSERT", "NEW"), ("DELETE", "OLD")):
        statements.append(
            f"CREATE TRIGGER round_answers_submitted_no_{event.lower()} BEFORE {event} ON round_answers "
            f"WHEN {submitted.format(row=row)} AND NOT {pending.format(row=row)} "
            "BEGIN SELECT RAISE(ABORT, 'a submitted round audit''s answers are locked; record an amendment "
            "instead'); END;")
    db.executescript("\n".join(statements))
