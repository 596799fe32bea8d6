"""Reading and checking an Ofsted Annex A workbook: the cases and events it holds (product.md "Annex A").

Councils keep the Annex A lists (a sheet per list) up to date for inspection; caseaudit
takes from them the case reference, the case fields of the case lists and the dated
events of every list, and nothing else about a child. A sheet is recognised by its
headers, whatever its name or position, in the 2023 layout and the older one.

Two steps, both pure: `read_workbook` reads the file the caller names and checks every
cell it uses, naming each bad one as `FILE:SHEET!CELL: header: reason`; `plan_import`
compares what was read with what the caller says is already stored and decides which
cases to create or update (with what changed) and which events are new.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from audit_tools.calendar import parse_day
from audit_tools.errors import BadInput
from audit_tools.files import Output, output_file
from audit_tools.importers import unknown_team
from audit_tools.models import Case, CaseType, Event, EventKind, User
from audit_tools.text import Kind, check_text

Progress = Callable[[int, int], None]

# Excel's error values: read-only openpyxl gives an error cell as this text.
EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!",
                          "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!"})
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"'})
_SPACES = re.compile(r"\s+")
# How far down a sheet the header row may be (title rows above it are not unusual).
HEADER_SEARCH_ROWS = 10


def header_key(text: Any) -> str:
    """A header as compared: case, surrounding, repeated and non-breaking spaces and curly quotes ignored."""
    if text is None:
        return ""
    value = unicodedata.normalize("NFKC", str(text)).translate(_QUOTES)
    return _SPACES.sub(" ", value).strip().casefold()


def tidy(text: Any) -> str:
    """Text as written, with non-breaking and repeated spaces made single plain ones."""
    return _SPACES.sub(" ", str(text).replace("\u00a0", " ")).strip()


def name_key(text: str) -> str:
    """A person's name or username as matched: case and spacing ignored."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).casefold()


# --- the lists ------------------------------------------------------------------------------

CHILD_ID = "Child Unique ID"
TEAM = "Allocated Team"
WORKER = "Allocated Worker"


@dataclass(frozen=True)
class ListSpec:
    """What caseaudit takes from one Annex A list (product.md's table)."""

    number: int
    title: str
    signature: tuple[str, ...]  # any one of these headers (with Child Unique ID) identifies the list
    case_type: CaseType | None = None
    start: str | None = None
    end: str | None = None
    events: tuple[tuple[str, EventKind], ...] = ()
    seen_alone: str | None = None  # the header answering "seen alone?" for this list's visit

    @property
    def case_list(self) -> bool:
        return self.case_type is not None

    @property
    def used(self) -> tuple[str, ...]:
        cols = [CHILD_ID]
        if self.start:
            cols.append(self.start)
        if self.end:
            cols.append(self.end)
        if self.case_list:
            cols += [TEAM, WORKER]
        cols += [h for h, _ in self.events]
        if self.seen_alone:
            cols.append(self.seen_alone)
        return tuple(cols)


LISTS: dict[int, ListSpec] = {
    3: ListSpec(3, "contacts and referrals", ("Date of Referral",),
                events=(("Date of Referral", EventKind.referral),)),
    4: ListSpec(4, "assessments", ("Continuous Assessment Date of Authorisation",
                                   "Continuous Assessment Start Date"),
                events=(("Continuous Assessment Date of Authorisation", EventKind.assessment_completed),)),
    5: ListSpec(5, "section 47 enquiries", ("Strategy discussion initiating Section 47 Enquiry Start Date",),
                events=(("Strategy discussion initiating Section 47 Enquiry Start Date",
                         EventKind.strategy_discussion),
                        ("Date of Initial Child Protection Conference", EventKind.icpc))),
    6: ListSpec(6, "children in need", ("CIN Start Date",), CaseType.CIN,
                "CIN Start Date", "CIN Closure Date",
                events=(("Date Child Was Last Seen", EventKind.visit),)),
    7: ListSpec(7, "child protection", ("Child Protection Plan Start Date",), CaseType.CP,
                "Child Protection Plan Start Date", "Child Protection Plan End Date",
                events=(("Date of the Last Statutory Visit", EventKind.visit),
                        ("Date of latest review conference", EventKind.review_conference)),
                seen_alone="Was the Child Seen Alone?"),
    8: ListSpec(8, "children looked after", ("Date Started to be Looked After",), CaseType.CLA,
                "Date Started to be Looked After", "Date Ceased to be Looked After",
                events=(("Date of Latest Statutory Review", EventKind.cla_review),
                        ("Date of Last Social Work Visit", EventKind.visit))),
    # The older layout has no date columns: Eligibility Category still says "care leavers".
    9: ListSpec(9, "care leavers", ("Latest Pathway Plan Review Date", "Latest Date of Contact",
                                    "Eligibility Category"), CaseType.CL,
                events=(("Latest Pathway Plan Review Date", EventKind.plan_review),
                        ("Latest Date of Contact", EventKind.visit))),
}

# A child on several case lists is one case of the type of the first list here.
PRECEDENCE = (8, 7, 6, 9)


# --- what reading gives -------------------------------------------------------------------------


@dataclass
class ListRow:
    """One row of a list: the child, the case fields and events read from it, or its problems."""

    list_number: int
    sheet: str
    row: int
    child: str | None
    child_cell: str = ""
    start: date | None = None
    end: date | None = None
    team: str | None = None
    team_cell: str = ""
    worker: str | None = None
    events: list[Event] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class SheetRead:
    list_number: int
    sheet: str
    header_row: int
    rows: int = 0
    ignored: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # columns of the list this sheet lacks


@dataclass
class WorkbookRead:
    file: str
    sheets: dict[int, SheetRead] = field(default_factory=dict)
    rows: list[ListRow] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)  # sheets that are none of Lists 3-9

    @property
    def problems(self) -> list[str]:
        return [p for r in self.rows for p in r.problems]


# --- reading cells --------------------------------------------------------------------------


class _CellProblem(ValueError):
    pass


def _error_value(value: Any) -> bool:
    return isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS


def _date_cell(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = tidy(value)
        if not text:
            return None
        if _error_value(text):
            raise _CellProblem(f"{text} is an error cell, not a date; correct the formula or type the date")
        try:
            # The one reader of a date a person writes: day first or ISO, never month first.
            return parse_day(text)
        except ValueError as err:
            raise _CellProblem(f"{err}, or make it a date cell") from None
    if isinstance(value, bool):
        raise _CellProblem(f"{value} is not a date; write it as dd/mm/yyyy or make it a date cell")
    if isinstance(value, (int, float)):
        raise _CellProblem(f"{value!r} is a number, not a date; format the cell as a date")
    raise _CellProblem(f"{value!r} is not a date")


def _door(text: str, kind: Kind) -> str:
    """The one check of characters and size (audit_tools.text), as a cell's problem."""
    try:
        return check_text(text, kind)
    except ValueError as err:
        raise _CellProblem(str(err)) from None


def _team_cell(value: Any) -> str | None:
    text = _text_cell(value)
    return None if text is None else _door(text, Kind.identifier)


def _worker_cell(value: Any) -> str | None:
    text = _text_cell(value)
    return None if text is None else _door(text, Kind.name)


def _text_cell(value: Any) -> str | None:
    if value is None:
        return None
    if _error_value(value):
        raise _CellProblem(f"{tidy(value)} is an error cell; correct the formula or type the value")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime, date)):
        raise _CellProblem(f"{value.isoformat()} is a date, not a name")
    text = tidy(value)
    return text or None


def child_ref(value: Any) -> str | None:
    """The Child Unique ID as the case reference: a number cell becomes its digits (no `.0`)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise _CellProblem(f"{value} is not a child's id")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        raise _CellProblem(f"{value!r} is not a whole number; a child's id has no decimals")
    if isinstance(value, (datetime, date)):
        raise _CellProblem(f"{value.isoformat()} is a date, not a child's id")
    text = tidy(value)
    if _error_value(text):
        raise _CellProblem(f"{text} is an error cell; correct the formula or type the id")
    if re.fullmatch(r"\d+\.0+", text):  # a number saved as text by some exports
        text = text.split(".")[0]
    return _door(text, Kind.identifier) if text else None


_SEEN_ALONE = {"a": True, "yes": True, "y": True, "b": False, "no": False, "n": False,
               "c": None, "unknown": None}


def seen_alone(value: Any) -> bool | None:
    """`a) Yes` / `b) No` / `c) Unknown` (or the bare words) as True / False / None."""
    if value is None:
        return None
    if _error_value(value):
        raise _CellProblem(f"{tidy(value)} is an error cell; answer a) Yes, b) No or c) Unknown")
    text = tidy(value).casefold()
    if not text:
        return None
    code = re.match(r"^([abc])\)", text)
    if code:
        return _SEEN_ALONE[code.group(1)]
    if text in _SEEN_ALONE:
        return _SEEN_ALONE[text]
    raise _CellProblem(f"{tidy(value)!r} is not an answer; use a) Yes, b) No or c) Unknown")


# --- reading the workbook -----------------------------------------------------------------------


def _recognise(keys: list[str]) -> int | None:
    present = set(keys)
    if header_key(CHILD_ID) not in present:
        return None
    for number, spec in LISTS.items():
        if any(header_key(h) in present for h in spec.signature):
            return number
    return None


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _open(path: Path, name: str):
    from openpyxl import load_workbook

    if not path.exists():
        raise BadInput(f"{name}: no such file")
    if path.is_dir():
        raise BadInput(f"{name}: is a folder, not a workbook")
    try:
        with path.open("rb") as fh:
            magic = fh.read(4)
    except OSError as err:
        raise BadInput(f"{name}: cannot be read ({err.strerror or err})") from None
    if magic != b"PK\x03\x04":
        raise BadInput(f"{name}: is not an XLSX workbook; save the Annex A workbook from the spreadsheet as .xlsx")
    try:
        # data_only: a formula cell is read by the value the spreadsheet saved with it
        return load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise BadInput(f"{name}: is not a readable XLSX workbook ({err})") from None


def read_workbook(path: str | Path, progress: Progress | None = None) -> WorkbookRead:
    """Read every Annex A list in the workbook at `path`; bad cells become row problems.

    Raises BadInput for a file that is not a workbook, has none of Lists 3-9, or has a
    list twice; a bad cell is reported on its row so that the caller may refuse the
    whole file or only those rows.
    """
    path = Path(path)
    name = str(path)
    book = _open(path, name)
    result = WorkbookRead(file=name)
    try:
        sheets = list(book.worksheets)
        total = sum((ws.max_row or 0) for ws in sheets)
        done = 0
        seen: dict[int, str] = {}
        twice: list[str] = []
        for ws in sheets:
            rows = ws.iter_rows(values_only=True)
            header: tuple | None = None
            header_row = 0
            for number, values in enumerate(rows, start=1):
                keys = [header_key(v) for v in values]
                if _recognise(keys) is not None:
                    header, header_row = values, number
                    break
                if number >= HEADER_SEARCH_ROWS:
                    break
            if header is None:
                result.skipped_sheets.append(ws.title)
                done += ws.max_row or 0
                continue
            keys = [header_key(v) for v in header]
            list_number = _recognise(keys)
            assert list_number is not None
            if list_number in seen:
                twice.append(f"{name}: sheets {seen[list_number]!r} and {ws.title!r} both hold List "
                             f"{list_number} ({LISTS[list_number].title}); keep one of them")
                continue
            seen[list_number] = ws.title
            spec = LISTS[list_number]
            read = SheetRead(list_number, ws.title, header_row)
            result.sheets[list_number] = read
            columns: dict[str, int] = {}
            for i, key in enumerate(keys):
                if key and key not in columns:
                    columns[key] = i
            used = {header_key(h) for h in spec.used}
            ignored: list[str] = []
            for value, key in zip(header, keys):
                if key and key not in used and tidy(value) not in ignored:
                    ignored.append(tidy(value))
            read.ignored = ignored
            read.missing = [h for h in spec.used if header_key(h) not in columns]
            _read_rows(rows, header_row, spec, columns, read, result, name)
            done += ws.max_row or 0
            if progress:
                progress(done, total)
        if twice:
            raise BadInput(*twice)
        if not result.sheets:
            raise BadInput(
                f"{name}: no Annex A list found; caseaudit reads Lists 3 to 9, each recognised by its header "
                f"row ({CHILD_ID!r} and, for List 6, {LISTS[6].start!r}, and so on)")
    finally:
        book.close()
    return result


def _read_rows(rows: Iterable[tuple], header_row: int, spec: ListSpec, columns: dict[str, int],
               read: SheetRead, result: WorkbookRead, name: str) -> None:
    def at(header: str) -> int | None:
        return columns.get(header_key(header))

    child_col = at(CHILD_ID)
    start_col = at(spec.start) if spec.start else None
    end_col = at(spec.end) if spec.end else None
    team_col = at(TEAM) if spec.case_list else None
    worker_col = at(WORKER) if spec.case_list else None
    alone_col = at(spec.seen_alone) if spec.seen_alone else None
    event_cols = [(h, kind, at(h)) for h, kind in spec.events]
    event_cols = [(h, kind, c) for h, kind, c in event_cols if c is not None]
    width = len(columns) and max(columns.values()) + 1
    for number, values in enumerate(rows, start=header_row + 1):
        if not any(v is not None and (not isinstance(v, str) or v.strip()) for v in values[:width]):
            continue
        read.rows += 1
        problems: list[str] = []

        def cell(col: int | None, header: str, convert):
            if col is None or col >= len(values):
                return None
            try:
                return convert(values[col])
            except _CellProblem as err:
                problems.append(f"{name}:{read.sheet}!{_column_letter(col)}{number}: {header}: {err}")
                return None

        row = ListRow(spec.number, read.sheet, number, cell(child_col, CHILD_ID, child_ref),
                      f"{_column_letter(child_col)}{number}")
        if row.child is None and not problems:
            problems.append(f"{name}:{read.sheet}!{_column_letter(child_col)}{number}: {CHILD_ID}: "
                            "empty; every row needs the child's id")
        if spec.case_list:
            row.team = cell(team_col, TEAM, _team_cell)
            row.team_cell = f"{_column_letter(team_col)}{number}" if team_col is not None else ""
            row.worker = cell(worker_col, WORKER, _worker_cell)
        if spec.start:
            row.start = cell(start_col, spec.start, _date_cell)
            if row.start is None and start_col is not None and not any(spec.start in p for p in problems):
                problems.append(f"{name}:{read.sheet}!{_column_letter(start_col)}{number}: {spec.start}: "
                                "empty; the case's start date is needed")
        if spec.end:
            row.end = cell(end_col, spec.end, _date_cell)
            if row.start and row.end and row.end < row.start:
                problems.append(f"{name}:{read.sheet}!{_column_letter(end_col)}{number}: {spec.end}: "
                                f"{row.end:%d/%m/%Y} is before the start date {row.start:%d/%m/%Y}")
        alone = cell(alone_col, spec.seen_alone or "", seen_alone) if alone_col is not None else None
        for header, kind, col in event_cols:
            day = cell(col, header, _date_cell)
            if day is None:
                continue
            if kind is EventKind.visit and spec.seen_alone:
                row.events.append(Event(kind=kind, date=day, seen_alone=alone))
            else:
                row.events.append(Event(kind=kind, date=day))
        row.problems = problems
        result.rows.append(row)


# --- deciding what to write ----------------------------------------------------------------------


@dataclass
class ListCounts:
    rows: int = 0
    cases_created: int = 0
    cases_updated: int = 0
    events_added: int = 0
    events_already_stored: int = 0
    refused: int = 0

    def as_json(self) -> dict[str, int]:
        return {"rows": self.rows, "cases_created": self.cases_created, "cases_updated": self.cases_updated,
                "events_added": self.events_added, "events_already_stored": self.events_already_stored,
                "refused": self.refused}


@dataclass
class StoredCase:
    """What the database already holds for a child: the case (without events) and its event keys."""

    case: Case
    event_keys: set[tuple[str, str]] = field(default_factory=set)  # (kind, ISO date)


CASE_FIELDS = ("case_type", "start_date", "team", "worker", "line_manager", "closed_date")


@dataclass
class ImportPlan:
    """What an Annex A import writes, and the summary it reports."""

    file: str
    lists: dict[int, ListCounts] = field(default_factory=dict)
    created: list[Case] = field(default_factory=list)
    updated: list[tuple[Case, dict[str, list]]] = field(default_factory=list)  # case, field -> [before, after]
    events: list[tuple[str, Event]] = field(default_factory=list)
    unmatched_workers: list[str] = field(default_factory=list)
    ignored_columns: dict[int, list[str]] = field(default_factory=dict)
    children_without_case: int = 0
    refused: list[ListRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    teams_added: list[str] = field(default_factory=list)  # set by the import, with --new-teams

    @property
    def cases(self) -> list[Case]:
        return self.created + [c for c, _ in self.updated]

    def as_json(self) -> dict[str, Any]:
        """The `import annex-a --json` document (cli.md)."""
        return {
            "file": self.file,
            "lists": {str(n): c.as_json() for n, c in sorted(self.lists.items())},
            "unmatched_workers": self.unmatched_workers,
            "ignored_columns": {str(n): cols for n, cols in sorted(self.ignored_columns.items())},
            "children_without_case": self.children_without_case,
            "teams_added": self.teams_added,
        }


class WorkerMatcher:
    """A worker's name as written matched to a user by display name or username."""

    def __init__(self, users: Iterable[User]) -> None:
        self.by_username: dict[str, str] = {}
        by_name: dict[str, set[str]] = {}
        for user in users:
            self.by_username[name_key(user.username)] = user.username
            by_name.setdefault(name_key(user.display_name), set()).add(user.username)
        self.by_name = by_name

    def match(self, written: str) -> str | None:
        key = name_key(written)
        if key in self.by_username:
            return self.by_username[key]
        names = self.by_name.get(key, set())
        return next(iter(names)) if len(names) == 1 else None


def _deciding(rows: list[ListRow]) -> ListRow:
    """Of one child's rows on one case list, the open one (else the latest start) decides."""
    return max(rows, key=lambda r: (r.end is None, r.start or date.min, r.row))


def plan_import(
    read: WorkbookRead,
    stored: Mapping[str, StoredCase],
    users: Iterable[User],
    team_managers: Mapping[str, list[str]],
    skip_invalid: bool = False,
    known_teams: Collection[str] | None = None,
) -> ImportPlan:
    """Decide the cases and events to write. Refuses (BadInput, every problem) unless `skip_invalid`.

    `stored` holds the children of this workbook already in the database; `team_managers`
    maps a team to the usernames that manage it (users' `manages`). With `known_teams`, a
    row of any other team is a bad row (a typo must not make a team); without, the plan's
    service adds the teams its cases bring.
    """
    if known_teams is not None:
        for row in read.rows:
            if row.team and row.team not in known_teams:
                row.problems.append(unknown_team(f"{read.file}:{row.sheet}!{row.team_cell}: {TEAM}",
                                                 row.team, known_teams))
    problems = read.problems
    if problems and not skip_invalid:
        raise BadInput(*problems)
    plan = ImportPlan(file=read.file)
    for number, sheet in sorted(read.sheets.items()):
        plan.lists[number] = ListCounts(rows=sheet.rows)
        plan.ignored_columns[number] = list(sheet.ignored)
        optional = {h for h in LISTS[number].used if h not in (CHILD_ID,)}
        for missing in sheet.missing:
            if missing in optional:
                plan.warnings.append(f"{read.file}:{sheet.sheet}: no column {missing!r}; "
                                     "nothing from it was read")
    good: list[ListRow] = []
    for row in read.rows:
        if row.problems:
            plan.refused.append(row)
            plan.lists[row.list_number].refused += 1
        else:
            good.append(row)

    matcher = WorkerMatcher(users)
    unmatched: set[str] = set()
    no_manager: set[str] = set()
    by_child: dict[str, dict[int, list[ListRow]]] = {}
    for row in good:
        by_child.setdefault(row.child or "", {}).setdefault(row.list_number, []).append(row)

    with_case: set[str] = set()
    without_case: set[str] = set()
    for ref, lists in by_child.items():
        deciding_list = next((n for n in PRECEDENCE if n in lists), None)
        old = stored.get(ref)
        if deciding_list is None:
            if old is not None:
                with_case.add(ref)
            continue
        row = _deciding(lists[deciding_list])
        spec = LISTS[deciding_list]
        if spec.start is None:  # List 9: no start date, so only a known child can be updated
            if old is None:
                without_case.add(ref)
                plan.warnings.append(
                    f"{read.file}:{row.sheet}!{row.child_cell}: {CHILD_ID}: care leaver {ref} is not a known case "
                    "and List 9 has no start date; import it with `caseaudit import cases` first")
                continue
            start, closed = old.case.start_date, old.case.closed_date
        else:
            start, closed = row.start, row.end
        worker = None
        if row.worker:
            worker = matcher.match(row.worker)
            if worker is None:
                worker = row.worker
                unmatched.add(row.worker)
        managers = team_managers.get(row.team or "", [])
        if len(managers) == 1:
            line_manager = managers[0]
        else:
            # no known manager: keep the one stored while the team is unchanged
            line_manager = old.case.line_manager if old and old.case.team == row.team else None
            if row.team:
                no_manager.add(row.team)
        case = Case(case_ref=ref, case_type=spec.case_type, start_date=start, team=row.team,
                    worker=worker, line_manager=line_manager, closed_date=closed)
        with_case.add(ref)
        if old is None:
            plan.created.append(case)
            plan.lists[deciding_list].cases_created += 1
            continue
        changes = {f: [_plain(getattr(old.case, f)), _plain(getattr(case, f))]
                   for f in CASE_FIELDS if getattr(old.case, f) != getattr(case, f)}
        if changes:
            plan.updated.append((case, changes))
            plan.lists[deciding_list].cases_updated += 1

    # Events: every list's, once each, for children with a case.
    chosen: dict[tuple[str, EventKind, date], tuple[int, Event]] = {}
    for row in good:
        ref = row.child or ""
        if ref not in with_case:
            if not LISTS[row.list_number].case_list or row.list_number == 9:
                without_case.add(ref)
            continue
        old = stored.get(ref)
        for event in row.events:
            key = (ref, event.kind, event.date)
            if old is not None and (event.kind.value, event.date.isoformat()) in old.event_keys:
                plan.lists[row.list_number].events_already_stored += 1
                continue
            if key in chosen:
                kept = chosen[key][1]
                if kept.seen_alone is None and event.seen_alone is not None:
                    chosen[key] = (chosen[key][0], event)  # the list that answered "seen alone?" wins
                continue
            chosen[key] = (row.list_number, event)
    for (ref, _, _), (number, event) in sorted(chosen.items(), key=lambda kv: (kv[0][0], kv[0][2], kv[0][1].value)):
        plan.events.append((ref, event))
        plan.lists[number].events_added += 1

    plan.children_without_case = len(without_case)
    plan.unmatched_workers = sorted(unmatched)
    plan.warnings += [f"worker {w!r} matches no user by display name or username; kept as written"
                      for w in plan.unmatched_workers]
    plan.warnings += [f"team {t!r} has no single manager (import users with the `manages` column); "
                      "its cases have no line manager from this workbook" for t in sorted(no_manager)]
    return plan


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, CaseType):
        return value.value
    return value


# --- refused rows --------------------------------------------------------------------------


REJECT_COLUMNS = ("sheet", "row", "list", "child_unique_id", "reasons")


def render_rejects(rows: Iterable[ListRow], file: str = "") -> str:
    """The refused rows with their reasons (never a personal column) as CSV text.

    Each reason keeps its `SHEET!CELL: header: reason`; `file`, the workbook, is left off.
    """
    from audit_tools.exporters.safety import neutralise

    fh = io.StringIO(newline="")
    out = csv.writer(fh)
    out.writerow(REJECT_COLUMNS)
    for row in rows:
        reasons = "; ".join(p[len(file) + 1:] if file and p.startswith(f"{file}:") else p
                            for p in row.problems)
        out.writerow([neutralise(row.sheet), row.row, row.list_number,
                      neutralise(row.child or ""), neutralise(reasons)])
    return fh.getvalue()


def write_rejects(out: "str | Path | Output", rows: Iterable[ListRow], file: str = "") -> int:
    """Write the refused rows to the CSV at `out` (a new file unless its `force`); how many."""
    rows = list(rows)
    with output_file(Output.of(out), "refused rows") as tmp:
        tmp.write_text(render_rejects(rows, file), encoding="utf-8", newline="")
    return len(rows)
