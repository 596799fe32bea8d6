"""Keys in the footer fit 80 columns: a screen's own key and the form's remove key stay out of it."""

from __future__ import annotations

from tests.tui.keys import settle
from tests.tui.test_audit_keyboard import open_app, open_new_audit
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


# --- every screen at 80 columns: a key is shown whole or not at all -----------------------

def cut_keys(screen) -> list[str]:
    """The keys the footer shows cut off (under the palette key or past the edge)."""
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    from tui.widgets.footer import KeysFooter

    footer = screen.query_one(Footer)
    assert isinstance(footer, KeysFooter), f"{type(screen).__name__} has a footer that does not fit itself"
    keys = list(footer.query(FooterKey))
    palette = [k for k in keys if k.has_class("-command-palette")]
    limit = palette[0].region.x if palette else screen.size.width
    return [f"{k.key_display} {k.description}" for k in keys
            if not k.has_class("-command-palette") and k.region.right > limit]


async def test_no_screen_cuts_a_key_at_80_columns(tmp_path):
    import caseaudit.cli.app as entry
    from tui.app import make_app

    path = entry.build_demo(tmp_path / "demo.db")
    app = make_app(path, username="demo", today=entry.DEMO_TODAY, demo=True)
    app.animation_level = "none"
    seen: dict[str, list[str]] = {}

    async def look(*keys: str) -> None:
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        name = type(app.screen).__name__
        assert not name.startswith("Confirm"), f"after {keys} and {sorted(seen)}: {app.screen.question}"
        seen[name] = cut_keys(app.screen)
        assert len(app.screen.query("FooterKey")) >= 1, f"{name} has no footer keys at all"

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await look()  # dashboard
        await look("c")  # case list
        await look("enter")  # case detail
        await look("n", "y")  # the audit form, a new audit (the case was audited lately: "anyway")
        await look("escape", "escape", "a")  # actions
        await look("y")  # my audits
        await look("h")  # an audit's amendments
        await look("escape", "enter")  # a submitted audit
        await look("escape", "m")  # moderation queue
        await look("enter")  # the first task: a blind re-audit or a reconciliation
        await look("escape", "s")  # sampling
        await look("g")  # agreement
        await look("r")  # reports
        await look("f")  # feedback
        await look("e")  # escalations
        await look("o")  # thematic rounds
        await look("ctrl+n")  # a new round
        await look("escape", "i")  # Annex A import
        await look("escape", "p")  # inspection pack
        await look("escape", "question_mark")  # help
    assert len(seen) == 19, " ".join(sorted(seen))
    assert {name: cut for name, cut in seen.items() if cut} == {}
