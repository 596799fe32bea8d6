"""Snapshots of safeguarding concerns: the dialog raised from the audit form, and the
dashboard with an open concern at its top (line manager at 80x24, QA lead at 160x48)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from db import open_store
from tests.snapshots.test_snap_tui import app_as, keys, settled, with_submitted_audit
from tests.support import FixedClock, copy_database

FOUND = "Photo of 2 Feb shows bruising on the forearm; no strategy discussion is recorded since."
SHOULD = "Line manager to arrange a visit today and see the child alone; consider a strategy discussion."


@pytest.fixture
def db(tmp_path, built):
    return copy_database(built("snap-submitted", with_submitted_audit), tmp_path / "caseaudit.db")


@pytest.fixture
def db_with_concern(db):
    store = open_store(db, "amy", clock=FixedClock(datetime(2024, 2, 29, 15, 30, tzinfo=timezone.utc)))
    store.concerns.raise_concern("C-1", "A-0009", FOUND, SHOULD)
    store.close()
    return db


def typed_concern():
    async def run(pilot) -> None:
        await keys("c", "enter", "n", "ctrl+g")(pilot)
        dialog = pilot.app.screen
        dialog.query_one("#concern-found").insert(FOUND)
        await settled(pilot)

    return run


def test_raise_concern_dialog_80x24(snap_compare, db):
    assert snap_compare(app_as(db), terminal_size=(80, 24), run_before=typed_concern())


def test_raise_concern_dialog_160x48(snap_compare, db):
    assert snap_compare(app_as(db), terminal_size=(160, 48), run_before=typed_concern())


def test_dashboard_with_open_concern_line_manager_80x24(snap_compare, db_with_concern):
    assert snap_compare(app_as(db_with_concern, "max"), terminal_size=(80, 24), run_before=settled)


def test_dashboard_with_open_concern_qa_lead_160x48(snap_compare, db_with_concern):
    assert snap_compare(app_as(db_with_concern, "lee"), terminal_size=(160, 48), run_before=settled)
