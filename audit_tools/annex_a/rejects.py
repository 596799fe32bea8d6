"""The refused rows of an Annex A import, with their reasons, as a CSV file."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from audit_tools.annex_a.lists import ListRow
from audit_tools.exporters.safety import neutralise
from audit_tools.files import Output, output_file



REJECT_COLUMNS = ("sheet", "row", "list", "child_unique_id", "reasons")


def render_rejects(rows: Iterable[ListRow], file: str = "") -> str:
    """The refused rows with their reasons (never a personal column) as CSV text.

    Each reason keeps its `SHEET!CELL: header: reason`; `file`, the workbook, is left off.
    """
    fh = io.StringIO(newline="")
    out = csv.writer(fh)
    out.writerow(REJECT_COLUMNS)
    for row in rows:
        reasons = "; ".join(p[len(file) + 1:] if file and p.startswith(f"{file}:") else p
                            for p in row.problems)
        out.writerow([neutralise(row.sheet), row.row, row.list_number,
                      neutralise(row.child or ""), neutralise(reasons)])
    return fh.getvalue()


def write_rejects(out: "str | Path | Output", rows: Iterable[ListRow], file: str = "") -> int:
    """Write the refused rows to the CSV at `out` (a new file unless its `force`); how many."""
    rows = list(rows)
    with output_file(Output.of(out), "refused rows") as tmp:
        tmp.write_text(render_rejects(rows, file), encoding="utf-8", newline="")
    return len(rows)
