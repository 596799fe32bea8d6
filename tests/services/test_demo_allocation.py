"""The demo has September 2025 allocated, so the demo user sees cases allocated to them."""

from __future__ import annotations

from caseaudit.cli import app as entry
from caseaudit.services.allocation import allocated_to, verify_allocation
from db import open_store


def test_the_demo_month_is_allocated_and_the_demo_user_has_cases(tmp_path):
    store = open_store(entry.build_demo(tmp_path / "demo.db"), "demo")
    [made] = store.allocations.list("2025-09")
    assert made.seed == "caseaudit-demo-2025-09" and made.per_auditor == 2
    assert verify_allocation(store, made.allocation_id)[1]
    mine = allocated_to(store, "demo", entry.DEMO_TODAY)
    assert len(mine) == 2 and all(c.status is None for c in mine)
    assert all(c.team != "quality-assurance" for c in mine)
