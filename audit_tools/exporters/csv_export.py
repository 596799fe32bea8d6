"""csv: one file per table in a folder, for the analysts' own spreadsheets."""

from __future__ import annotations

import csv
from pathlib import Path

from audit_tools.exporters.safety import atomic_folder, neutralise
from audit_tools.exporters.tables import cell_text, themes_tables
from audit_tools.themes import ThemesReport


def csv_names(report: ThemesReport) -> list[str]:
    return [f"{t.name}.csv" for t in themes_tables(report)]


def write_csv(report: ThemesReport, folder: Path) -> Path:
    with atomic_folder(folder) as tmp:
        for table in themes_tables(report):
            # utf-8-sig so Excel opens names with accents correctly.
            with (tmp / f"{table.name}.csv").open("w", newline="", encoding="utf-8-sig") as fh:
                writer = csv.writer(fh, quoting=csv.QUOTE_MINIMAL)
                writer.writerow(table.headers)
                for row in table.rows:
                    writer.writerow([neutralise(cell_text(v)) if isinstance(v, str) else cell_text(v)
                                     for v in row])
    return Path(folder)
