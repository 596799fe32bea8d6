"""Historic audits brought in with `caseaudit import audits` are shown as imported: scored
outside caseaudit, with the automatic status beside each score and no reason asked for a
difference (product.md, "Historic audits")."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Select

from tests.tui.conftest import add_imported_audit, add_submitted_audit
from tests.tui.keys import settle
from tests.tui.test_audit_keyboard import open_app
from tui.screens.audit_form import AuditFormScreen
from tui.screens.case_detail import CaseDetailScreen


def shown_box(form, selector: str) -> bool:
    """Whether the box is on the form and shown (a row builds its reason and note boxes only
    once its status asks for them)."""
    found = form.query(selector)
    return bool(found) and found.first(Input).display


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def open_case(pilot, down: int = 0) -> CaseDetailScreen:
    await settle(pilot)
    await pilot.press("c")
    await settle(pilot)
    for _ in range(down):
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CaseDetailScreen)
    return pilot.app.screen


async def test_the_case_lists_the_imported_audit_as_imported(db_path, tmp_path):
    audit_id = add_imported_audit(db_path, tmp_path)
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_case(pilot)
        table = screen.query_one("#case-audits-table", DataTable)
        row = table.get_row(audit_id)
        assert str(row[3]) == "2 Feb 2024, imported"


async def test_an_audit_made_here_is_not_called_imported(db_path, tmp_path):
    add_submitted_audit(db_path)  # C-2, scored in caseaudit
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_case(pilot, down=1)
        row = screen.query_one("#case-audits-table", DataTable).get_row("A-0001")
        assert "imported" not in str(row[3])
        await pilot.press("tab", "enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AuditFormScreen)
        assert "Imported" not in text_of(form, "#audit-header")
        assert not form.query(".automatic-beside")
        # caseaudit's own override still shows its reason
        assert form.query_one("#reason-chronology", Input).display


async def test_imported_audit_shows_the_automatic_status_beside_each_score(db_path, tmp_path):
    add_imported_audit(db_path, tmp_path)
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_case(pilot)
        await pilot.press("tab", "enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AuditFormScreen) and form.read_only
        header = text_of(form, "#audit-header")
        assert "Imported from the council's earlier records: scored outside caseaudit" in header
        assert "automatic status is shown beside each score for comparison" in header
        # the score that differs, with the automatic status beside it
        assert form.query_one("#status-chronology", Select).value == "partly_met"
        assert text_of(form, "#automatic-chronology") == "automatic: met"
        assert text_of(form, "#automatic-cp-visits") == "automatic: met"
        assert text_of(form, "#automatic-voice-of-child") == "automatic: none (a judgement)"
        # a difference is not an override: no reason box offered, nor called one anywhere
        assert not shown_box(form, "#reason-chronology")
        assert all(not box.display for box in form.query("Input") if box.id and box.id.startswith("reason-"))
        shown = " ".join(str(w.render()) for w in form.query("Static") if w.display)
        assert "override" not in shown.lower()


async def test_amending_an_imported_audit_asks_no_reason_for_a_difference(db_path, tmp_path):
    add_imported_audit(db_path, tmp_path)
    app = open_app(db_path, username="lee")  # a QA lead may amend a submitted audit
    async with app.run_test(size=(80, 24)) as pilot:
        await open_case(pilot)
        await pilot.press("tab", "enter")
        await settle(pilot)
        form = app.screen
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert not form.read_only
        assert not form.dirty  # the automatic statuses kept at import read back unchanged
        assert form.build_audit().automatic == form.audit.automatic
        assert not shown_box(form, "#reason-chronology")
