"""Cases and their events; keyset-paged case lists with the filters in SQL."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, Protocol

from audit_tools.errors import Refused
from audit_tools.permissions import Facts, Op
from audit_tools.models import Case, CaseType, Event, EventDetails, EventKind
from db import coverage, free_text, rows
from db.errors import NotFound
from db.rows import PAGE, CaseRow
from db.session import Aggregate


# What an "events imported" entry's digest is over (the entry carries the salt it names).
EVENTS_DIGEST = ("SHA-256 over each imported event in the order written: the JSON array [case_ref, kind, "
                 "date, child_seen (0/1), seen_alone (0/1/null), reason_not_alone, note], each non-empty free "
                 "text as db.free_text.digest(text_salt, text), followed by a newline")


# An event as a case_events row: case_ref, kind, date, child_seen, seen_alone, reason_not_alone, note.
EventValues = tuple[str, str, str, int, int | None, str | None, str | None]


class EventFields(EventDetails, Protocol):
    """What `event_values` reads of an event: an Event, or an import's checked row (its
    kind and day beside the details an import compares)."""

    @property
    def kind(self) -> EventKind: ...
    @property
    def date(self) -> date: ...


def event_values(events: Iterable[tuple[str, EventFields]]) -> list[EventValues]:
    """(case_ref, event) pairs as case_events rows."""
    return [(ref, e.kind.value, e.date.isoformat(), int(e.child_seen),
             None if e.seen_alone is None else int(e.seen_alone), e.reason_not_alone, e.note)
            for ref, e in events]


_JSON = json.JSONEncoder(ensure_ascii=False)  # made once: json.dumps with options makes one a call


_STRING = json.encoder.encode_basestring  # what _JSON writes a string as (ensure_ascii=False)


def _json_line(values: list[Any]) -> str:
    """`_JSON.encode(values)` for a list of strings, whole numbers and nulls, written directly
    (an import digests a line an event); anything else is left to `_JSON`."""
    parts = []
    for x in values:
        if x is None:
            parts.append("null")
        elif x.__class__ is str:
            parts.append(_STRING(x))
        elif x.__class__ is int:
            parts.append(int.__repr__(x))
        else:
            return _JSON.encode(values)
    return "[" + ", ".join(parts) + "]"


def _digest_values(digest: Any, values: Iterable[EventValues], salt: str) -> None:
    lines = []
    for v in values:
        shown = [*v[:5], *(free_text.digest(salt, t) if isinstance(t, str) and t else t for t in v[5:])]
        lines.append(_json_line(shown))
    if lines:
        digest.update(("\n".join(lines) + "\n").encode("utf-8"))


def events_digest(events: Iterable[tuple[str, Event]], salt: str) -> str:
    """EVENTS_DIGEST of `events` with `salt`: what an "events imported" entry records of them."""
    digest = hashlib.sha256()
    _digest_values(digest, event_values(events), salt)
    return digest.hexdigest()


class Cases(Aggregate):
    def upsert(self, cases: list[Case]) -> int:
        """Add or update cases. A case given with events has its events replaced by them."""
        self.session.require(Op.import_data, Facts(what="cases"))
        with self.session.transaction():
            self.store.people.write_teams(c.team for c in cases)
            self.db.table("cases").upsert_all(
                [{"case_ref": c.case_ref, "case_type": c.case_type.value, "start_date": c.start_date.isoformat(),
                  "team": c.team, "worker": c.worker, "line_manager": c.line_manager,
                  "closed_date": rows.iso(c.closed_date)} for c in cases],
                pk="case_ref",
            )
            with_events = [c for c in cases if c.events]
            for case in with_events:
                self.db.execute("DELETE FROM case_events WHERE case_ref = ?", [case.case_ref])
            self._insert_events((c.case_ref, e) for c in with_events for e in c.events)
            self.session.record_concealed("cases imported", {"cases": [c.model_dump(mode="json") for c in cases]})
        return len(cases)

    def add_events(self, events: list[tuple[str, Event]]) -> int:
        """Add events to stored cases, all or none, under one history entry (see `import_events`)."""
        return self.import_events([event_values(events)])

    def import_events(self, batches: Iterable[Sequence[EventValues]]) -> int:
        """Write events the import service has checked (as `event_values` gives them), batch by
        batch, all or none; ONE history entry records them: how many, and EVENTS_DIGEST over
        them with their free text hashed with the entry's salt (db/free_text.py), never the
        events themselves."""
        self.session.require(Op.import_data, Facts(what="events"))
        salt = secrets.token_hex(16)
        digest, count = hashlib.sha256(), 0
        with self.session.transaction():
            # each row's hash summed in memory, not one update of the table's digest a row
            with coverage.summed_inserts(self.db):
                for events in batches:
                    self._check_new(events)
                    self._insert_values(events)
                    _digest_values(digest, events, salt)
                    count += len(events)
            if count:
                self.session.record("events imported", {"count": count, "digest": digest.hexdigest(),
                                                        "text_salt": salt})
        return count

    def _check_new(self, events: Sequence[EventValues]) -> None:
        refs = sorted({e[0] for e in events})
        known = self._known(refs)
        unknown = [r for r in refs if r not in known]
        if unknown:
            raise NotFound(*(f"case {r}: not in the database; import the case first" for r in unknown))
        # The importer skipped what was stored when it checked the file; anything stored
        # since (a second import of the same file at the same moment) must not be doubled.
        stored = self._stored_event_keys(refs)
        clash = sorted({e[:3] for e in events if e[:3] in stored})
        if clash:
            ref, kind, day = clash[0]
            more = f" and {len(clash) - 1} more" if len(clash) > 1 else ""
            raise Refused(f"case {ref}: {kind} on {day}{more} was stored by someone else while these "
                          "events were being checked; nothing was written: run the import again")

    def known(self, refs: Iterable[str]) -> set[str]:
        """Those of `refs` that are stored cases."""
        return self._known(sorted(set(refs)))

    def _known(self, refs: list[str]) -> set[str]:
        known: set[str] = set()
        for chunk, marks in rows.chunks(refs):
            known.update(r[0] for r in self.db.execute(
                f"SELECT case_ref FROM cases WHERE case_ref IN ({marks})", chunk))
        return known

    def _stored_event_keys(self, refs: list[str]) -> set[tuple[str, str, str]]:
        keys: set[tuple[str, str, str]] = set()
        for chunk, marks in rows.chunks(refs):
            keys.update((r[0], r[1], r[2]) for r in self.db.execute(
                f"SELECT case_ref, kind, date FROM case_events WHERE case_ref IN ({marks})", chunk))
        return keys

    def _insert_events(self, events: Iterable[tuple[str, Event]]) -> None:
        self._insert_values(event_values(events))

    def _insert_values(self, values: Sequence[EventValues]) -> None:
        self.db.conn.executemany(
            "INSERT INTO case_events (case_ref, kind, date, child_seen, seen_alone, reason_not_alone, note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", values)

    def stored_event_values(self, refs: Iterable[str]) -> tuple[set[str], list[EventValues]]:
        """The stored cases among `refs`, and their events as case_events rows (no model built
        for each: an events import compares thousands of rows with them)."""
        refs = sorted(set(refs))
        values: list[EventValues] = []
        for chunk, marks in rows.chunks(refs):
            values.extend(self.db.execute(
                "SELECT case_ref, kind, date, child_seen, seen_alone, reason_not_alone, note FROM case_events "
                f"WHERE case_ref IN ({marks}) ORDER BY case_ref, date, id", chunk))
        return self._known(refs), values

    def get_many(self, refs: Iterable[str]) -> dict[str, Case]:
        """The stored cases among `refs`, each with its events: two queries per chunk of
        refs, however many there are (a batch of an import asks for thousands at once)."""
        refs = sorted(set(refs))
        found: dict[str, dict[str, object]] = {}
        events: dict[str, list[Event]] = {}
        # Events alike in every field are one Event object, made once: a council's visits and
        # supervisions repeat day after day across its cases, and a model costs more to build
        # than to look up. Both callers (the audits and cases imports' checks) only read them.
        made: dict[tuple[Any, ...], Event] = {}
        for chunk, marks in rows.chunks(refs):
            for r in self.db.execute(
                "SELECT case_ref, case_type, start_date, team, worker, line_manager, closed_date "
                f"FROM cases WHERE case_ref IN ({marks})", chunk):
                found[r[0]] = {"case_ref": r[0], "case_type": r[1], "start_date": r[2], "team": r[3],
                               "worker": r[4], "line_manager": r[5], "closed_date": r[6]}
            for e in self.db.execute(
                "SELECT case_ref, kind, date, child_seen, seen_alone, reason_not_alone, note FROM case_events "
                f"WHERE case_ref IN ({marks}) ORDER BY case_ref, date, id", chunk):
                event = made.get(e[1:])
                if event is None:
                    event = made[e[1:]] = Event(
                        kind=e[1], date=e[2], child_seen=bool(e[3]), seen_alone=None if e[4] is None else bool(e[4]),
                        reason_not_alone=e[5], note=e[6])
                events.setdefault(e[0], []).append(event)
        return {ref: Case(**values, events=events.get(ref, [])) for ref, values in found.items()}

    def get(self, case_ref: str) -> Case | None:
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

    @staticmethod
    def _filters(team: str | None, case_type: CaseType | str | None, worker: str | None, search: str | None,
                 open_only: bool) -> tuple[list[str], list[object]]:
        where: list[str] = []
        params: list[object] = []
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

    def page(
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
        where, params = self._filters(team, case_type, worker, search, open_only)
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

    def count(
        self,
        team: str | None = None,
        case_type: CaseType | str | None = None,
        worker: str | None = None,
        search: str | None = None,
        open_only: bool = False,
    ) -> int:
        where, params = self._filters(team, case_type, worker, search, open_only)
        sql = "SELECT count(*) FROM cases c"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return int(self.db.execute(sql, params).fetchone()[0])
