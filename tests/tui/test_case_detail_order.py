"""The case detail lists the case's audits newest first, whatever their ids."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable

from db import open_store
from tests.tui.conftest import add_submitted_audit
from tests.tui.keys import settle
from tests.tui.test_audit_keyboard import open_app


async def test_audits_of_a_case_newest_first(db_path):
    add_submitted_audit(db_path)  # A-0001, as at 1 Feb 2024; A-0002 below is newer
    store = open_store(db_path, "admin")
    older = store.audits.get("A-0001").model_copy(update={
        "audit_id": "A-0002", "as_of": date(2024, 2, 10), "submitted_on": date(2024, 2, 12),
        "actions": [a.model_copy(update={"completed_on": None}) for a in store.audits.get("A-0001").actions],
        "moderation": None})
    store.audits.insert([older])
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        table = app.screen.query_one("#case-audits-table", DataTable)
        assert [table.get_row_at(i)[0] for i in range(table.row_count)] == ["A-0002", "A-0001"]


async def test_an_audit_submitted_meanwhile_is_listed_on_coming_back(db_path):
    """Back from the audit form (or any screen opened from the case), the case's audit list
    is read again: the audit just submitted is there without reopening the case."""
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("down", "enter")  # C-2
        await settle(pilot)
        table = app.screen.query_one("#case-audits-table", DataTable)
        assert table.get_row_at(0)[0] == "none yet"
        await pilot.press("question_mark")  # any screen over the case, as the audit form is
        await settle(pilot)
        add_submitted_audit(db_path)  # A-0001 of C-2, submitted while the case was covered
        await pilot.press("escape")
        await settle(pilot)
        table = app.screen.query_one("#case-audits-table", DataTable)
        assert [table.get_row_at(i)[0] for i in range(table.row_count)] == ["A-0001"]
