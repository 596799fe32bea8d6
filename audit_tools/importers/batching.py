"""Long files checked a batch at a time, so memory holds one batch however long the file.

The caller looks up what a batch needs from the database in a few queries (the cases it
names, with their events; the audit ids already stored) and the checks (importers.audits,
importers.events) run on it. An audits file is visited in case order (`CaseOrder`), its
batches cut between cases: each case's events are then fetched once, and the engine runs
once per case and as-of date, however the file is sorted.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping, Sized
from datetime import date
from typing import Any, TypeVar

from audit_tools.errors import BadInput
from audit_tools.importers.audits import AuditCheck
from audit_tools.importers.checks import Progress, row_order, text_field, ticker
from audit_tools.importers.jsonlines import JsonLines, Place
from audit_tools.models import Audit, Case, User
from audit_tools.standards import Catalogue

# Lines checked together: the caller fetches a batch's cases at once, and memory holds one batch.
BATCH_SIZE = 2000

T = TypeVar("T")


def batches(items: Iterable[T], size: int, key: Callable[[T], Hashable] | None = None) -> Iterator[list[T]]:
    """`items` in lists of `size`; with `key`, a run of items with the same key is never cut
    (so a batch may be longer than `size` by the rest of that run)."""
    batch: list[T] = []
    last: Hashable = None
    for item in items:
        this = key(item) if key is not None else None
        if len(batch) >= size and (key is None or this != last):
            yield batch
            batch = []
        batch.append(item)
        last = this
    if batch:
        yield batch


class CaseOrder:
    """The lines of a JSON Lines audits file in case order (then file order), read again one
    at a time by their place: memory holds each line's case ref, number and place, never
    the lines. `first_lines` gives the line each audit id is first on in the file."""

    def __init__(self, lines: JsonLines) -> None:
        self.lines = lines
        self.name = lines.name
        self.first_lines: dict[str, int] = {}
        places: list[tuple[str, int, Place]] = []
        for number, place, value in lines.located():
            places.append((text_field(value, "case_ref") or "", number, place))
            audit_id = text_field(value, "audit_id")
            if audit_id is not None:
                self.first_lines.setdefault(audit_id, number)
        places.sort()
        self.places = places

    def __len__(self) -> int:
        return len(self.places)

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        with self.lines.reader() as read:
            for _, number, place in self.places:
                yield number, read(place)


def _case_of(line: tuple[int, Any]) -> str | None:
    return text_field(line[1], "case_ref")


def checked_audit_batches(
    name: str,
    lines: Iterable[tuple[int, Any]],
    *,
    cases: Callable[[set[str]], Mapping[str, Case]],
    users: Mapping[str, User],
    catalogue: Catalogue | None,
    themes_vocabulary: Iterable[str],
    known_audit_ids: Callable[[set[str]], Collection[str]] | Collection[str] = (),
    progress: Progress | None = None,
    total: int | None = None,
    today: date | None = None,
    batch_size: int | None = None,
) -> Iterator[list[Audit]]:
    """Check an audits file batch by batch: each batch's audits while every line so far is good.

    Every line is checked; if any is bad, the batches after it yield nothing and the end
    raises BadInput naming every bad line of the file (top to bottom), so a writer that
    stored what came out, inside one transaction, rolls it all back. `cases(refs)` gives a
    batch's stored cases by ref (with their events); `known_audit_ids` the stored audit
    ids, or a function giving those among a batch's ids. `progress(done, total)` after
    each line (`total` defaults to the number of lines when they are a list). Lines given
    as a `CaseOrder` are checked in case order, each case's lines in one batch.
    """
    first_lines = lines.first_lines if isinstance(lines, CaseOrder) else None
    check = AuditCheck(name, users=users, catalogue=catalogue, themes_vocabulary=themes_vocabulary,
                       today=today, first_lines=first_lines)
    if total is None and isinstance(lines, Sized):
        total = len(lines)
    tick = ticker(progress, total)

    problems: list[str] = []
    by_case = _case_of if isinstance(lines, CaseOrder) else None
    for batch in batches(lines, batch_size or BATCH_SIZE, by_case):
        known = known_audit_ids(check.audit_ids(batch)) if callable(known_audit_ids) else known_audit_ids
        audits, bad = check.check(batch, cases(check.case_refs(batch)), known, tick)
        problems.extend(bad)
        if not problems:
            yield audits
    if problems:
        raise BadInput(*sorted(problems, key=row_order))


def check_audits(
    name: str,
    lines: Iterable[tuple[int, Any]],
    *,
    cases: Callable[[str], Case | None],
    users: Mapping[str, User],
    catalogue: Catalogue | None,
    themes_vocabulary: Iterable[str],
    known_audit_ids: Collection[str] = (),
    progress: Progress | None = None,
    today: date | None = None,
    batch_size: int | None = None,
) -> list[Audit]:
    """Audits that obey every rule of product.md, with the engine's automatic statuses.

    `today` (when given) refuses dates that have not happened yet: a completed audit
    cannot have been submitted, moderated or acted on in the future.

    `cases(case_ref)` gives the stored case with its events (None when unknown); the
    automatic statuses are evaluated from those events as at each audit's as-of date
    and kept beside the scores. The audits are marked imported: they were scored outside
    caseaudit, so a score differing from the automatic status needs no reason.
    """

    def batch_cases(refs: set[str]) -> dict[str, Case]:
        return {ref: case for ref in sorted(refs) if (case := cases(ref)) is not None}

    out: list[Audit] = []
    for audits in checked_audit_batches(
        name, lines, cases=batch_cases, users=users, catalogue=catalogue,
        themes_vocabulary=themes_vocabulary, known_audit_ids=known_audit_ids,
        progress=progress, today=today, batch_size=batch_size,
    ):
        out.extend(audits)
    return out
