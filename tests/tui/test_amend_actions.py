"""Correcting the action plan of a submitted audit from the form, with the keyboard."""

from __future__ import annotations

from datetime import date

from textual.widgets import Input

from db import open_store
from tests.tui.conftest import add_submitted_audit
from tests.tui.keys import settle, tab_to
from tests.tui.test_audit_keyboard import choose, open_app
from tui.screens.audit_form import AuditFormScreen
from tui.screens.audit_form_mode import FormMode
from tui.widgets.prompts import AskText, Confirm


async def open_submitted(pilot) -> AuditFormScreen:
    await settle(pilot)
    await pilot.press("c")
    await settle(pilot)
    await pilot.press("down", "enter")
    await settle(pilot)
    await pilot.press("tab", "enter")  # the case's audits, then the first one
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, AuditFormScreen) and form.read_only
    return form


async def test_amending_corrects_an_owner_and_due_date_and_adds_an_action(db_path):
    add_submitted_audit(db_path)  # action 1 open (amy), action 2 completed (max)
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_submitted(pilot)
        await pilot.press("ctrl+e")
        await pilot.pause()
        first, second = form.plan.numbers
        # The completed action's record cannot be edited or removed.
        assert form.query_one(f"#action-description-{second}", Input).disabled
        assert not form.query_one(f"#action-description-{first}", Input).disabled
        await choose(pilot, f"action-owner-{first}", "Max Manager")
        await tab_to(pilot, f"action-due-{first}")
        due = form.query_one(f"#action-due-{first}", Input)
        due.value = ""
        await pilot.press(*"2024-03-29")
        await pilot.press("ctrl+n")
        await settle(pilot)
        third = form.plan.numbers[-1]
        await pilot.press(*"Share the chronology with the family")
        await choose(pilot, f"action-owner-{third}", "Amy Auditor")
        await tab_to(pilot, f"action-due-{third}")
        await pilot.press(*"2024-04-15")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AskText)
        await pilot.press(*"amy is leaving the team", "enter")
        await settle(pilot)
        assert form.mode is FormMode.SUBMITTED
    store = open_store(db_path, "admin")
    actions = store.audits.get("A-0001").actions
    assert [(a.owner, a.due, a.completed_on) for a in actions] == [
        ("max", date(2024, 3, 29), None),
        ("max", date(2024, 2, 15), date(2024, 2, 14)),
        ("amy", date(2024, 4, 15), None),
    ]
    [amendment] = store.amendments.list("A-0001")
    assert amendment.reason == "amy is leaving the team" and set(amendment.changes) == {"actions"}
    assert store.history.verify().ok


async def test_an_amendment_submission_would_refuse_is_listed_not_saved(db_path):
    add_submitted_audit(db_path)
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_submitted(pilot)
        await pilot.press("ctrl+e")
        await pilot.pause()
        first = form.plan.numbers[0]
        await tab_to(pilot, f"action-due-{first}")
        form.query_one(f"#action-due-{first}", Input).value = "2024-01-15"  # before the as-at date
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, AskText)
        problems = str(form.query_one("#audit-problems").text)
        assert "Not amended" in problems and "must be after the audit's as-at date" in problems
        assert app.focused is form.query_one(f"#action-due-{first}", Input)
    assert open_store(db_path, "admin").amendments.list("A-0001") == []


async def test_problems_are_counted_in_words(db_path):
    from tests.tui.test_audit_keyboard import open_new_audit

    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_new_audit(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        words = str(form.query_one("#audit-problems").text)
        assert "things to put right" in words and "(s)" not in words


async def test_leaving_an_amendment_puts_the_form_back_as_stored(db_path):
    from textual.widgets import Select

    from audit_tools.models import Grade

    add_submitted_audit(db_path)
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_submitted(pilot)
        await pilot.press("ctrl+e")
        await pilot.pause()
        await choose(pilot, "grade-select", "Inadequate")
        assert form.dirty
        # Leaving asks first (finding 3 of issue 26); "keep editing" keeps the change on screen.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        assert app.screen.question.startswith("Discard your changes?")
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is form and form.mode is FormMode.AMENDING and form.dirty
        assert form.query_one("#grade-select", Select).value == Grade.inadequate
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is form and form.mode is FormMode.SUBMITTED
        assert form.query_one("#grade-select", Select).value == Grade.requires_improvement
        assert len(form.plan.numbers) == 2
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is not form
    assert open_store(db_path, "admin").amendments.list("A-0001") == []


async def test_the_cursor_goes_to_the_field_a_problem_is_about_whatever_its_words(db_path, monkeypatch):
    import tui.screens.audit_form_base as audit_form
    from audit_tools.audit import Problem

    real = audit_form.submission_rule_problems

    def reworded(*args, **kwargs):
        # The same rules and fields, in words that name another box of the action.
        return [Problem(p.field, p.label, "ask the owner when it is due") for p in real(*args, **kwargs)]

    monkeypatch.setattr(audit_form, "submission_rule_problems", reworded)
    add_submitted_audit(db_path)
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_submitted(pilot)
        await pilot.press("ctrl+e")
        await pilot.pause()
        first = form.plan.numbers[0]
        await tab_to(pilot, f"action-due-{first}")
        form.query_one(f"#action-description-{first}", Input).value = ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        problems = str(form.query_one("#audit-problems").text)
        assert "action 1: ask the owner when it is due" in problems
        assert app.focused is form.query_one(f"#action-description-{first}", Input)
    assert open_store(db_path, "admin").amendments.list("A-0001") == []
