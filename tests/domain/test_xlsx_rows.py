"""A long table's rows written straight into the sheet's row file are the bytes XlsxWriter
itself writes for them, whatever the values (audit_tools.exporters.xlsx_rows)."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from xlsxwriter import Workbook

from audit_tools.exporters import xlsx_export, xlsx_rows
from audit_tools.exporters.tables import DATE, FRACTION, INT, PCT, TEXT, Column, Table

COLUMNS = [Column("a", TEXT), Column("n", INT), Column("p", PCT), Column("f", FRACTION), Column("d", DATE),
           Column("t", TEXT)]

ROWS = [
    ["A-000001", 3, 75.0, 0.3333, date(2024, 10, 1), "plain words"],
    ["A-000002", 0, None, None, None, None],
    ["fish & <chips> \"quoted\"", -2, 12.25, Decimal("0.5"), date(1900, 1, 1), "=SUM(A1:A2)"],
    [" leading space", 10**12, 100.0, 1.0, date(2024, 12, 31), "trailing space "],
    ["a\x1bescape", 7, 0.1, 0.0001, date(2025, 3, 31), "line\nbreak\tand tab"],
    ["_x0041_ looks escaped", 1, 33.3, 0.25, date(2024, 2, 29), "plain"],
    ["A-000006", 1, 33.3, 0.25, date(2024, 2, 29), "<r>looks rich</r>"],
    ["", 2, 50.0, 0.5, date(2024, 10, 2), "\u202e reversed"],
    ["x" * 20000, 3, 1.5, 0.75, date(2024, 10, 3), "+44 1234"],
    [True, 4, 2.5, 0.125, datetime(2024, 10, 4, 12, 30), "@mention"],
    ["A-000010", 5, 3.5, 0.0625, date(2024, 10, 5), "ünïcödé ✓ 😀"],
    [None, None, None, None, None, None],
    ["A-000012", 6, 4.5, 0.03125, date(2024, 10, 6), "last row"],
]


def _workbook(path, tables) -> None:
    wb = Workbook(str(path), {"constant_memory": True, "default_date_format": xlsx_export.DEFAULT_DATE_FORMAT})
    wb.set_properties({"created": datetime(2024, 1, 1)})
    formats = xlsx_export._Formats(wb)
    for table in tables:
        xlsx_export._sheet(wb, table, formats)
    wb.close()


def _members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("rows", [ROWS, ROWS[:1], ROWS[:2], [ROWS[0]] * 40, ROWS[::-1]])
def test_rows_written_straight_are_the_bytes_xlsxwriter_writes(tmp_path, monkeypatch, rows):
    tables = [Table("first", "First", COLUMNS, [list(r) for r in rows]),
              Table("second", "Second", COLUMNS[:2], [[r[0], r[1]] for r in rows])]
    cells_through_xlsxwriter = []
    per_cell = xlsx_export._write

    def counted(*args, **kwargs):
        cells_through_xlsxwriter.append(args[1:3])
        per_cell(*args, **kwargs)

    monkeypatch.setattr(xlsx_export, "_write", counted)
    _workbook(tmp_path / "straight.xlsx", tables)
    straight = len(cells_through_xlsxwriter)
    monkeypatch.setattr(xlsx_rows, "_plain", lambda ws: False)
    _workbook(tmp_path / "xlsxwriter.xlsx", tables)

    assert _members(tmp_path / "straight.xlsx") == _members(tmp_path / "xlsxwriter.xlsx")
    if len(rows) > 2:
        # Most rows did not go through XlsxWriter's cells: the straight path was taken.
        assert straight < len(cells_through_xlsxwriter) / 2
