"""Schema steps from m007 on; a new step goes after the last one here."""

from __future__ import annotations

import json

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: sqlite-utils is loaded when a step runs
    import sqlite_utils


from db.migrations import DEFAULT_SETTINGS, migrations


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
def m011_allocations(db: sqlite_utils.Database) -> None:
    # Monthly allocation of audits (alloc-v1): each allocation keeps its inputs as they
    # stood (data) so `allocate verify` can re-derive it; a case is allocated at most once
    # a month (primary key), and the audit started from an allocated case is linked to it.
    db.executescript(
        """
        CREATE TABLE allocations (
            allocation_id TEXT PRIMARY KEY,
            month TEXT NOT NULL,
            seed TEXT NOT NULL,
            algorithm TEXT NOT NULL,
            per_auditor INTEGER NOT NULL,
            frame_sha256 TEXT NOT NULL,
            frame_size INTEGER NOT NULL,
            allocated_by TEXT NOT NULL,
            allocated_at TEXT NOT NULL,
            data TEXT NOT NULL  -- the whole Allocation as JSON: frame, auditors, exclusions, result
        );
        CREATE INDEX allocations_by_month ON allocations(month, allocation_id);
        CREATE TABLE allocated_cases (
            month TEXT NOT NULL,
            case_ref TEXT NOT NULL REFERENCES cases(case_ref),
            allocation_id TEXT NOT NULL REFERENCES allocations(allocation_id),
            auditor TEXT NOT NULL,
            audit_id TEXT,  -- the audit started from it (a discarded draft frees it again)
            PRIMARY KEY (month, case_ref)  -- never allocated twice in a month
        );
        CREATE INDEX allocated_by_auditor ON allocated_cases(auditor, month);
        CREATE INDEX allocated_by_allocation ON allocated_cases(allocation_id);
        CREATE TRIGGER allocations_no_update BEFORE UPDATE ON allocations
        BEGIN SELECT RAISE(ABORT, 'an allocation is kept as it was made'); END;
        CREATE TRIGGER allocations_no_delete BEFORE DELETE ON allocations
        BEGIN SELECT RAISE(ABORT, 'an allocation is kept as it was made'); END;
        CREATE TRIGGER allocated_cases_locked
            BEFORE UPDATE OF month, case_ref, allocation_id, auditor ON allocated_cases
        BEGIN SELECT RAISE(ABORT, 'an allocated case is kept as it was allocated'); END;
        CREATE TRIGGER allocated_cases_link_once BEFORE UPDATE OF audit_id ON allocated_cases
            WHEN EXISTS (SELECT 1 FROM audits WHERE audit_id = OLD.audit_id)
        BEGIN SELECT RAISE(ABORT, 'an allocated case stays linked to the audit started from it'); END;
        CREATE TRIGGER allocated_cases_no_delete BEFORE DELETE ON allocated_cases
        BEGIN SELECT RAISE(ABORT, 'an allocated case is kept as it was allocated'); END;
        """
    )


@migrations()
def m012_concerns(db: sqlite_utils.Database) -> None:
    # Safeguarding concerns raised while auditing (product.md): written at once on their own,
    # never with a draft, so discarding the draft or the audit cannot take one with it.
    # `audit_id` is the audit it was raised from (a draft's id may never be saved, so it is no
    # foreign key); a moderator's blind re-audit raises it against the audit being moderated,
    # with `source` 'blind re-audit'. A concern only moves forward (open, acknowledged,
    # closed): the triggers refuse deleting it, changing what was raised, and any change to
    # an acknowledgement or closure once recorded.
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS concerns (
            concern_id TEXT PRIMARY KEY,
            case_ref TEXT NOT NULL REFERENCES cases(case_ref),
            audit_id TEXT,
            source TEXT NOT NULL DEFAULT 'audit',
            raised_by TEXT NOT NULL,
            raised_at TEXT NOT NULL,
            found TEXT NOT NULL,
            should_happen TEXT NOT NULL,
            acknowledged_by TEXT,
            acknowledged_at TEXT,
            closed_by TEXT,
            closed_at TEXT,
            action_taken TEXT
        );
        CREATE INDEX IF NOT EXISTS concerns_by_case ON concerns(case_ref, closed_at);
        CREATE INDEX IF NOT EXISTS concerns_by_raised ON concerns(raised_at);
        CREATE TRIGGER concerns_no_delete BEFORE DELETE ON concerns
        BEGIN SELECT RAISE(ABORT, 'a safeguarding concern is never deleted'); END;
        CREATE TRIGGER concerns_raised_kept BEFORE UPDATE ON concerns
        WHEN NEW.concern_id IS NOT OLD.concern_id OR NEW.case_ref IS NOT OLD.case_ref
            OR NEW.audit_id IS NOT OLD.audit_id OR NEW.source IS NOT OLD.source
            OR NEW.raised_by IS NOT OLD.raised_by OR NEW.raised_at IS NOT OLD.raised_at
            OR NEW.found IS NOT OLD.found OR NEW.should_happen IS NOT OLD.should_happen
            OR (OLD.acknowledged_at IS NOT NULL AND (NEW.acknowledged_by IS NOT OLD.acknowledged_by
                OR NEW.acknowledged_at IS NOT OLD.acknowledged_at))
            OR (OLD.closed_at IS NOT NULL AND (NEW.closed_by IS NOT OLD.closed_by
                OR NEW.closed_at IS NOT OLD.closed_at OR NEW.action_taken IS NOT OLD.action_taken))
        BEGIN SELECT RAISE(ABORT, 'a safeguarding concern keeps what was recorded; it only moves on'); END;
        """
    )


@migrations()
def m013_agreement_min_pairs(db: sqlite_utils.Database) -> None:
    # The fewest moderated pairs before an auditor is flagged "possibly insufficiently
    # critical" (audit_tools.settings): stored with its default so it is listed with the rest.
    db.execute("INSERT OR IGNORE INTO settings (key, value) VALUES ('agreement_min_pairs', ?)",
               [json.dumps(DEFAULT_SETTINGS["agreement_min_pairs"])])


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
