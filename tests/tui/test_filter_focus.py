"""Choosing in a filter drop-down keeps the focus there, so the next tab moves on
(finding 5 of issue 14: the first tab went back to the same drop-down, and enter then
re-opened it)."""

from __future__ import annotations

from tests.tui.keys import settle
from tests.tui.test_audit_keyboard import open_app


async def choose_next_option(pilot) -> None:
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("down", "enter")
    await settle(pilot)


async def test_after_choosing_a_case_type_tab_moves_to_the_worker_filter(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("f", "tab")  # the team filter, then the type filter
        await settle(pilot)
        assert app.focused.id == "type-filter"
        await choose_next_option(pilot)
        assert app.screen.query_one("#type-filter").value is not None
        assert app.focused.id == "type-filter"
        await pilot.press("tab")
        assert app.focused.id == "worker-filter"
