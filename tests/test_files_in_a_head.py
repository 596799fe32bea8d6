"""The product's edges are typed and its files fit in a head: no store passed as `Any`, and
no source file of the product over 400 lines (bench/ and tests/ are not the product)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROOMS = ("audit_tools", "db", "caseaudit", "tui", "sample_audits")
LIMIT = 400


def product_files() -> list[Path]:
    return sorted(p for room in ROOMS for p in (ROOT / room).rglob("*.py"))


def test_the_rooms_are_there():
    assert len(product_files()) > 100


def test_no_store_is_typed_any():
    untyped = [f"{p.relative_to(ROOT)}:{n}" for p in product_files()
               for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
               if re.search(r"\bstore\s*:\s*Any\b", line)]
    assert untyped == []


def test_no_product_file_is_over_400_lines():
    long = {str(p.relative_to(ROOT)): n for p in product_files()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > LIMIT}
    assert long == {}
