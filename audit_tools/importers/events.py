"""The checks of an events file, a batch of rows at a time, against the events already stored.

A cumulative export can be imported again: a row identical to a stored event is skipped
(reported as already present); a row on the same case, kind and day with different
details is refused, since caseaudit keeps one event of a kind a day per case and would
otherwise count it twice. Between batches `EventCheck` keeps only a number per (case,
kind, day) met (the row it was first on), so memory grows by a few bytes a row, never by
the rows themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from audit_tools.errors import BadInput
from audit_tools.importers import batching
from audit_tools.importers.cells import iso_day, yes_no
from audit_tools.importers.checks import FirstRows, Progress, check_row, row_order, text_field, ticker
from audit_tools.importers.rows import EventRow
from audit_tools.importers.tables import Cells, Table
from audit_tools.models import Event, EventDetails, EventKind
from audit_tools.text import Kind, check_text

EventKey = tuple[str, EventKind, date]


Stored = Mapping[EventKey, Sequence[EventDetails]]
# What two events of the same case, kind and day may differ in: a row that differs from the
# stored event in any of these is a correction the file cannot make silently.
_EVENT_DETAILS = ("child_seen", "seen_alone", "reason_not_alone", "note")
_KINDS = {kind: i for i, kind in enumerate(EventKind)}
_KIND_OF = {kind.value: kind for kind in EventKind}
_FIELDS = frozenset(EventRow.model_fields)
_IDENTIFIER, _TEXT = Kind.identifier, Kind.text


@dataclass(frozen=True, slots=True)
class CheckedEvent:
    """An events row that passed EventRow's checks, as plain values: what the rules, the
    writer and the digest read (an Event is made of it only to compare with a stored one)."""

    case_ref: str
    kind: EventKind
    date: date
    child_seen: bool = True
    seen_alone: bool | None = None
    reason_not_alone: str | None = None
    note: str | None = None

    def to_model(self) -> Event:
        return Event(kind=self.kind, date=self.date, child_seen=self.child_seen, seen_alone=self.seen_alone,
                     reason_not_alone=self.reason_not_alone, note=self.note)


def _text(value: object, kind: Kind) -> str | None:
    """A text cell as EventRow keeps it (checked at the door, then trimmed), or None when
    it is not plain text."""
    if not isinstance(value, str):
        return None
    try:
        return check_text(value.strip(), kind).strip()
    except ValueError:
        return None


# yes/no cells as cells.yes_no reads them (anything else goes to yes_no, to be refused alike)
_YES_NO = {**{t: True for t in ("true", "yes", "y", "1")}, **{f: False for f in ("false", "no", "n", "0")}}


def _yes_no(value: object) -> object:
    if value.__class__ is str:
        known = _YES_NO.get(value.strip().lower())  # type: ignore[attr-defined]
        if known is not None:
            return known
    return yes_no(value)


def _plain(cells: Cells) -> CheckedEvent | None:
    """The row as EventRow would read it, done in plain Python for a row in the usual shape
    (a long file has thousands); None for anything else, which EventRow then checks and names.

    It accepts only what EventRow accepts, and reads it to the same values, by the same
    readers (text.check_text, cells.iso_day, cells.yes_no): tests/domain/test_events_plain.py."""
    if not _FIELDS.issuperset(cells):
        return None
    get = cells.get
    ref = _text(get("case_ref"), _IDENTIFIER)
    kind = _KIND_OF.get(get("kind", ""))
    if not ref or kind is None:
        return None
    try:
        day = iso_day(get("date"))
        seen = True if "child_seen" not in cells else _yes_no(cells["child_seen"])
        alone = None if "seen_alone" not in cells else _yes_no(cells["seen_alone"])
    except ValueError:
        return None
    if day.__class__ is not date or seen.__class__ is not bool or not (alone is None or alone.__class__ is bool):
        return None
    reason, note = get("reason_not_alone"), get("note")
    if reason is not None and (reason := _text(reason, _TEXT)) is None:
        return None
    if note is not None and (note := _text(note, _TEXT)) is None:
        return None
    return CheckedEvent(ref, kind, day, seen, alone, reason, note)  # type: ignore[arg-type]


def _show(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _details(event: EventDetails) -> tuple[bool, bool | None, str | None, str | None]:
    return event.child_seen, event.seen_alone, event.reason_not_alone, event.note


def _stored_index(stored: Collection[EventKey] | Mapping[EventKey, Iterable[Event]]) -> dict[EventKey, list[Event]]:
    if isinstance(stored, Mapping):
        return {key: list(events) for key, events in stored.items()}
    # Only the keys are known: any row with one of them conflicts.
    return {key: [] for key in stored}


class EventCheck:
    """The rules for the rows of one events file, checked a batch at a time.

    Each batch comes with the case refs it names that are stored cases and the stored
    events of those cases by (case_ref, kind, date), as the caller looked them up; the
    check never reads the database. Problems gather in `problems` (`FILE:ROW: column:
    reason`); `present` counts the rows skipped as already stored.
    """

    def __init__(self, name: str, today: date | None = None) -> None:
        self.name = name
        self.today = today
        self.problems: list[str] = []
        self.present: list[int] = []
        self._refs: dict[str, int] = {}  # a number per case ref, to keep each row's key as one int
        self._first = FirstRows(name, "date", lambda k: f"{k[1].value} on {k[2].isoformat()} for {k[0]}",
                                "caseaudit keeps one event of a kind a day per case: keep one of the rows")

    @staticmethod
    def case_refs(batch: Iterable[tuple[int, Cells]]) -> set[str]:
        """The case refs a batch's rows name (what the caller looks up for `check`)."""
        return {ref for _, cells in batch if (ref := text_field(cells, "case_ref"))}

    def _key(self, row: CheckedEvent) -> int:
        ref = self._refs.setdefault(row.case_ref, len(self._refs))
        return (ref << 32) | (_KINDS[row.kind] << 24) | row.date.toordinal()

    def check(self, batch: Sequence[tuple[int, Cells]], known_cases: Collection[str], stored: Stored,
              progress: Callable[[], None] | None = None) -> list[CheckedEvent]:
        """The batch's new events, as their checked rows (each an Event with its case_ref: made
        into a plain Event only when compared with a stored one, as a long file's rows are
        written as they are); its bad rows' problems go to `problems`."""
        new: list[CheckedEvent] = []
        for number, cells in batch:
            if progress:
                progress()
            row = _plain(cells)
            if row is None:
                checked = check_row(EventRow, self.name, number, cells, self.problems)
                if checked is None:
                    continue
                row = CheckedEvent(**checked.model_dump())
            again = self._first.again(number, self._key(row), (row.case_ref, row.kind, row.date))
            if again:
                self.problems.append(again)
            own = self._rules(number, row, known_cases)
            if own:
                self.problems.extend(own)
                continue
            key = (row.case_ref, row.kind, row.date)
            if key not in stored:
                new.append(row)
                continue
            # same case, kind and day: the same event when every detail is the same
            if any(_details(row) == _details(kept) for kept in stored[key]):
                self.present.append(number)
            else:
                self.problems.append(self._conflict(number, row, stored[key]))
        return new

    def _rules(self, number: int, row: CheckedEvent, known_cases: Collection[str]) -> list[str]:
        own: list[str] = []
        if row.case_ref in known_cases and row.seen_alone is None and not row.reason_not_alone and (
                self.today is None or row.date <= self.today):
            return own  # the usual row: nothing below can apply
        at = f"{self.name}:{number}"
        if row.case_ref not in known_cases:
            own.append(f"{at}: case_ref: {row.case_ref!r} is not a known case; "
                       "import it with `caseaudit import cases` first")
        if self.today is not None and row.date > self.today:
            own.append(f"{at}: date: {row.date.isoformat()} is in the future (today is "
                       f"{self.today.isoformat()}); import only what has already happened")
        if row.seen_alone is not None and not row.child_seen:
            own.append(f"{at}: seen_alone: the child was not seen, so leave seen_alone empty")
        if row.seen_alone and row.reason_not_alone:
            own.append(f"{at}: reason_not_alone: the child was seen alone, so there is no "
                       "reason to record; empty the cell or set seen_alone to false")
        if row.kind is not EventKind.visit and (row.seen_alone is not None or row.reason_not_alone):
            own.append(f"{at}: seen_alone: only visits record whether the child was seen alone")
        return own

    def _conflict(self, number: int, event: CheckedEvent, kept: Sequence[EventDetails]) -> str:
        row = event
        what = f"{row.kind.value} on {row.date.isoformat()} for {row.case_ref}"
        first = kept[0] if kept else None
        differs = [c for c in _EVENT_DETAILS if first is not None and getattr(first, c) != getattr(event, c)]
        if differs:
            column = differs[0]
            return (f"{self.name}:{number}: {column}: {what} is already in the database with {column} "
                    f"{_show(getattr(first, column))}, this row has {_show(getattr(event, column))}; "
                    "caseaudit keeps one event of a kind a day per case, so it will not change or add to it: "
                    "correct the row to match or leave it out")
        return (f"{self.name}:{number}: date: {what} is already in the database; "
                "import only events not yet loaded")

    def refuse(self) -> None:
        """Raise BadInput naming every problem met, top to bottom, if there was any."""
        if self.problems:
            raise BadInput(*sorted(self.problems, key=row_order))

    def batches(self, rows: Iterable[tuple[int, Cells]],
                stored: Callable[[set[str]], tuple[Collection[str], Stored]],
                progress: Progress | None = None, total: int | None = None,
                batch_size: int | None = None) -> Iterator[list[CheckedEvent]]:
        """Each batch's new events while every row so far is good; at the end BadInput naming
        every bad row, so a writer that stored what came out, in one transaction, rolls it
        all back. `stored(refs)` gives the batch's known refs and their stored events."""
        tick = ticker(progress, total)

        for batch in batching.batches(rows, batch_size or batching.BATCH_SIZE):
            known, kept = stored(self.case_refs(batch))
            new = self.check(batch, known, kept, tick)
            if not self.problems:
                yield new
        self.refuse()


@dataclass
class EventsChecked:
    """The rows of an events file sorted into new events and events already stored."""

    new: list[tuple[str, Event]] = field(default_factory=list)
    present: list[int] = field(default_factory=list)  # row numbers already in the database


def sort_events(table: Table, known_cases: Collection[str],
                stored: Collection[EventKey] | Mapping[EventKey, Iterable[Event]] = (),
                progress: Progress | None = None, today: date | None = None) -> EventsChecked:
    """Check a whole events file against the events already stored (see EventCheck).

    `stored` maps (case_ref, kind, date) to the stored events with that key; `today`
    (when given) refuses events dated after it, which have not happened yet.
    """
    check = EventCheck(table.name, today)
    total = len(table.rows)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    new = check.check(table.rows, known_cases, _stored_index(stored), tick)
    check.refuse()
    return EventsChecked(new=[(row.case_ref, row.to_model()) for row in new], present=check.present)


def check_events(table: Table, known_cases: Collection[str],
                 progress: Progress | None = None,
                 stored: Collection[EventKey] | Mapping[EventKey, Iterable[Event]] = ()) -> list[tuple[str, Event]]:
    """The new events of an events file (see `sort_events`; rows already stored are left out)."""
    return sort_events(table, known_cases, stored, progress).new
