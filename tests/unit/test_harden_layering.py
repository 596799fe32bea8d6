"""db/ is the only room that knows SQL: the command-line modules over the database hold none."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SQL = re.compile(r"\bimport sqlite3\b|\bsqlite_utils\b|\.execute(many|script)?\(|\bPRAGMA\b(?! integrity_check and)")


@pytest.mark.parametrize("module", [
    "caseaudit/admin.py", "caseaudit/imports.py", "caseaudit/check.py", "sample_audits/__init__.py",
    *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "audit_tools").rglob("*.py")),
])
def test_no_sql_outside_db(module):
    text = (ROOT / module).read_text("utf-8")
    found = [line.strip() for line in text.splitlines() if SQL.search(line) and not line.strip().startswith("#")]
    assert found == [], f"{module} speaks SQL: {found}"
