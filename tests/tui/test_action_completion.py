"""The actions tracker: a completion is never after today, and a wrong one is corrected or
undone from the tracker with a reason (finding 1 of issue 14)."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable, Input

from db import open_store
from tests.tui.conftest import add_submitted_audit
from tests.tui.keys import open_screen, settle
from tests.tui.test_audit_keyboard import open_app
from tui.screens.actions import ActionsScreen
from tui.widgets.prompts import AskText


async def answer(pilot, text: str) -> None:
    """Replace what the prompt suggests with `text` and press enter."""
    assert isinstance(pilot.app.screen, AskText), pilot.app.screen
    pilot.app.screen.query_one("#prompt-input", Input).value = ""
    await pilot.press(*text, "enter")
    await settle(pilot)


def amys_action(db_path):
    [action] = open_store(db_path, "admin").amendments.actions(owner="amy")
    return action


async def test_a_future_completion_is_refused_and_a_wrong_one_corrected_then_undone(db_path):
    add_submitted_audit(db_path)  # today is 1 Mar 2024
    app = open_app(db_path)
    notes: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        original_notify = app.notify
        app.notify = lambda message, *a, **k: (notes.append(str(message)), original_notify(message, *a, **k))
        screen = await open_screen(pilot, "a", ActionsScreen)
        table = screen.query_one("#action-table", DataTable)

        await pilot.press("enter")
        await pilot.pause()
        await answer(pilot, "1/12/2025")
        assert amys_action(db_path).completed_on is None
        assert any("completed on 1 Dec 2025 is after today (1 Mar 2024)" in note for note in notes), notes

        await pilot.press("enter")
        await pilot.pause()
        await answer(pilot, "28/02/2024")
        assert amys_action(db_path).completed_on == date(2024, 2, 28)

        await pilot.press("e")  # done ones: Rewrite the chronology is the first (the other is max's)
        await settle(pilot)
        assert table.row_count == 1
        await pilot.press("enter")
        await pilot.pause()
        assert "marked complete on 28 Feb 2024" in str(app.screen.query_one("Static").render())
        await answer(pilot, "26 Feb 2024")
        await answer(pilot, "done at the core group on the 26th")
        assert amys_action(db_path).completed_on == date(2024, 2, 26)

        await pilot.press("u")
        await pilot.pause()
        await answer(pilot, "marked the wrong action")
        assert table.row_count == 0
    assert amys_action(db_path).completed_on is None
    history = open_store(db_path, "admin").history
    [corrected] = history.entries(what="action completion corrected")
    assert (corrected.actor, corrected.details["was"], corrected.details["on"]) == ("amy", "2024-02-28", "2024-02-26")
    [reopened] = history.entries(what="action reopened")
    assert (reopened.actor, reopened.details["reason"]) == ("amy", "marked the wrong action")
