"""Keys in the footer fit 80 columns: a screen's own key and the form's remove key stay out of it."""

from __future__ import annotations

from tests.tui.test_audit_keyboard import open_app, open_new_audit, settle
from tui.widgets.footer import shown_keys


def offered(screen) -> set[str]:
    return {action for _, action, _, enabled, _ in shown_keys(screen) if enabled}


async def test_each_screen_leaves_its_own_key_out(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "dashboard" not in offered(app.screen) and "cases" in offered(app.screen)
        await pilot.press("c")
        await settle(pilot)
        assert "cases" not in offered(app.screen) and "dashboard" in offered(app.screen)
        await pilot.press("a")
        await settle(pilot)
        assert "actions" not in offered(app.screen) and "cases" in offered(app.screen)


async def test_form_footer_keeps_help_in_80_columns(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_new_audit(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert "remove_action" not in offered(form)
        assert "ctrl+y removes the action you are in" in str(form.query_one("#action-plan-empty").render())
        # As the footer writes each key: its display ("^s", "esc", "?"), a space, the words, two spaces.
        width = sum(len(form.app.get_key_display(active.binding)) + len(active.binding.description) + 3
                    for active in form.active_bindings.values()
                    if active.binding.show and active.enabled)
        assert "raise_concern" in offered(form)  # a safeguarding concern is a key away, in the footer
        assert width <= 80 - 14  # beside the palette key
