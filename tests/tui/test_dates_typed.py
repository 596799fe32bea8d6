"""Every date box reads a date as a person in England types it, and says one thing when it cannot."""

from __future__ import annotations

from datetime import date

from textual.widgets import Input

from tests.tui.keys import settle
from tests.tui.test_audit_keyboard import choose, open_app, open_new_audit, type_text


async def test_a_due_date_typed_day_first_is_read_and_a_bad_one_is_said_once(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_new_audit(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        number = form.plan.numbers[-1]
        await pilot.press(*"Rewrite the chronology")
        await choose(pilot, f"action-owner-{number}", "Max Manager")
        await type_text(pilot, f"action-due-{number}", "31/13/2024")
        await pilot.press("ctrl+r")
        await settle(pilot)
        said = [line for line in str(form.query_one("#audit-problems").text).splitlines()
                if line.startswith("• action 1")]
        assert said == ["• action 1: due '31/13/2024' is not a date (there is no month 13): "
                        "write it as 31/10/2025, 31 Oct 2025 or 2025-10-31"]

        form.query_one(f"#action-due-{number}", Input).value = "31/03/2024"
        assert form.build_audit().actions[0].due == date(2024, 3, 31)
        form.query_one(f"#action-due-{number}", Input).value = "31 Mar 2024"
        assert form.build_audit().actions[0].due == date(2024, 3, 31)
