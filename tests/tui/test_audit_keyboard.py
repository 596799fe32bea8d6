"""Completing an audit with the keyboard only, at 80x24, as a team manager would."""

from __future__ import annotations

from textual.widgets import Select

from audit_tools.models import Grade, Status
from db import open_store
from tests.tui.conftest import TODAY
from tests.tui.keys import settle, tab_to
from tui.app import make_app
from tui.screens.audit_form import AuditFormScreen
from tui.screens.audit_form_mode import FormMode
from tui.screens.case_detail import CaseDetailScreen
from tui.screens.cases import CasesScreen


async def choose(pilot, select_id: str, label_start: str) -> None:
    """Open a drop-down with enter, move to the option, enter again."""
    await tab_to(pilot, select_id)
    select = pilot.app.screen.query_one(f"#{select_id}", Select)
    await pilot.press("enter")
    await pilot.pause()
    for _ in range(12):
        overlay = select.query_one("SelectOverlay")
        option = overlay.highlighted_option
        if option is not None and str(option.prompt).startswith(label_start):
            break
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()


async def type_text(pilot, widget_id: str, text: str) -> None:
    await tab_to(pilot, widget_id)
    await pilot.press(*text)


async def open_new_audit(pilot, case_position: int = 0) -> AuditFormScreen:
    await settle(pilot)
    await pilot.press("c")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CasesScreen)
    for _ in range(case_position):
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CaseDetailScreen)
    await pilot.press("n")
    await settle(pilot)
    return pilot.app.screen


def open_app(db_path, username: str = "amy"):
    app = make_app(db_path, username=username, today=TODAY)
    app.animation_level = "none"  # no scrolling animations to wait for between key presses
    return app


async def test_complete_an_audit_with_the_keyboard(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_new_audit(pilot)
        assert isinstance(form, AuditFormScreen)
        # The automatic statuses are already there: the auditor accepts them as they are.
        assert form.query_one("#status-cp-visits", Select).value == Status.met
        assert form.query_one("#status-voice-of-child", Select).value == Select.NULL

        # Override one with a reason and an evidence note.
        await choose(pilot, "status-chronology", "not met")
        assert form.query_one("#reason-chronology").display
        await type_text(pilot, "reason-chronology", "chronology is a list of visits only")
        await type_text(pilot, "note-chronology", "no analysis of events")

        # The judgement standards need the auditor's status.
        for standard in ["voice-of-child", "management-oversight", "plan-quality", "absent-parent-views"]:
            await choose(pilot, f"status-{standard}", "met")

        await choose(pilot, "grade-select", "Requires improvement")
        await tab_to(pilot, "strengths")
        await pilot.press("space")  # the first theme in the vocabulary

        # An action for the unmet standard.
        await pilot.press("ctrl+n")
        await pilot.pause()
        # An empty due date must not look filled in (finding 9 of issue 26): its hint has no date.
        hint = form.query_one("#action-due-1").placeholder
        assert hint.startswith("due") and not any(c.isdigit() for c in hint)
        await type_text(pilot, "action-description-1", "Rewrite the chronology with analysis")
        await choose(pilot, "action-owner-1", "Max Manager")
        await type_text(pilot, "action-due-1", "2024-04-01")
        await choose(pilot, "action-standard-1", "Chronology on file")  # picked by its title

        await pilot.press("ctrl+r")
        await settle(pilot)
        assert form.audit.submitted, form.query_one("#audit-problems").text

    store = open_store(db_path, "admin")
    audits = store.audits.list(auditor="amy")
    assert len(audits) == 1
    audit = audits[0]
    assert audit.case_ref == "C-1"
    assert audit.as_of == TODAY and audit.submitted_on == TODAY
    assert audit.grade == Grade.requires_improvement
    assert audit.scores["cp-visits"] == Status.met  # accepted as automatic
    assert audit.scores["chronology"] == Status.not_met
    assert audit.automatic["chronology"] == Status.met
    assert audit.override_reasons == {"chronology": "chronology is a list of visits only"}
    assert audit.notes["chronology"] == "no analysis of events"
    assert audit.scores["voice-of-child"] == Status.met
    assert audit.themes.strengths == ["absent-fathers"]
    [action] = audit.actions
    assert action.description == "Rewrite the chronology with analysis"
    assert action.owner == "max" and action.standard == "chronology"
    assert action.due.isoformat() == "2024-04-01"


async def test_the_case_line_manager_is_refused_with_the_reason(db_path):
    app = open_app(db_path, username="max")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_new_audit(pilot)
        assert isinstance(screen, CaseDetailScreen), "the audit form must not open"
        messages = [n.message for n in app._notifications]
        assert any("line manager and may not audit this case" in m for m in messages), messages
    store = open_store(db_path, "admin")
    assert store.audits.list() == []


async def test_submit_lists_every_unmet_rule_and_focuses_the_first(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_new_audit(pilot)
        await choose(pilot, "status-cp-visits", "not met")
        await type_text(pilot, "reason-cp-visits", "visits were not purposeful")
        await type_text(pilot, "note-cp-visits", "no record of what was discussed")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert not form.audit.submitted
        problems = str(form.query_one("#audit-problems").text)
        # Every rule at once: the judgement standards, the grade, the missing action.
        assert "Voice of the child: no status" in problems
        assert "Views of absent parents: no status" in problems
        assert "grade: no grade" in problems
        assert ("Child on a protection plan seen every 10 working days: not met needs at least one "
                "action linked to it") in problems
        assert app.focused is form.query_one("#status-voice-of-child")
    store = open_store(db_path, "admin")
    assert [a.submitted for a in store.audits.list()] in ([], [False])


async def test_a_draft_saved_elsewhere_is_never_overwritten(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_new_audit(pilot)
        await choose(pilot, "status-voice-of-child", "met")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert form.revision == 1
        # The same auditor, in a second session, saves the draft in between.
        other = open_store(db_path, "amy")
        theirs = other.audits.get(form.audit_id).model_copy(update={"notes": {"voice-of-child": "theirs"}})
        assert other.audits.save_draft(theirs, 1) == 2
        await choose(pilot, "status-plan-quality", "partly met")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert form.mode is FormMode.CONFLICTED
        assert "someone else changed this draft" in str(form.query_one("#save-state").render())
    stored = open_store(db_path, "admin").audits.get(form.audit_id)
    assert stored.notes == {"voice-of-child": "theirs"}
    assert "plan-quality" not in stored.scores


async def test_drafts_save_themselves_and_on_leaving(db_path, monkeypatch):
    import tui.screens.audit_form as audit_form

    monkeypatch.setattr(audit_form, "AUTOSAVE_SECONDS", 0.05)
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_new_audit(pilot)
        await choose(pilot, "status-voice-of-child", "met")
        await pilot.pause(0.2)  # past the (shortened) autosave pause: the save starts by itself
        await settle(pilot)
        assert form.revision == 1 and not form.dirty
        await choose(pilot, "status-plan-quality", "partly met")
        await pilot.press("escape")  # leaving saves what is not saved yet
        await settle(pilot)
        assert isinstance(app.screen, CaseDetailScreen)
    store = open_store(db_path, "admin")
    draft = store.audits.get(form.audit_id)
    assert not draft.submitted
    assert draft.scores["voice-of-child"] == Status.met
    assert draft.scores["plan-quality"] == Status.partly_met
    assert store.audits.revision(form.audit_id) == 2


async def test_the_add_action_button_adds_an_action(db_path):
    from textual.widgets import Button

    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_new_audit(pilot)
        assert form.plan.numbers == []
        form.query_one("#add-action", Button).press()
        await settle(pilot)
        assert len(form.plan.numbers) == 1
        assert form.query_one(f"#action-description-{form.plan.numbers[0]}").has_focus
