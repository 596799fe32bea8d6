"""Snapshots of the auditor's screens.

Dates are fixed by injecting "today"; the database is built from the small fixtures
of tests/tui/conftest.py in tmp_path.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from tests.support import copy_database
from tests.tui.keys import settle
from tests.tui.conftest import TODAY, add_imported_audit, add_submitted_audit, build_db
from tui.app import make_app


def with_submitted_audit(path) -> None:
    build_db(path)
    add_submitted_audit(path)


@pytest.fixture
def db(tmp_path, built):
    """A copy of the small database with one submitted audit, built once a run."""
    return copy_database(built("snap-submitted", with_submitted_audit), tmp_path / "caseaudit.db")


def app_as(db, username: str = "amy"):
    app = make_app(db, username=username, today=TODAY)
    app.animation_level = "none"
    return app


async def settled(pilot) -> None:
    """Until no worker is left running (a finished one may start another, or move the focus,
    which scrolls), then one pause more for the frame that follows: on a busy machine one
    round of waiting took the picture before the focus had scrolled the blind re-audit."""
    await settle(pilot)
    await pilot.pause()


def keys(*presses: str):
    async def run(pilot) -> None:
        await settled(pilot)
        for key in presses:
            await pilot.press(key)
            await settled(pilot)
        # A focused box's cursor blinks: shown steadily, so the picture does not depend on
        # the moment it is taken.
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False
        await settled(pilot)

    return run


def test_dashboard_80x24(snap_compare, db):
    assert snap_compare(app_as(db), terminal_size=(80, 24), run_before=settled)


def test_dashboard_qa_lead_160x48(snap_compare, db):
    assert snap_compare(app_as(db, "lee"), terminal_size=(160, 48), run_before=settled)


def test_cases_80x24(snap_compare, db):
    assert snap_compare(app_as(db), terminal_size=(80, 24), run_before=keys("c"))


def test_case_detail_80x24(snap_compare, db):
    assert snap_compare(app_as(db), terminal_size=(80, 24), run_before=keys("c", "enter"))


def test_audit_form_80x24(snap_compare, db):
    assert snap_compare(app_as(db), terminal_size=(80, 24), run_before=keys("c", "enter", "n"))


def test_audit_form_problems_80x24(snap_compare, db):
    assert snap_compare(app_as(db), terminal_size=(80, 24),
                        run_before=keys("c", "enter", "n", "ctrl+r"))


def test_submitted_audit_80x24(snap_compare, db):
    assert snap_compare(app_as(db), terminal_size=(80, 24),
                        run_before=keys("c", "down", "enter", "tab", "enter"))


def test_actions_80x24(snap_compare, db):
    assert snap_compare(app_as(db), terminal_size=(80, 24), run_before=keys("a"))


def test_help_80x24(snap_compare, db):
    assert snap_compare(app_as(db), terminal_size=(80, 24), run_before=keys("c", "question_mark"))


def test_audit_form_action_row_80x24(snap_compare, db):
    add_row = keys("c", "enter", "n", "ctrl+n")

    async def run(pilot) -> None:
        # The form's 1.5 s autosave raced the picture on a loaded machine ("Unsaved changes…"
        # or "Draft saved"): it is let happen now, so the picture is always the saved draft.
        await add_row(pilot)
        form = pilot.app.screen
        if form._autosave is not None:
            form._autosave.stop()
            form._autosave_now()
        await settled(pilot)

    assert snap_compare(app_as(db), terminal_size=(80, 24), run_before=run)


def test_audit_form_160x48(snap_compare, db):
    assert snap_compare(app_as(db), terminal_size=(160, 48), run_before=keys("c", "enter", "n"))


def test_case_detail_light_theme_80x24(snap_compare, db):
    assert snap_compare(app_as(db), terminal_size=(80, 24), run_before=keys("t", "c", "down", "enter"))


def with_imported_audit(path) -> None:
    build_db(path)
    add_imported_audit(path, path.parent)


@pytest.fixture
def imported_db(tmp_path, built):
    """C-1 with one historic audit brought in by `caseaudit import audits` (a copy)."""
    return copy_database(built("snap-imported", with_imported_audit), tmp_path / "caseaudit.db")


def test_imported_audit_80x24(snap_compare, imported_db):
    assert snap_compare(app_as(imported_db), terminal_size=(80, 24),
                        run_before=keys("c", "enter", "tab", "enter"))


def test_imported_audit_160x48(snap_compare, imported_db):
    assert snap_compare(app_as(imported_db), terminal_size=(160, 48),
                        run_before=keys("c", "enter", "tab", "enter"))


def test_cases_child_protection_filter_80x24(snap_compare, db):
    """The chosen type, "CP child protection", whole on its one line at 80 columns."""
    async def run(pilot) -> None:
        await settled(pilot)
        await pilot.press("c")
        await settled(pilot)
        pilot.app.screen.query_one("#type-filter").value = "CP"
        await settled(pilot)

    assert snap_compare(app_as(db), terminal_size=(80, 24), run_before=run)


def test_status_dropdown_open_80x24(snap_compare, db):
    """An open drop-down is framed on its own background: nothing beneath shows through."""
    assert snap_compare(app_as(db), terminal_size=(80, 24), run_before=keys("c", "enter", "n", "enter"))


def test_my_audits_80x24(snap_compare, db):
    assert snap_compare(app_as(db), terminal_size=(80, 24), run_before=keys("y"))


def test_my_audits_amended_160x48(snap_compare, db):
    from datetime import datetime, timezone

    from db import open_store

    store = open_store(db, "amy", clock=lambda: datetime(2024, 2, 20, 10, 0, tzinfo=timezone.utc))
    store.amendments.amend("A-0001", {"grade": "good"}, "graded on the wrong case")
    store.close()
    assert snap_compare(app_as(db), terminal_size=(160, 48), run_before=keys("y"))


def test_amendment_trail_80x24(snap_compare, db):
    from datetime import datetime, timezone

    from db import open_store

    store = open_store(db, "amy", clock=lambda: datetime(2024, 2, 20, 10, 0, tzinfo=timezone.utc))
    store.amendments.amend("A-0001", {"grade": "good"}, "graded on the wrong case")
    store.close()
    assert snap_compare(app_as(db), terminal_size=(80, 24), run_before=keys("y", "h"))
