"""Import users, cases, events or audits from a file: read, check every row, write all or nothing.

`import_file` is what the command line, the sample loader and the import screen share:
the file is read and checked in audit_tools.importers against what the database knows,
then written through the Store in one transaction (the Store checks the role again and
records the import in the history).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO

from audit_tools import importers
from audit_tools.errors import BadInput
from audit_tools.models import Audit, Role
from audit_tools.permissions import Facts, Op
from caseaudit.services import access
from db.store import Store

WHAT = ("users", "cases", "events", "audits")
Progress = Callable[[int, int], None]


def check_file(store: Store, what: str, path: str | Path, progress: Progress | None = None,
               today: date | None = None) -> list:
    """Read and check `path` as `what`; the rows ready for the Store (BadInput lists every problem).

    `today` defaults to the local date: audits dated after it are refused.
    """
    access.require(store, Op.import_data, Facts(what=what))
    return _check(store, what, path, progress, today)[0]


def _stored_events(store: Store, refs: Iterable[str]) -> tuple[set[str], dict]:
    """Known case refs among `refs`, and their stored events by (case_ref, kind, date)."""
    cases = store.cases.get_many(refs)
    stored: dict = {}
    for ref, case in cases.items():
        for event in case.events:
            stored.setdefault((ref, event.kind, event.date), []).append(event)
    return set(cases), stored


def _check(store: Store, what: str, path: str | Path, progress: Progress | None,
           today: date | None = None, new_teams: bool = False) -> tuple[list, int]:
    """The rows to write, and how many rows of the file are already stored (events only)."""
    if what == "events":
        table = importers.read_table(path, importers.EVENTS)
        refs = {row.get("case_ref") for _, row in table.rows if isinstance(row.get("case_ref"), str)}
        known, stored = _stored_events(store, refs)
        checked = importers.sort_events(table, known, stored, progress, today or store.today())
        return checked.new, len(checked.present)
    return _check_other(store, what, path, progress, today or store.today(), new_teams), 0


def _check_other(store: Store, what: str, path: str | Path, progress: Progress | None, today: date,
                 new_teams: bool = False) -> list:
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


def _audit_batches(store: Store, path: str | Path, progress: Progress | None, today: date) -> Iterator[list]:
    """An audits file checked a batch at a time (see importers.checked_audit_batches); each
    batch's cases (with events) and stored ids are asked for in a few queries, not one a line."""
    lines = importers.JsonLines(path)
    return importers.checked_audit_batches(
        lines.name, lines,
        cases=store.cases.get_many,
        users={u.username: u for u in store.people.list()},
        catalogue=store.reference.catalogue_for(),
        themes_vocabulary=store.reference.themes().keys(),
        known_audit_ids=store.audits.stored_ids,
        progress=progress,
        # counting first costs one quick pass, and only when someone is watching
        total=lines.count() if progress else None,
        today=today,
    )


def _in_id_order(checked: IO[str], places: list[tuple[str, int]],
                 writing: Progress | None) -> Iterator[list[Audit]]:
    """The checked audits read back from `checked` a batch at a time, in audit id order."""
    places.sort()
    total = len(places)
    for start in range(0, total, importers.BATCH_SIZE):
        batch = []
        for _, offset in places[start:start + importers.BATCH_SIZE]:
            checked.seek(offset)
            batch.append(Audit.model_validate_json(checked.readline()))
        yield batch
        if writing:
            writing(min(start + importers.BATCH_SIZE, total), total)


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
            return store.audits.import_checked(_in_id_order(checked, places, writing))


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
    if what == "audits":
        return _import_audits(store, path, progress, today or store.today(), writing), 0
    rows, present = _check(store, what, path, progress, today)
    if what == "users":
        return store.people.upsert(rows), present
    if what == "cases":
        return store.cases.upsert(rows), present
    if what == "events":
        return (store.cases.add_events(rows) if rows else 0), present
    raise BadInput(f"cannot import {what!r}: choose one of {', '.join(WHAT)}")


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
    cases, _ = _check(store, "cases", path, progress, new_teams=new_teams)
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
