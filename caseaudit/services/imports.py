"""Import users, cases, events or audits from a file: read, check every row, write all or nothing.

`import_file` is what the command line, the sample loader and the import screen share:
the file is read and checked in audit_tools.importers against what the database knows,
then written through the Store in one transaction (the Store checks the role again and
records the import in the history).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from itertools import islice
from pathlib import Path

from audit_tools import importers
from audit_tools.errors import BadInput
from audit_tools.models import Audit, Role
from audit_tools.permissions import require

WHAT = ("users", "cases", "events", "audits")
DOING = {
    "users": (Role.admin, "import users"),
    "cases": (Role.admin, "import cases"),
    "events": (Role.admin, "import events"),
    "audits": (Role.admin, "import audits"),
}
Progress = Callable[[int, int], None]


class _KnownAudits:
    """Answers "is this audit id already stored?" one id at a time, without loading every audit."""

    def __init__(self, store) -> None:
        self.store = store

    def __contains__(self, audit_id: object) -> bool:
        return isinstance(audit_id, str) and self.store.audits.get(audit_id) is not None


def check_file(store, what: str, path: str | Path, progress: Progress | None = None,
               today: date | None = None) -> list:
    """Read and check `path` as `what`; the rows ready for the Store (BadInput lists every problem).

    `today` defaults to the local date: audits dated after it are refused.
    """
    return _check(store, what, path, progress, today)[0]


def _stored_events(store, refs: Iterable[str]) -> tuple[set[str], dict]:
    """Known case refs among `refs`, and their stored events by (case_ref, kind, date)."""
    known: set[str] = set()
    stored: dict = {}
    for ref in sorted(refs):
        case = store.cases.get(ref)
        if case is None:
            continue
        known.add(ref)
        for event in case.events:
            stored.setdefault((ref, event.kind, event.date), []).append(event)
    return known, stored


def _check(store, what: str, path: str | Path, progress: Progress | None,
           today: date | None = None) -> tuple[list, int]:
    """The rows to write, and how many rows of the file are already stored (events only)."""
    if what == "events":
        table = importers.read_table(path, importers.EVENTS)
        refs = {row.get("case_ref") for _, row in table.rows if isinstance(row.get("case_ref"), str)}
        known, stored = _stored_events(store, refs)
        checked = importers.sort_events(table, known, stored, progress, today or store.today())
        return checked.new, len(checked.present)
    return _check_other(store, what, path, progress, today or store.today()), 0


def _check_other(store, what: str, path: str | Path, progress: Progress | None, today: date) -> list:
    if what == "users":
        admins = [u.username for u in store.people.list(role=Role.admin)]
        return importers.check_users(importers.read_table(path, importers.USERS), progress, admins)
    if what == "cases":
        table = importers.read_table(path, importers.CASES)
        return importers.check_cases(table, store.people.usernames(), progress)
    if what == "audits":
        return [audit for audits in _audit_batches(store, path, progress, today) for audit in audits]
    raise BadInput(f"cannot import {what!r}: choose one of {', '.join(WHAT)}")


def _cases(store, refs: Iterable[str]) -> dict:
    """The stored cases (with events) among a batch's refs, each asked for once."""
    found = {}
    for ref in sorted(refs):
        case = store.cases.get(ref)
        if case is not None:
            found[ref] = case
    return found


def _audit_batches(store, path: str | Path, progress: Progress | None, today: date) -> Iterator[list]:
    """An audits file checked a batch at a time (see importers.checked_audit_batches)."""
    lines = importers.JsonLines(path)
    return importers.checked_audit_batches(
        lines.name, lines,
        cases=lambda refs: _cases(store, refs),
        users={u.username: u for u in store.people.list()},
        catalogue=store.reference.catalogue_for(),
        themes_vocabulary=store.reference.themes().keys(),
        known_audit_ids=_KnownAudits(store),
        progress=progress,
        # counting first costs one quick pass, and only when someone is watching
        total=lines.count() if progress else None,
        today=today,
    )


def _import_audits(store, path: str | Path, progress: Progress | None, today: date) -> int:
    """Check the whole file, then write it in one transaction, a batch at a time.

    The checked audits wait in a temporary file, not in memory, so memory holds one batch
    however long the file; and the write lock is taken only once every line is good, so
    other people's changes wait for the writing alone, never for the checking.
    """
    with tempfile.TemporaryFile("w+", encoding="utf-8") as checked:
        for audits in _audit_batches(store, path, progress, today):
            checked.writelines(audit.model_dump_json() + "\n" for audit in audits)
        checked.seek(0)
        written = 0
        with store.transaction():
            while batch := list(islice(checked, importers.BATCH_SIZE)):
                written += store.audits.insert([Audit.model_validate_json(line) for line in batch])
    return written


def import_file(store, what: str, path: str | Path, progress: Progress | None = None,
                today: date | None = None) -> int:
    """Import one file into the store: every row or none. Returns the number written."""
    return import_file_report(store, what, path, progress, today)[0]


def import_file_report(store, what: str, path: str | Path,
                       progress: Progress | None = None, today: date | None = None) -> tuple[int, int]:
    """Import one file: (rows written, rows skipped because already stored).

    Events identical to stored ones are skipped, so a cumulative export can be imported
    again; when nothing is new, nothing is written (not even a history entry).
    """
    role, doing = DOING[what]
    require(store.user, role, doing)
    if what == "audits":
        return _import_audits(store, path, progress, today or store.today()), 0
    rows, present = _check(store, what, path, progress, today)
    if what == "users":
        return store.people.upsert(rows), present
    if what == "cases":
        return store.cases.upsert(rows), present
    if what == "events":
        return (store.cases.add_events(rows) if rows else 0), present
    raise BadInput(f"cannot import {what!r}: choose one of {', '.join(WHAT)}")
