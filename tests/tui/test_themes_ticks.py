"""The themes on the audit form: every theme in sight (finding 8 of issue 26: Supervision sat
below the fold of a list scrolling inside the scrolling form), and a tick box that shows by
its shape whether it is ticked, not by colour alone (finding 13)."""

from __future__ import annotations

from textual.widgets import SelectionList

from tests.tui.keys import tab_to
from tests.tui.test_audit_keyboard import open_app, open_new_audit
from tui.widgets.ticks import TickBox


def box_of(lst: SelectionList, index: int) -> str:
    return lst.render_line(index - lst.scroll_offset.y).text[:3]


async def test_every_theme_is_in_sight_and_a_tick_shows_by_its_shape(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_new_audit(pilot)
        for list_id in ("strengths", "improvements"):
            lst = form.query_one(f"#{list_id}", SelectionList)
            assert lst.option_count >= 10
            assert lst.size.height == lst.option_count and lst.max_scroll_y == 0  # no scroll box of its own
        improvements = form.query_one("#improvements", SelectionList)
        assert box_of(improvements, 0) == "▐ ▌"
        await tab_to(pilot, "improvements")
        await pilot.press("space")
        await pilot.pause()
        assert box_of(improvements, 0) == "▐X▌" and box_of(improvements, 1) == "▐ ▌"


async def test_a_tick_box_is_empty_until_ticked():
    from textual.app import App

    class One(App):
        def compose(self):
            yield TickBox("Include notes", False, id="box")

    app = One()
    async with app.run_test(size=(40, 3)) as pilot:
        box = app.query_one("#box", TickBox)
        assert box.render().plain.startswith("▐ ▌")
        box.value = True
        await pilot.pause()
        assert box.render().plain.startswith("▐X▌")
