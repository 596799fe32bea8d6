"""The app remembers which style rules match a widget in a given place (tui/styles.py):
every widget a manager meets on the way to an audit form, and on the form as it is used,
is styled exactly as Textual's own matching styles it, before and after a theme change."""

from __future__ import annotations

from textual.css.stylesheet import Stylesheet
from textual.widgets import Select

from tests.tui.keys import settle, tab_to
from tests.tui.test_audit_keyboard import choose, open_app, open_new_audit
from tui.styles import MatchCachedStylesheet


def styles_of(node) -> tuple[dict, dict]:
    return (node.styles.base.get_rules(),
            {name: styles.base.get_rules() for name, styles in node._component_styles.items()})


def unlike_textual(app) -> list[str]:
    """The widgets of the current screen whose styles Textual's own matching would set
    otherwise (it is run on each, and what it sets compared)."""
    plain = Stylesheet.__new__(Stylesheet)
    plain.__dict__.update(app.stylesheet.__dict__)  # the same rules, matched Textual's way
    plain._rules_map = None
    differ = []
    for node in [app, *app.screen.walk_children(with_self=True)]:
        ours = styles_of(node)
        plain.apply(node)
        if styles_of(node) != ours:
            differ.append(f"{type(node).__name__}#{node.id} {sorted(node.classes)}")
    return differ


async def test_every_widget_is_styled_as_textual_styles_it(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.stylesheet, MatchCachedStylesheet)
        assert unlike_textual(app) == [], "the dashboard"
        await pilot.press("c")
        await settle(pilot)
        assert unlike_textual(app) == [], "the case list"
        await pilot.press("escape")
        form = await open_new_audit(pilot)
        assert unlike_textual(app) == [], "a new audit form"
        # Focus, a drop-down opened and chosen from, a class the form toggles, an action added.
        await choose(pilot, "status-chronology", "not met")
        await tab_to(pilot, "note-chronology")
        await pilot.press(*"no entries since March")
        await pilot.press("ctrl+n")
        await settle(pilot)
        await tab_to(pilot, "grade-select")
        await pilot.press("enter")  # the grade's list open
        await settle(pilot)
        assert unlike_textual(app) == [], "the form in use"
        await pilot.press("escape")
        # Restyling the whole form a second time asks nothing new: each place's answer is
        # remembered (the first may meet places last styled before the rules grew).
        app.stylesheet.update(form)
        answers = len(app.stylesheet._matched)
        app.stylesheet.update(form)
        assert answers > 0 and len(app.stylesheet._matched) == answers
        dark = form.styles.background
        app.theme = "textual-light"
        await settle(pilot)
        assert form.styles.background != dark, "the light theme's rules were not read afresh"
        assert unlike_textual(app) == [], "the form after a theme change"
        assert form.query_one("#grade-select", Select).has_focus


def answers_known() -> int:
    from tui import styles

    return sum(len(known.matched) for known in styles._ANSWERS.values())


async def test_a_second_app_is_styled_from_the_first_apps_answers_alike(db_path, tmp_path):
    """Apps in one process (a test run's hundreds) share the parsed rules and the answers."""
    import shutil

    second_db = tmp_path / "second.db"
    shutil.copy2(db_path, second_db)
    for path, first in ((db_path, True), (second_db, False)):
        app = open_app(path)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            before = answers_known()
            assert unlike_textual(app) == [], "the dashboard"
            await open_new_audit(pilot)
            assert unlike_textual(app) == [], "a new audit form"
            if not first:
                assert answers_known() == before, "the second app asked again what the first had"
