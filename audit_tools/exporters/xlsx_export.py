"""xlsx: a sheet per table, bold frozen headers, number formats and native bar charts.

Written with XlsxWriter in its constant-memory mode: each row goes to the file as it is
written, so the audit and action lists of a council's quarter never sit in memory as cell
objects, and a cell costs a fraction of what openpyxl's write-only mode costs (the same
report at council scale: see README, Performance). Widths, frozen panes and print settings
are set before the first row; charts are placed when the workbook is closed. XlsxWriter
writes formulas only when asked (`write_formula`): every text cell is `write_string`.
"""

from __future__ import annotations

import io
import math
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from audit_tools.exporters.safety import neutralise
from audit_tools.exporters.xlsx_rows import write_rows
from audit_tools.files import Output, output_file
from audit_tools.exporters.tables import DATE, FRACTION, INT, KAPPA, PCT, POINTS, Table, cell_text, human_tables
from audit_tools.quarters import Quarter
from audit_tools.themes import ThemesReport

if TYPE_CHECKING:
    # heavy and only a workbook needs it: not loaded for the other formats
    from xlsxwriter import Workbook

# XlsxWriter ships no type information: a sheet and a cell format are whatever it gives.
Sheet = Any
Format = Any

# Shares are stored as fractions and shown as percentages (0.75 reads 75.0%), as on every
# screen; the figures themselves keep their precision for anyone who calculates with them.
NUMBER_FORMATS = {PCT: "0.0%", FRACTION: "0.0%", KAPPA: "0.00", INT: "0", DATE: "d mmm yyyy",
                  POINTS: "+0.0;-0.0;0.0"}
# A date in a column that is not a date column (none today) still reads as a date.
DEFAULT_DATE_FORMAT = "yyyy-mm-dd"


def _stored(value: Any, kind: str) -> Any:
    """A percentage (0–100) is written as the fraction a percent format shows: 75.0 → 0.75."""
    if kind == PCT and isinstance(value, (int, float)):
        return round(value / 100, 6)
    return value


def __getattr__(name: str) -> Any:
    # XlsxWriter loads when a workbook is first written, not when the exporters are imported:
    # the json, csv and md exports (and start-up) never pay for it.
    if name == "Workbook":
        # heavy and only a workbook needs it: not loaded for the other formats
        from xlsxwriter import Workbook

        return Workbook
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Formats:
    """The workbook's cell formats, each made once (XlsxWriter keeps one per distinct look)."""

    def __init__(self, wb: Workbook) -> None:
        self.bold: Format = wb.add_format({"bold": True})
        self.number: dict[str, Format] = {kind: wb.add_format({"num_format": code})
                                          for kind, code in NUMBER_FORMATS.items()}
        self.date: Format = self.number[DATE]


def _write(ws: Sheet, row: int, col: int, value: Any, kind: str, formats: _Formats,
           bold: bool = False) -> None:
    """One cell: text always as text (neutralised, never a formula), numbers as numbers in
    their column's format, dates as dates; nothing for None."""
    if value is None:
        return
    if isinstance(value, str):
        ws.write_string(row, col, neutralise(value), formats.bold if bold else None)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value)
    elif isinstance(value, (int, float, Decimal)):
        ws.write_number(row, col, _stored(float(value) if isinstance(value, Decimal) else value, kind),
                        formats.number.get(kind))
    elif isinstance(value, date):
        ws.write_datetime(row, col, value, formats.number.get(kind, formats.date))
    else:
        ws.write_string(row, col, neutralise(str(value)))


def _sheet(wb: Workbook, table: Table, formats: _Formats, one_page: bool = False) -> Sheet:
    ws = wb.add_worksheet(table.name[:31])
    _printable(ws, table, one_page)
    for col, column in enumerate(table.columns):
        values = [row[col] for row in table.rows]
        # Each distinct value measured once (by type too: 1 and 1.0 are written differently).
        distinct = dict.fromkeys(zip(map(type, values), values))
        longest = max([len(column.heading), *(len(cell_text(value)) for _, value in distinct)])
        ws.set_column(col, col, min(max(longest + 2, 8), 60))
    ws.freeze_panes(1, 0)
    for col, column in enumerate(table.columns):
        _write(ws, 0, col, column.heading, "text", formats, bold=True)
    write_rows(ws, 1, table.rows, [column.kind for column in table.columns], formats.number.get,
               lambda kind: formats.number.get(kind, formats.date), _stored,
               lambda sheet, row, col, value, kind: _write(sheet, row, col, value, kind, formats))
    return ws


# A4 in centimetres, less margins: the width a chart may take to print on the page with its table.
PRINT_WIDTH_CM = 17.0
PIXELS_PER_CM = 96 / 2.54  # XlsxWriter sizes charts in pixels at 96 dpi


def _bar_chart(wb: Workbook, ws: Sheet, table: Table, title: str, y_title: str, category: str,
               series: list[tuple[str, str]], horizontal: bool = False, y_max: float | None = None) -> None:
    """This quarter against the previous one, placed under the table so both print on one
    page: a horizontal bar per category (one standard a row, its title beside it, in table
    order) or columns; the legend under the plot, where it covers nothing and is not cut."""
    if not table.rows:
        return
    chart = wb.add_chart({"type": "bar" if horizontal else "column", "subtype": "clustered"})
    chart.set_title({"name": title})
    chart.set_legend({"position": "bottom"})
    values: dict[str, Any] = {"name": y_title}
    if y_max is not None:
        # A percentage axis stops at 100%: a spreadsheet's automatic 120 reads as an error.
        values.update({"min": 0, "max": y_max, "num_format": "0%"})
    categories: dict[str, Any] = {"reverse": True} if horizontal else {}  # the table's first row at the top
    # XlsxWriter's x axis is the horizontal one: a bar chart's values, a column chart's categories.
    if horizontal:
        chart.set_x_axis(values)
        chart.set_y_axis(categories)
    else:
        chart.set_x_axis(categories)
        chart.set_y_axis(values)
    rows = len(table.rows)
    height_cm = max(7.5, 1.0 * rows + 4) if horizontal else 9
    chart.set_size({"width": round(PRINT_WIDTH_CM * PIXELS_PER_CM), "height": round(height_cm * PIXELS_PER_CM)})
    cat = table.headers.index(category)
    for header, label in series:
        col = table.headers.index(header)  # by the column's name: the heading is for people
        chart.add_series({"name": label, "categories": [ws.name, 1, cat, rows, cat],
                          "values": [ws.name, 1, col, rows, col]})
    ws.insert_chart(rows + 3, 0, chart)
    # The table and the chart under it are what prints (a row is about 0.5 cm high).
    ws.print_area(0, 0, rows + 4 + math.ceil(height_cm / 0.5), len(table.columns) - 1)


def _printable(ws: Sheet, table: Table, one_page: bool = False) -> None:
    """Printed as a person would: landscape when wide, every column on the page width, the
    heading row repeated on each page; `one_page` fits the table and its chart on one page."""
    if len(table.columns) > 6:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 1 if one_page else 0)  # 0: as many pages tall as the rows need
    ws.repeat_rows(0)


def _write_workbook(report: ThemesReport, target: str | BinaryIO) -> None:
    # heavy and only a workbook needs it: not loaded for the other formats
    from xlsxwriter import Workbook
    from xlsxwriter.exceptions import FileCreateError

    in_memory = not isinstance(target, str)
    wb = Workbook(target, {"constant_memory": not in_memory, "in_memory": in_memory,
                           "default_date_format": DEFAULT_DATE_FORMAT})
    formats = _Formats(wb)
    about = wb.add_worksheet("report")
    about.set_column(0, 0, 20)
    about.set_column(1, 1, 28)
    for number, (key, value) in enumerate([
        ("report", "Quarterly themes report"),
        ("quarter", report.label),
        ("from", report.from_),
        ("to", report.to),
        ("previous quarter", Quarter.parse(report.previous.quarter).label),
        ("free text included", "yes" if report.include_notes else "no"),
        *([("history head", report.history_head)] if report.history_head else []),
    ]):
        _write(about, number, 0, key, "text", formats, bold=True)
        _write(about, number, 1, value, DATE if isinstance(value, date) else "text", formats)

    this, before = report.label, Quarter.parse(report.previous.quarter).label
    for table in human_tables(report):
        ws = _sheet(wb, table, formats, one_page=table.name in ("standards", "grades"))
        if table.name == "standards":
            _bar_chart(wb, ws, table, "% met by standard", "% met", "title",
                       [("pct_met", this), ("previous_pct_met", before)], horizontal=True, y_max=1)
        elif table.name == "grades":
            _bar_chart(wb, ws, table, "Grades after moderation", "audits", "grade",
                       [("audits", this), ("previous_audits", before)])
    try:
        wb.close()
    except FileCreateError as err:  # XlsxWriter's wrapper of the OSError that stopped it
        cause = err.args[0] if err.args else None
        raise cause if isinstance(cause, OSError) else OSError(str(err)) from None


def workbook_bytes(report: ThemesReport) -> bytes:
    """The workbook as bytes, for a download (nothing written to disk)."""
    buffer = io.BytesIO()
    _write_workbook(report, buffer)
    return buffer.getvalue()


def write_xlsx(report: ThemesReport, out: Output) -> Path:
    with output_file(out, "report") as tmp:
        _write_workbook(report, str(tmp))
    return out.path
