"""Schema steps from m007 on; a new step goes after the last one here."""

from __future__ import annotations

import json

import sqlite_utils


from db.migrations import migrations


@migrations()
def m007_team_managers(db: sqlite_utils.Database) -> None:
    # Users' optional `manages` (import users): the team whose cases they line-manage,
    # which an Annex A import gives each case it creates or updates as its line manager.
    db.executescript(
        """
        ALTER TABLE users ADD COLUMN manages TEXT;
        CREATE INDEX users_by_manages ON users(manages);
        """
    )


@migrations()
def m008_sign_in_passwords(db: sqlite_utils.Database) -> None:
    # For `caseaudit serve`: each user's password as a slow salted hash (never the password),
    # and failed sign-ins in a row per name typed (kept as a SHA-256 of it), to slow guessing.
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS passwords (
            username TEXT PRIMARY KEY REFERENCES users(username),
            hash TEXT NOT NULL,
            set_by TEXT NOT NULL,
            set_at TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS sign_in_failures (
            name_key TEXT PRIMARY KEY,
            failures INTEGER NOT NULL,
            last_failed_at TEXT NOT NULL
        );
        """
    )


@migrations()
def m009_current_state(db: sqlite_utils.Database) -> None:
    # Amendments used to be applied on every read. Now each amendment also updates the
    # audit's stored current state (row, scores, themes, actions) in its own transaction,
    # and the audit as submitted is kept apart in `submitted_audits`, never changed.
    # The guards let a submitted audit's current state change only together with a new
    # amendment: the row records the newest amendment it carries (`amendment_id`), and
    # its scores, themes and actions may be rewritten only while a newer one exists.
    from audit_tools.amendments import replay

    pending = """coalesce((SELECT amendment_id FROM audits WHERE audit_id = {row}.audit_id), 0)
            < coalesce((SELECT max(id) FROM amendments WHERE audit_id = {row}.audit_id), 0)"""
    submitted = "(SELECT status FROM audits WHERE audit_id = {row}.audit_id) = 'submitted'"
    db.executescript(
        """
        CREATE TABLE submitted_audits (
            audit_id TEXT PRIMARY KEY REFERENCES audits(audit_id),
            grade TEXT,
            data TEXT NOT NULL  -- the whole Audit as JSON, exactly as submitted
        );
        CREATE TRIGGER submitted_audits_no_update BEFORE UPDATE ON submitted_audits
        BEGIN SELECT RAISE(ABORT, 'an audit as submitted is kept as it was'); END;
        CREATE TRIGGER submitted_audits_no_delete BEFORE DELETE ON submitted_audits
        BEGIN SELECT RAISE(ABORT, 'an audit as submitted is kept as it was'); END;
        ALTER TABLE audits ADD COLUMN amendment_id INTEGER;  -- the newest amendment the row carries
        INSERT INTO submitted_audits (audit_id, grade, data)
            SELECT audit_id, grade, data FROM audits WHERE status = 'submitted';
        DROP TRIGGER audits_submitted_no_update;
        DROP TRIGGER scores_submitted_no_update;
        DROP TRIGGER scores_submitted_no_delete;
        DROP TRIGGER scores_submitted_no_insert;
        DROP TRIGGER audit_themes_submitted_no_delete;
        DROP TRIGGER audit_themes_submitted_no_insert;
        DROP TRIGGER audit_themes_submitted_no_update;
        DROP TRIGGER actions_submitted_locked;
        DROP TRIGGER actions_submitted_no_insert;
        DROP TRIGGER actions_submitted_no_delete;
        """
    )
    # Replay each amended audit's log once, as the readers used to on every read.
    from db import projection

    log: dict[str, list[tuple[int, dict]]] = {}
    for amendment_id, audit_id, changes in db.execute("SELECT id, audit_id, changes FROM amendments ORDER BY id"):
        log.setdefault(audit_id, []).append((amendment_id, json.loads(changes)))
    for audit_id, entries in log.items():
        (data,) = db.execute("SELECT data FROM audits WHERE audit_id = ?", [audit_id]).fetchone()
        audit = json.loads(data)
        audit["actions"] = [
            {"description": r[0], "owner": r[1], "due": r[2], "completed_on": r[3], "standard": r[4]}
            for r in db.execute("SELECT description, owner, due, completed_on, standard FROM actions "
                                "WHERE audit_id = ? ORDER BY position", [audit_id])]
        current = replay(audit, [changes for _, changes in entries])
        projection.project(db, audit_id, current, entries[-1][0])
    statements = []
    for table, noun in (("scores", "scores"), ("audit_themes", "themes"), ("actions", "actions")):
        for event, row in (("INSERT", "NEW"), ("DELETE", "OLD")):
            statements.append(
                f"CREATE TRIGGER {table}_submitted_no_{event.lower()} BEFORE {event} ON {table} "
                f"WHEN {submitted.format(row=row)} AND NOT {pending.format(row=row)} "
                f"BEGIN SELECT RAISE(ABORT, 'the {noun} of a submitted audit are locked; record an amendment instead'); END;")
    statements.append(
        "CREATE TRIGGER scores_submitted_no_update BEFORE UPDATE ON scores "
        f"WHEN {submitted.format(row='OLD')} AND NOT {pending.format(row='OLD')} "
        "BEGIN SELECT RAISE(ABORT, 'the scores of a submitted audit are locked; record an amendment instead'); END;")
    statements.append(
        "CREATE TRIGGER audit_themes_submitted_no_update BEFORE UPDATE ON audit_themes "
        f"WHEN {submitted.format(row='OLD')} AND NOT {pending.format(row='OLD')} "
        "BEGIN SELECT RAISE(ABORT, 'the themes of a submitted audit are locked; record an amendment instead'); END;")
    # An action of a submitted audit may be marked completed; anything else is an amendment.
    statements.append(
        "CREATE TRIGGER actions_submitted_locked "
        "BEFORE UPDATE OF audit_id, position, description, owner, due, standard ON actions "
        f"WHEN {submitted.format(row='OLD')} AND NOT {pending.format(row='OLD')} "
        "BEGIN SELECT RAISE(ABORT, 'the actions of a submitted audit are locked; amend the audit'); END;")
    statements.append(
        """CREATE TRIGGER audits_submitted_no_update BEFORE UPDATE ON audits
        WHEN OLD.status = 'submitted' AND NOT (
            coalesce(NEW.amendment_id, 0) > coalesce(OLD.amendment_id, 0)
            AND NEW.amendment_id IS (SELECT max(id) FROM amendments WHERE audit_id = OLD.audit_id)
            AND NEW.audit_id IS OLD.audit_id AND NEW.case_ref IS OLD.case_ref AND NEW.auditor IS OLD.auditor
            AND NEW.as_of IS OLD.as_of AND NEW.submitted_on IS OLD.submitted_on AND NEW.status IS OLD.status
            AND NEW.catalogue_version IS OLD.catalogue_version AND NEW.revision IS OLD.revision)
        BEGIN SELECT RAISE(ABORT, 'a submitted audit is locked; record an amendment instead'); END;""")
    db.executescript("\n".join(statements))


@migrations()
def m010_report_covering_indexes(db: sqlite_utils.Database) -> None:
    # The themes report, agreement and sampling count a quarter's audits in SQL (db/reports.py).
    # These indexes hold every column those counts read, so a quarter is counted from the
    # indexes alone, without visiting each audit's row (and its whole-audit JSON) or each score's.
    db.executescript(
        """
        CREATE INDEX IF NOT EXISTS audits_for_reports
            ON audits(submitted_on, status, audit_id, auditor, case_ref, grade);
        CREATE INDEX IF NOT EXISTS scores_for_reports ON scores(audit_id, standard, status, automatic_status);
        CREATE INDEX IF NOT EXISTS actions_for_reports ON actions(audit_id, completed_on, due);
        """
    )


@migrations()
def m014_reaudit_drafts(db: sqlite_utils.Database) -> None:
    # A moderator's half-done blind re-audit, kept like an audit draft until it is submitted
    # (then the submitted re-audit lives in moderations and the draft row goes).
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS reaudit_drafts (
            audit_id TEXT PRIMARY KEY REFERENCES audits(audit_id),
            moderator TEXT NOT NULL,
            saved_at TEXT NOT NULL,
            data TEXT NOT NULL
        );
        """
    )
