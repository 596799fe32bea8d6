"""The application entry and the benchmark reach SQLite only through db/."""

from __future__ import annotations

import re
from pathlib import Path

from db.maintenance import query_plans
from test_db_support import admin_store

ROOT = Path(__file__).resolve().parents[2]
SQL = re.compile(r"\.db\.execute|\bPRAGMA\b|EXPLAIN|\bSELECT\b|\bINSERT\b|\bUPDATE\b")


def test_app_entry_and_bench_hold_no_sql():
    for path in [ROOT / "caseaudit" / "app.py", *sorted((ROOT / "bench").glob("*.py"))]:
        text = path.read_text("utf-8")
        assert not SQL.search(text), f"{path.relative_to(ROOT)} talks SQL: {SQL.search(text).group()}"


def test_query_plans_name_each_page_query_and_use_the_indexes(tmp_path):
    store = admin_store(tmp_path / "c.db")
    plans = dict(query_plans(store))
    assert set(plans) == {"case list page", "last audit per case"}
    # Neither reads a whole table to answer one page or one case.
    assert "USING" in plans["case list page"] and "TEMP B-TREE" not in plans["case list page"]
    assert plans["last audit per case"].startswith("SEARCH")
