"""A long table's rows written straight into a constant-memory worksheet's row file.

XlsxWriter spends about 10 µs of Python on each cell: its checks, a cell object kept until
the row is done, then the cell's XML. At a council's quarter (15,000 audit and action rows,
110,000 cells) that was most of the xlsx report's time. In constant-memory mode a finished
row is only text in the sheet's row file, so `write_rows` writes a plain row's XML there
itself, exactly as XlsxWriter writes it, and keeps the sheet's dimensions as XlsxWriter
does. Any row it would not write the same way (a workbook not in constant-memory mode, a
string XlsxWriter escapes or marks, a value of another kind) and each table's last row go
through `write_cell`, XlsxWriter's own path: tests/exporters/test_xlsx_rows.py checks that
both give the same bytes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from xlsxwriter.utility import xl_col_to_name

from audit_tools.exporters.safety import neutralise

Sheet = Any  # XlsxWriter ships no type information
Format = Any
CellWriter = Callable[[Sheet, int, int, Any, str], None]

# What XlsxWriter writes differently from a plain inline string: control characters and
# its own _xHHHH_ escapes, non-characters, leading or trailing white space (xml:space),
# and text that looks like a rich string.
_SPECIAL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$|^<r>")
_LONGEST_PLAIN = 32767 // 2  # XlsxWriter measures longer strings in UTF-16 units and may cut them
_LAST_ROW = 1_048_575


def _inline(value: str) -> str:
    """`value` neutralised and escaped as XlsxWriter writes a plain inline string, or "" when
    XlsxWriter would write it another way."""
    text = neutralise(value)
    if not text or len(text) > _LONGEST_PLAIN or _SPECIAL.search(text):
        return ""
    return str(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def _plain(ws: Sheet) -> bool:
    """Whether the sheet is one whose rows this module can write as XlsxWriter would."""
    return bool(getattr(ws, "constant_memory", False)) and all(
        hasattr(ws, name) for name in ("_write_single_row", "fh", "previous_row", "dim_rowmax",
                                       "dim_colmin", "dim_colmax", "row_info", "_convert_date_time",
                                       "default_row_height", "original_row_height", "excel_version"))


def write_rows(ws: Sheet, first: int, rows: Sequence[Sequence[Any]], kinds: Sequence[str],
               number_format: Callable[[str], Format | None], date_format: Callable[[str], Format],
               stored: Callable[[Any, str], Any], write_cell: CellWriter) -> None:
    """Rows `first`, `first + 1`, ... of `ws`: text (neutralised) as inline strings, numbers
    in their column's format (`stored` says what is written), dates as dates, nothing for
    None; the same bytes as `write_cell` for each value."""
    count = len(rows)
    fast = _plain(ws) and ws.default_row_height == ws.original_row_height and ws.excel_version != 2010
    names = [xl_col_to_name(col) for col in range(max((len(r) for r in rows), default=0))]
    xf: dict[str, str] = {}  # kind -> ' s="N"' of its number format, once XlsxWriter has numbered it
    days: dict[date, str] = {}
    strings: dict[str, str] = {}

    def style(fmt: Format | None, kind: str) -> str:
        # A format is numbered on first use, in the order cells are written: as XlsxWriter does.
        if fmt is None:
            return ""
        if kind not in xf:
            xf[kind] = f' s="{fmt._get_xf_index()}"'
        return xf[kind]

    for offset, row in enumerate(rows):
        number = first + offset
        cells = None
        if fast and offset < count - 1 and number <= _LAST_ROW and number not in ws.row_info:
            ws._write_single_row(number)  # the row before, if XlsxWriter holds one, goes first
            cells = _row_xml(ws, number, row, kinds, names, number_format, date_format, stored, style, days, strings)
        if cells is None:
            for col, value in enumerate(row):
                write_cell(ws, number, col, value, kinds[col])
            continue
        columns = [col for col, value in enumerate(row) if value is not None]
        if columns:
            ws.dim_rowmax = number if ws.dim_rowmax is None else max(ws.dim_rowmax, number)
            if ws.dim_rowmin is None:
                ws.dim_rowmin = number
            ws.dim_colmin = columns[0] if ws.dim_colmin is None else min(ws.dim_colmin, columns[0])
            ws.dim_colmax = columns[-1] if ws.dim_colmax is None else max(ws.dim_colmax, columns[-1])
            ws.fh.write(f'<row r="{number + 1}">{cells}</row>')


def _row_xml(ws: Sheet, number: int, row: Sequence[Any], kinds: Sequence[str], names: list[str],
             number_format: Callable[[str], Format | None], date_format: Callable[[str], Format],
             stored: Callable[[Any, str], Any], style: Callable[[Format | None, str], str],
             days: dict[date, str], strings: dict[str, str]) -> str | None:
    """The row's cells as XlsxWriter writes them, or None when one of them is not plain."""
    parts = []
    ref = str(number + 1)
    for col, value in enumerate(row):
        if value is None:
            continue
        kind = kinds[col]
        if isinstance(value, str):
            text = strings.get(value)
            if text is None:  # each distinct text is neutralised and escaped once
                text = strings[value] = _inline(value)
            if not text:
                return None
            parts.append(f'<c r="{names[col]}{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
        elif isinstance(value, bool):
            return None
        elif isinstance(value, (int, float, Decimal)):
            figure = stored(float(value) if isinstance(value, Decimal) else value, kind)
            if isinstance(figure, float) and not math.isfinite(figure):
                return None
            parts.append(f'<c r="{names[col]}{ref}"{style(number_format(kind), kind)}><v>{figure:.16G}</v></c>')
        elif isinstance(value, date) and not isinstance(value, datetime):
            day = days.get(value)
            if day is None:
                day = days[value] = f"{ws._convert_date_time(value):.16G}"
            parts.append(f'<c r="{names[col]}{ref}"{style(date_format(kind), "date " + kind)}><v>{day}</v></c>')
        else:
            return None
    return "".join(parts)
