"""Reading an Annex A workbook: each sheet recognised by its headers, every used cell checked.

A bad cell becomes its row's problem, named `FILE:SHEET!CELL: header: reason`; a file that
is not a workbook, has none of Lists 3-9 or holds a list twice is refused as a whole.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from audit_tools.annex_a.cells import (
    CellProblem, HEADER_SEARCH_ROWS, child_ref, date_cell, header_key, seen_alone, team_cell, tidy, worker_cell,
)
from audit_tools.annex_a.lists import CHILD_ID, LISTS, TEAM, WORKER, ListRow, ListSpec, SheetRead, WorkbookRead
from audit_tools.errors import BadInput
from audit_tools.models import Event, EventKind

if TYPE_CHECKING:
    from openpyxl import Workbook

Progress = Callable[[int, int], None]
_T = TypeVar("_T")



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


def _open(path: Path, name: str) -> Workbook:
    from openpyxl import load_workbook  # lazy: openpyxl is heavy, needed only to read a workbook

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
            header: tuple[Any, ...] | None = None
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


def _read_rows(rows: Iterable[tuple[Any, ...]], header_row: int, spec: ListSpec, columns: dict[str, int],
               read: SheetRead, result: WorkbookRead, name: str) -> None:
    def at(header: str) -> int | None:
        return columns.get(header_key(header))

    child_col = at(CHILD_ID)
    assert child_col is not None  # a sheet is recognised by its Child Unique ID column
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

        def cell(col: int | None, header: str, convert: Callable[[Any], _T]) -> _T | None:
            if col is None or col >= len(values):
                return None
            try:
                return convert(values[col])
            except CellProblem as err:
                problems.append(f"{name}:{read.sheet}!{_column_letter(col)}{number}: {header}: {err}")
                return None

        row = ListRow(spec.number, read.sheet, number, cell(child_col, CHILD_ID, child_ref),
                      f"{_column_letter(child_col)}{number}")
        if row.child is None and not problems:
            problems.append(f"{name}:{read.sheet}!{_column_letter(child_col)}{number}: {CHILD_ID}: "
                            "empty; every row needs the child's id")
        if spec.case_list:
            row.team = cell(team_col, TEAM, team_cell)
            row.team_cell = f"{_column_letter(team_col)}{number}" if team_col is not None else ""
            row.worker = cell(worker_col, WORKER, worker_cell)
        if spec.start:
            row.start = cell(start_col, spec.start, date_cell)
            if row.start is None and start_col is not None and not any(spec.start in p for p in problems):
                problems.append(f"{name}:{read.sheet}!{_column_letter(start_col)}{number}: {spec.start}: "
                                "empty; the case's start date is needed")
        if spec.end:
            row.end = cell(end_col, spec.end, date_cell)
            if row.start and row.end and end_col is not None and row.end < row.start:
                problems.append(f"{name}:{read.sheet}!{_column_letter(end_col)}{number}: {spec.end}: "
                                f"{row.end:%d/%m/%Y} is before the start date {row.start:%d/%m/%Y}")
        alone = cell(alone_col, spec.seen_alone or "", seen_alone) if alone_col is not None else None
        for header, kind, col in event_cols:
            day = cell(col, header, date_cell)
            if day is None:
                continue
            if kind is EventKind.visit and spec.seen_alone:
                row.events.append(Event(kind=kind, date=day, seen_alone=alone))
            else:
                row.events.append(Event(kind=kind, date=day))
        row.problems = problems
        result.rows.append(row)

