"""Import users, cases, events or audits from a file: read, check every row, write all or nothing.

`import_file` is what the command line, the sample loader and the import screen share:
the file is read and checked in audit_tools.importers against what the database knows,
then written through the Store in one transaction (the Store checks the role again and
records the import in the history).
"""

from __future__ import annotations

import marshal
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from audit_tools import importers
from audit_tools.errors import BadInput
from audit_tools.importers import CheckedEvent, EventKey, batching
from audit_tools.models import Audit, EventKind, Role
from audit_tools.permissions import Facts, Op
from caseaudit.services import access
from db.cases import EventValues, event_values
from db.store import Store

WHAT = ("users", "cases", "events", "audits")
Progress = Callable[[int, int], None]


def check_file(store: Store, what: str, path: str | Path, progress: Progress | None = None,
               today: date | None = None) -> list[Any]:
    """Read and check `path` as `what`; the rows ready for the Store (BadInput lists every problem).

    `today` defaults to the local date: audits dated after it are refused.
    """
    access.require(store, Op.import_data, Facts(what=what))
    today = today or store.today()
    if what == "events":
        batches, _ = _event_batches(store, path, progress, today)
        return [(row.case_ref, row.to_model()) for batch in batches for row in batch]
    return _check_other(store, what, path, progress, today)


def _stored_events(store: Store, refs: Iterable[str]) -> tuple[set[str], dict[EventKey, list[CheckedEvent]]]:
    """Known case refs among `refs`, and their stored events by (case_ref, kind, date), as the
    plain values the events check compares a row with (no Event model built for each)."""
    known, values = store.cases.stored_event_values(refs)
    stored: dict[EventKey, list[CheckedEvent]] = {}
    kinds = _KIND_OF
    for ref, kind, day, seen, alone, reason, note in values:
        event = CheckedEvent(ref, kinds[kind], date.fromisoformat(day), bool(seen),
                             None if alone is None else bool(alone), reason, note)
        stored.setdefault((ref, event.kind, event.date), []).append(event)
    return known, stored


_KIND_OF = {kind.value: kind for kind in EventKind}


def _check_other(store: Store, what: str, path: str | Path, progress: Progress | None, today: date,
                 new_teams: bool = False) -> list[Any]:
    if what == "users":
        admins = [u.username for u in store.people.list(role=Role.admin)]
        return importers.check_users(importers.read_table(path, importers.USERS), progress, admins)
    if what == "cases":
        table = importers.read_table(path, importers.CASES)
        return importers.check_cases(table, store.people.usernames(), progress,
                                     known_teams=None if new_teams else set(store.people.teams()))
    if what == "audits":
        return [audit for audits in _audit_batches(store, path, progress, today) for audit in audits]
    raise BadInput(f"cannot import {what!r}: choose one of {', '.join(WHAT)}")


def _event_batches(store: Store, path: str | Path, progress: Progress | None,
                   today: date) -> tuple[Iterator[list[importers.CheckedEvent]], importers.EventCheck]:
    """An events file checked a batch at a time (importers.EventCheck.batches): each batch's
    known cases and stored events are asked for in a few queries, not one a row."""
    rows = importers.TableRows(path, importers.EVENTS)
    check = importers.EventCheck(rows.name, today)
    # counting first costs one quick pass, and only when someone is watching
    total = rows.count() if progress else None
    return check.batches(rows, lambda refs: _stored_events(store, refs), progress, total), check


def _audit_batches(store: Store, path: str | Path, progress: Progress | None, today: date) -> Iterator[list[Audit]]:
    """An audits file checked a batch at a time in case order (importers.checked_audit_batches):
    each batch's cases (with events) and stored ids are asked for in a few queries, each case once."""
    lines = importers.CaseOrder(importers.JsonLines(path))
    return importers.checked_audit_batches(
        lines.name, lines,
        cases=store.cases.get_many,
        users={u.username: u for u in store.people.list()},
        catalogue=store.reference.catalogue_for(),
        themes_vocabulary=store.reference.themes().keys(),
        known_audit_ids=store.audits.stored_ids,
        progress=progress,
        today=today,
    )


def _in_id_order(checked: IO[bytes], places: list[tuple[str, int]],
                 writing: Progress | None) -> Iterator[list[Audit]]:
    """The checked audits read back from `checked` a batch at a time, in audit id order."""
    places.sort()
    total = len(places)
    size = batching.BATCH_SIZE
    for start in range(0, total, size):
        batch = []
        for _, offset in places[start:start + size]:
            checked.seek(offset)
            batch.append(Audit.model_validate_json(checked.readline()))
        yield batch
        if writing:
            writing(min(start + size, total), total)


def _import_audits(store: Store, path: str | Path, progress: Progress | None, today: date,
                   writing: Progress | None = None) -> int:
    """Check the whole file, then write it in one transaction, a batch at a time.

    The checked audits wait in a temporary file, not in memory, so memory holds one batch
    (and each audit's id and place in the file) however long the file; and the write lock
    is taken only once every line is good, so other people's changes wait for the writing
    alone, never for the checking. They are written in audit id order, the order the
    import's history entry digests them in.
    """
    with tempfile.TemporaryFile("w+b") as checked:
        places: list[tuple[str, int]] = []
        for audits in _audit_batches(store, path, progress, today):
            for audit in audits:
                places.append((audit.audit_id, checked.tell()))
                checked.write(audit.model_dump_json().encode("utf-8") + b"\n")
        with store.transaction():
            count: int = store.audits.import_checked(_in_id_order(checked, places, writing))
            return count


def _spooled_events(spool: IO[bytes], total: int, writing: Progress | None) -> Iterator[list[EventValues]]:
    """The checked events read back from `spool` a batch at a time, in the file's order, as the
    rows the Store writes (each was checked on its way in)."""
    spool.seek(0)
    done = 0
    while done < total:
        batch: list[EventValues] = marshal.load(spool)
        yield batch
        done += len(batch)
        if writing:
            writing(done, total)


def _import_events(store: Store, path: str | Path, progress: Progress | None, today: date,
                   writing: Progress | None = None) -> tuple[int, int]:
    """Check the whole file a batch at a time, then write the new events in one transaction,
    a batch at a time: (events written, rows skipped as already stored).

    As with audits, the checked events wait in a temporary file, so memory holds one batch
    (and a number per case, kind and day met, to refuse a row given twice) however long
    the file, and the write lock is taken only once every row is good.
    """
    with tempfile.TemporaryFile("w+b") as spool:
        batches, check = _event_batches(store, path, progress, today)
        count = 0
        for rows in batches:
            values = event_values((row.case_ref, row) for row in rows)
            # marshal: the quickest way to put plain tuples aside and back, in a file only this reads
            if values:
                marshal.dump(values, spool)
                count += len(values)
        if not count:  # nothing new: nothing is written, not even a history entry
            return 0, len(check.present)
        with store.transaction():
            written: int = store.cases.import_events(_spooled_events(spool, count, writing))
        return written, len(check.present)


def import_file(store: Store, what: str, path: str | Path, progress: Progress | None = None,
                today: date | None = None, writing: Progress | None = None) -> int:
    """Import one file into the store: every row or none. Returns the number written."""
    return import_file_report(store, what, path, progress, today, writing)[0]


def import_file_report(store: Store, what: str, path: str | Path,
                       progress: Progress | None = None, today: date | None = None,
                       writing: Progress | None = None) -> tuple[int, int]:
    """Import one file: (rows written, rows skipped because already stored).

    `progress(done, total)` follows the checking of the rows; `writing(done, total)` the
    writing of a long audits file, a batch at a time.

    Events identical to stored ones are skipped, so a cumulative export can be imported
    again; when nothing is new, nothing is written (not even a history entry).
    """
    access.require(store, Op.import_data, Facts(what=what))
    today = today or store.today()
    if what == "audits":
        return _import_audits(store, path, progress, today, writing), 0
    if what == "events":
        return _import_events(store, path, progress, today, writing)
    rows = _check_other(store, what, path, progress, today)
    if what == "users":
        written: int = store.people.upsert(rows)
    else:
        written = store.cases.upsert(rows)
    return written, 0


@dataclass
class CasesImported:
    """What `import cases` wrote: new and updated cases, teams it added, and what changed in
    cases that already have submitted audits (their auditors and the QA lead should know)."""

    file: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    teams_added: list[str] = field(default_factory=list)
    # case_ref -> (submitted audits, {field: (before, after)})
    audited_changes: dict[str, tuple[int, dict[str, tuple[str, str]]]] = field(default_factory=dict)

    @property
    def written(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)


def import_cases(store: Store, path: str | Path, progress: Progress | None = None,
                 new_teams: bool = False) -> CasesImported:
    """Import a cases file, every row or none. A case of a team nobody belongs to is refused
    (row and team named) unless `new_teams`, when the teams are added and listed."""
    access.require(store, Op.import_data, Facts(what="cases"))
    cases = _check_other(store, "cases", path, progress, store.today(), new_teams=new_teams)
    result = CasesImported(file=str(path))
    with store.transaction():
        known_teams = set(store.people.teams())
        stored = store.cases.get_many(c.case_ref for c in cases)
        audited = store.audits.submitted_per_case(c.case_ref for c in cases if c.case_ref in stored)
        for case in cases:
            old = stored.get(case.case_ref)
            if old is None:
                result.created.append(case.case_ref)
                continue
            changes = importers.case_changes(old, case)
            (result.updated if changes else result.unchanged).append(case.case_ref)
            if changes and case.case_ref in audited:
                result.audited_changes[case.case_ref] = (audited[case.case_ref], changes)
        result.teams_added = sorted({c.team for c in cases if c.team and c.team not in known_teams})
        store.cases.upsert(cases)
    return result
