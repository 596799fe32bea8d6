"""The Annex A import screen with Pilot: opened by its key, a refused workbook writes nothing and
lists its bad cells, a good one shows the per-list summary and is in the database."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from textual.widgets import Checkbox, DataTable, Input, Select, Static

from audit_tools.models import Role, User
from db import open_store
from db.clock import fixed_clock
from tests.domain.test_annex_a import L7, SAMPLE, person, workbook
from tests.tui.conftest import TODAY
from tests.tui.keys import settle
import tui
from tui.app import CaseauditApp
from tui.screens.annex_a_import import AnnexAImportScreen
from tui.widgets.prompts import Confirm


def make(db_path, username="admin") -> CaseauditApp:
    from audit_tools.standards import load_catalogue

    store = open_store(db_path, username, clock=fixed_clock(TODAY))
    return CaseauditApp(store=store, user=store.people.get(username), catalogue=load_catalogue())


async def type_path(pilot, selector: str, text: str) -> None:
    await pilot.click(selector)
    pilot.app.screen.query_one(selector, Input).value = text


async def test_refused_sample_writes_nothing_and_lists_bad_cells(db_path):
    app = make(db_path)
    before = app.store.row_counts()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, AnnexAImportScreen)
        # The sample's teams are new to this database: allowed here, so only its bad cells refuse it.
        app.screen.query_one("#annex-a-new-teams", Checkbox).value = True
        await type_path(pilot, "#annex-a-file", str(SAMPLE))
        await pilot.press("enter")
        await settle(pilot)
        status = str(app.screen.query_one("#annex-a-status", Static).render())
        messages = str(app.screen.query_one("#annex-a-messages", Static).render())
        assert "Nothing was imported: 10 problem(s)" in status
        assert "List 6!M2: Allocated Team: #N/A is an error cell" in messages
    assert app.store.row_counts() == before


async def test_a_team_nobody_belongs_to_is_refused_unless_new_teams_is_ticked(db_path, tmp_path):
    path = workbook(tmp_path / "a.xlsx", {"CP": (L7, [
        [31, *person(1), datetime(2024, 1, 2), datetime(2024, 1, 10), "b) No", None, None, "Nroth", "Wes Worker"]])})
    app = make(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        await type_path(pilot, "#annex-a-file", str(path))
        await pilot.press("enter")
        await settle(pilot)
        messages = str(app.screen.query_one("#annex-a-messages", Static).render())
        assert "'Nroth' is not a known team" in messages
        assert app.store.cases.get("31") is None
        app.screen.query_one("#annex-a-new-teams", Checkbox).value = True
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "added teams: Nroth" in str(app.screen.query_one("#annex-a-messages", Static).render())
    assert app.store.cases.get("31").team == "Nroth"


async def test_good_workbook_shows_summary_and_is_stored(db_path, tmp_path):
    path = workbook(tmp_path / "a.xlsx", {"CP": (L7, [
        [31, *person(1), datetime(2024, 1, 2), datetime(2024, 1, 10), "b) No", None, None, "north", "Wes Worker"]])})
    app = make(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        await type_path(pilot, "#annex-a-file", str(path))
        await pilot.press("ctrl+r")
        await settle(pilot)
        table = app.screen.query_one("#annex-a-summary", DataTable)
        assert table.row_count == 1
        assert [str(c) for c in table.get_row_at(0)] == ["7 child protection", "1", "1", "0", "1", "0", "0"]
        assert "1 cases created" in str(app.screen.query_one("#annex-a-status", Static).render())
    case = app.store.cases.get("31")
    assert case.worker == "wes" and case.events[0].seen_alone is False


async def test_key_not_offered_to_non_admins(db_path):
    app = make(db_path, "amy")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        assert not isinstance(app.screen, AnnexAImportScreen)


async def test_an_existing_rejects_file_is_kept_unless_the_admin_says_replace(db_path, tmp_path, monkeypatch):
    """The rejects box as a careless admin fills it: `~` means their home, a file already
    there is asked about ("Replace …?", No highlighted), and No imports nothing."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    rejects = home / "rejects.csv"
    rejects.write_text("last month's, still being worked through")
    bad = [31, *person(1), "not a date", datetime(2024, 1, 10), "b) No", None, None, "north", "Wes Worker"]
    good = [32, *person(2), datetime(2024, 1, 2), datetime(2024, 1, 10), "b) No", None, None, "north", "Wes Worker"]
    path = workbook(home / "a.xlsx", {"CP": (L7, [bad, good])})
    app = make(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        await type_path(pilot, "#annex-a-file", "~/a.xlsx")
        await type_path(pilot, "#annex-a-rejects", "~/rejects.csv")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        assert str(app.screen.query_one(Static).content) == f"Replace {rejects}?"
        assert app.focused.id == "confirm-no"
        await pilot.press("enter")
        await settle(pilot)
        assert rejects.read_text() == "last month's, still being worked through"
        assert app.store.cases.get("32") is None
        assert "was not replaced" in str(app.screen.query_one("#annex-a-status", Static).render())
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    assert rejects.read_text().startswith("sheet,row,list,child_unique_id,reasons")
    assert app.store.cases.get("32") is not None
    assert sorted(p.name for p in home.iterdir()) == ["a.xlsx", "rejects.csv"]


class ServedApp(CaseauditApp):
    """The app as a browser session runs it (tui/served.py), over the served import folder."""

    CSS_PATH = str(Path(tui.__file__).parent / "app.tcss")
    DELIVERS_FILES = True


async def test_a_served_session_chooses_an_uploaded_workbook_and_downloads_the_refused_rows(db_path, tmp_path):
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    bad = [31, *person(1), "not a date", datetime(2024, 1, 10), "b) No", None, None, "north", "Wes Worker"]
    good = [32, *person(2), datetime(2024, 1, 2), datetime(2024, 1, 10), "b) No", None, None, "north", "Wes Worker"]
    workbook(uploads / "annex.xlsx", {"CP": (L7, [bad, good])})
    outside = workbook(tmp_path / "elsewhere.xlsx", {"CP": (L7, [good])})
    (uploads / "link.xlsx").symlink_to(outside)  # a link planted in the folder is not offered
    (uploads / ".hidden.xlsx").write_bytes(outside.read_bytes())
    def on_server() -> list[str]:
        return sorted(str(p) for p in tmp_path.rglob("*") if not p.name.startswith(db_path.name))

    before = on_server()
    from audit_tools.standards import load_catalogue

    store = open_store(db_path, "admin", clock=fixed_clock(TODAY))
    app = ServedApp(store=store, user=store.people.get("admin"), catalogue=load_catalogue())
    app.files = uploads
    sent = []
    app.deliver_text = lambda file, **kw: sent.append((file.read(), kw))  # what the browser receives
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AnnexAImportScreen)
        assert not screen.query(Input).filter("#annex-a-file, #annex-a-rejects")  # no path to type
        choice = screen.query_one("#annex-a-choice", Select)
        assert [value for _, value in choice._options if isinstance(value, str)] == ["annex.xlsx"]
        choice.value = "annex.xlsx"
        screen.query_one("#annex-a-skip", Checkbox).value = True
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "sent to your browser" in str(screen.query_one("#annex-a-status", Static).render())
    [(text, kw)] = sent
    assert kw["save_filename"] == "annex-refused-rows.csv"
    assert text.startswith("sheet,row,list,child_unique_id,reasons") and "not a date" in text
    assert app.store.cases.get("32") is not None and app.store.cases.get("31") is None
    assert on_server() == before  # nothing written on the server


def test_a_name_not_in_the_list_is_never_opened(tmp_path):
    from audit_tools.errors import BadInput
    from caseaudit.services.annex_a import workbook_in

    uploads = tmp_path / "uploads"
    uploads.mkdir()
    workbook(tmp_path / "secret.xlsx", {"CP": (L7, [])})
    for typed in ("../secret.xlsx", str(tmp_path / "secret.xlsx"), "secret.xlsx", "."):
        with pytest.raises(BadInput, match="not one of the workbooks in the import folder"):
            workbook_in(uploads, typed)
