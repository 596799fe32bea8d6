"""A CSV or XLSX file as a header and rows of cells keyed by the header's column names.

`TableRows` reads the rows after the header one at a time (an events file of any length
costs one row's memory); `read_table` collects them, for the files that are short by
nature (users, cases). The header is checked on opening: unknown, unnamed, repeated or
missing columns are refused together, before any row is read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audit_tools.errors import BadInput
from audit_tools.importers.formats import (
    CSV_SUFFIXES,
    XLSX_SUFFIXES,
    Formula,
    RawRows,
    Sheet,
    cell,
    csv_rows,
    read_head,
    xlsx_rows,
)
from audit_tools.importers.rows import TableSpec

Cells = dict[str, Any]


@dataclass
class Table:
    """A CSV or XLSX file as rows of cells, keyed by the header's column names."""

    name: str
    header: list[str]
    rows: list[tuple[int, Cells]] = field(default_factory=list)


def _delimiter_hint(header: list[str]) -> str:
    """When the one "column" is really several joined by ; or a tab (a spreadsheet's regional CSV)."""
    if len([h for h in header if h]) == 1:
        for mark, word in ((";", "semicolons"), ("\t", "tabs")):
            if mark in header[0]:
                return f"; the columns are separated by {word}: save the file as comma-separated CSV"
    return ""


def _raw(path: Path, name: str, spec: TableSpec) -> tuple[RawRows, Sheet]:
    head = read_head(path, name)
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return xlsx_rows(path, name, head)
    if suffix in CSV_SUFFIXES:
        return csv_rows(path, name, head), Sheet("", [])
    raise BadInput(
        f"{name}: not a CSV or XLSX file; {spec.what} are imported from a .csv or .xlsx file "
        f"with the columns {', '.join(spec.columns)}"
    )


def _filled(raw: RawRows, text_only: bool = False) -> RawRows:
    """The rows with a value in some cell, each cell as text (or a date). `text_only`: every
    cell is text (a CSV file), so each is only trimmed, as `cell` would."""
    for number, cells in raw:
        values = [v.strip() or None for v in cells] if text_only else [cell(v) for v in cells]
        if any(v is not None for v in values):
            yield number, values


def _header_problems(name: str, number: int, header: list[str], spec: TableSpec, sheet: Sheet) -> list[str]:
    known = set(spec.columns)
    if not known.intersection(header):
        return [f"{name}:{number}: no header row; the first row must name the columns "
                f"{', '.join(spec.columns)}{_delimiter_hint(header)}{sheet.where()}"]
    problems: list[str] = []
    unknown = [h for h in header if h and h not in known]
    if unknown:
        problems.append(
            f"{name}:{number}: unknown column{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(unknown)}; the columns are {', '.join(spec.columns)}"
        )
    if "" in header:
        problems.append(f"{name}:{number}: column {header.index('') + 1} has no name; name it or delete it")
    twice = sorted({h for h in header if h and header.count(h) > 1})
    if twice:
        problems.append(f"{name}:{number}: column {', '.join(twice)} appears more than once")
    missing = [c for c in spec.required if c not in header]
    if missing:
        problems.append(
            f"{name}:{number}: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)}; the header row must name {', '.join(spec.required)}"
        )
    return problems


class TableRows:
    """The rows of a CSV (UTF-8, with or without BOM) or XLSX (first sheet) file with a header row.

    Opening refuses, with one sentence, a missing or unreadable file, one of another kind,
    an empty one, one without the header row, unknown or missing columns. Iterating gives
    (row number, cells by column) for each row after the header; a row the file itself
    gets wrong (a cell beyond the last column, a formula without its result) stops the
    rows but not the reading, and at the end every such row is refused at once, as is a
    file with a header and no rows.
    """

    def __init__(self, path: str | Path, spec: TableSpec) -> None:
        self.path = Path(path)
        self.name = str(self.path)
        self.spec = spec
        raw, sheet = _raw(self.path, self.name, spec)
        self._sheet = self.path.suffix.lower() in XLSX_SUFFIXES  # only a workbook holds formulas
        self._rows = _filled(raw, text_only=not self._sheet)
        first = next(self._rows, None)
        if first is None:
            what = f"the first sheet {sheet.title!r} is empty" if sheet.others else "the file is empty"
            raise BadInput(
                f"{self.name}: {what}; it needs a header row naming the columns "
                f"{', '.join(spec.columns)} and one row per {spec.what[:-1]}{sheet.where()}"
            )
        number, cells = first
        header = [str(v).strip().lower() if v is not None and not isinstance(v, Formula) else "" for v in cells]
        while header and not header[-1]:  # blank cells after the last heading are not columns
            header.pop()
        problems = _header_problems(self.name, number, header, spec, sheet)
        if problems:
            raise BadInput(*problems)
        self.header = header

    def count(self) -> int:
        """How many rows follow the header (one quick pass of the file, for progress)."""
        raw, _ = _raw(self.path, self.name, self.spec)
        return sum(1 for _ in _filled(raw, text_only=not self._sheet)) - 1

    def __iter__(self) -> Iterator[tuple[int, Cells]]:
        name, header = self.name, self.header
        problems: list[str] = []
        rows, width = 0, len(header)
        for number, cells in self._rows:
            rows += 1
            beyond = [i for i, v in enumerate(cells[width:], start=width) if v is not None]
            if beyond:
                problems.append(
                    f"{name}:{number}: column {beyond[0] + 1}: {cells[beyond[0]]!s:.40} is beyond the "
                    f"last named column ({header[-1]}); the header names {len(header)} columns: "
                    "remove the stray cell or name its column"
                )
                continue
            if self._sheet:
                for column, value in zip(header, cells):
                    if isinstance(value, Formula):
                        problems.append(
                            f"{name}:{number}: {column}: the cell holds the formula {value.text} but no saved "
                            "result; open the workbook in a spreadsheet program and save it, or type the value"
                        )
            if not problems:
                yield number, {h: v for h, v in zip(header, cells) if v is not None}
        if problems:
            raise BadInput(*problems)
        if not rows:
            raise BadInput(f"{name}: the file has a header row but no {self.spec.what} to import")


def read_table(path: str | Path, spec: TableSpec) -> Table:
    """A whole CSV or XLSX file with a header row (see `TableRows`), for a file short by nature."""
    rows = TableRows(path, spec)
    return Table(name=rows.name, header=rows.header, rows=list(rows))
