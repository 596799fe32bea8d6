"""Safeguarding concerns from the keyboard: raised from the audit form (draft, submitted) and
the blind re-audit, on the line manager's and QA lead's dashboards in other app instances on
the same database file at once, in the header until acknowledged, then closed."""

from __future__ import annotations

from textual.widgets import DataTable, Static, TextArea

from audit_tools.models import Role
from db import open_store
from tests.tui.conftest import TODAY, add_submitted_audit
from tests.tui.keys import settle
from tests.tui.test_audit_keyboard import open_app, open_new_audit
from tests.tui.test_moderation import add_moderated_case, open_first_in_queue
from tui.app import make_app
from tui.screens.audit_form import AuditFormScreen
from tui.screens.concerns import ConcernScreen, RaiseConcernScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.moderation.blind import BlindReauditScreen
from tui.widgets.prompts import AskText, Confirm

FOUND = "Photo of 2 Feb shows bruising; no strategy discussion recorded"
SHOULD = "Line manager to visit today and see the child alone"


async def raise_one(pilot, found: str = FOUND, should: str = SHOULD) -> None:
    await pilot.press("ctrl+g")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, RaiseConcernScreen)
    dialog.query_one("#concern-found", TextArea).insert(found)
    dialog.query_one("#concern-should", TextArea).insert(should)
    await pilot.press("ctrl+s")
    await settle(pilot)


def concern_rows(screen) -> list[list[str]]:
    table = screen.query_one("#concerns-table", DataTable)
    return [[str(c) for c in table.get_row(k)] for k in table.rows] if table.display else []


def stored(db_path) -> list[tuple]:
    store = open_store(db_path, "admin")
    try:
        return store.db.execute("SELECT concern_id, case_ref, audit_id, source, raised_by, found, should_happen "
                                "FROM concerns ORDER BY concern_id").fetchall()
    finally:
        store.close()


async def test_a_concern_raised_in_one_app_is_on_the_line_managers_and_qa_leads_dashboards(db_path):
    auditor, manager, lead = open_app(db_path, "amy"), open_app(db_path, "max"), open_app(db_path, "lee")
    async with auditor.run_test(size=(80, 24)) as a, manager.run_test(size=(80, 24)) as m, \
            lead.run_test(size=(80, 24)) as q:
        await settle(m)
        await settle(q)
        assert concern_rows(manager.screen) == [] and "open concern" not in manager.sub_title

        form = await open_new_audit(a)  # C-1, whose line manager is max
        assert isinstance(form, AuditFormScreen)
        await raise_one(a)
        assert isinstance(auditor.screen, AuditFormScreen)  # back on the form, the draft untouched
        assert stored(db_path) == [("SC-000001", "C-1", form.audit_id, "audit", "amy", FOUND, SHOULD)]

        # The other programs see it on their next poll (every few seconds; run now here).
        for app, pilot in ((manager, m), (lead, q)):
            app.poll_concerns()
            await settle(pilot)
            assert isinstance(app.screen, DashboardScreen)
            rows = concern_rows(app.screen)
            assert [r[:2] + r[3:5] for r in rows] == [["SC-000001", "C-1", "amy", "open"]]
            assert app.sub_title.startswith("⚠ 1 open concern · ")
            # The dashboard's count and the header's agree, and say how they differ (finding 18).
            assert "1 safeguarding concern to act on (1 open: not yet acknowledged)" in str(
                app.screen.query_one("#concerns", Static).render())
        # The auditor who raised it is neither: no dashboard row, no header mark.
        assert "open concern" not in auditor.sub_title

        # The line manager acknowledges it from the dashboard: the header mark goes, the row stays.
        await m.press("enter")
        await settle(m)
        assert isinstance(manager.screen, ConcernScreen)
        assert FOUND in "\n".join(str(w.render()) for w in manager.screen.query(Static))
        await m.click("#concern-acknowledge")
        await settle(m)
        assert isinstance(manager.screen, Confirm)  # acknowledging asks first
        await m.press("y")
        await settle(m)
        assert "open concern" not in manager.sub_title
        assert [r[4] for r in concern_rows(manager.screen)] == ["acknowledged"]
        tile = str(manager.screen.query_one("#concerns", Static).render())
        assert "1 safeguarding concern to act on" in tile and "not yet acknowledged" not in tile

        # Closing asks for the action taken; then it leaves the dashboard.
        await m.press("enter")
        await settle(m)
        await m.click("#concern-close")
        await settle(m)
        assert isinstance(manager.screen, AskText)
        await m.press(*"Visited, child safe", "enter")
        await settle(m)
        await settle(m)
        assert concern_rows(manager.screen) == []
        lead.poll_concerns()
        await settle(q)
        assert concern_rows(lead.screen) == [] and "open concern" not in lead.sub_title


async def test_both_texts_are_needed_and_problems_show_in_the_dialog(db_path):
    app = open_app(db_path, "amy")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_new_audit(pilot)
        await raise_one(pilot, found="   ", should="")
        dialog = app.screen
        assert isinstance(dialog, RaiseConcernScreen)
        assert str(dialog.query_one("#concern-found-problem", Static).render()) == (
            "what you found: required; write it in a sentence or two")
        assert dialog.query_one("#concern-should-problem", Static).display
        # Typing in a box takes its "required" away at once (finding 18 of issue 26).
        dialog.query_one("#concern-should", TextArea).focus()
        await pilot.press(*"ask the social worker")
        await pilot.pause()
        assert not dialog.query_one("#concern-should-problem", Static).display
        assert dialog.query_one("#concern-found-problem", Static).display
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, AuditFormScreen)
    assert stored(db_path) == []


async def test_raised_from_a_submitted_audit_read_only(db_path):
    add_submitted_audit(db_path)
    app = open_app(db_path, "amy")
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        app.push_screen(AuditFormScreen(audit_id="A-0001"))
        await settle(pilot)
        assert app.screen.read_only
        await raise_one(pilot)
    assert [r[:5] for r in stored(db_path)] == [("SC-000001", "C-2", "A-0001", "audit", "amy")]


async def test_raised_from_a_blind_reaudit(db_path):
    audit_id = add_moderated_case(db_path)
    app = make_app(db_path, username="mo", today=TODAY)
    async with app.run_test(size=(100, 40)) as pilot:
        blind = await open_first_in_queue(pilot)
        assert isinstance(blind, BlindReauditScreen)
        await raise_one(pilot)
        assert isinstance(app.screen, BlindReauditScreen)
    assert [r[:5] for r in stored(db_path)] == [("SC-000001", "C-1", audit_id, "blind re-audit", "mo")]



async def test_one_enter_does_not_acknowledge_a_concern(db_path):
    """The Acknowledge button has the focus when a concern opens: a single enter asks, with
    No highlighted, and the concern stays open until the person says yes (finding 23 of
    issue 26)."""
    auditor, manager = open_app(db_path, "amy"), open_app(db_path, "max")
    async with auditor.run_test(size=(80, 24)) as a, manager.run_test(size=(80, 24)) as m:
        await open_new_audit(a)
        await raise_one(a)
        manager.poll_concerns()
        await settle(m)
        await m.press("enter")  # opens the concern
        await settle(m)
        assert isinstance(manager.screen, ConcernScreen)
        await m.press("enter")  # on Acknowledge
        await settle(m)
        assert isinstance(manager.screen, Confirm)
        assert "Acknowledge concern SC-000001?" in manager.screen.question
        await m.press("enter")  # No is highlighted
        await settle(m)
        assert isinstance(manager.screen, ConcernScreen)
        assert [r[4] for r in concern_rows(manager.screen_stack[-2])] == ["open"]
        assert manager.sub_title.startswith("⚠ 1 open concern")
        await m.pause(0.3)  # a button takes no second press within its 0.2 s press effect
        await m.press("enter")
        await settle(m)
        assert isinstance(manager.screen, Confirm)
        await m.press("y")
        for _ in range(20):  # the acknowledgement is written in a worker; the dialog closes after
            await settle(m)
            if isinstance(manager.screen, DashboardScreen):
                break
        assert [r[4] for r in concern_rows(manager.screen)] == ["acknowledged"]
