"""The canonical format: cli.md's JSON document, as `report.to_json()` gives it."""

from __future__ import annotations

import json
from pathlib import Path

from audit_tools.exporters.safety import atomic_file
from audit_tools.themes import ThemesReport


def render_json(report: ThemesReport) -> str:
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"


def write_json(report: ThemesReport, path: Path) -> Path:
    text = render_json(report)
    with atomic_file(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)
