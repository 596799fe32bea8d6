"""Which kind of file an import was given, and its raw rows, read as they are needed.

CSV (UTF-8, with or without BOM) and XLSX (the first sheet) give rows of cells; JSON
Lines gives one parsed value a line (importers.jsonlines). A file of another kind (a PDF,
UTF-16 "Unicode text", a workbook renamed .csv) is refused from its first bytes, with one
sentence saying what to save it as. Nothing here holds a whole file in memory: the rows
come one at a time, so an import of any length costs the same memory as a short one.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audit_tools.errors import BadInput
from audit_tools.text import TEXT_LIMIT

CSV_SUFFIXES = {".csv", ".txt"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
ZIP_MAGIC = b"PK\x03\x04"
HEAD = 4096

RawRows = Iterator[tuple[int, list[Any]]]


def read_head(path: Path, name: str) -> bytes:
    """The first bytes of `path`, refusing a missing file, a folder or one that cannot be read."""
    if not path.exists():
        raise BadInput(f"{name}: no such file")
    if path.is_dir():
        raise BadInput(f"{name}: is a folder, not a file")
    try:
        with path.open("rb") as f:
            return f.read(HEAD)
    except OSError as err:
        raise BadInput(f"{name}: cannot be read ({err.strerror or err})") from None


def refuse_other_kinds(head: bytes, name: str, kind: str) -> None:
    """Refuse, from its first bytes, a file that is not text at all."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        # What Excel writes as "Unicode Text": readable, but not what we read; say which to choose.
        raise BadInput(f"{name}: is saved as UTF-16 (\"Unicode\") text; save it as {kind} UTF-8")
    if head.startswith(ZIP_MAGIC) or b"\x00" in head[:HEAD]:
        raise BadInput(f"{name}: is not a {kind} file (it holds binary data); save it as {kind}")


def not_utf8(path: Path, name: str, kind: str) -> BadInput:
    """The refusal of a file that is not UTF-8, naming the first byte that cannot be read."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 3 if read_head(path, name).startswith(codecs.BOM_UTF8) else 0
    position = offset
    with path.open("rb") as f:
        f.seek(offset)
        while chunk := f.read(1 << 16):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as err:
                position += err.start
                break
            position += len(chunk)
    return BadInput(f"{name}: is not UTF-8 text (a byte at position {position - offset} cannot be read); "
                    f"save it as {kind} UTF-8")


def csv_rows(path: Path, name: str, head: bytes) -> RawRows:
    """(row, cells) of a CSV file, numbered as a spreadsheet shows them: a quoted cell running
    over several lines is one row."""
    refuse_other_kinds(head, name, "CSV")
    row = 0
    try:
        with path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
            # strict: a quote left open must not quietly swallow the rest of the file into one cell
            for row, cells in enumerate(csv.reader(text, strict=True), start=1):
                yield row, list(cells)
    except UnicodeDecodeError:
        raise not_utf8(path, name, "CSV") from None
    except OSError as err:
        raise BadInput(f"{name}: cannot be read ({err.strerror or err})") from None
    except csv.Error as err:
        if "unexpected end of data" in str(err):
            raise BadInput(f'{name}:{row + 1}: a quote (") opened on this row is never closed; '
                           "close it or remove it") from None
        if "field larger than field limit" in str(err):  # Python's csv stops at 128 KB a cell
            raise BadInput(f"{name}:{row + 1}: a cell is longer than any field takes "
                           f"(at most {TEXT_LIMIT:,} characters)") from None
        raise BadInput(f"{name}:{row + 1}: cannot be read as CSV ({err})") from None


@dataclass(frozen=True)
class Formula:
    """A formula cell saved without its result (written by a program, never opened in a spreadsheet)."""

    text: str


@dataclass
class Sheet:
    """Which sheet of a workbook was read, to name it when something is wrong with it."""

    title: str
    others: list[str]

    def where(self) -> str:
        if not self.others:
            return ""
        return (f" (caseaudit reads only the first sheet, {self.title!r}; this workbook also has "
                f"{', '.join(repr(o) for o in self.others)}: move the sheet to import to the front)")


def xlsx_rows(path: Path, name: str, head: bytes) -> tuple[RawRows, Sheet]:
    """The first sheet's (row, cells), read a row at a time, and which sheet that is."""
    from openpyxl import load_workbook  # heavy, and only an XLSX import needs it

    if not head.startswith(ZIP_MAGIC):
        raise BadInput(f"{name}: is not an XLSX workbook; save it from the spreadsheet as .xlsx")
    try:
        book = load_workbook(path, read_only=True, data_only=True)
        formulas = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise BadInput(f"{name}: is not a readable XLSX workbook ({err})") from None
    if not book.worksheets:
        book.close()
        formulas.close()
        raise BadInput(f"{name}: the workbook has no sheets")
    sheet = book.worksheets[0]
    info = Sheet(sheet.title, [w.title for w in book.worksheets[1:]])

    def rows() -> RawRows:
        try:
            pairs = zip(sheet.iter_rows(values_only=True), formulas.worksheets[0].iter_rows(values_only=True))
            for number, (values, written) in enumerate(pairs, start=1):
                cells: list[Any] = list(values)
                for i, (value, text) in enumerate(zip(cells, written)):
                    # A formula whose result was never saved reads as empty: say so rather than "empty".
                    if value is None and isinstance(text, str) and text.startswith("="):
                        cells[i] = Formula(text)
                yield number, cells
        finally:
            book.close()
            formulas.close()

    return rows(), info


def cell(value: Any) -> Any:
    """A spreadsheet cell as text (or a date), so every row is checked the same way."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return value  # date, datetime, Formula
