"""Keys do what Help says wherever the focus is (finding 8 of issue 14): q quits with a
drop-down open, and ctrl+y asks before removing an action that has anything in it."""

from __future__ import annotations

from textual.widgets import Input

from tests.tui.keys import settle
from tests.tui.test_audit_keyboard import open_app, open_new_audit
from tui.widgets.prompts import Confirm


async def test_q_quits_with_a_filter_drop_down_open(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("f", "enter")  # the team filter, opened
        await pilot.pause()
        assert type(app.focused).__name__ == "SelectOverlay"
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0


async def test_ctrl_y_asks_before_removing_an_action_with_text_and_not_an_empty_one(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_new_audit(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        first = form.plan.numbers[-1]
        await pilot.press(*"Rewrite the chronology")
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        assert "Remove action 1 (Rewrite the chronology)?" in app.screen.question
        await pilot.press("n")  # keep it
        await pilot.pause()
        assert form.plan.numbers == [first]
        assert form.query_one(f"#action-description-{first}", Input).value == "Rewrite the chronology"

        await pilot.press("ctrl+y")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert form.plan.numbers == []

        await pilot.press("ctrl+n")  # an empty row goes at once: nothing is lost
        await settle(pilot)
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert app.screen is form and form.plan.numbers == []
