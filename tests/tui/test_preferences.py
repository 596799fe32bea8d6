"""The theme a person chooses is kept for their next run, in a small file of their own."""

from __future__ import annotations

import json

from tests.tui.conftest import TODAY
from tests.tui.keys import settle

from tui import preferences
from tui.app import make_app


def app_with(db_path, kept):
    app = make_app(db_path, username="amy", today=TODAY)
    app.preferences = kept
    return app


async def test_the_theme_chosen_is_there_after_a_restart(db_path, tmp_path):
    kept = tmp_path / "config" / "caseaudit" / "preferences.json"
    app = make_app(db_path, username="amy", today=TODAY)
    assert app.theme == "textual-dark"  # nothing chosen yet
    app.preferences = kept
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")  # light/dark
        await settle(pilot)
        assert app.theme == "textual-light"
    assert json.loads(kept.read_text()) == {"theme": "textual-light"}

    from tui.app import CaseauditApp

    again = CaseauditApp(store=app.store, user=app.user, catalogue=app.catalogue,
                         preferences=kept)
    assert again.theme == "textual-light"


async def test_a_theme_from_the_palette_is_kept_too(db_path, tmp_path):
    kept = tmp_path / "preferences.json"
    app = app_with(db_path, kept)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.theme = "nord"  # what the palette's "Change theme" does
        await settle(pilot)
    assert preferences.load(kept)["theme"] == "nord"


def test_the_default_user_config_folder_is_used(db_path, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    (tmp_path / "xdg" / "caseaudit").mkdir(parents=True)
    (tmp_path / "xdg" / "caseaudit" / "preferences.json").write_text('{"theme": "textual-light"}')
    assert make_app(db_path, username="amy", today=TODAY).theme == "textual-light"


def test_a_damaged_or_unknown_choice_falls_back_to_dark(db_path, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    folder = tmp_path / "xdg" / "caseaudit"
    folder.mkdir(parents=True)
    (folder / "preferences.json").write_text('{"theme": ')
    assert make_app(db_path, username="amy", today=TODAY).theme == "textual-dark"
    (folder / "preferences.json").write_text('{"theme": "no-such-theme"}')
    assert make_app(db_path, username="amy", today=TODAY).theme == "textual-dark"


def test_remembering_keeps_other_choices_and_leaves_no_temporary_file(tmp_path):
    kept = tmp_path / "preferences.json"
    kept.write_text('{"other": 1}')
    preferences.remember(kept, theme="nord")
    assert json.loads(kept.read_text()) == {"other": 1, "theme": "nord"}
    assert [p.name for p in tmp_path.iterdir()] == ["preferences.json"]
