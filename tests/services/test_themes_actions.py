"""The themes report's action figures at the edges docs/themes-report.md names, as the store
counts them: judged as at the quarter's last day, completed "on or before the quarter's last
day", on time "on or before their due date"."""

from __future__ import annotations

from datetime import date

from audit_tools.models import Action
from audit_tools.quarters import Quarter
from caseaudit.services.themes import themes_for
from tests.support import admin_store, make_audit

Q1 = Quarter.parse("2024-25-Q1")  # 1 April to 30 June 2024


def action(name: str, due: date, completed_on: date | None) -> Action:
    return Action(description=name, owner="ben", due=due, completed_on=completed_on)


ACTIONS = [
    # completed on 30 June, the quarter's last day, after its 10 June due date: completed, not on time
    action("a1", date(2024, 6, 10), date(2024, 6, 30)),
    # completed on its due date, 20 June: completed, on time
    action("a2", date(2024, 6, 20), date(2024, 6, 20)),
    # completed 1 July, the day after the quarter; due 30 June, not before it: open, not overdue
    action("a3", date(2024, 6, 30), date(2024, 7, 1)),
    # never completed, due 29 June, before 30 June: open and overdue
    action("a4", date(2024, 6, 29), None),
    # completed 20 May, due 31 May: completed, on time
    action("a5", date(2024, 5, 31), date(2024, 5, 20)),
]


def test_action_figures_at_the_quarters_last_day_and_the_due_date(tmp_path):
    store = admin_store(tmp_path / "c.db")
    audit = make_audit("A-0001", submitted_on=date(2024, 5, 15)).model_copy(
        update={"as_of": date(2024, 5, 10), "actions": ACTIONS, "imported": True})
    store.audits.insert([audit])
    report = themes_for(store, Q1)
    # raised 5; completed a1, a2, a5 = 3; on time a2, a5 = 2; open a3, a4 = 2; overdue a4 = 1
    assert report.actions.model_dump() == {
        "raised": 5, "completed": 3, "completed_on_time": 2, "open": 2, "overdue": 1}
    assert sorted((row.due, row.completed_on, row.state) for row in report.action_list) == [
        (date(2024, 5, 31), date(2024, 5, 20), "completed"),
        (date(2024, 6, 10), date(2024, 6, 30), "completed"),
        (date(2024, 6, 20), date(2024, 6, 20), "completed"),
        (date(2024, 6, 29), None, "overdue"),
        (date(2024, 6, 30), date(2024, 7, 1), "open"),
    ]
