"""The blind re-audit works as the audit form does (finding 7 of issue 14): ctrl+s saves a
draft that is there on coming back, ctrl+r submits, and what is missing is listed in the
persistent problem list, shrinking as it is put right."""

from __future__ import annotations

from textual.widgets import Input, Select

from db import open_store
from tests.tui.keys import settle
from tests.tui.test_moderation import TODAY, add_moderated_case, choose, focus, open_first_in_queue
from tui.app import make_app
from tui.screens.moderation.blind import BlindReauditScreen
from tui.screens.moderation.queue import ModerationQueueScreen
from tui.screens.moderation.reconcile import ReconcileScreen
from tui.widgets.problems import ProblemsBox
from tui.widgets.prompts import Confirm

JUDGEMENTS = ["voice-of-child", "management-oversight", "plan-quality", "absent-parent-views"]


async def test_a_half_done_reaudit_is_saved_with_ctrl_s_and_submitted_with_ctrl_r(db_path):
    audit_id = add_moderated_case(db_path)
    app = make_app(db_path, username="mo", today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        blind = await open_first_in_queue(pilot)
        await settle(pilot)
        await choose(pilot, "blind-status-voice-of-child", "partly")
        await focus(pilot, "blind-note-voice-of-child")
        await pilot.press(*"views recorded once")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is blind  # saved, not submitted
        draft = open_store(db_path, "admin").moderation.blind_draft(audit_id, "mo")
        assert draft.scores["voice-of-child"].value == "partly_met"
        assert draft.notes == {"voice-of-child": "views recorded once"} and draft.grade is None
        assert open_store(db_path, "admin").audits.get(audit_id).moderation is None

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ModerationQueueScreen)
        await pilot.press("enter")
        await settle(pilot)
        blind = app.screen
        assert isinstance(blind, BlindReauditScreen)
        assert blind.query_one("#blind-status-voice-of-child", Select).value.value == "partly_met"
        assert blind.query_one("#blind-note-voice-of-child", Input).value == "views recorded once"

        await pilot.press("ctrl+r")  # too early: listed at the top, and the cursor on the first
        await settle(pilot)
        box = blind.query_one("#blind-problems", ProblemsBox)
        assert box.has_class("shown") and app.screen is blind
        count = len(box.problems)
        assert box.text.startswith(f"Not submitted: {count} things to put right")
        assert "• grade: choose your own grade for the case" in box.text
        # Standards are named by their titles, as the audit form names them (finding 18 of issue 26).
        assert "• Management oversight: choose a status" in " ".join(box.text.split())
        assert "management-oversight:" not in box.text
        assert app.focused is blind.query_one("#blind-status-management-oversight")
        await choose(pilot, "blind-grade", "Good")
        assert len(box.problems) == count - 1 and "grade:" not in box.text
        for standard in JUDGEMENTS[1:]:
            await choose(pilot, f"blind-status-{standard}", "met")
        assert not box.has_class("shown")

        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ReconcileScreen)
    store = open_store(db_path, "admin")
    assert store.audits.get(audit_id).moderation.grade.value == "good"
    assert store.moderation.blind_draft(audit_id, "mo") is None  # done with once submitted
