"""A failing worker is told to the user once, never twice."""

from __future__ import annotations

import pytest

from audit_tools.errors import BadInput
from tests.tui.keys import settle
from tests.tui.test_audit_keyboard import open_app
from caseaudit.services import audits as audit_service
from caseaudit.services import cases as case_service
from caseaudit.services import dashboard as dashboard_service


def told(app, words: str) -> int:
    return sum(words in n.message for n in app._notifications)


async def test_dashboard_failure_is_told_once(db_path, monkeypatch):
    def fail(store, user, today):
        raise BadInput("the dashboard could not be read")

    monkeypatch.setattr(dashboard_service, "dashboard", fail)
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert told(app, "the dashboard could not be read") == 1


@pytest.mark.parametrize("key, where", [("c", "page_cases"), ("a", "list_actions")])
async def test_case_list_and_actions_failures_are_told_once(db_path, monkeypatch, key, where):
    app = open_app(db_path)

    def fail(*args, **kwargs):
        raise BadInput(f"{where} could not be read")

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        aggregate, method = {"page_cases": ("cases", "page"), "list_actions": ("amendments", "actions")}[where]
        monkeypatch.setattr(getattr(app.store, aggregate), method, fail)
        await pilot.press(key)
        await settle(pilot)
        assert told(app, f"{where} could not be read") == 1


async def test_case_detail_and_audit_form_failures_are_told_once(db_path, monkeypatch):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)

        def no_case(store, user, catalogue, today, case_ref):
            raise BadInput("the case could not be read")

        monkeypatch.setattr(case_service, "case_detail", no_case)
        await pilot.press("enter")
        await settle(pilot)
        assert told(app, "the case could not be read") == 1
        monkeypatch.undo()

        def no_form(store, user, catalogue, today, case_ref=None, audit_id=None, **where):
            raise BadInput("the audit could not be opened")

        monkeypatch.setattr(audit_service, "audit_context", no_form)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert told(app, "the audit could not be opened") == 1
