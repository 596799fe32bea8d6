"""The rooms keep to their walls: db/ is the only one that speaks SQL, and the import
direction (audit_tools <- db <- caseaudit.services <- tui, caseaudit.cli, sample_audits)
is what the import-linter contracts in pyproject.toml say."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from db.maintenance import query_plans
from tests.support import admin_store

ROOT = Path(__file__).resolve().parents[1]
SQL = re.compile(r"\bimport sqlite3\b|\bsqlite_utils\b|\.execute(many|script)?\(|\bPRAGMA\b(?! integrity_check and)")
SQL_WORDS = re.compile(r"\.db\.execute|\bPRAGMA\b|EXPLAIN|\bSELECT\b|\bINSERT\b|\bUPDATE\b")


def _python_files(*folders: str) -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for folder in folders for p in (ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("module", [*_python_files("caseaudit", "audit_tools", "tui"), "sample_audits/__init__.py"])
def test_no_sql_outside_db(module):
    text = (ROOT / module).read_text("utf-8")
    found = [line.strip() for line in text.splitlines() if SQL.search(line) and not line.strip().startswith("#")]
    assert found == [], f"{module} speaks SQL: {found}"


def test_app_entry_demo_and_bench_hold_no_sql():
    # bench/floors.py is the exception by design: the floors are plain SQLite, no caseaudit.
    paths = [ROOT / "caseaudit" / "cli" / "app.py", ROOT / "caseaudit" / "services" / "demo.py",
             *sorted(p for p in (ROOT / "bench").glob("*.py") if p.name != "floors.py")]
    for path in paths:
        text = path.read_text("utf-8")
        assert not SQL_WORDS.search(text), f"{path.relative_to(ROOT)} talks SQL: {SQL_WORDS.search(text).group()}"


def test_query_plans_name_each_page_query_and_use_the_indexes(tmp_path):
    store = admin_store(tmp_path / "c.db")
    plans = dict(query_plans(store))
    assert set(plans) == {"case list page", "last audit per case"}
    # Neither reads a whole table to answer one page or one case.
    assert "USING" in plans["case list page"] and "TEMP B-TREE" not in plans["case list page"]
    assert plans["last audit per case"].startswith("SEARCH")


def test_import_contracts_hold():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is a test dependency; reinstall with `make test`"
    result = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: " in result.stdout and " broken" in result.stdout


def test_only_locations_knows_the_user_folders():
    """Where caseaudit keeps things in a person's folders is said once (caseaudit/services/locations.py)."""
    asks = sorted(str(path.relative_to(ROOT)) for package in ("audit_tools", "db", "caseaudit", "tui", "sample_audits")
                  for path in (ROOT / package).rglob("*.py")
                  if re.search(r"^\s*(import platformdirs|from platformdirs\b)", path.read_text(encoding="utf-8"), re.M))
    assert asks == ["caseaudit/services/locations.py"]
