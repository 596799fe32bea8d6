"""The references of an inspection pack: case refs or Annex A Child Unique IDs, matched as
the Annex A import matches them, from a file, a list or a pasted box."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from audit_tools.annex_a import CHILD_ID, child_ref, header_key
from audit_tools.errors import BadInput

REFERENCE_HEADERS = {header_key("case_ref"), header_key(CHILD_ID)}

def reference(value: Any) -> str | None:
    """A reference as the Annex A import would store it as a case ref (None when blank)."""
    try:
        return child_ref(value)
    except Exception as err:  # annex_a's cell problem: say which value
        raise BadInput(f"reference {value!r}: {err}") from None


def references(values: list[Any]) -> list[str]:
    """The references in the order given, each once."""
    out: list[str] = []
    for value in values:
        ref = reference(value)
        if ref and ref not in out:
            out.append(ref)
    return out


def _column(rows: list[list[Any]], name: str) -> list[Any] | None:
    """The values under a `case_ref` or `Child Unique ID` header in the first row, if it has one."""
    if not rows:
        return None
    keys = [header_key(c) for c in rows[0]]
    for i, key in enumerate(keys):
        if key in REFERENCE_HEADERS:
            return [row[i] if i < len(row) else None for row in rows[1:]]
    if len([k for k in keys if k]) > 1:
        raise BadInput(f"{name}: no case_ref or {CHILD_ID} column in the first row "
                       f"(found {', '.join(str(c) for c in rows[0] if c)})")
    return None


def read_references(path: str | Path) -> list[str]:
    """References from a CSV/XLSX file with a `case_ref` or `Child Unique ID` column, or one a line."""
    file = Path(path)
    name = str(file)
    if not file.is_file():
        raise BadInput(f"{name}: no such file" if not file.exists() else f"{name}: is a folder, not a file")
    data = file.read_bytes()
    rows: list[list[Any]]
    if data.startswith(b"PK\x03\x04"):
        from openpyxl import load_workbook  # lazy: openpyxl is heavy, needed only for a workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as err:
            raise BadInput(f"{name}: is not a readable XLSX workbook ({err})") from None
        try:
            rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)] if book.worksheets else []
        finally:
            book.close()
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise BadInput(f"{name}: is not UTF-8 text; save it as CSV UTF-8 or one reference a line") from None
        rows = [r for r in csv.reader(io.StringIO(text, newline=""))]
    column = _column(rows, name)
    values = column if column is not None else [r[0] if r else None for r in rows]
    found = references(values)
    if not found:
        raise BadInput(f"{name}: holds no references; give a case_ref or {CHILD_ID} column, or one a line")
    return found


def split_references(text: str) -> list[str]:
    """References pasted into a box: one a line, or separated by commas, semicolons, tabs or spaces."""
    return references([part for part in re.split(r"[\s,;]+", text or "") if part])
