"""An auditor finds their submitted audits, sees where each moderation stands, and reads
an audit's amendment trail: who, when, why and what changed."""

from __future__ import annotations

from datetime import datetime, timezone

from textual.widgets import DataTable, Static

from db import open_store
from tests.tui.conftest import add_submitted_audit
from tests.tui.keys import open_screen, settle
from tests.tui.test_amend_actions import open_submitted
from tests.tui.test_audit_keyboard import choose, open_app
from tui.screens.audit_form import AuditFormScreen
from tui.screens.my_audits import AmendmentTrailScreen, MyAuditsScreen
from tui.widgets.prompts import AskText


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def amend_as_amy(path) -> None:
    """amy corrects A-0001's grade on 2 Mar 2024 (the store's clock, not the real one)."""
    clock = lambda: datetime(2024, 3, 2, 9, 30, tzinfo=timezone.utc)  # noqa: E731
    store = open_store(path, "amy", clock=clock)
    store.amendments.amend("A-0001", {"grade": "good"}, "graded on the wrong case")
    store.close()


async def test_amending_on_the_form_says_so_in_the_header_and_shows_the_trail(db_path):
    add_submitted_audit(db_path)
    app = open_app(db_path)  # today 1 Mar 2024
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_submitted(pilot)
        assert "submitted 1 Feb 2024" in text_of(form, "#audit-header")
        assert "amended" not in text_of(form, "#audit-header")
        await pilot.press("ctrl+e")
        await pilot.pause()
        first = form.plan.numbers[0]
        await choose(pilot, f"action-owner-{first}", "Max Manager")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AskText)
        await pilot.press(*"amy is leaving the team", "enter")
        await settle(pilot)
        assert "submitted 1 Feb 2024 · amended 1 Mar 2024 (1)" in text_of(form, "#audit-header")
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, AmendmentTrailScreen)
        trail = text_of(app.screen, "#trail-text")
        assert "1 Mar 2024 12:00, Amy Auditor (amy)" in trail
        assert "why: amy is leaving the team" in trail
        assert "action 1: owner changed" in trail


async def test_my_audits_lists_submitted_audits_with_moderation_and_amendments(db_path):
    add_submitted_audit(db_path)  # A-0001 by amy, submitted 1 Feb 2024
    amend_as_amy(db_path)
    app = open_app(db_path)
    async with app.run_test(size=(100, 24)) as pilot:
        screen = await open_screen(pilot, "y", MyAuditsScreen)
        table = screen.query_one("#my-audits-table", DataTable)
        assert [str(c) for c in table.get_row_at(0)] == [
            "A-0001", "C-2", "1 Feb 2024", "Good", "2 Mar 2024 (1)", "not sampled"]
        assert text_of(screen, "#my-audits-detail") == "A-0001 (C-2): not sampled; amended 2 Mar 2024 (1)"
        await pilot.press("h")
        await settle(pilot)
        trail = text_of(app.screen, "#trail-text")
        assert "why: graded on the wrong case" in trail
        assert "grade: Requires improvement → Good" in trail
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AuditFormScreen)
        assert "submitted 1 Feb 2024 · amended 2 Mar 2024 (1)" in text_of(form, "#audit-header")


async def test_my_audits_is_in_the_palette_for_an_auditor(db_path):
    from tui.commands import screen_actions

    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "My audits" in [description for description, *_ in screen_actions(app.screen)]
