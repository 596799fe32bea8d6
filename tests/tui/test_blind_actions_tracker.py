"""A moderator who is also a QA lead walks the actions tracker while re-auditing an audit
blind: every team's actions, the case and the audit behind each are a key away, yet the
original audit is never reached: its actions are not listed, its case lists it without a
grade, and opening it is refused with the reason."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable, Select

from audit_tools.models import Action, User
from db import open_store
from tests.tui.conftest import add_submitted_audit
from tests.tui.keys import open_screen, settle, wait_until
from tests.tui.test_audit_keyboard import open_app
from tui.screens.actions import ActionsScreen
from tui.screens.audit_form import AuditFormScreen
from tui.screens.case_detail import CaseDetailScreen


def moderating_blind(path) -> None:
    """amy's A-0001 of C-2 (requires improvement) assigned to mq, not yet re-audited; amy's
    A-0002 of the same case, with one action of its own, is nobody's to moderate."""
    add_submitted_audit(path)
    store = open_store(path, "admin")
    store.people.upsert([User(username="mq", display_name="Mo Quinn", roles=["moderator", "qa_lead"],
                              team="qa")])
    first = store.audits.get("A-0001")
    store.audits.insert([first.model_copy(update={
        "audit_id": "A-0002", "moderation": None,
        "actions": [Action(description="Share the plan with the family", owner="max", due=date(2024, 4, 1),
                           standard="chronology")]})])
    store.moderation.assign("A-0001", "mq")
    store.close()


def rows(table: DataTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_the_actions_tracker_never_reaches_the_audit_being_re_audited_blind(db_path):
    moderating_blind(db_path)
    app = open_app(db_path, username="mq")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_screen(pilot, "a", ActionsScreen)
        whose = screen.query_one("#whose", Select)
        assert [value for _, value in whose._options] == ["mine", "team", "all"]  # offered by the service
        whose.value = "all"
        screen.query_one("#state", Select).value = "all"
        await settle(pilot)
        table = screen.query_one("#action-table", DataTable)
        # Every team's actions, but none of A-0001's: its action plan is part of the original.
        assert [r[1] for r in rows(table)] == ["Share the plan with the family"]
        table.focus()
        await pilot.press("k")  # the action's case: C-2, where A-0001 is listed too
        await settle(pilot)
        assert isinstance(app.screen, CaseDetailScreen) and app.screen.case_ref == "C-2"
        audits = app.screen.query_one("#case-audits-table", DataTable)
        listed = {r[0]: r for r in rows(audits)}
        assert listed["A-0001"][4] == ""  # no grade for the audit being re-audited blind
        assert listed["A-0002"][4] == "Requires improvement"
        audits.focus()
        while str(audits.get_row_at(audits.cursor_row)[0]) != "A-0001":
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseDetailScreen)  # not opened
        await wait_until(pilot, lambda: any("You are moderating A-0001" in n.message for n in app._notifications),
                         "the refusal told")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ActionsScreen)
        await pilot.press("p")  # the listed action's own audit opens: it is A-0002, not the original
        await settle(pilot)
        assert isinstance(app.screen, AuditFormScreen) and app.screen.audit_id == "A-0002"
