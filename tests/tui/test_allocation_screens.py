"""The QA lead allocates the month from the allocation screen; the auditor finds the cases
allocated to them on the dashboard, and enter starts (then carries on) the audit, linked."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable, Input, Static

from audit_tools import allocation as alloc
from audit_tools.models import Case
from caseaudit.services.allocation import allocate_month
from db import open_store
from tests.tui.conftest import TODAY
from tests.tui.keys import open_screen, settle
from tui.app import make_app
from tui.screens.allocation import AllocationScreen
from tui.screens.audit_form import AuditFormScreen


def add_south_cases(db_path) -> None:
    """Two South cases beside conftest's North ones (C-1, C-2: worker wes, line manager max)."""
    store = open_store(db_path, "admin")
    store.cases.upsert([Case(case_ref=f"S-{i}", case_type="CIN", start_date=date(2024, 1, 2), team="south",
                             worker="sid", line_manager="sue") for i in (1, 2)])
    store.close()


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def rows(table: DataTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row(key)] for key in table.rows]


async def test_the_qa_lead_allocates_the_month_from_the_keyboard(db_path):
    add_south_cases(db_path)
    app = make_app(db_path, username="lee", today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(pilot, "l", AllocationScreen)
        assert screen.query_one("#allocation-month", Input).value == "2024-03"
        assert "March 2024: not allocated yet" in text_of(screen, "#allocation-summary")

        screen.query_one("#allocation-per-auditor", Input).focus()
        await pilot.press("1", "tab", *"board", "enter")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)

        store = open_store(db_path, "admin")
        [made] = store.allocations.list("2024-03")
        assert made.seed == "board" and made.per_auditor == 1 and made.allocated_by == "lee"
        assert made.frame_size == 4 and alloc.verify(made, store.allocations.rows_of(made.allocation_id))[0]
        # max manages the North cases, so his is a South one; amy and lee (qa) take one each.
        assert made.allocated["max"][0].startswith("S-")
        assert sorted(len(refs) for refs in made.allocated.values()) == [1, 1, 1]

        summary = text_of(screen, "#allocation-summary")
        assert f"{made.allocation_id}: 3 cases, 1 per auditor from 4 open cases; seed board; by lee" in summary
        auditors = rows(screen.query_one("#allocation-auditors", DataTable))
        assert [r[0] for r in auditors] == ["amy", "lee", "max"]
        assert auditors[2][:5] == ["max", "north", made.allocated["max"][0], "0", "0 of 1"]
        teams = rows(screen.query_one("#allocation-teams", DataTable))
        assert teams == [["north", "1", "0", "0"], ["qa", "2", "0", "0"]]


async def test_a_shortfall_is_shown_and_explained(db_path):
    add_south_cases(db_path)
    store = open_store(db_path, "lee")
    allocate_month(store, "2024-03", 2, "board")  # max can only have the two South cases, if left
    store.close()
    app = make_app(db_path, username="lee", today=TODAY)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        screen = app.screen
        assert "1 auditor short: no more open cases outside their team" in text_of(screen, "#allocation-summary")
        shorts = {r[0]: r[5] for r in rows(screen.query_one("#allocation-auditors", DataTable))}
        assert [n for n in shorts.values() if n] == ["2"]


async def test_enter_on_an_allocated_case_starts_its_audit_linked_to_the_allocation(db_path):
    add_south_cases(db_path)
    store = open_store(db_path, "lee")
    made = allocate_month(store, "2024-03", 1, "board")
    ref = made.allocated["amy"][0]
    app = make_app(db_path, username="amy", today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "Allocated to you this month: 1 case, 0 done" in text_of(app.screen, "#allocated")
        table = app.screen.query_one("#allocated-table", DataTable)
        assert rows(table) == [[ref, "CIN" if ref.startswith("S-") else "CP", "south" if ref.startswith("S-")
                                else "north", "not started"]]
        assert app.screen.focused is table
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AuditFormScreen) and form.audit.case_ref == ref
        await pilot.press("ctrl+s")
        await settle(pilot)
        [row] = store.allocations.for_auditor("amy", "2024-03")
        assert row[4] == form.audit.audit_id and row[5] == "draft"

        await pilot.press("escape")
        await settle(pilot)
        assert rows(app.screen.query_one("#allocated-table", DataTable))[0][3] == f"draft {form.audit.audit_id}"
        # Carrying on: enter on the allocated case opens the same audit.
        app.screen.query_one("#allocated-table", DataTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AuditFormScreen) and app.screen.audit.audit_id == row[4]


async def test_a_month_allocated_already_is_said_in_the_question_and_a_full_one_before_it(db_path):
    """Finding 17 of issue 26: the question for a month allocated already asked 'Allocate 2
    cases…?' and was refused only after y."""
    from tui.widgets.prompts import Confirm

    add_south_cases(db_path)
    first = allocate_month(open_store(db_path, "lee"), "2024-03", 1, "board")
    app = make_app(db_path, username="lee", today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(pilot, "l", AllocationScreen)
        screen.query_one("#allocation-per-auditor", Input).value = "1"
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        question = app.screen.question
        assert question.startswith(f"March 2024 has been allocated already: {first.allocation_id} (3 cases). "
                                   "Allocate 1 case to 1 auditor (1 each at most), seed ")
        await pilot.press("y")
        await settle(pilot)
        assert len(open_store(db_path, "admin").allocations.list("2024-03")) == 2

        # Nothing left to give: said at once, and nothing asked.
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert not isinstance(app.screen, Confirm)
        assert app.screen is screen
        assert any("no case can be allocated" in str(n.message) for n in app._notifications)
    assert len(open_store(db_path, "admin").allocations.list("2024-03")) == 2
