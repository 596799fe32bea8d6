"""A refilled table is repainted after it has measured its columns, however long the table
stays busy first (coming back from the blind re-audit, the moderation queue showed every
cell cut to the header's widths, "A-000", "to re", until a key was pressed)."""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult
from textual.message import Message
from textual.widgets import DataTable

from tests.tui.keys import wait_until
from tui.widgets.tables import columns_measured, repaint_later


class Busy(Message):
    """Work queued for the table ahead of its idle, as the queue's table had while the app
    took the blind re-audit's hundred widgets down."""


class SlowTable(DataTable):
    async def on_busy(self, _: Busy) -> None:
        await asyncio.sleep(0.002)  # the rest of the app runs meanwhile, timers too


class OneTable(App):
    def compose(self) -> ComposeResult:
        yield SlowTable(id="table")


async def test_the_repaint_waits_until_the_columns_are_measured():
    app = OneTable()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(SlowTable)
        painted: list[bool] = []  # for each repaint asked for: were the columns measured?
        refresh = table.refresh

        def spy(*regions, **kwargs):
            if kwargs.get("layout"):
                painted.append(columns_measured(table))
            return refresh(*regions, **kwargs)

        table.refresh = spy
        for _ in range(50):  # about 0.1 s of work before the table next goes idle
            table.post_message(Busy())
        table.add_columns("audit", "stage")
        table.add_row("A-000147", "to re-audit, draft saved")
        repaint_later(table)
        await wait_until(pilot, lambda: painted and painted[-1], "a repaint once the columns are measured")
        await pilot.pause(0.1)  # and nothing else asked for later
        assert painted.count(False) == 0, f"repainted before the columns were measured: {painted}"
        assert [c.get_render_width(table) for c in table.columns.values()] == [10, 26]
