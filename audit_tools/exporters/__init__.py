"""Writers for the quarterly themes report: json (canonical), csv, xlsx and md.

`export_report(report, fmt, out)` checks the target first (a clear BadInput naming what
is wrong, `audit_tools.files.Output` for what may be replaced), then writes it through a
temporary file linked into place. `report_download(report, fmt, stem)` gives the same
report as one file's name and bytes, for a browser to save (nothing written here).
Every format renders the same tables.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from audit_tools.errors import BadInput
from audit_tools.exporters.csv_export import csv_names, render_csv, write_csv
from audit_tools.exporters.json_export import render_json, write_json
from audit_tools.exporters.md_export import render_headline, render_md, write_md
from audit_tools.exporters.safety import neutralise
from audit_tools.exporters.tables import themes_tables
from audit_tools.exporters.xlsx_export import workbook_bytes, write_xlsx
from audit_tools.files import Output, check_output_file, check_output_folder
from audit_tools.themes import ThemesReport

FORMATS = ("json", "csv", "xlsx", "md")

_WRITERS = {"json": write_json, "xlsx": write_xlsx, "md": write_md, "csv": write_csv}


def check_target(report: ThemesReport, fmt: str, out: str | Path | Output) -> Output:
    """Refuse a target that cannot or must not be written, before any work is done."""
    if fmt not in FORMATS:
        raise BadInput(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    out = Output.of(out)
    if fmt == "csv":
        check_output_folder(out, csv_names(report))
    else:
        check_output_file(out, "report")
    return out


def export_report(report: ThemesReport, fmt: str, out: str | Path | Output, force: bool = False) -> Path:
    """Write the report in one format; returns where it went."""
    target = check_target(report, fmt, Output.of(out, force=force))
    try:
        return _WRITERS[fmt](report, target)
    except PermissionError as err:
        raise BadInput(f"cannot write {target.path}: permission denied ({err.strerror})") from None
    except OSError as err:
        raise BadInput(f"cannot write {target.path}: {err.strerror or err}") from None


def report_download(report: ThemesReport, fmt: str, stem: str) -> tuple[str, bytes]:
    """The report as one file's name and bytes (csv: its tables in one zip)."""
    if fmt not in FORMATS:
        raise BadInput(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if fmt == "json":
        return f"{stem}.json", render_json(report).encode("utf-8")
    if fmt == "md":
        return f"{stem}.md", render_md(report).encode("utf-8")
    if fmt == "xlsx":
        return f"{stem}.xlsx", workbook_bytes(report)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in render_csv(report).items():
            archive.writestr(f"{stem}-csv/{name}", text.encode("utf-8-sig"))
    return f"{stem}-csv.zip", buffer.getvalue()


__all__ = [
    "FORMATS", "check_target", "export_report", "neutralise",
    "render_headline", "render_json", "render_md", "report_download", "themes_tables",
]
