"""xlsx: a sheet per table, bold frozen headers, number formats and native bar charts.

Written in openpyxl's write-only mode: rows stream to the file instead of a cell object
each living in memory, which matters for the audit and action lists at council scale.
Write-only sheets still take charts (`add_chart`), frozen panes and column widths, as
long as widths and panes are set before the first row is appended.
"""

from __future__ import annotations

import math
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audit_tools.exporters.safety import neutralise
from audit_tools.files import Output, output_file
from audit_tools.exporters.tables import DATE, FRACTION, INT, KAPPA, PCT, POINTS, Table, cell_text, human_tables
from audit_tools.quarters import Quarter
from audit_tools.themes import ThemesReport

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.styles import Font

# openpyxl ships no type information: a sheet is whatever openpyxl gives.
Sheet = Any

# Shares are stored as fractions and shown as percentages (0.75 reads 75.0%), as on every
# screen; the figures themselves keep their precision for anyone who calculates with them.
NUMBER_FORMATS = {PCT: "0.0%", FRACTION: "0.0%", KAPPA: "0.00", INT: "0", DATE: "d mmm yyyy",
                  POINTS: "+0.0;-0.0;0.0"}


def _stored(value: Any, kind: str) -> Any:
    """A percentage (0–100) is written as the fraction a percent format shows: 75.0 → 0.75."""
    if kind == PCT and isinstance(value, (int, float)):
        return round(value / 100, 6)
    return value


def __getattr__(name: str) -> Any:
    # openpyxl loads when a workbook is first built, not when the exporters are imported:
    # the json, csv and md exports (and start-up) never pay for it.
    if name == "Workbook":
        from openpyxl import Workbook

        return Workbook
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def _bold() -> Font:
    from openpyxl.styles import Font

    return Font(bold=True)


def _cell(ws: Sheet, value: Any, kind: str, bold: bool = False) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if not bold and (value is None or isinstance(value, str)):
        # Plain text needs no cell object of its own (most of the audit and action lists):
        # neutralised text never starts with "=", so openpyxl keeps it as text, not a formula.
        return neutralise(value)
    if isinstance(value, str):
        cell = WriteOnlyCell(ws)
        cell.value = neutralise(value)
        cell.data_type = "s"  # never let openpyxl take text for a formula
    else:
        cell = WriteOnlyCell(ws, value=_stored(value, kind))
        if value is not None and kind in NUMBER_FORMATS:
            cell.number_format = NUMBER_FORMATS[kind]
    if bold:
        cell.font = _bold()
    return cell


def _sheet(wb: Workbook, table: Table, one_page: bool = False) -> Sheet:
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(table.name[:31])
    _printable(ws, table, one_page)  # the sheet's properties are written with its first row
    for col, column in enumerate(table.columns, start=1):
        longest = max([len(column.heading)] + [len(cell_text(row[col - 1])) for row in table.rows])
        ws.column_dimensions[get_column_letter(col)].width = min(max(longest + 2, 8), 60)
    ws.freeze_panes = "A2"
    ws.append([_cell(ws, column.heading, "text", bold=True) for column in table.columns])
    for row in table.rows:
        ws.append([_cell(ws, value, column.kind) for value, column in zip(row, table.columns)])
    return ws


# A4 in centimetres, less margins: the width a chart may take to print on the page with its table.
PRINT_WIDTH_CM = 17.0


def _bar_chart(ws: Sheet, table: Table, title: str, y_title: str, category: str,
               series: list[tuple[str, str]], horizontal: bool = False, y_max: float | None = None) -> None:
    """This quarter against the previous one, placed under the table so both print on one
    page: a horizontal bar per category (one standard a row, its title beside it, in table
    order) or columns; the legend under the plot, where it covers nothing and is not cut."""
    if not table.rows:
        return
    from openpyxl.chart import BarChart, Reference, Series

    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.grouping = "clustered"
    chart.title = title
    chart.y_axis.title = y_title
    # openpyxl 3.1 hides both axes unless told otherwise.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    if horizontal:
        chart.x_axis.scaling.orientation = "maxMin"  # the first row of the table at the top
    if y_max is not None:
        # A percentage axis stops at 100%: a spreadsheet's automatic 120 reads as an error.
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = y_max
        chart.y_axis.number_format = "0%"
    rows = len(table.rows)
    chart.width = PRINT_WIDTH_CM
    chart.height = max(7.5, 1.0 * rows + 4) if horizontal else 9
    last = rows + 1
    for header, label in series:
        col = table.headers.index(header) + 1  # by the column's name: the heading is for people
        chart.append(Series(Reference(ws, min_col=col, min_row=2, max_row=last), title=label))
    cat = table.headers.index(category) + 1
    chart.set_categories(Reference(ws, min_col=cat, min_row=2, max_row=last))
    ws.add_chart(chart, f"A{last + 3}")
    # The table and the chart under it are what prints (a row is about 0.5 cm high).
    from openpyxl.utils import get_column_letter

    ws.print_area = f"A1:{get_column_letter(len(table.columns))}{last + 3 + math.ceil(chart.height / 0.5) + 1}"


def _printable(ws: Sheet, table: Table, one_page: bool = False) -> None:
    """Printed as a person would: landscape when wide, every column on the page width, the
    heading row repeated on each page; `one_page` fits the table and its chart on one page.
    Set before the first row is appended: a write-only sheet writes its properties then."""
    wide = len(table.columns) > 6
    ws.page_setup.orientation = "landscape" if wide else "portrait"
    ws.page_setup.paperSize = "9"  # A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0  # 0: as many pages tall as the rows need
    ws.print_title_rows = "1:1"


def build_workbook(report: ThemesReport) -> Workbook:
    """A write-only workbook: save it once (write_xlsx); it cannot be read back in memory."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    about = wb.create_sheet("report")
    about.column_dimensions["A"].width = 20
    about.column_dimensions["B"].width = 28
    for key, value in [
        ("report", "Quarterly themes report"),
        ("quarter", report.label),
        ("from", report.from_),
        ("to", report.to),
        ("previous quarter", Quarter.parse(report.previous.quarter).label),
        ("free text included", "yes" if report.include_notes else "no"),
        *([("history head", report.history_head)] if report.history_head else []),
    ]:
        about.append([_cell(about, key, "text", bold=True),
                      _cell(about, value, DATE if isinstance(value, date) else "text")])

    this, before = report.label, Quarter.parse(report.previous.quarter).label
    for table in human_tables(report):
        ws = _sheet(wb, table, one_page=table.name in ("standards", "grades"))
        if table.name == "standards":
            _bar_chart(ws, table, "% met by standard", "% met", "title",
                       [("pct_met", this), ("previous_pct_met", before)], horizontal=True, y_max=1)
        elif table.name == "grades":
            _bar_chart(ws, table, "Grades after moderation", "audits", "grade",
                       [("audits", this), ("previous_audits", before)])
    return wb


def write_xlsx(report: ThemesReport, out: Output) -> Path:
    wb = build_workbook(report)
    try:
        with output_file(out, "report") as tmp:
            wb.save(tmp)
    except BaseException:
        # A write-only sheet streams into a temporary file: finish it, so nothing is left open.
        for ws in wb.worksheets:
            if not ws.closed:
                ws.close()
        raise
    return out.path
