"""Snapshots of the QA lead's allocation screen:
a month allocated two a head, one auditor short, at 80×24 and 160×48."""

from __future__ import annotations

from datetime import date

import pytest

from audit_tools.models import Case
from caseaudit.services.allocation import allocate_month
from db import open_store
from tests.snapshots.test_snap_tui import settled
from tests.support import copy_database
from tests.tui.conftest import TODAY, build_db
from tui.app import make_app


def build(path) -> None:
    build_db(path)
    store = open_store(path, "admin")
    store.cases.upsert([Case(case_ref=f"S-{i}", case_type="CIN", start_date=date(2024, 1, 2), team="south",
                             worker="sid", line_manager="sue") for i in (1, 2, 3)])
    store.close()
    store = open_store(path, "lee")
    allocate_month(store, "2024-03", 2, "board-2024-03")
    store.close()


@pytest.fixture
def db(tmp_path, built):
    return copy_database(built("snap-allocation", build), tmp_path / "caseaudit.db")


async def open_allocation(pilot) -> None:
    await settled(pilot)
    await pilot.press("l")
    await settled(pilot)


def app_for(db):
    app = make_app(db, username="lee", today=TODAY)
    app.animation_level = "none"
    return app


def test_allocation_80x24(snap_compare, db):
    assert snap_compare(app_for(db), terminal_size=(80, 24), run_before=open_allocation)


def test_allocation_160x48(snap_compare, db):
    assert snap_compare(app_for(db), terminal_size=(160, 48), run_before=open_allocation)
