"""The audit form is shown once its case has loaded; a case slow to load is told as loading,
and one that cannot be opened says so on screen, not on a screen left blank."""

from __future__ import annotations

import threading

from audit_tools.errors import BadInput
from caseaudit.services import audits as audit_service
from tests.tui.keys import settle
from tests.tui.test_audit_keyboard import open_app


def on_screen(app) -> str:
    """The words the terminal shows now (what has been laid out and painted)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def press_n_on_the_first_case(pilot) -> None:
    """From the dashboard to the case list's first case, whose key n starts an audit."""
    for key in ("c", "enter"):
        await settle(pilot)
        await pilot.press(key)
    await settle(pilot)
    await pilot.press("n")


async def test_a_slow_case_is_shown_loading_then_its_fields(db_path, monkeypatch):
    app = open_app(db_path)
    loaded = audit_service.audit_context
    release = threading.Event()

    def slow(*args, **kwargs):
        release.wait(30)
        return loaded(*args, **kwargs)

    monkeypatch.setattr(audit_service, "audit_context", slow)
    async with app.run_test(size=(80, 24)) as pilot:
        await press_n_on_the_first_case(pilot)
        await pilot.pause(0.5)  # longer than the form waits for its case before showing it loading
        loading = on_screen(app)
        assert "Loading the case" in loading
        assert "esc Back" in loading  # the footer offers the way out while it waits
        release.set()
        await settle(pilot)
        shown = on_screen(app)
        assert "Loading the case" not in shown
        assert "Standards" in shown


async def test_a_case_that_cannot_be_opened_says_so_on_screen(db_path, monkeypatch):
    app = open_app(db_path)

    def no_form(*args, **kwargs):
        raise BadInput("the audit could not be opened")

    monkeypatch.setattr(audit_service, "audit_context", no_form)
    async with app.run_test(size=(80, 24)) as pilot:
        await press_n_on_the_first_case(pilot)
        await settle(pilot)
        assert "This audit could not be opened" in on_screen(app)
