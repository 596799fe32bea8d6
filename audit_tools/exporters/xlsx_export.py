"""xlsx: a sheet per table, bold frozen headers, number formats and native bar charts.

Written in openpyxl's write-only mode: rows stream to the file instead of a cell object
each living in memory, which matters for the audit and action lists at council scale.
Write-only sheets still take charts (`add_chart`), frozen panes and column widths, as
long as widths and panes are set before the first row is appended.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from audit_tools.exporters.safety import atomic_file, neutralise
from audit_tools.exporters.tables import DATE, FRACTION, INT, KAPPA, PCT, Table, cell_text, human_tables
from audit_tools.quarters import Quarter
from audit_tools.themes import ThemesReport

# Shares are stored as fractions and shown as percentages (0.75 reads 75.0%), as on every
# screen; the figures themselves keep their precision for anyone who calculates with them.
NUMBER_FORMATS = {PCT: "0.0%", FRACTION: "0.0%", KAPPA: "0.00", INT: "0", DATE: "d mmm yyyy"}


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
def _bold():
    from openpyxl.styles import Font

    return Font(bold=True)


def _cell(ws, value: Any, kind: str, bold: bool = False) -> Any:
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


def _sheet(wb: Workbook, table: Table):
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(table.name[:31])
    for col, column in enumerate(table.columns, start=1):
        longest = max([len(column.heading)] + [len(cell_text(row[col - 1])) for row in table.rows])
        ws.column_dimensions[get_column_letter(col)].width = min(max(longest + 2, 8), 60)
    ws.freeze_panes = "A2"
    ws.append([_cell(ws, column.heading, "text", bold=True) for column in table.columns])
    for row in table.rows:
        ws.append([_cell(ws, value, column.kind) for value, column in zip(row, table.columns)])
    return ws


def _bar_chart(ws, table: Table, title: str, y_title: str, category: str,
               series: list[tuple[str, str]], anchor: str, y_max: float | None = None) -> None:
    """Columns of this quarter against the previous one, one category per row."""
    if not table.rows:
        return
    from openpyxl.chart import BarChart, Reference, Series

    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = title
    chart.y_axis.title = y_title
    # openpyxl 3.1 hides both axes unless told otherwise.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    if y_max is not None:
        # A percentage axis stops at 100: a spreadsheet's automatic 120 reads as an error.
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = y_max
        chart.y_axis.number_format = "0%"
    chart.height, chart.width = 9, max(16, len(table.rows) * 1.6)
    last = len(table.rows) + 1
    for header, label in series:
        col = table.headers.index(header) + 1  # by the column's name: the heading is for people
        chart.append(Series(Reference(ws, min_col=col, min_row=2, max_row=last), title=label))
    cat = table.headers.index(category) + 1
    chart.set_categories(Reference(ws, min_col=cat, min_row=2, max_row=last))
    ws.add_chart(chart, anchor)


def build_workbook(report: ThemesReport) -> Workbook:
    """A write-only workbook: save it once (write_xlsx); it cannot be read back in memory."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

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
        ws = _sheet(wb, table)
        anchor = f"{get_column_letter(len(table.columns) + 2)}2"
        if table.name == "standards":
            _bar_chart(ws, table, "% met by standard", "% met", "title",
                       [("pct_met", this), ("previous_pct_met", before)], anchor, y_max=1)
        elif table.name == "grades":
            _bar_chart(ws, table, "Grades after moderation", "audits", "grade",
                       [("audits", this), ("previous_audits", before)], anchor)
    return wb


def write_xlsx(report: ThemesReport, path: Path) -> Path:
    wb = build_workbook(report)
    try:
        with atomic_file(path) as tmp:
            wb.save(tmp)
    except BaseException:
        # A write-only sheet streams into a temporary file: finish it, so nothing is left open.
        for ws in wb.worksheets:
            if not ws.closed:
                ws.close()
        raise
    return Path(path)
