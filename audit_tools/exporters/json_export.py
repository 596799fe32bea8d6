"""The canonical format: cli.md's JSON document, as `report.to_json()` gives it."""

from __future__ import annotations

import json
from pathlib import Path

from audit_tools.files import Output, output_file
from audit_tools.themes import ThemesReport


def render_json(report: ThemesReport) -> str:
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"


def write_json(report: ThemesReport, out: Output) -> Path:
    text = render_json(report)
    with output_file(out, "report") as tmp:
        tmp.write_text(text, encoding="utf-8")
    return out.path
