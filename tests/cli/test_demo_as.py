"""Seeing the demo as one of its people (finding 5 of issue 26): the demo user holds every role,
so nobody could see what an auditor alone or a moderator sees, nor resolve the demo user's own
escalation (a QA lead other than its moderator does that)."""

from __future__ import annotations

import io
import shutil
from contextlib import redirect_stdout
from pathlib import Path

import pytest

import caseaudit.cli.app as cli_app
from caseaudit.cli import main
from tests.tui.keys import settle
from tui.screens.help import HelpScreen


def build_demo_home(data: Path) -> None:
    """The data folder `caseaudit demo --path` makes and fills."""
    with pytest.MonkeyPatch.context() as patch, redirect_stdout(io.StringIO()):
        patch.setenv("XDG_DATA_HOME", str(data))
        patch.delenv("CASEAUDIT_DB", raising=False)
        assert main(["demo", "--path"]) == 0


@pytest.fixture
def demo_home(tmp_path, monkeypatch, built):
    """The demo's data folder as `caseaudit demo --path` leaves it (built once a run, copied)."""
    shutil.copytree(built("demo-home", build_demo_home), tmp_path / "data")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("CASEAUDIT_DB", raising=False)
    opened = []
    monkeypatch.setattr(cli_app, "_run", lambda app: opened.append(app) or 0)
    return opened


def test_demo_as_opens_the_app_as_that_person(demo_home, capsys):
    assert main(["demo", "--as", "gem.y"]) == 0
    [app] = demo_home
    assert app.user.username == "gem.y" and [r.value for r in app.user.roles] == ["auditor"]
    assert app.today.isoformat() == "2025-09-30"


def test_an_unknown_person_is_refused_naming_some_of_each_kind(demo_home, capsys):
    assert main(["demo", "--as", "nobody"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("caseaudit: --as nobody: no such user in the demo; choose one, e.g. an auditor only: ")
    assert "a moderator: " in err and "a QA lead: raj.h" in err
    assert demo_home == []


async def test_the_demo_help_says_how_to_see_it_as_someone_else(demo_home):
    assert main(["demo"]) == 0
    [app] = demo_home
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        words = " ".join(str(app.screen.query_one("#help-text").render()).split())
        assert "To see what another person sees, quit and run caseaudit demo --as USERNAME, e.g. cal.s " \
               "(an auditor only); amy.t (a moderator); raj.h (a QA lead)." in words
