"""ctrl+q quits from the forms too, keeping the work first; ctrl+c says how to quit (finding
23 of issue 26: both did nothing on the audit form and the blind re-audit)."""

from __future__ import annotations

from textual.widgets import Input

from db import open_store
from tests.tui.keys import settle, tab_to
from tests.tui.test_audit_keyboard import open_app, open_new_audit
from tests.tui.test_moderation import TODAY, add_moderated_case, open_first_in_queue
from tui.app import make_app


async def test_ctrl_q_on_an_audit_form_saves_the_draft_then_quits(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_new_audit(pilot)
        await tab_to(pilot, "strengths")
        await pilot.press("space")
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert any("Press ctrl+q to quit" in str(n.message) for n in app._notifications)
        assert app.is_running
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert not app.is_running
    draft = open_store(db_path, "admin").audits.get(form.audit_id)
    assert draft is not None and draft.themes.strengths


async def test_ctrl_q_on_a_blind_reaudit_saves_it_then_quits(db_path):
    audit_id = add_moderated_case(db_path)
    app = make_app(db_path, username="mo", today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        blind = await open_first_in_queue(pilot)
        await settle(pilot)
        blind.query_one("#blind-note-voice-of-child", Input).value = "views recorded once"
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert not app.is_running
    assert open_store(db_path, "admin").moderation.blind_draft(audit_id, "mo").notes == {
        "voice-of-child": "views recorded once"}
