"""Writers for the quarterly themes report: json (canonical), csv, xlsx and md.

`export_report(report, fmt, path)` checks the target first (a clear BadInput naming
what is wrong), then writes atomically. Every format renders the same tables.
"""

from __future__ import annotations

from pathlib import Path

from audit_tools.errors import BadInput
from audit_tools.exporters.csv_export import csv_names, write_csv
from audit_tools.exporters.json_export import render_json, write_json
from audit_tools.exporters.md_export import render_headline, render_md, write_md
from audit_tools.exporters.safety import check_file_target, check_folder_target, neutralise
from audit_tools.exporters.tables import themes_tables
from audit_tools.exporters.xlsx_export import build_workbook, write_xlsx
from audit_tools.themes import ThemesReport

FORMATS = ("json", "csv", "xlsx", "md")

_WRITERS = {"json": write_json, "xlsx": write_xlsx, "md": write_md, "csv": write_csv}


def check_target(report: ThemesReport, fmt: str, path: str | Path) -> Path:
    """Refuse a target that cannot be written, before any work is done."""
    if fmt not in FORMATS:
        raise BadInput(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if fmt == "csv":
        return check_folder_target(Path(path), set(csv_names(report)))
    return check_file_target(Path(path))


def export_report(report: ThemesReport, fmt: str, path: str | Path) -> Path:
    """Write the report in one format; returns where it went."""
    target = check_target(report, fmt, path)
    try:
        return _WRITERS[fmt](report, target)
    except PermissionError as err:
        raise BadInput(f"cannot write {target}: permission denied ({err.strerror})") from None
    except OSError as err:
        raise BadInput(f"cannot write {target}: {err.strerror or err}") from None


__all__ = [
    "FORMATS", "build_workbook", "check_target", "export_report", "neutralise",
    "render_headline", "render_json", "render_md", "themes_tables",
]
