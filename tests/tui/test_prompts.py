"""The confirmation dialog says which keys answer it and which button enter presses."""

from __future__ import annotations

from textual.widgets import Button

from tests.tui.keys import settle
from tests.tui.test_audit_keyboard import open_app
from tests.tui.test_screens import text_of
from tui.widgets.prompts import Confirm


async def ask(app, pilot, answers: list):
    app.push_screen(Confirm("Draw the sample now?", yes="Draw"), answers.append)
    await settle(pilot)
    return app.screen


async def test_confirm_shows_its_keys_with_its_own_labels(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        answers: list = []
        dialog = await ask(app, pilot, answers)
        assert text_of(dialog, "#confirm-keys") == "y Draw · n or esc No · enter the highlighted button"
        # The highlighted button is marked, not only coloured.
        assert str(dialog.query_one("#confirm-no", Button).label) == "▶ No ◀"
        assert str(dialog.query_one("#confirm-yes", Button).label) == "Draw"
        await pilot.press("left")
        assert dialog.query_one("#confirm-yes", Button).has_focus
        assert str(dialog.query_one("#confirm-yes", Button).label) == "▶ Draw ◀"
        assert str(dialog.query_one("#confirm-no", Button).label) == "No"
        await pilot.press("enter")
        await settle(pilot)
        assert answers == [True]


async def test_confirm_answers_to_y_n_and_escape(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        answers: list = []
        for key in ("y", "n", "escape", "enter"):
            await ask(app, pilot, answers)
            await pilot.press(key)
            await settle(pilot)
        assert answers == [True, False, False, False]
