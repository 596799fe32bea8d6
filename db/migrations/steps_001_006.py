"""The first release's schema steps, m001 to m006. Shipped: never edit them."""

from __future__ import annotations

import json

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: sqlite-utils is loaded when a step runs
    import sqlite_utils

from audit_tools.vocabulary import DEFAULT_THEMES

from db.migrations import DEFAULT_SETTINGS, migrations


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
