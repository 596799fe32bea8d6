"""The case list's failing-standards columns stay readable at 80 columns."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from tests.tui.conftest import build_db, cp_case
from tests.tui.keys import settle
from tests.tui.test_audit_keyboard import open_app


def without_visits(ref: str, *drop: int):
    case = cp_case(ref)
    return case.model_copy(update={"events": [e for i, e in enumerate(case.events) if i not in drop]})


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_not_met_and_partly_are_whole_on_screen(tmp_path, size):
    path = tmp_path / "c.db"
    # C-1 meets every standard, C-2 partly meets the visits standard, C-3 does not meet it.
    build_db(path, [cp_case("C-1"), without_visits("C-2", 1), without_visits("C-3", 1, 2)])
    app = open_app(path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        table = app.screen.query_one("#case-table", DataTable)
        cells = {ref: (str(table.get_cell(ref, "not_met")), str(table.get_cell(ref, "partly_met")))
                 for ref in ("C-1", "C-2", "C-3")}
        assert cells == {"C-1": ("0", "0"), "C-2": ("0", "1"), "C-3": ("1", "0")}
        # Every column, with its padding, fits inside the table without scrolling sideways.
        assert table.virtual_size.width <= table.scrollable_content_region.width


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_actions_tracker_columns_are_whole_on_screen(db_path, size):
    from tests.tui.conftest import add_submitted_audit

    add_submitted_audit(db_path)
    app = open_app(db_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        table = app.screen.query_one("#action-table", DataTable)
        assert table.row_count == 1
        assert table.virtual_size.width <= table.scrollable_content_region.width
        # A wide terminal gives the description the room.
        assert table.columns["description"].width >= (20 if size[0] == 80 else 100)


async def test_case_header_says_the_case_lists_counts_in_its_words(tmp_path):
    """C-2 partly meets the visits standard: the list's row and the case's header both say
    0 not met and 1 partly met, under the same words."""
    from textual.widgets import Static

    path = tmp_path / "c.db"
    build_db(path, [cp_case("C-1"), without_visits("C-2", 1), without_visits("C-3", 1, 2)])
    app = open_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        table = app.screen.query_one("#case-table", DataTable)
        assert [str(c.label) for c in table.columns.values()][-2:] == ["not met", "partly met"]
        for ref, known in (("C-2", ("0", "1")), ("C-3", ("1", "0"))):
            row = [str(table.get_cell(ref, key)) for key in ("not_met", "partly_met")]
            assert tuple(row) == known
            table.move_cursor(row=table.get_row_index(ref))
            await pilot.press("enter")
            await settle(pilot)
            header = str(app.screen.query_one("#case-summary", Static).render())
            assert f"{row[0]} not met, {row[1]} partly met;" in header, header
            standards = app.screen.query_one("#standards-table", DataTable)
            titles = [str(standards.get_row_at(i)[1]) for i in range(standards.row_count)]
            assert "Chronology on file and up to date" in titles and "chronology" not in titles
            await pilot.press("escape")
            await settle(pilot)
