"""tui/ reaches the database only through db/: no SQL driver imported in the screens."""

from __future__ import annotations

import ast
from pathlib import Path

TUI = Path(__file__).resolve().parents[2] / "tui"


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_no_screen_talks_sql():
    files = sorted(TUI.rglob("*.py"))
    assert len(files) > 5
    offenders = {str(f.relative_to(TUI)): imported_modules(f) & {"sqlite3", "sqlite_utils"} for f in files}
    assert {f: m for f, m in offenders.items() if m} == {}
