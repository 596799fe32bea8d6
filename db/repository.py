"""The Store: every read and write of caseaudit's data, as typed functions over the models.

This is the only module that knows SQL. Each write checks the actor's role (and the
audit rules where they apply), runs in one short BEGIN IMMEDIATE transaction and
appends its history entry in that same transaction, so a change and its record of
who, when and what are committed together or not at all.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils
from pydantic import BaseModel, ValidationError

from audit_tools.errors import BadInput, Refused
from audit_tools.models import (
    Amendment,
    Audit,
    Case,
    CaseType,
    Event,
    Moderation,
    Role,
    SampleDraw,
    User,
)
from audit_tools.permissions import moderator_independence, require
from db import annex_a, history
from db.connection import PerThread, transaction
from db.errors import DraftConflict, NotFound
from db.migrations import DEFAULT_SETTINGS, migrate, refuse_foreign

# Fields an amendment may correct. Who, which case and when are the audit's identity
# and what the quarter, quota and sample are counted by, so they are never amended.
# The action plan may be corrected too (see _action_amendment_problems): the amendment
# holds the whole plan, while the actions table keeps the plan as submitted and when each
# action was completed, so the record of a completed action is never lost.
AMENDABLE = frozenset({"grade", "scores", "notes", "themes", "override_reasons", "automatic", "actions"})

# The action plans in force: as submitted (the actions table), or as the latest amendment
# of the plan left it, with completion dates from the table where the table has the
# action. An action an amendment added has no table row: its id is the negative number
# -(amendment id * 1000 + position), and its completion is itself recorded as an amendment.
ACTIONS_IN_FORCE = """
WITH plan_amendment AS (
    SELECT audit_id, max(id) AS id FROM amendments
    WHERE json_type(changes, '$.actions') = 'array' GROUP BY audit_id
), plan(id, audit_id, position, description, owner, due, completed_on, standard) AS (
    SELECT t.id, t.audit_id, t.position, t.description, t.owner, t.due, t.completed_on, t.standard
    FROM actions t WHERE t.audit_id NOT IN (SELECT audit_id FROM plan_amendment)
    UNION ALL
    SELECT coalesce(t.id, -(p.id * 1000 + j.key)), p.audit_id, j.key,
           json_extract(j.value, '$.description'), json_extract(j.value, '$.owner'),
           json_extract(j.value, '$.due'), coalesce(t.completed_on, json_extract(j.value, '$.completed_on')),
           json_extract(j.value, '$.standard')
    FROM plan_amendment p JOIN amendments m ON m.id = p.id
    JOIN json_each(m.changes, '$.actions') j
    LEFT JOIN actions t ON t.audit_id = p.audit_id AND t.position = j.key
)
"""

PAGE = 50


class CaseRow(BaseModel):
    """One line of the cases list: the case without its events, and when it was last audited."""

    case_ref: str
    case_type: CaseType
    start_date: date
    team: str | None = None
    worker: str | None = None
    line_manager: str | None = None
    closed_date: date | None = None
    last_audit: date | None = None  # as-of date of the latest submitted audit


class AuditRow(BaseModel):
    """One line of an audits list (no scores): enough to show and to open the audit."""

    audit_id: str
    case_ref: str
    auditor: str
    as_of: date
    submitted_on: date | None = None
    grade: str | None = None
    final_grade: str | None = None
    status: str
    revision: int
    saved_by: str | None = None
    saved_at: str | None = None
    team: str | None = None
    moderator: str | None = None


class ActionRow(BaseModel):
    """An action from an audit's action plan, with where it came from."""

    action_id: int
    audit_id: str
    case_ref: str
    team: str | None = None
    auditor: str
    description: str
    owner: str | None = None
    due: date | None = None
    completed_on: date | None = None
    standard: str | None = None

    def overdue(self, today: date) -> bool:
        return self.completed_on is None and self.due is not None and self.due < today


class Assignment(BaseModel):
    audit_id: str
    moderator: str
    assigned_by: str | None = None
    assigned_at: str | None = None
    moderated: bool = False  # the blind re-audit is stored
    case_ref: str | None = None
    auditor: str | None = None
    submitted_on: date | None = None
    reconciled: bool = False  # the outcome is stored too: the moderator's task is done


class HistoryEntry(BaseModel):
    id: int
    at: str
    actor: str
    what: str
    details: Any


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _dumps(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class Store:
    """caseaudit's data in one SQLite file, seen by one person (`actor`).

    Safe to share between threads: each thread gets its own connection on first use.
    """

    def __init__(
        self,
        path: str | Path,
        actor: str,
        clock: Callable[[], datetime] | None = None,
        *,
        _migrate: bool = True,
    ) -> None:
        self.path = Path(path)
        self.actor = actor
        self.clock = clock or _utc_now
        self._connections = PerThread(self.path)
        self._catalogues: dict[str | None, Any] = {}  # parsed catalogues by their TOML text
        if _migrate:
            refuse_foreign(self.path)
            try:
                migrate(self.db)
            except sqlite3.DatabaseError as err:
                raise BadInput(f"{self.path}: cannot open the database: {err}") from None

    # -- plumbing -------------------------------------------------------------------

    @property
    def db(self) -> sqlite_utils.Database:
        return self._connections.get()

    def clone(self, actor: str | None = None) -> Store:
        """The same file for another thread or another person (no migration check)."""
        return Store(self.path, actor or self.actor, self.clock, _migrate=False)

    def close(self) -> None:
        """Close this thread's connection."""
        self._connections.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        try:
            with transaction(self.db) as db:
                yield db
        except sqlite3.OperationalError as err:
            raise self._cannot_write(err) from None

    def _cannot_write(self, err: sqlite3.OperationalError) -> Exception:
        """What the person can do about a write the file itself refused (nothing was written)."""
        text = str(err)
        if "readonly" in text or "read-only" in text:
            return BadInput(f"{self.path}: the database file is read-only for you, so nothing was written; "
                            "ask whoever looks after it for write access")
        if "locked" in text or "busy" in text:
            return BadInput(f"{self.path}: another change held the database for too long, so nothing was "
                            "written; try again")
        if "full" in text:
            return BadInput(f"{self.path}: the disk is full, so nothing was written; free some space and try again")
        return err

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.now().date()

    def _at(self) -> str:
        return self.now().isoformat(timespec="seconds")

    def _record(self, what: str, details: object) -> int:
        return history.record(self.db, self._at(), self.actor, what, details)

    def record(self, what: str, details: object) -> int:
        """Append a history entry for something done outside the database (e.g. an export)."""
        with self.transaction():
            return self._record(what, details)

    def verify(self) -> history.Verification:
        return history.verify(self.db)

    verify_chain = verify

    def history(self, after: int | None = None, limit: int = PAGE, what: str | None = None) -> list[HistoryEntry]:
        """History newest first, paged by id (pass the last id seen as `after`)."""
        where, params = [], []
        if after is not None:
            where.append("id < ?")
            params.append(after)
        if what:
            where.append("what = ?")
            params.append(what)
        sql = "SELECT id, at, actor, what, details FROM history"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id DESC LIMIT ?"
        rows = self.db.execute(sql, [*params, limit]).fetchall()
        return [HistoryEntry(id=r[0], at=r[1], actor=r[2], what=r[3], details=json.loads(r[4])) for r in rows]

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the main file (before copying or renaming it)."""
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def row_counts(self) -> dict[str, int]:
        """Rows in each table (tests use this to prove a refused change wrote nothing)."""
        names = [r[0] for r in self.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )]
        return {n: self.db.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}

    # -- who is acting --------------------------------------------------------------

    @property
    def user(self) -> User | None:
        """The actor as a caseaudit user (None when not in the users list)."""
        return self.get_user(self.actor)

    def _require(self, role: Role, doing: str) -> User:
        user = self.user
        require(user, role, doing)
        assert user is not None
        return user

    def ensure_admin(self, display_name: str | None = None) -> bool:
        """Make the actor an admin if the service has none yet (how `init` bootstraps).

        Returns True when the actor was made admin.
        """
        with self.transaction():
            if self._admins():
                return False
            existing = self.get_user(self.actor)
            roles = list(existing.roles) if existing else []
            if Role.admin not in roles:
                roles.append(Role.admin)
            user = User(
                username=self.actor,
                display_name=(existing.display_name if existing else None) or display_name or self.actor,
                roles=roles,
                team=existing.team if existing else None,
            )
            self._write_users([user])
            self._record("first admin", {"username": self.actor})
            return True

    def _admins(self) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT username FROM users WHERE EXISTS "
            "(SELECT 1 FROM json_each(users.roles) WHERE value = 'admin') ORDER BY username"
        )]

    # -- users and teams ------------------------------------------------------------

    def upsert_users(self, users: list[User]) -> int:
        self._require(Role.admin, "manage users")
        with self.transaction():
            had_admin = bool(self._admins())
            self._write_users(users)
            if had_admin and not self._admins():
                raise Refused("these users would leave caseaudit with no admin; keep at least one admin")
            self._record("users imported", {"users": [u.model_dump(mode="json") for u in users]})
        return len(users)

    def _write_users(self, users: Iterable[User]) -> None:
        users = list(users)
        self._write_teams(u.team for u in users)
        self.db["users"].upsert_all(
            [
                {
                    "username": u.username,
                    "display_name": u.display_name,
                    "team": u.team,
                    "roles": _dumps([r.value for r in u.roles]),
                }
                for u in users
            ],
            pk="username",
        )
        annex_a.write_managers(self.db, users)

    def _write_teams(self, teams: Iterable[str | None]) -> None:
        names = sorted({t for t in teams if t})
        if names:
            self.db.conn.executemany("INSERT OR IGNORE INTO teams (name) VALUES (?)", [(n,) for n in names])

    @staticmethod
    def _user(row: tuple) -> User:
        return User(username=row[0], display_name=row[1], team=row[2], roles=json.loads(row[3]))

    def get_user(self, username: str) -> User | None:
        row = self.db.execute(
            "SELECT username, display_name, team, roles FROM users WHERE username = ?", [username]
        ).fetchone()
        return self._user(row) if row else None

    def list_users(self, role: Role | str | None = None, team: str | None = None) -> list[User]:
        """Users by username; `role` matches users holding exactly that role."""
        sql = "SELECT username, display_name, team, roles FROM users"
        where, params = [], []
        if role is not None:
            where.append("EXISTS (SELECT 1 FROM json_each(users.roles) WHERE value = ?)")
            params.append(Role(role).value)
        if team is not None:
            where.append("team = ?")
            params.append(team)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY username"
        return [self._user(r) for r in self.db.execute(sql, params)]

    def usernames(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT username FROM users")}

    def list_teams(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM teams ORDER BY name")]

    # -- cases and events -------------------------------------------------------------

    def upsert_cases(self, cases: list[Case]) -> int:
        """Add or update cases. A case given with events has its events replaced by them."""
        self._require(Role.admin, "import cases")
        with self.transaction():
            self._write_teams(c.team for c in cases)
            self.db["cases"].upsert_all(
                [
                    {
                        "case_ref": c.case_ref,
                        "case_type": c.case_type.value,
                        "start_date": c.start_date.isoformat(),
                        "team": c.team,
                        "worker": c.worker,
                        "line_manager": c.line_manager,
                        "closed_date": _iso(c.closed_date),
                    }
                    for c in cases
                ],
                pk="case_ref",
            )
            with_events = [c for c in cases if c.events]
            for case in with_events:
                self.db.execute("DELETE FROM case_events WHERE case_ref = ?", [case.case_ref])
            self._insert_events((c.case_ref, e) for c in with_events for e in c.events)
            self._record("cases imported", {"cases": [c.model_dump(mode="json") for c in cases]})
        return len(cases)

    def add_events(self, events: list[tuple[str, Event]]) -> int:
        self._require(Role.admin, "import events")
        with self.transaction():
            refs = sorted({ref for ref, _ in events})
            known = self._known_cases(refs)
            unknown = [r for r in refs if r not in known]
            if unknown:
                raise NotFound(*(f"case {r}: not in the database; import the case first" for r in unknown))
            # The importer skipped what was stored when it checked the file; anything stored
            # since (a second import of the same file at the same moment) must not be doubled.
            stored = self._stored_event_keys(refs)
            clash = sorted({(ref, e.kind.value, e.date.isoformat()) for ref, e in events
                            if (ref, e.kind.value, e.date.isoformat()) in stored})
            if clash:
                ref, kind, day = clash[0]
                more = f" and {len(clash) - 1} more" if len(clash) > 1 else ""
                raise Refused(f"case {ref}: {kind} on {day}{more} was stored by someone else while these "
                              "events were being checked; nothing was written: run the import again")
            self._insert_events(events)
            self._record(
                "events imported",
                {"events": [{"case_ref": ref, **e.model_dump(mode="json")} for ref, e in events]},
            )
        return len(events)

    def _known_cases(self, refs: list[str]) -> set[str]:
        known: set[str] = set()
        for start in range(0, len(refs), 500):
            chunk = refs[start : start + 500]
            marks = ",".join("?" * len(chunk))
            known.update(r[0] for r in self.db.execute(
                f"SELECT case_ref FROM cases WHERE case_ref IN ({marks})", chunk))
        return known

    def _stored_event_keys(self, refs: list[str]) -> set[tuple[str, str, str]]:
        keys: set[tuple[str, str, str]] = set()
        for start in range(0, len(refs), 500):
            chunk = refs[start : start + 500]
            marks = ",".join("?" * len(chunk))
            keys.update((r[0], r[1], r[2]) for r in self.db.execute(
                f"SELECT case_ref, kind, date FROM case_events WHERE case_ref IN ({marks})", chunk))
        return keys

    def _insert_events(self, events: Iterable[tuple[str, Event]]) -> None:
        self.db.conn.executemany(
            "INSERT INTO case_events (case_ref, kind, date, child_seen, seen_alone, reason_not_alone, note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (ref, e.kind.value, e.date.isoformat(), int(e.child_seen),
                 None if e.seen_alone is None else int(e.seen_alone), e.reason_not_alone, e.note)
                for ref, e in events
            ],
        )

    def get_case(self, case_ref: str) -> Case | None:
        row = self.db.execute(
            "SELECT case_ref, case_type, start_date, team, worker, line_manager, closed_date "
            "FROM cases WHERE case_ref = ?", [case_ref]
        ).fetchone()
        if row is None:
            return None
        events = [
            Event(kind=e[0], date=e[1], child_seen=bool(e[2]),
                  seen_alone=None if e[3] is None else bool(e[3]), reason_not_alone=e[4], note=e[5])
            for e in self.db.execute(
                "SELECT kind, date, child_seen, seen_alone, reason_not_alone, note FROM case_events "
                "WHERE case_ref = ? ORDER BY date, id", [case_ref])
        ]
        return Case(case_ref=row[0], case_type=row[1], start_date=row[2], team=row[3], worker=row[4],
                    line_manager=row[5], closed_date=row[6], events=events)

    def _case_filters(self, team, case_type, worker, search, open_only) -> tuple[list[str], list]:
        where, params = [], []
        if team is not None:
            where.append("c.team = ?")
            params.append(team)
        if case_type is not None:
            where.append("c.case_type = ?")
            params.append(CaseType(case_type).value)
        if worker is not None:
            where.append("c.worker = ?")
            params.append(worker)
        if search:
            like = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            where.append(
                "(c.case_ref LIKE ? ESCAPE '\\' OR c.worker LIKE ? ESCAPE '\\' "
                "OR c.line_manager LIKE ? ESCAPE '\\' OR c.team LIKE ? ESCAPE '\\')"
            )
            params.extend([like] * 4)
        if open_only:
            where.append("c.closed_date IS NULL")
        return where, params

    def page_cases(
        self,
        team: str | None = None,
        case_type: CaseType | str | None = None,
        worker: str | None = None,
        search: str | None = None,
        after: str | None = None,
        limit: int = PAGE,
        open_only: bool = False,
    ) -> list[CaseRow]:
        """Cases in case_ref order, `limit` at a time after the case_ref `after`."""
        where, params = self._case_filters(team, case_type, worker, search, open_only)
        if after is not None:
            where.append("c.case_ref > ?")
            params.append(after)
        sql = (
            "SELECT c.case_ref, c.case_type, c.start_date, c.team, c.worker, c.line_manager, c.closed_date, "
            "(SELECT max(a.as_of) FROM audits a WHERE a.case_ref = c.case_ref AND a.status = 'submitted') "
            "FROM cases c"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY c.case_ref LIMIT ?"
        return [
            CaseRow(case_ref=r[0], case_type=r[1], start_date=r[2], team=r[3], worker=r[4],
                    line_manager=r[5], closed_date=r[6], last_audit=r[7])
            for r in self.db.execute(sql, [*params, limit])
        ]

    def count_cases(
        self,
        team: str | None = None,
        case_type: CaseType | str | None = None,
        worker: str | None = None,
        search: str | None = None,
        open_only: bool = False,
    ) -> int:
        where, params = self._case_filters(team, case_type, worker, search, open_only)
        sql = "SELECT count(*) FROM cases c"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return self.db.execute(sql, params).fetchone()[0]

    # -- audits ------------------------------------------------------------------------

    def next_audit_id(self) -> str:
        """A new audit id, "A-000123", never used before (imported ids are skipped)."""
        with self.transaction():
            row = self.db.execute("SELECT value FROM counters WHERE name = 'audit'").fetchone()
            number = row[0] if row else 0
            while True:
                number += 1
                audit_id = f"A-{number:06d}"
                if not self.db.execute("SELECT 1 FROM audits WHERE audit_id = ?", [audit_id]).fetchone():
                    break
            self.db.execute(
                "INSERT INTO counters (name, value) VALUES ('audit', ?) "
                "ON CONFLICT(name) DO UPDATE SET value = excluded.value", [number])
            return audit_id

    def _audit_data(self, audit: Audit) -> str:
        # Moderation lives in its own table: it is written later, by someone else.
        return _dumps(audit.model_dump(mode="json", exclude={"moderation"}))

    def _write_audit_row(self, audit: Audit, revision: int, exists: bool) -> None:
        values = {
            "audit_id": audit.audit_id,
            "case_ref": audit.case_ref,
            "auditor": audit.auditor,
            "as_of": audit.as_of.isoformat(),
            "submitted_on": None,  # set when the status turns to submitted
            "grade": audit.grade.value if audit.grade else None,
            "status": "draft",
            "catalogue_version": audit.catalogue_version,
            "revision": revision,
            "saved_by": self.actor,
            "saved_at": self._at(),
            "data": self._audit_data(audit),
        }
        if exists:
            sets = ", ".join(f"{k} = :{k}" for k in values if k != "audit_id")
            self.db.execute(f"UPDATE audits SET {sets} WHERE audit_id = :audit_id", values)
        else:
            cols = ", ".join(values)
            marks = ", ".join(f":{k}" for k in values)
            self.db.execute(f"INSERT INTO audits ({cols}) VALUES ({marks})", values)

    def _write_submitted_parts(self, audit: Audit) -> None:
        """Scores, themes and actions, written while the row is still a draft, then locked."""
        standards = sorted(set(audit.scores) | set(audit.automatic))
        self.db.conn.executemany(
            "INSERT INTO scores (audit_id, standard, automatic_status, status, note, override_reason) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    audit.audit_id,
                    s,
                    audit.automatic[s].value if audit.automatic.get(s) is not None else None,
                    audit.scores[s].value if s in audit.scores else None,
                    audit.notes.get(s),
                    audit.override_reasons.get(s),
                )
                for s in standards
            ],
        )
        themes = [(audit.audit_id, t, "strength") for t in dict.fromkeys(audit.themes.strengths)]
        themes += [(audit.audit_id, t, "improvement") for t in dict.fromkeys(audit.themes.improvements)]
        self.db.conn.executemany("INSERT INTO audit_themes (audit_id, theme, kind) VALUES (?, ?, ?)", themes)
        self.db.conn.executemany(
            "INSERT INTO actions (audit_id, position, description, owner, due, completed_on, standard) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (audit.audit_id, i, a.description, a.owner, _iso(a.due), _iso(a.completed_on), a.standard)
                for i, a in enumerate(audit.actions)
            ],
        )
        self.db.execute(
            "UPDATE audits SET status = 'submitted', submitted_on = ? WHERE audit_id = ?",
            [audit.submitted_on.isoformat(), audit.audit_id],
        )

    def _write_moderation(self, audit_id: str, moderation: Moderation) -> None:
        self.db.execute(
            "INSERT INTO moderations (audit_id, moderator, moderated_on, grade, outcome, final_grade, "
            "reason, feedback, acknowledged_on, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(audit_id) DO UPDATE SET moderator = excluded.moderator, "
            "moderated_on = excluded.moderated_on, grade = excluded.grade, outcome = excluded.outcome, "
            "final_grade = excluded.final_grade, reason = excluded.reason, feedback = excluded.feedback, "
            "acknowledged_on = excluded.acknowledged_on, data = excluded.data",
            [
                audit_id,
                moderation.moderator,
                _iso(moderation.moderated_on),
                moderation.grade.value if moderation.grade else None,
                moderation.outcome.value if moderation.outcome else None,
                moderation.final_grade.value if moderation.final_grade else None,
                moderation.reason,
                moderation.feedback,
                _iso(moderation.acknowledged_on),
                _dumps(moderation.model_dump(mode="json")),
            ],
        )

    def _audit_rules(self, audit: Audit, case: Case | None, known: set[str] | None = None,
                     themes: Iterable[str] | None = None) -> list[str]:
        """Every rule of product.md an audit must meet to be submitted (empty: it may be)."""
        from audit_tools.audit import auditor_independence, recent_audit_warning, submission_problems

        if case is None:
            return [f"case {audit.case_ref}: not in the database; import the case first"]
        problems = list(auditor_independence(case, audit.auditor))
        known = self.usernames() if known is None else known
        if audit.auditor not in known:
            problems.append(f"auditor: {audit.auditor!r} is not a known user")
        problems += submission_problems(
            audit, case, self.catalogue(audit.catalogue_version), known,
            self.themes().keys() if themes is None else themes,
        )
        if self.get_setting("independence_mode") == "block":
            last = self.last_audit_for_case(audit.case_ref, before=audit.as_of, exclude=audit.audit_id)
            warning = recent_audit_warning(audit.case_ref, last, audit.as_of,
                                           int(self.get_setting("independence_window_months")))
            if warning:
                problems.append(warning)
        return problems

    def _independence(self, audit: Audit, case: Case | None) -> None:
        from audit_tools.audit import auditor_independence

        if case is None:
            raise NotFound(f"case {audit.case_ref}: not in the database; import the case first")
        problems = auditor_independence(case, audit.auditor)
        if problems:
            raise Refused(*problems)

    def _may_edit(self, user: User, audit: Audit, doing: str) -> None:
        if user.has(Role.admin):
            return
        stored = self.db.execute("SELECT auditor FROM audits WHERE audit_id = ?", [audit.audit_id]).fetchone()
        # The stored owner counts too: reusing someone's audit id must not take their draft over.
        for owner in ([stored[0]] if stored else []) + [audit.auditor]:
            if owner != user.username:
                raise Refused(f"{user.username} may not {doing}: it is {owner}'s audit")

    def insert_audits(self, audits: list[Audit]) -> int:
        """Import completed audits: all of them or, if any is refused, none."""
        self._require(Role.admin, "import audits")
        with self.transaction():
            problems: list[str] = []
            ids = [a.audit_id for a in audits]
            duplicates = sorted({i for i in ids if ids.count(i) > 1}) if len(set(ids)) != len(ids) else []
            problems += [f"audit {i}: appears more than once" for i in duplicates]
            cases: dict[str, Case | None] = {}
            known, themes = self.usernames(), list(self.themes())
            for audit in audits:
                if self.db.execute("SELECT 1 FROM audits WHERE audit_id = ?", [audit.audit_id]).fetchone():
                    problems.append(f"audit {audit.audit_id}: already in the database")
                    continue
                if audit.submitted_on is None:
                    problems.append(f"audit {audit.audit_id}: submitted_on: only completed audits can be imported")
                    continue
                if audit.case_ref not in cases:
                    cases[audit.case_ref] = self.get_case(audit.case_ref)
                problems += [f"audit {audit.audit_id}: {p}"
                             for p in self._audit_rules(audit, cases[audit.case_ref], known, themes)]
                if audit.moderation is not None:
                    problems += [f"audit {audit.audit_id}: moderation: {p}" for p in
                                 moderator_independence(audit, cases[audit.case_ref], audit.moderation.moderator)]
            if problems:
                raise BadInput(*problems)
            for audit in audits:
                self._write_audit_row(audit, 1, exists=False)
                self._write_submitted_parts(audit)
                if audit.moderation is not None:
                    self._write_moderation(audit.audit_id, audit.moderation)
            self._record("audits imported", {"audits": [a.model_dump(mode="json") for a in audits]})
        return len(audits)

    def save_draft(self, audit: Audit, expected_revision: int | None) -> int:
        """Save a draft; returns its new revision.

        `expected_revision` is the revision the form opened (None or 0 for a new audit).
        If someone saved in between, DraftConflict: reopen, never overwrite.
        """
        user = self._require(Role.auditor, "save audits")
        self._may_edit(user, audit, f"save audit {audit.audit_id}")
        if audit.submitted_on is not None:
            raise BadInput(f"audit {audit.audit_id}: a draft has no submission date; submit it instead")
        with self.transaction():
            current = self._revision(audit.audit_id, expected_revision)
            self._independence(audit, self.get_case(audit.case_ref))
            revision = current + 1
            self._write_audit_row(audit, revision, exists=current > 0)
            self._record("audit draft saved", {"revision": revision, "audit": audit.model_dump(mode="json")})
            return revision

    def _revision(self, audit_id: str, expected: int | None) -> int:
        """The stored revision (0: none yet), after checking nobody saved since `expected`."""
        row = self.db.execute(
            "SELECT revision, status, saved_by, saved_at FROM audits WHERE audit_id = ?", [audit_id]
        ).fetchone()
        if row is None:
            if expected:
                raise DraftConflict(
                    f"audit {audit_id} was deleted since you opened it; start a new audit")
            return 0
        revision, status, saved_by, saved_at = row
        if status == "submitted":
            raise Refused(f"audit {audit_id} is submitted and locked; record an amendment to correct it")
        if expected != revision:
            when = self._when(saved_at)
            raise DraftConflict(
                f"audit {audit_id} was changed by {saved_by} at {when} since you opened it; "
                "reopen it to see their changes"
            )
        return revision

    def _when(self, saved_at: str | None) -> str:
        if not saved_at:
            return "an unknown time"
        moment = datetime.fromisoformat(saved_at).astimezone()
        if moment.date() == self.now().astimezone().date():
            return moment.strftime("%H:%M")
        return moment.strftime("%H:%M on %Y-%m-%d")

    def submit_audit(self, audit: Audit, expected_revision: int | None = None) -> Audit:
        """Submit (and lock) an audit; every rule it breaks is listed at once (Refused)."""
        user = self._require(Role.auditor, "submit audits")
        self._may_edit(user, audit, f"submit audit {audit.audit_id}")
        if audit.submitted_on is None:
            audit = audit.model_copy(update={"submitted_on": self.today()})
        if audit.submitted_on < audit.as_of:
            raise BadInput(f"audit {audit.audit_id}: submitted_on is before the as-at date")
        with self.transaction():
            row = self.db.execute("SELECT revision, status FROM audits WHERE audit_id = ?",
                                  [audit.audit_id]).fetchone()
            if row is not None and row[1] == "submitted":
                raise Refused(f"audit {audit.audit_id} is already submitted")
            # None means "whatever is stored": submitting straight from an import or a test.
            expected = (row[0] if row else None) if expected_revision is None else expected_revision
            current = self._revision(audit.audit_id, expected)
            problems = self._audit_rules(audit, self.get_case(audit.case_ref))
            if problems:
                raise Refused(*problems)
            self._write_audit_row(audit, current + 1, exists=current > 0)
            self._write_submitted_parts(audit)
            self._record("audit submitted", {"audit": audit.model_dump(mode="json")})
        stored = self.get_audit(audit.audit_id)
        assert stored is not None
        return stored

    def discard_draft(self, audit_id: str, expected_revision: int) -> None:
        user = self._require(Role.auditor, "discard drafts")
        with self.transaction():
            audit = self.get_audit(audit_id)
            if audit is None:
                raise NotFound(f"audit {audit_id}: not in the database")
            self._may_edit(user, audit, f"discard audit {audit_id}")
            self._revision(audit_id, expected_revision)
            self.db.execute("DELETE FROM audits WHERE audit_id = ?", [audit_id])
            self._record("audit draft discarded", {"audit_id": audit_id})

    def audit_revision(self, audit_id: str) -> int | None:
        row = self.db.execute("SELECT revision FROM audits WHERE audit_id = ?", [audit_id]).fetchone()
        return row[0] if row else None

    def amend_audit(self, audit_id: str, changes: dict, reason: str) -> Audit:
        """Correct a submitted audit: the change is kept beside it with who, when and why.

        The amended audit must still meet every rule of submission, and an action plan
        amendment keeps each completed action as it was (see _action_amendment_problems).
        """
        user = self._require(Role.auditor, "amend audits")
        if not (reason or "").strip():
            raise BadInput(f"audit {audit_id}: an amendment needs a reason")
        bad = sorted(set(changes) - AMENDABLE)
        if bad:
            raise BadInput(*(f"audit {audit_id}: {field}: cannot be amended (amendable: "
                             f"{', '.join(sorted(AMENDABLE))})" for field in bad))
        if not changes:
            raise BadInput(f"audit {audit_id}: the amendment changes nothing")
        with self.transaction():
            audit = self.get_audit(audit_id)
            if audit is None:
                raise NotFound(f"audit {audit_id}: not in the database")
            if not audit.submitted:
                raise BadInput(f"audit {audit_id} is a draft; change it directly and save it")
            if audit.auditor != user.username and not user.has(Role.qa_lead):
                raise Refused(f"{user.username} may not amend audit {audit_id}: it is {audit.auditor}'s audit")
            data = audit.model_dump(mode="json")
            try:
                amended = Audit.model_validate({**data, **changes})
            except ValidationError as err:
                raise BadInput(*(f"audit {audit_id}: {'.'.join(map(str, e['loc']))}: {e['msg']}"
                                 for e in err.errors())) from None
            problems = []
            if "actions" in changes:
                problems += self._action_amendment_problems(audit.actions, amended.actions)
            problems += self._amendment_rules(amended)
            if problems:
                raise Refused(*(f"audit {audit_id}: {p}" for p in problems))
            self._write_amendment(audit, {k: v for k, v in amended.model_dump(mode="json").items()
                                          if k in changes}, reason)
        stored = self.get_audit(audit_id)
        assert stored is not None
        return stored

    def _write_amendment(self, audit: Audit, clean: dict, reason: str) -> None:
        """Keep an amendment (values as validated) and its history entry; inside a transaction."""
        data = audit.model_dump(mode="json")
        at = self._at()  # one moment for both, so verify can match the amendment to its entry
        self.db.execute(
            "INSERT INTO amendments (audit_id, by, at, reason, changes) VALUES (?, ?, ?, ?, ?)",
            [audit.audit_id, self.actor, at, reason.strip(), _dumps(clean)],
        )
        history.record(self.db, at, self.actor, "audit amended", {
            "audit_id": audit.audit_id, "reason": reason.strip(), "changes": clean,
            "before": {k: data.get(k) for k in clean},
        })

    @staticmethod
    def _action_amendment_problems(before: list, after: list) -> list[str]:
        """Actions are matched by their place in the plan. A completed action stays exactly
        as it is, where it is; completing an action is done in the actions tracker."""
        problems = []
        for number, old in enumerate(before, start=1):
            new = after[number - 1] if number <= len(after) else None
            if old.completed_on is not None and new != old:
                problems.append(f"action {number} ({old.description}) was completed on {old.completed_on}: "
                                "an amendment keeps it as it is and where it is in the plan")
            elif old.completed_on is None and new is not None and new.completed_on is not None:
                problems.append(f"action {number}: mark it complete in the actions tracker, not by amendment")
        for number, new in enumerate(after[len(before):], start=len(before) + 1):
            if new.completed_on is not None:
                problems.append(f"action {number}: a new action cannot be completed already; "
                                "mark it complete in the actions tracker")
        return problems

    def _amendment_rules(self, audit: Audit) -> list[str]:
        """What submission would refuse in the amended audit (the recent-audit check is about
        starting an audit, so it does not apply to correcting one)."""
        from audit_tools.audit import auditor_independence, submission_problems

        case = self.get_case(audit.case_ref)
        if case is None:
            return [f"case {audit.case_ref}: not in the database"]
        return list(auditor_independence(case, audit.auditor)) + submission_problems(
            audit, case, self.catalogue(audit.catalogue_version), self.usernames(), self.themes().keys())

    def list_amendments(self, audit_id: str) -> list[Amendment]:
        return [
            Amendment(audit_id=r[0], by=r[1], at=r[2], reason=r[3], changes=json.loads(r[4]))
            for r in self.db.execute(
                "SELECT audit_id, by, at, reason, changes FROM amendments WHERE audit_id = ? ORDER BY id",
                [audit_id])
        ]

    _AUDIT_COLUMNS = "a.audit_id, a.status, a.data"

    def _audits_from(self, rows: list[tuple], id_query: str, params: list) -> list[Audit]:
        """Build Audits from (audit_id, status, data) rows, with their actions, amendments
        and moderation loaded in three queries over the same selection."""
        if not rows:
            return []
        actions: dict[str, list[dict]] = {}
        for r in self.db.execute(
            f"SELECT audit_id, description, owner, due, completed_on, standard FROM actions "
            f"WHERE audit_id IN ({id_query}) ORDER BY audit_id, position", params):
            actions.setdefault(r[0], []).append(
                {"description": r[1], "owner": r[2], "due": r[3], "completed_on": r[4], "standard": r[5]})
        amendments: dict[str, list[dict]] = {}
        for r in self.db.execute(
            f"SELECT audit_id, changes FROM amendments WHERE audit_id IN ({id_query}) ORDER BY id", params):
            amendments.setdefault(r[0], []).append(json.loads(r[1]))
        moderations = {
            r[0]: json.loads(r[1])
            for r in self.db.execute(
                f"SELECT audit_id, data FROM moderations WHERE audit_id IN ({id_query})", params)
        }
        out = []
        for audit_id, status, data in rows:
            values = json.loads(data)
            if status == "submitted":
                for change in amendments.get(audit_id, []):
                    values.update(change)
                values["actions"] = self._plan_in_force(actions.get(audit_id, []), amendments.get(audit_id, []))
            values["moderation"] = moderations.get(audit_id)
            out.append(Audit.model_validate(values))
        return out

    @staticmethod
    def _plan_in_force(table: list[dict], amendments: list[dict]) -> list[dict]:
        """As ACTIONS_IN_FORCE does in SQL: the latest amended plan, with completion dates
        from the actions table where the table has the action."""
        plans = [c["actions"] for c in amendments if isinstance(c.get("actions"), list)]
        if not plans:
            return table
        plan = [dict(a) for a in plans[-1]]
        for position, action in enumerate(plan):
            if position < len(table) and table[position]["completed_on"] is not None:
                action["completed_on"] = table[position]["completed_on"]
        return plan

    def get_audit(self, audit_id: str) -> Audit | None:
        rows = self.db.execute(
            f"SELECT {self._AUDIT_COLUMNS} FROM audits a WHERE a.audit_id = ?", [audit_id]).fetchall()
        found = self._audits_from(rows, "?", [audit_id])
        return found[0] if found else None

    def _audit_filters(self, submitted_from, submitted_to, auditor, status, case_ref, team=None,
                       moderator=None) -> tuple[list[str], list]:
        where, params = [], []
        if submitted_from is not None:
            where.append("a.submitted_on >= ?")
            params.append(submitted_from.isoformat())
        if submitted_to is not None:
            where.append("a.submitted_on <= ?")
            params.append(submitted_to.isoformat())
        if auditor is not None:
            where.append("a.auditor = ?")
            params.append(auditor)
        if status is not None:
            if status not in ("draft", "submitted"):
                raise BadInput(f"status: {status!r} is not draft or submitted")
            where.append("a.status = ?")
            params.append(status)
        if case_ref is not None:
            where.append("a.case_ref = ?")
            params.append(case_ref)
        if team is not None:
            where.append("a.case_ref IN (SELECT case_ref FROM cases WHERE team = ?)")
            params.append(team)
        if moderator is not None:
            where.append("a.audit_id IN (SELECT audit_id FROM assignments WHERE moderator = ? "
                         "UNION SELECT audit_id FROM moderations WHERE moderator = ?)")
            params.extend([moderator, moderator])
        return where, params

    def list_audits(
        self,
        submitted_from: date | None = None,
        submitted_to: date | None = None,
        auditor: str | None = None,
        status: str | None = None,
        case_ref: str | None = None,
        team: str | None = None,
    ) -> list[Audit]:
        """Whole audits (amendments applied), by submission date then id; drafts last."""
        where, params = self._audit_filters(submitted_from, submitted_to, auditor, status, case_ref, team)
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        rows = self.db.execute(
            f"SELECT {self._AUDIT_COLUMNS} FROM audits a{clause} "
            "ORDER BY a.submitted_on IS NULL, a.submitted_on, a.audit_id", params).fetchall()
        return self._audits_from(rows, f"SELECT a.audit_id FROM audits a{clause}", params)

    def page_audits(
        self,
        submitted_from: date | None = None,
        submitted_to: date | None = None,
        auditor: str | None = None,
        status: str | None = None,
        case_ref: str | None = None,
        team: str | None = None,
        moderator: str | None = None,
        after: str | None = None,
        limit: int = PAGE,
    ) -> list[AuditRow]:
        """Audit summaries in audit_id order, `limit` at a time after the audit_id `after`."""
        where, params = self._audit_filters(submitted_from, submitted_to, auditor, status, case_ref,
                                            team, moderator)
        if after is not None:
            where.append("a.audit_id > ?")
            params.append(after)
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        rows = self.db.execute(
            "SELECT a.audit_id, a.case_ref, a.auditor, a.as_of, a.submitted_on, a.grade, "
            "coalesce(m.final_grade, a.grade), a.status, a.revision, a.saved_by, a.saved_at, c.team, "
            "coalesce(m.moderator, s.moderator), "
            "EXISTS (SELECT 1 FROM amendments x WHERE x.audit_id = a.audit_id) "
            "FROM audits a LEFT JOIN cases c ON c.case_ref = a.case_ref "
            "LEFT JOIN moderations m ON m.audit_id = a.audit_id "
            "LEFT JOIN assignments s ON s.audit_id = a.audit_id"
            f"{clause} ORDER BY a.audit_id LIMIT ?", [*params, limit]).fetchall()
        keys = list(AuditRow.model_fields)
        rows_out = []
        for r in rows:
            values = dict(zip(keys, r[:-1]))
            if r[-1]:
                # An amended grade is applied on read, like everywhere else.
                audit = self.get_audit(values["audit_id"])
                values["grade"] = audit.grade.value if audit and audit.grade else None
                values["final_grade"] = audit.final_grade.value if audit and audit.final_grade else None
            rows_out.append(AuditRow(**values))
        return rows_out

    def last_audit_for_case(self, case_ref: str, before: date | None = None, exclude: str | None = None) -> date | None:
        """As-of date of the case's latest submitted audit (on or before `before`)."""
        sql = "SELECT max(as_of) FROM audits WHERE case_ref = ? AND status = 'submitted'"
        params: list = [case_ref]
        if before is not None:
            sql += " AND as_of <= ?"
            params.append(before.isoformat())
        if exclude is not None:
            sql += " AND audit_id != ?"
            params.append(exclude)
        return _date(self.db.execute(sql, params).fetchone()[0])

    def count_audits_by_auditor_month(self, start: date, end: date) -> dict[str, dict[str, int]]:
        """Submitted audits per auditor per calendar month ("YYYY-MM"), submission dates in [start, end]."""
        out: dict[str, dict[str, int]] = {}
        for auditor, month, n in self.db.execute(
            "SELECT auditor, substr(submitted_on, 1, 7), count(*) FROM audits "
            "WHERE status = 'submitted' AND submitted_on BETWEEN ? AND ? GROUP BY 1, 2 ORDER BY 1, 2",
            [start.isoformat(), end.isoformat()]):
            out.setdefault(auditor, {})[month] = n
        return out

    # -- what the dashboard counts (in SQL: never a list fetched to be counted) -----------

    def count_drafts(self, auditor: str) -> int:
        """Drafts the auditor has in progress."""
        return self.db.execute("SELECT count(*) FROM audits WHERE auditor = ? AND status = 'draft'",
                               [auditor]).fetchone()[0]

    def count_moderation_waiting(self, moderator: str) -> int:
        """Audits assigned to the moderator and not yet reconciled (blind part or outcome owed)."""
        return self.db.execute(
            "SELECT count(*) FROM assignments s LEFT JOIN moderations m ON m.audit_id = s.audit_id "
            "WHERE s.moderator = ? AND m.outcome IS NULL", [moderator]).fetchone()[0]

    _FEEDBACK_WAITING = (
        "FROM audits a JOIN moderations m ON m.audit_id = a.audit_id "
        "WHERE a.auditor = ? AND a.status = 'submitted' AND m.outcome IS NOT NULL "
        "AND m.acknowledged_on IS NULL AND (trim(coalesce(m.feedback, '')) != '' "
        # a QA lead's settlement of an escalation is feedback too, with or without the moderator's words
        "OR EXISTS (SELECT 1 FROM escalation_resolutions r WHERE r.audit_id = a.audit_id))"
    )

    def count_feedback_to_acknowledge(self, auditor: str) -> int:
        """The auditor's reconciled audits whose moderation feedback they have not acknowledged."""
        return self.db.execute(f"SELECT count(*) {self._FEEDBACK_WAITING}", [auditor]).fetchone()[0]

    def feedback_to_acknowledge(self, auditor: str, limit: int = PAGE) -> list[Audit]:
        """The first `limit` of those audits, oldest submission first."""
        ids = f"SELECT a.audit_id {self._FEEDBACK_WAITING} ORDER BY a.submitted_on, a.audit_id LIMIT ?"
        params = [auditor, limit]
        rows = self.db.execute(
            f"SELECT {self._AUDIT_COLUMNS} FROM audits a WHERE a.audit_id IN ({ids}) "
            "ORDER BY a.submitted_on, a.audit_id", params).fetchall()
        return self._audits_from(rows, ids, params)

    def count_overdue_actions(self, owner: str, today: date) -> int:
        """Open actions the owner holds on submitted audits, due before `today`."""
        return self.db.execute(
            ACTIONS_IN_FORCE + "SELECT count(*) FROM plan x JOIN audits a ON a.audit_id = x.audit_id "
            "WHERE a.status = 'submitted' AND x.owner = ? AND x.completed_on IS NULL AND x.due < ?",
            [owner, today.isoformat()]).fetchone()[0]

    # -- moderation -------------------------------------------------------------------

    def assign_moderator(self, audit_id: str, moderator: str) -> None:
        self._require(Role.qa_lead, "assign moderators")
        with self.transaction():
            audit = self.get_audit(audit_id)
            if audit is None:
                raise NotFound(f"audit {audit_id}: not in the database")
            if not audit.submitted:
                raise Refused(f"audit {audit_id} is a draft; only submitted audits are moderated")
            who = self.get_user(moderator)
            if who is None:
                raise NotFound(f"moderator {moderator}: not a known user")
            if not who.has(Role.moderator):
                raise Refused(f"{moderator} may not moderate: needs the moderator role")
            problems = moderator_independence(audit, self.get_case(audit.case_ref), moderator)
            if problems:
                raise Refused(*problems)
            self.db.execute(
                "INSERT INTO assignments (audit_id, moderator, assigned_by, assigned_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(audit_id) DO UPDATE SET moderator = excluded.moderator, "
                "assigned_by = excluded.assigned_by, assigned_at = excluded.assigned_at",
                [audit_id, moderator, self.actor, self._at()],
            )
            self._record("moderator assigned", {"audit_id": audit_id, "moderator": moderator})

    def list_assignments(self, moderator: str | None = None) -> list[Assignment]:
        sql = (
            "SELECT s.audit_id, s.moderator, s.assigned_by, s.assigned_at, m.audit_id IS NOT NULL, "
            "a.case_ref, a.auditor, a.submitted_on, coalesce(m.outcome IS NOT NULL, 0) FROM assignments s "
            "JOIN audits a ON a.audit_id = s.audit_id "
            "LEFT JOIN moderations m ON m.audit_id = s.audit_id"
        )
        params: list = []
        if moderator is not None:
            sql += " WHERE s.moderator = ?"
            params.append(moderator)
        sql += " ORDER BY s.audit_id"
        keys = list(Assignment.model_fields)
        return [Assignment(**dict(zip(keys, r))) for r in self.db.execute(sql, params)]

    def save_moderation(self, audit_id: str, moderation: Moderation) -> None:
        user = self._require(Role.moderator, "moderate audits")
        with self.transaction():
            audit = self.get_audit(audit_id)
            if audit is None:
                raise NotFound(f"audit {audit_id}: not in the database")
            if not audit.submitted:
                raise Refused(f"audit {audit_id} is a draft; only submitted audits are moderated")
            if moderation.moderator != user.username and not user.has(Role.qa_lead):
                raise Refused(f"{user.username} may not record {moderation.moderator}'s moderation")
            problems = moderator_independence(audit, self.get_case(audit.case_ref), moderation.moderator)
            if problems:
                raise Refused(*problems)
            self._write_moderation(audit_id, moderation)
            self._record("moderation saved", {"audit_id": audit_id, "moderation": moderation.model_dump(mode="json")})

    def acknowledge_feedback(self, audit_id: str, on: date) -> None:
        """The auditor confirms they have read the moderator's feedback."""
        user = self._require(Role.auditor, "acknowledge moderation feedback")
        with self.transaction():
            audit = self.get_audit(audit_id)
            if audit is None or audit.moderation is None:
                raise NotFound(f"audit {audit_id}: no moderation to acknowledge")
            if audit.auditor != user.username and not user.has(Role.admin):
                raise Refused(f"{user.username} may not acknowledge feedback on {audit.auditor}'s audit")
            moderation = audit.moderation.model_copy(update={"acknowledged_on": on})
            self._write_moderation(audit_id, moderation)
            self._record("moderation feedback acknowledged", {"audit_id": audit_id, "on": on.isoformat()})

    # -- samples ------------------------------------------------------------------------

    def save_sample(self, draw: SampleDraw) -> str:
        """Store a drawn sample; returns its id ("S-000001"). An audit is only ever sampled once."""
        self._require(Role.qa_lead, "draw moderation samples")
        with self.transaction():
            already = self._sampled(draw.selected)
            if already:
                raise Refused(*(f"audit {a}: already in a moderation sample" for a in already))
            row = self.db.execute("SELECT value FROM counters WHERE name = 'sample'").fetchone()
            number = (row[0] if row else 0) + 1
            sample_id = f"S-{number:06d}"
            self.db.execute(
                "INSERT INTO counters (name, value) VALUES ('sample', ?) "
                "ON CONFLICT(name) DO UPDATE SET value = excluded.value", [number])
            draw = draw.model_copy(update={
                "sample_id": sample_id,
                "drawn_by": draw.drawn_by or self.actor,
                "drawn_at": draw.drawn_at or self.now().replace(microsecond=0),
            })
            data = draw.model_dump(mode="json")
            self.db.execute(
                "INSERT INTO samples (sample_id, quarter, seed, algorithm, rate, min_per_auditor, "
                "frame_sha256, drawn_by, drawn_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [sample_id, draw.quarter, draw.seed, draw.algorithm, draw.rate, draw.min_per_auditor,
                 draw.frame_sha256, draw.drawn_by, data["drawn_at"], _dumps(data)],
            )
            try:
                self.db.conn.executemany("INSERT INTO sample_members (sample_id, audit_id) VALUES (?, ?)",
                                    [(sample_id, a) for a in draw.selected])
            except sqlite3.IntegrityError:
                raise NotFound("the sample names an audit that is not in the database") from None
            self._record("sample drawn", data)
        return sample_id

    def _sampled(self, audit_ids: list[str]) -> list[str]:
        found: list[str] = []
        for start in range(0, len(audit_ids), 500):
            chunk = audit_ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found += [r[0] for r in self.db.execute(
                f"SELECT audit_id FROM sample_members WHERE audit_id IN ({marks}) ORDER BY audit_id", chunk)]
        return found

    def get_sample(self, sample_id: str) -> SampleDraw | None:
        row = self.db.execute("SELECT data FROM samples WHERE sample_id = ?", [sample_id]).fetchone()
        return SampleDraw.model_validate(json.loads(row[0])) if row else None

    def list_samples(self, quarter: str | None = None) -> list[SampleDraw]:
        sql, params = "SELECT data FROM samples", []
        if quarter is not None:
            sql += " WHERE quarter = ?"
            params.append(quarter)
        sql += " ORDER BY sample_id"
        return [SampleDraw.model_validate(json.loads(r[0])) for r in self.db.execute(sql, params)]

    def sampled_audit_ids(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT audit_id FROM sample_members")}

    def moderated_audit_ids(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT audit_id FROM moderations")}

    # -- actions ------------------------------------------------------------------------

    def list_actions(
        self,
        owner: str | None = None,
        team: str | None = None,
        state: str | None = None,
        today: date | None = None,
        audit_id: str | None = None,
        due_from: date | None = None,
        due_to: date | None = None,
        after: int | None = None,
        limit: int | None = PAGE,
    ) -> list[ActionRow]:
        """Actions of submitted audits by id; `state` open | overdue (needs `today`) | done."""
        where, params = ["a.status = 'submitted'"], []
        if owner is not None:
            where.append("x.owner = ?")
            params.append(owner)
        if team is not None:
            where.append("c.team = ?")
            params.append(team)
        if audit_id is not None:
            where.append("x.audit_id = ?")
            params.append(audit_id)
        if due_from is not None:
            where.append("x.due >= ?")
            params.append(due_from.isoformat())
        if due_to is not None:
            where.append("x.due <= ?")
            params.append(due_to.isoformat())
        if state == "open":
            where.append("x.completed_on IS NULL")
        elif state == "overdue":
            if today is None:
                raise BadInput("overdue actions need today's date")
            where.append("x.completed_on IS NULL AND x.due < ?")
            params.append(today.isoformat())
        elif state == "done":
            where.append("x.completed_on IS NOT NULL")
        elif state is not None:
            raise BadInput(f"state: {state!r} is not open, overdue or done")
        if after is not None:
            where.append("x.id > ?")
            params.append(after)
        sql = (
            ACTIONS_IN_FORCE +
            "SELECT x.id, x.audit_id, a.case_ref, c.team, a.auditor, x.description, x.owner, x.due, "
            "x.completed_on, x.standard FROM plan x JOIN audits a ON a.audit_id = x.audit_id "
            "LEFT JOIN cases c ON c.case_ref = a.case_ref WHERE " + " AND ".join(where) + " ORDER BY x.id"
        )
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        keys = list(ActionRow.model_fields)
        return [ActionRow(**dict(zip(keys, r))) for r in self.db.execute(sql, params)]

    def complete_action(self, action_id: int, on: date) -> None:
        """Mark an action done: its owner, the audit's auditor or a QA lead may."""
        user = self.user
        if user is None:
            require(user, Role.auditor, "complete actions")
        assert user is not None
        with self.transaction():
            row = self.db.execute(
                ACTIONS_IN_FORCE + "SELECT x.owner, a.auditor, x.completed_on, x.audit_id, x.position "
                "FROM plan x JOIN audits a ON a.audit_id = x.audit_id WHERE x.id = ?", [action_id]).fetchone()
            if row is None:
                raise NotFound(f"action {action_id}: not in the database (the action plan may have been "
                               "amended since you looked; look again)")
            owner, auditor, completed, audit_id, position = row
            if user.username not in (owner, auditor) and not user.has(Role.qa_lead):
                raise Refused(f"{user.username} may not complete action {action_id}: "
                              f"it belongs to {owner or auditor}")
            if completed is not None:
                raise BadInput(f"action {action_id}: already completed on {completed}")
            if action_id > 0:
                self.db.execute("UPDATE actions SET completed_on = ? WHERE id = ?", [on.isoformat(), action_id])
                self._record("action completed", {"action_id": action_id, "on": on.isoformat()})
                return
            # An action an amendment added: its completion is the plan amended once more.
            audit = self.get_audit(audit_id)
            assert audit is not None
            actions = [a.model_dump(mode="json") for a in audit.actions]
            actions[position]["completed_on"] = on.isoformat()
            self._write_amendment(audit, {"actions": actions},
                                  f"action {position + 1} completed on {on.isoformat()}")
            self._record("action completed", {"audit_id": audit_id, "position": position, "on": on.isoformat()})

    # -- themes, settings, catalogues -------------------------------------------------

    def themes(self) -> dict[str, str]:
        """The theme vocabulary: id -> label, in id order."""
        return {r[0]: r[1] for r in self.db.execute("SELECT theme, label FROM themes ORDER BY theme")}

    list_themes = themes

    def add_theme(self, theme: str, label: str) -> None:
        self._require(Role.admin, "extend the theme vocabulary")
        theme, label = theme.strip(), label.strip()
        if not theme or not label:
            raise BadInput("a theme needs an id and a label")
        with self.transaction():
            if self.db.execute("SELECT 1 FROM themes WHERE theme = ?", [theme]).fetchone():
                raise BadInput(f"theme {theme}: already in the vocabulary")
            self.db.execute("INSERT INTO themes (theme, label, added_by, added_at) VALUES (?, ?, ?, ?)",
                            [theme, label, self.actor, self._at()])
            self._record("theme added", {"theme": theme, "label": label})

    def get_setting(self, key: str, default: object = None) -> Any:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        if row is None:
            return DEFAULT_SETTINGS.get(key, default)
        return json.loads(row[0])

    def set_setting(self, key: str, value: object) -> None:
        self._require(Role.admin, "change settings")
        if key == "independence_mode" and value not in ("warn", "block"):
            raise BadInput(f"independence_mode: {value!r} is not warn or block")
        if key in ("audit_quota_per_month", "independence_window_months") and (
                not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise BadInput(f"{key}: {value!r} is not a whole number of 0 or more")
        with self.transaction():
            self.db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value", [key, json.dumps(value)])
            self._record("setting changed", {"key": key, "value": value})

    def audit_quota(self) -> int:
        return int(self.get_setting("audit_quota_per_month"))

    def store_catalogue(self, text: str, where: str = "catalogue") -> tuple[str, str]:
        """Validate and keep a standards catalogue; returns (name, version). Same name and
        version with different text is refused: audits name the version they were scored on."""
        from audit_tools.standards import parse_catalogue

        self._require(Role.admin, "manage the standards catalogue")
        catalogue = parse_catalogue(text, where=where)
        with self.transaction():
            row = self.db.execute("SELECT toml FROM catalogues WHERE name = ? AND version = ?",
                                  [catalogue.name, catalogue.version]).fetchone()
            if row is not None:
                if row[0] != text:
                    raise BadInput(f"{where}: catalogue {catalogue.name} version {catalogue.version} is "
                                   "already stored with different standards; give it a new version")
                return catalogue.name, catalogue.version
            self.db.execute(
                "INSERT INTO catalogues (name, version, toml, stored_at, stored_by) VALUES (?, ?, ?, ?, ?)",
                [catalogue.name, catalogue.version, text, self._at(), self.actor])
            self._record("catalogue stored", {"name": catalogue.name, "version": catalogue.version})
        return catalogue.name, catalogue.version

    def catalogue_text(self, version: str | None = None) -> str | None:
        """The stored catalogue TOML of `version`, else the latest stored (None: none stored)."""
        if version is not None:
            row = self.db.execute("SELECT toml FROM catalogues WHERE version = ? ORDER BY id DESC LIMIT 1",
                                  [version]).fetchone()
            if row:
                return row[0]
        row = self.db.execute("SELECT toml FROM catalogues ORDER BY id DESC LIMIT 1").fetchone()
        return row[0] if row else None

    def catalogue(self, version: str | None = None):
        """The catalogue an audit of `version` is checked against: stored, else the default."""
        from audit_tools.standards import load_catalogue, parse_catalogue

        text = self.catalogue_text(version)
        cached = self._catalogues.get(text)
        if cached is None:
            cached = load_catalogue(None) if text is None else parse_catalogue(text, where="stored catalogue")
            self._catalogues[text] = cached
        return cached

    def list_catalogues(self) -> list[dict]:
        return [dict(name=r[0], version=r[1], stored_at=r[2], stored_by=r[3]) for r in self.db.execute(
            "SELECT name, version, stored_at, stored_by FROM catalogues ORDER BY id")]


def open_store(path: str | Path, actor: str, clock: Callable[[], datetime] | None = None) -> Store:
    """Open (creating and migrating as needed) the caseaudit database at `path` as `actor`."""
    path = Path(path)
    if path.is_dir():
        raise BadInput(f"{path}: is a folder, not a database file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise BadInput(f"{path.parent}: cannot create the folder for the database: {err.strerror}") from None
    return Store(path, actor, clock)
