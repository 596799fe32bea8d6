"""csv: one file per table in a folder, for the analysts' own spreadsheets."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from audit_tools.exporters.safety import neutralise
from audit_tools.exporters.tables import cell_text, themes_tables
from audit_tools.files import Output, output_folder
from audit_tools.themes import ThemesReport


def csv_names(report: ThemesReport) -> list[str]:
    return [f"{t.name}.csv" for t in themes_tables(report)]


def render_csv(report: ThemesReport) -> dict[str, str]:
    """Each table's file name and text (what the folder holds, or a download's zip)."""
    files = {}
    for table in themes_tables(report):
        fh = io.StringIO(newline="")
        writer = csv.writer(fh, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(table.headers)
        for row in table.rows:
            writer.writerow([neutralise(cell_text(v)) if isinstance(v, str) else cell_text(v) for v in row])
        files[f"{table.name}.csv"] = fh.getvalue()
    return files


def write_csv(report: ThemesReport, out: Output) -> Path:
    files = render_csv(report)
    with output_folder(out, list(files)) as tmp:
        for name, text in files.items():
            # utf-8-sig so Excel opens names with accents correctly.
            (tmp / name).write_text(text, encoding="utf-8-sig", newline="")
    return out.path
