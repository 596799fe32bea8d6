"""The QA lead's actions list puts the overdue first, then by due date, and each action's
case or audit is a key away."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable, Select

from audit_tools.models import Action
from db import open_store
from tests.tui.conftest import add_submitted_audit
from tests.tui.keys import open_screen, settle
from tests.tui.test_audit_keyboard import open_app
from tui.screens.actions import ActionsScreen
from tui.screens.audit_form import AuditFormScreen
from tui.screens.case_detail import CaseDetailScreen


def add_second_audit(path) -> None:
    """A-0002 of C-1 (stored after A-0001) with an action due later and one overdue longer."""
    store = open_store(path, "admin")
    first = store.audits.get("A-0001")
    second = first.model_copy(update={
        "audit_id": "A-0002", "case_ref": "C-1", "moderation": None,
        "actions": [
            Action(description="Share the plan with the family", owner="max", due=date(2024, 4, 1)),
            Action(description="Update the chronology", owner="max", due=date(2024, 2, 10),
                   standard="chronology"),
        ]})
    store.audits.insert([second])
    store.close()


def shown(table: DataTable) -> list[str]:
    return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]


async def test_every_teams_actions_overdue_first_then_by_due_date(db_path):
    add_submitted_audit(db_path)  # A-0001: amy's "Rewrite the chronology" overdue since 20 Feb
    add_second_audit(db_path)
    app = open_app(db_path, username="lee")  # TODAY is 1 Mar 2024
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(pilot, "a", ActionsScreen)
        screen.query_one("#whose", Select).value = "all"
        screen.query_one("#state", Select).value = "all"
        await settle(pilot)
        table = screen.query_one("#action-table", DataTable)
        assert shown(table) == [
            "Update the chronology",  # overdue since 10 Feb
            "Rewrite the chronology",  # overdue since 20 Feb
            "Discuss in supervision",  # due 15 Feb, done on time
            "Share the plan with the family",  # due 1 Apr
        ]
        table.focus()
        await pilot.press("k")  # the highlighted action's case
        await settle(pilot)
        assert isinstance(app.screen, CaseDetailScreen) and app.screen.case_ref == "C-1"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("down", "p")  # the next action's audit
        await settle(pilot)
        assert isinstance(app.screen, AuditFormScreen) and app.screen.audit_id == "A-0001"


def test_the_store_orders_actions_by_urgency(db_path):
    add_submitted_audit(db_path)
    add_second_audit(db_path)
    store = open_store(db_path, "admin")
    by_urgency = store.amendments.actions(today=date(2024, 3, 1), order="urgency")
    assert [a.description for a in by_urgency] == [
        "Update the chronology", "Rewrite the chronology", "Discuss in supervision",
        "Share the plan with the family"]
    # On 12 Feb only the action due 10 Feb is overdue; the rest by due date.
    assert [a.description for a in store.amendments.actions(today=date(2024, 2, 12), order="urgency")] == [
        "Update the chronology", "Discuss in supervision", "Rewrite the chronology",
        "Share the plan with the family"]
