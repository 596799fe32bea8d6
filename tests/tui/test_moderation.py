"""Blind re-audit, reconciliation and the auditor's acknowledgement, from the keyboard."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable, Input, Select, Static

from audit_tools.models import Audit, Role, User
from audit_tools.standards import evaluate, load_catalogue
from db import open_store
from tests.support import full_blind
from tests.tui.conftest import TODAY
from tests.tui.keys import settle, tab_to
from tui.app import make_app
from tui.screens.moderation.blind import BlindReauditScreen
from tui.screens.moderation.feedback import FeedbackScreen
from tui.screens.moderation.queue import ModerationQueueScreen
from tui.screens.moderation.reconcile import ReconcileScreen

ORIGINAL_NOTE = "ORIGINAL-NOTE chronology lacks analysis"
AS_OF = date(2024, 2, 29)


def add_moderated_case(db_path) -> str:
    """amy's audit of C-1, graded outstanding, assigned to the moderator mo."""
    store = open_store(db_path, "admin")
    store.people.upsert([User(username="mo", display_name="Mo Moderator", roles=[Role.moderator], team="south")])
    case = store.cases.get("C-1")
    report = evaluate(case, AS_OF, load_catalogue(None))
    scores = {r.standard: (r.status.value if r.status else "met") for r in report.results}
    scores["chronology"] = "partly_met"
    store.audits.insert([Audit(
        audit_id="A-000001", case_ref="C-1", auditor="amy", as_of=AS_OF, submitted_on=date(2024, 3, 1),
        grade="outstanding", scores=scores, notes={"chronology": ORIGINAL_NOTE},
    )])
    store.moderation.assign("A-000001", "mo")
    store.close()
    return "A-000001"


def screen_text(screen) -> str:
    """Everything the screen would show: static text, table cells, field values."""
    parts: list[str] = []
    for widget in screen.query(Static):
        parts.append(str(widget.render()))
    for table in screen.query(DataTable):
        for key in table.rows:
            parts.extend(str(cell) for cell in table.get_row(key))
    for field in screen.query(Input):
        parts.append(field.value)
    for select in screen.query(Select):
        if select.value != Select.NULL:
            parts.append(str(select.value))
    return "\n".join(parts)


async def focus(pilot, widget_id: str, limit: int = 200) -> None:
    await tab_to(pilot, widget_id, limit)


async def choose(pilot, select_id: str, label_start: str) -> None:
    await focus(pilot, select_id)
    select = pilot.app.screen.query_one(f"#{select_id}", Select)
    await pilot.press("enter")
    await pilot.pause()
    for _ in range(12):
        option = select.query_one("SelectOverlay").highlighted_option
        if option is not None and str(option.prompt).startswith(label_start):
            break
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()


async def open_first_in_queue(pilot):
    await settle(pilot)
    await pilot.press("m")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ModerationQueueScreen)
    await pilot.press("enter")
    await settle(pilot)
    return pilot.app.screen


async def test_blind_reaudit_then_reconcile_then_acknowledge(db_path):
    audit_id = add_moderated_case(db_path)
    app = make_app(db_path, username="mo", today=TODAY)
    async with app.run_test(size=(100, 40)) as pilot:
        blind = await open_first_in_queue(pilot)
        assert isinstance(blind, BlindReauditScreen)
        await settle(pilot)
        shown = screen_text(blind)
        # The case and the automatic evidence are there; the original audit is not.
        assert "Blind re-audit of C-1" in shown and "cp-visits" in shown
        assert ORIGINAL_NOTE not in shown
        assert "Outstanding" not in shown and "outstanding" not in shown
        assert blind.query_one("#blind-grade", Select).value == Select.NULL
        assert blind.query_one("#blind-status-chronology", Select).value.value == "met"  # automatic, not amy's

        # Submitting too early lists what is missing and stores nothing.
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(pilot.app.screen, BlindReauditScreen)
        for standard in ["voice-of-child", "management-oversight", "plan-quality", "absent-parent-views"]:
            await choose(pilot, f"blind-status-{standard}", "met")
        await choose(pilot, "blind-grade", "Good")
        await pilot.press("ctrl+r")
        await pilot.pause()
        await pilot.press("y")  # confirm: the blind part is final
        await settle(pilot)

        reconcile = pilot.app.screen
        assert isinstance(reconcile, ReconcileScreen)
        await settle(pilot)
        shown = screen_text(reconcile)
        assert "Outstanding" in shown and "Good" in shown
        assert "moderator graded lower (auditor more generous)" in shown
        assert ORIGINAL_NOTE in shown  # differing notes are shown side by side now
        table = reconcile.query_one("#reconcile-table", DataTable)
        row = [str(c) for c in table.get_row("chronology")]
        assert row == ["Chronology on file and up to date", "partly met", "met", "differs"]
        assert [str(c) for c in table.get_row("cp-visits")][-1] == "same"

        # A changed grade needs the final grade and a reason; feedback always.
        await choose(pilot, "reconcile-outcome", "grade changed")
        assert reconcile.query_one("#reconcile-final-grade").display
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert open_store(db_path, "admin").audits.get(audit_id).moderation.outcome is None
        await choose(pilot, "reconcile-final-grade", "Good")
        await focus(pilot, "reconcile-reason")
        await pilot.press(*"evidence supports good")
        await focus(pilot, "reconcile-feedback")
        await pilot.press(*"Strong visits record; chronology is fine")
        await pilot.press("ctrl+s")
        await settle(pilot)

    stored = open_store(db_path, "admin").audits.get(audit_id)
    m = stored.moderation
    assert m.grade.value == "good" and m.moderated_on == TODAY
    assert m.outcome.value == "grade_changed" and m.final_grade.value == "good"
    assert m.reason == "evidence supports good"
    assert m.feedback == "Strong visits record; chronology is fine"
    assert stored.final_grade.value == "good"
    assert m.scores["chronology"].value == "met" and m.scores["voice-of-child"].value == "met"

    auditor = make_app(db_path, username="amy", today=TODAY)
    async with auditor.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        auditor.push_screen(FeedbackScreen())
        await settle(pilot)
        screen = auditor.screen
        assert "Strong visits record" in screen_text(screen)
        # Short grades in the table, so the final grade is not cut at 80 columns.
        table = screen.query_one("#feedback-table", DataTable)
        assert [str(c) for c in table.get_row_at(0)[3:]] == ["grade changed", "Outstanding", "Good"]
        assert table.virtual_size.width <= 78
        await pilot.press("k")
        await settle(pilot)
        assert "0 pieces of moderation feedback to acknowledge" in screen_text(screen)
    assert open_store(db_path, "admin").audits.get(audit_id).moderation.acknowledged_on == TODAY


async def test_a_reconciled_audit_opens_read_only(db_path):
    audit_id = add_moderated_case(db_path)
    from caseaudit.services import moderation as ms

    mo = open_store(db_path, "mo")
    ms.submit_blind(mo, audit_id, full_blind(mo, audit_id, "mo", "outstanding"))
    ms.reconcile(mo, audit_id, "agreed", None, None, "Agreed, well done")
    app = make_app(db_path, username="mo", today=TODAY)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_first_in_queue(pilot)
        assert isinstance(screen, ReconcileScreen)
        await settle(pilot)
        assert screen.query_one("#reconcile-outcome", Select).disabled
        assert "Outcome: agreed" in screen_text(screen)
        assert not screen.check_action("save", ())


async def test_leaving_a_started_reaudit_keeps_it_as_a_draft(db_path):
    audit_id = add_moderated_case(db_path)
    app = make_app(db_path, username="mo", today=TODAY)
    async with app.run_test(size=(100, 40)) as pilot:
        blind = await open_first_in_queue(pilot)
        await settle(pilot)
        await pilot.press("escape")  # nothing changed: leaves at once, nothing stored
        await settle(pilot)
        assert isinstance(app.screen, ModerationQueueScreen)
        assert open_store(db_path, "admin").moderation.blind_draft(audit_id, "mo") is None
        table = app.screen.query_one("#queue-table", DataTable)
        assert str(table.get_row(audit_id)[4]) == "to re-audit"
        await pilot.press("enter")
        await settle(pilot)
        blind = app.screen
        assert isinstance(blind, BlindReauditScreen)
        await choose(pilot, "blind-grade", "Good")
        await pilot.press("escape")  # leaving saves what is scored so far
        await settle(pilot)
        assert isinstance(app.screen, ModerationQueueScreen)
        # The queue says the re-audit is begun, so the moderator knows what is waiting.
        table = app.screen.query_one("#queue-table", DataTable)
        assert str(table.get_row(audit_id)[4]) == "to re-audit, draft saved"
    assert open_store(db_path, "admin").moderation.blind_draft(audit_id, "mo").grade.value == "good"