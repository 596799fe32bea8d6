"""The schema, as ordered named steps applied once each (sqlite_utils.Migrations).

A newer caseaudit opening an older file applies only the steps that file lacks;
running `caseaudit init` twice changes nothing the second time. Never edit a step
that has shipped: add a new one.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import sqlite_utils
from sqlite_utils import Migrations

from audit_tools.errors import BadInput
from audit_tools.vocabulary import DEFAULT_THEMES

from db.connection import transaction

migrations = Migrations("caseaudit")

DEFAULT_SETTINGS: dict[str, object] = {
    "audit_quota_per_month": 2,
    "independence_window_months": 12,
    "independence_mode": "warn",  # warn | block
}


@migrations()
def m001_people_and_cases(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE teams (
            name TEXT PRIMARY KEY
        );
        CREATE TABLE users (
            username TEXT PRIMARY KEY,
            display_name TEXT NOT NULL,
            team TEXT,
            roles TEXT NOT NULL DEFAULT '[]'  -- JSON list of role names
        );
        CREATE INDEX users_by_team ON users(team);
        CREATE TABLE cases (
            case_ref TEXT PRIMARY KEY,
            case_type TEXT NOT NULL,
            start_date TEXT NOT NULL,
            team TEXT,
            worker TEXT,
            line_manager TEXT,
            closed_date TEXT
        );
        CREATE INDEX cases_by_team ON cases(team, case_ref);
        CREATE INDEX cases_by_type ON cases(case_type, case_ref);
        CREATE INDEX cases_by_worker ON cases(worker, case_ref);
        CREATE TABLE case_events (
            id INTEGER PRIMARY KEY,
            case_ref TEXT NOT NULL REFERENCES cases(case_ref),
            kind TEXT NOT NULL,
            date TEXT NOT NULL,
            child_seen INTEGER NOT NULL DEFAULT 1,
            seen_alone INTEGER,
            reason_not_alone TEXT,
            note TEXT
        );
        CREATE INDEX case_events_by_case ON case_events(case_ref, date);
        CREATE TABLE catalogues (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            version TEXT NOT NULL,
            toml TEXT NOT NULL,
            stored_at TEXT NOT NULL,
            stored_by TEXT,
            UNIQUE (name, version)
        );
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL  -- JSON
        );
        CREATE TABLE counters (
            name TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        );
        CREATE TABLE themes (
            theme TEXT PRIMARY KEY,
            label TEXT NOT NULL,
            added_by TEXT,
            added_at TEXT
        );
        """
    )
    db["themes"].insert_all(
        [{"theme": theme, "label": label} for theme, label in DEFAULT_THEMES.items()]
    )
    db["settings"].insert_all(
        [{"key": key, "value": json.dumps(value)} for key, value in DEFAULT_SETTINGS.items()]
    )


@migrations()
def m002_audits(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE audits (
            audit_id TEXT PRIMARY KEY,
            case_ref TEXT NOT NULL REFERENCES cases(case_ref),
            auditor TEXT NOT NULL,
            as_of TEXT NOT NULL,
            submitted_on TEXT,
            grade TEXT,
            status TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
            catalogue_version TEXT,
            revision INTEGER NOT NULL DEFAULT 1,  -- optimistic locking of drafts
            saved_by TEXT,
            saved_at TEXT,
            data TEXT NOT NULL  -- the whole Audit as JSON, as saved or submitted
        );
        CREATE INDEX audits_by_submitted ON audits(submitted_on, audit_id);
        CREATE INDEX audits_by_auditor ON audits(auditor, submitted_on);
        CREATE INDEX audits_by_case ON audits(case_ref, as_of);
        CREATE INDEX audits_by_status ON audits(status, saved_at);
        CREATE TABLE scores (
            audit_id TEXT NOT NULL REFERENCES audits(audit_id),
            standard TEXT NOT NULL,
            automatic_status TEXT,
            status TEXT,
            note TEXT,
            override_reason TEXT,
            PRIMARY KEY (audit_id, standard)
        );
        CREATE INDEX scores_by_standard ON scores(standard, status);
        CREATE TABLE audit_themes (
            audit_id TEXT NOT NULL REFERENCES audits(audit_id),
            theme TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('strength', 'improvement')),
            PRIMARY KEY (audit_id, kind, theme)
        );
        CREATE INDEX audit_themes_by_theme ON audit_themes(theme, kind);
        CREATE TABLE actions (
            id INTEGER PRIMARY KEY,
            audit_id TEXT NOT NULL REFERENCES audits(audit_id),
            position INTEGER NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            owner TEXT,
            due TEXT,
            completed_on TEXT,
            standard TEXT
        );
        CREATE INDEX actions_by_audit ON actions(audit_id, position);
        CREATE INDEX actions_by_owner ON actions(owner, due);
        CREATE INDEX actions_by_due ON actions(due, id);
        CREATE TABLE amendments (
            id INTEGER PRIMARY KEY,
            audit_id TEXT NOT NULL REFERENCES audits(audit_id),
            by TEXT NOT NULL,
            at TEXT NOT NULL,
            reason TEXT NOT NULL,
            changes TEXT NOT NULL  -- JSON: field -> new value
        );
        CREATE INDEX amendments_by_audit ON amendments(audit_id, id);
        """
    )


@migrations()
def m003_moderation(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE moderations (
            audit_id TEXT PRIMARY KEY REFERENCES audits(audit_id),
            moderator TEXT NOT NULL,
            moderated_on TEXT,
            grade TEXT,
            outcome TEXT,
            final_grade TEXT,
            reason TEXT,
            feedback TEXT,
            acknowledged_on TEXT,
            data TEXT NOT NULL  -- the whole Moderation as JSON (blind scores and notes)
        );
        CREATE INDEX moderations_by_moderator ON moderations(moderator, moderated_on);
        CREATE TABLE assignments (
            audit_id TEXT PRIMARY KEY REFERENCES audits(audit_id),
            moderator TEXT NOT NULL,
            assigned_by TEXT,
            assigned_at TEXT
        );
        CREATE INDEX assignments_by_moderator ON assignments(moderator, audit_id);
        CREATE TABLE samples (
            sample_id TEXT PRIMARY KEY,
            quarter TEXT NOT NULL,
            seed TEXT NOT NULL,
            algorithm TEXT NOT NULL,
            rate TEXT NOT NULL,
            min_per_auditor INTEGER NOT NULL,
            frame_sha256 TEXT NOT NULL,
            drawn_by TEXT,
            drawn_at TEXT,
            data TEXT NOT NULL  -- the whole SampleDraw as JSON (frame, strata, selection)
        );
        CREATE INDEX samples_by_quarter ON samples(quarter, drawn_at);
        CREATE TABLE sample_members (
            sample_id TEXT NOT NULL REFERENCES samples(sample_id),
            audit_id TEXT NOT NULL UNIQUE REFERENCES audits(audit_id),  -- never sampled twice
            PRIMARY KEY (sample_id, audit_id)
        );
        """
    )


@migrations()
def m004_history(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE history (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            what TEXT NOT NULL,
            details TEXT NOT NULL,  -- canonical JSON
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE INDEX history_by_what ON history(what, id);
        """
    )


@migrations()
def m005_guards(db: sqlite_utils.Database) -> None:
    # The database itself refuses to rewrite history or a submitted audit, so no
    # code path (nor a hand-run sqlite3 shell) can change them silently.
    # Corrections to a submitted audit are rows in `amendments`, applied on read by
    # the Store: the submitted rows (audit, scores, themes, actions) stay exactly as
    # submitted, and each amendment keeps who, when and why next to its change.
    # Submitting is the one allowed change: a draft row (with its scores, themes and
    # actions written while still a draft) is updated to status 'submitted'.
    db.executescript(
        """
        CREATE TRIGGER history_no_update BEFORE UPDATE ON history
        BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
        CREATE TRIGGER history_no_delete BEFORE DELETE ON history
        BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;

        CREATE TRIGGER audits_submitted_no_update BEFORE UPDATE ON audits
        WHEN OLD.status = 'submitted'
        BEGIN SELECT RAISE(ABORT, 'a submitted audit is locked; record an amendment instead'); END;
        CREATE TRIGGER audits_submitted_no_delete BEFORE DELETE ON audits
        WHEN OLD.status = 'submitted'
        BEGIN SELECT RAISE(ABORT, 'a submitted audit is locked; it cannot be deleted'); END;

        CREATE TRIGGER scores_submitted_no_update BEFORE UPDATE ON scores
        WHEN (SELECT status FROM audits WHERE audit_id = OLD.audit_id) = 'submitted'
        BEGIN SELECT RAISE(ABORT, 'the scores of a submitted audit are locked'); END;
        CREATE TRIGGER scores_submitted_no_delete BEFORE DELETE ON scores
        WHEN (SELECT status FROM audits WHERE audit_id = OLD.audit_id) = 'submitted'
        BEGIN SELECT RAISE(ABORT, 'the scores of a submitted audit are locked'); END;
        CREATE TRIGGER scores_submitted_no_insert BEFORE INSERT ON scores
        WHEN (SELECT status FROM audits WHERE audit_id = NEW.audit_id) = 'submitted'
        BEGIN SELECT RAISE(ABORT, 'the scores of a submitted audit are locked'); END;

        CREATE TRIGGER audit_themes_submitted_no_delete BEFORE DELETE ON audit_themes
        WHEN (SELECT status FROM audits WHERE audit_id = OLD.audit_id) = 'submitted'
        BEGIN SELECT RAISE(ABORT, 'the themes of a submitted audit are locked'); END;
        CREATE TRIGGER audit_themes_submitted_no_insert BEFORE INSERT ON audit_themes
        WHEN (SELECT status FROM audits WHERE audit_id = NEW.audit_id) = 'submitted'
        BEGIN SELECT RAISE(ABORT, 'the themes of a submitted audit are locked'); END;
        CREATE TRIGGER audit_themes_submitted_no_update BEFORE UPDATE ON audit_themes
        WHEN (SELECT status FROM audits WHERE audit_id = OLD.audit_id) = 'submitted'
        BEGIN SELECT RAISE(ABORT, 'the themes of a submitted audit are locked'); END;

        -- An action of a submitted audit may only be marked completed.
        CREATE TRIGGER actions_submitted_locked
        BEFORE UPDATE OF audit_id, position, description, owner, due, standard ON actions
        WHEN (SELECT status FROM audits WHERE audit_id = OLD.audit_id) = 'submitted'
        BEGIN SELECT RAISE(ABORT, 'the actions of a submitted audit are locked; amend the audit'); END;
        CREATE TRIGGER actions_submitted_no_insert BEFORE INSERT ON actions
        WHEN (SELECT status FROM audits WHERE audit_id = NEW.audit_id) = 'submitted'
        BEGIN SELECT RAISE(ABORT, 'the actions of a submitted audit are locked'); END;
        CREATE TRIGGER actions_submitted_no_delete BEFORE DELETE ON actions
        WHEN (SELECT status FROM audits WHERE audit_id = OLD.audit_id) = 'submitted'
        BEGIN SELECT RAISE(ABORT, 'the actions of a submitted audit are locked'); END;

        CREATE TRIGGER amendments_no_update BEFORE UPDATE ON amendments
        BEGIN SELECT RAISE(ABORT, 'amendments are append-only'); END;
        CREATE TRIGGER amendments_no_delete BEFORE DELETE ON amendments
        BEGIN SELECT RAISE(ABORT, 'amendments are append-only'); END;
        """
    )


@migrations()
def m006_escalation_resolutions(db: sqlite_utils.Database) -> None:
    # A QA lead's settlement of an escalated moderation, kept apart from the moderation
    # so both sides' own grades, scores and words stay as recorded; final once stored.
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS escalation_resolutions (
            audit_id TEXT PRIMARY KEY REFERENCES moderations(audit_id),
            final_grade TEXT NOT NULL,
            reason TEXT NOT NULL,
            feedback TEXT,
            resolved_by TEXT NOT NULL,
            resolved_at TEXT NOT NULL
        );
        CREATE TRIGGER escalation_resolutions_no_update BEFORE UPDATE ON escalation_resolutions
        BEGIN SELECT RAISE(ABORT, 'a resolution of an escalation is final'); END;
        CREATE TRIGGER escalation_resolutions_no_delete BEFORE DELETE ON escalation_resolutions
        BEGIN SELECT RAISE(ABORT, 'a resolution of an escalation is final'); END;
        """
    )


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


def foreign_tables(conn: sqlite3.Connection) -> list[str]:
    """Tables of a file some other program made (empty for a new file or a caseaudit one)."""
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    if "_sqlite_migrations" in tables and conn.execute(
            "SELECT 1 FROM _sqlite_migrations WHERE migration_set = 'caseaudit' LIMIT 1").fetchone():
        return []
    return [t for t in tables if t != "_sqlite_migrations"]


def refuse_foreign(path: Path) -> None:
    """Refuse a SQLite file that holds another program's tables, before caseaudit changes anything
    in it (not even its journal mode): a mistyped --db must not alter someone else's database."""
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.DatabaseError:
        return  # the normal open reports what is wrong with it
    try:
        foreign = foreign_tables(conn)
    except sqlite3.DatabaseError:
        return
    finally:
        conn.close()
    if foreign:
        shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
        raise BadInput(f"{path}: is a database of another program (tables {shown}), not caseaudit's; "
                       "give caseaudit a file of its own with --db")


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


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply pending steps; returns their names (empty when the file is current)."""
    if not migrations.pending(db):
        return []
    # One BEGIN IMMEDIATE around all steps: two programs opening a new file at the
    # same moment queue here, and the second finds nothing left to do.
    with transaction(db):
        names = [m.name for m in migrations.pending(db)]
        migrations.apply(db)
    return names


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
