"""A submitted audit read-only offers nothing it cannot do: no add/save/submit keys or
buttons, no "space to tick" (finding 9 of issue 14)."""

from __future__ import annotations

from textual.widgets import Static

from tests.tui.conftest import add_submitted_audit
from tests.tui.keys import settle
from tests.tui.test_amend_actions import open_submitted
from tests.tui.test_audit_keyboard import open_app


def words_on(screen) -> str:
    return "\n".join(str(widget.render()) for widget in screen.query(Static) if widget.display)


def footer_keys(app) -> set[str]:
    return {binding.action for (_, binding, enabled, _) in app.screen.active_bindings.values()
            if enabled and binding.show}


async def test_a_submitted_audit_shows_no_keys_or_hints_for_changing_it(db_path):
    add_submitted_audit(db_path)
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_submitted(pilot)
        assert not form.query_one("#audit-buttons").display
        assert "space to tick" not in words_on(form)
        assert {"save", "add_action", "submit"}.isdisjoint(footer_keys(app))
        assert "amend" in footer_keys(app)

        await pilot.press("ctrl+e")  # amending: the form takes changes again, but is not submitted
        await settle(pilot)
        assert form.query_one("#audit-buttons").display
        assert not form.query_one("#submit").display
        assert "Strengths (space to tick)" in words_on(form)
