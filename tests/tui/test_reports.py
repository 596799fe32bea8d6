"""The reports screen with Pilot: the quarter's figures on screen, quarter stepping, and
exports from the keyboard that write files and are recorded in history.

`build_reports_db` is shared with the snapshot test."""

from __future__ import annotations

import json
import os
import stat
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Checkbox, DataTable, Static

import tui
from audit_tools.models import Action, Audit, Case, Moderation, Themes, User
from audit_tools.standards import load_catalogue
from db import open_store
from db.clock import fixed_clock
from tests.support import copy_database
from tests.tui.keys import settle
from tui.app import CaseauditApp
from tui.screens.reports import ReportsScreen
from tui.widgets.prompts import Confirm

TODAY = date(2024, 6, 28)  # in 2024-25 Q1: the screen opens on it


def build_reports_db(path: Path) -> Path:
    """Two teams' early help audits: two in 2024-25 Q1, one in 2023-24 Q4."""
    store = open_store(path, actor="qa")
    store.people.ensure_admin(display_name="Quinn Ash")
    store.people.upsert([
        User(username="qa", display_name="Quinn Ash", roles=["qa_lead", "admin"]),
        User(username="amy", display_name="Amy", roles=["auditor"]),
        User(username="ben", display_name="Ben", roles=["auditor"]),
        User(username="dan", display_name="Dan", roles=["moderator"]),
        User(username="wkr", display_name="Worker", roles=[]),
        User(username="lm", display_name="Line manager", roles=[]),
    ])
    store.cases.upsert([
        Case(case_ref=ref, case_type="EH", start_date=date(2024, 1, 2), team=team,
             worker="wkr", line_manager="lm")
        for ref, team in [("E1", "north"), ("E2", "north"), ("E3", "south")]
    ])
    store.audits.insert([
        Audit(audit_id="A1", case_ref="E1", auditor="amy", as_of=date(2024, 4, 30),
              submitted_on=date(2024, 5, 2), grade="good",
              scores={"return-interview": "not_applicable", "voice-of-child": "met",
                      "management-oversight": "partly_met"},
              notes={"management-oversight": "No recorded decisions since March"},
              themes=Themes(strengths=["voice-of-child"], improvements=["management-oversight"]),
              moderation=Moderation(moderator="dan", moderated_on=date(2024, 5, 20),
                                    grade="requires_improvement", outcome="grade_changed",
                                    final_grade="requires_improvement", reason="Oversight too thin")),
        Audit(audit_id="A2", case_ref="E2", auditor="amy", as_of=date(2024, 4, 10),
              submitted_on=date(2024, 4, 15), grade="requires_improvement",
              scores={"return-interview": "met", "voice-of-child": "met",
                      "management-oversight": "not_met"},
              notes={"management-oversight": "Supervision not on file"},
              themes=Themes(improvements=["management-oversight", "supervision"]),
              actions=[Action(description="Record supervision decisions", owner="ben",
                              due=date(2024, 5, 15), standard="management-oversight")]),
        Audit(audit_id="P1", case_ref="E3", auditor="ben", as_of=date(2024, 3, 20),
              submitted_on=date(2024, 3, 31), grade="good",
              scores={"return-interview": "not_applicable", "voice-of-child": "met",
                      "management-oversight": "met"}),
    ])
    store.close()
    return path


class ReportsApp(CaseauditApp):
    """The app opened straight on the reports screen."""

    CSS_PATH = str(Path(tui.__file__).parent / "app.tcss")

    def __init__(self, db_path: Path, username: str, export_folder: Path | str, today: date = TODAY) -> None:
        store = open_store(db_path, actor=username, clock=fixed_clock(today))
        super().__init__(store=store, user=store.people.get(username), catalogue=load_catalogue(None))
        self.export_folder = export_folder

    def on_mount(self) -> None:
        self.push_screen(ReportsScreen(export_folder=self.export_folder))


@pytest.fixture
def db(tmp_path, built):
    """A copy of the reports database, built once a run."""
    return copy_database(built("reports", build_reports_db), tmp_path / "caseaudit.db")


def status(app) -> str:
    return str(app.screen.query_one("#reports-status", Static).content)


def cell(app, table_id: str, row_key: str, column: int) -> str:
    table = app.screen.query_one(f"#{table_id}", DataTable)
    return str(table.get_row(row_key)[column])


async def test_opens_on_the_quarter_of_the_as_at_date(db, tmp_path):
    """As at 10 August 2024 the QA lead is in 2024-25 Q2: the report opens there, even
    though Q1 is the last complete quarter; [ steps back to Q1."""
    app = ReportsApp(db, "qa", tmp_path / "out", today=date(2024, 8, 10))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        assert app.screen.report.quarter == "2024-25-Q2"
        assert app.screen.query_one("#reports-quarter").value == "2024-25-Q2"
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.screen.report.quarter == "2024-25-Q1"


async def test_opens_with_the_quarters_figures(db, tmp_path):
    app = ReportsApp(db, "qa", tmp_path / "out")
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        assert screen.report.quarter == "2024-25-Q1"
        assert "2024-25 Q1: 2 audits submitted" in status(app)
        # management-oversight: partly (A1) and not met (A2): n 2, 0.0 % met; last quarter 100.0.
        # By title, rates as percentages, the change in points.
        assert cell(app, "reports-standards", "management-oversight", 0) == "Management oversight"
        assert cell(app, "reports-standards", "management-oversight", 4) == "2"
        assert cell(app, "reports-standards", "management-oversight", 1) == "0.0%"
        assert cell(app, "reports-standards", "management-oversight", 2) == "100.0%"
        assert cell(app, "reports-standards", "management-oversight", 3) == "-100.0"
        # Both Q1 audits end requires improvement after moderation.
        assert cell(app, "reports-grades", "requires_improvement", 1) == "2"
        assert cell(app, "reports-auditors", "ben", 1) == "0"  # listed at zero
        assert cell(app, "reports-teams", "north", 1) == "2"


async def test_quarter_keys_step_through_quarters(db, tmp_path):
    app = ReportsApp(db, "qa", tmp_path / "out")
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.screen.report.quarter == "2023-24-Q4"
        assert cell(app, "reports-standards", "management-oversight", 1) == "100.0%"
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert app.screen.report.quarter == "2024-25-Q1"


@pytest.mark.parametrize("key,name", [
    ("x", "themes-2024-25-Q1.xlsx"),
    ("j", "themes-2024-25-Q1.json"),
    ("b", "themes-2024-25-Q1.md"),
    ("v", "themes-2024-25-Q1-csv"),
])
async def test_export_from_the_keyboard_writes_the_file(db, tmp_path, key, name):
    out = tmp_path / "out"
    app = ReportsApp(db, "qa", out)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        written = out / name
        assert written.exists()
        assert f"Written: {written}" in status(app)
        # The toast names the file alone: a folder path in a toast breaks mid-word.
        [toast] = [n.message for n in app._notifications if n.title == "Exported"]
        assert f"report written: {name}, in the export folder" in toast and str(out) not in toast
    store = open_store(db, actor="qa")
    [entry] = store.history.entries(what="themes exported")
    assert entry.details["quarter"] == "2024-25-Q1" and entry.details["path"] == str(written.resolve())


async def test_notes_only_when_ticked(db, tmp_path):
    out = tmp_path / "out"
    app = ReportsApp(db, "qa", out)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert "Supervision not on file" not in (out / "themes-2024-25-Q1.md").read_text()
        await pilot.press("n")
        assert app.screen.query_one("#reports-notes", Checkbox).value is True
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)  # the paper is there already: replace it?
        await pilot.press("y")
        await settle(pilot)
        assert "Supervision not on file" in (out / "themes-2024-25-Q1.md").read_text()


async def test_an_existing_report_is_replaced_only_when_the_person_says_so(db, tmp_path):
    """Last quarter's hand-edited board paper survives a second export: the screen asks
    "Replace …?", the highlighted answer is No, and No (enter, n or escape) keeps the file."""
    out = tmp_path / "out"
    out.mkdir()
    paper = out / "themes-2024-25-Q1.md"
    paper.write_text("edited by hand for the board")
    app = ReportsApp(db, "qa", out)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        for answer in ("enter", "n", "escape"):
            await pilot.press("b")
            await settle(pilot)
            assert isinstance(app.screen, Confirm)
            question = str(app.screen.query_one(Static).content)
            assert question == f"Replace {paper}?"
            assert app.focused.id == "confirm-no"
            await pilot.press(answer)
            await settle(pilot)
            assert isinstance(app.screen, ReportsScreen)
            assert paper.read_text() == "edited by hand for the board"
            assert "not replaced" in status(app)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert paper.read_text().startswith("# Quarterly themes report")
    assert sorted(p.name for p in out.iterdir()) == ["themes-2024-25-Q1.md"]  # no temporary file left


async def test_the_save_to_box_expands_a_tilde_and_makes_a_private_folder(db, tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    old = os.umask(0o022)
    try:
        app = ReportsApp(db, "qa", "~/board papers/q1")
        async with app.run_test(size=(100, 40)) as pilot:
            await settle(pilot)
            await pilot.press("j")
            await settle(pilot)
    finally:
        os.umask(old)
    assert (home / "board papers" / "q1" / "themes-2024-25-Q1.json").exists()
    assert not (Path.cwd() / "~").exists()
    for folder in (home / "board papers", home / "board papers" / "q1"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((home / "board papers" / "q1" / "themes-2024-25-Q1.json").stat().st_mode) == 0o600


async def test_the_screen_never_writes_over_the_database(db, tmp_path):
    """A QA lead's "Save to" box pointed at the database's folder, with the report named as
    the database by a link: refused by the file's identity, the database untouched."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "themes-2024-25-Q1.json").symlink_to(db)
    before = db.read_bytes()
    app = ReportsApp(db, "qa", out)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        assert not isinstance(app.screen, Confirm)
        assert any("is the caseaudit database" in n.message for n in app._notifications)
    assert db.read_bytes() == before


class ServedReportsApp(ReportsApp):
    DELIVERS_FILES = True


async def test_a_served_session_sends_the_report_as_a_download_and_writes_nothing(db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = sorted(str(p) for p in tmp_path.rglob("*") if not p.name.endswith(("-wal", "-shm")))
    app = ServedReportsApp(db, "qa", tmp_path / "out")
    sent = []
    app.deliver_binary = lambda file, **kw: sent.append((file.read(), kw))  # what the browser gets
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        assert not app.screen.query("#reports-folder")  # no path to type on the server
        for key in ("j", "x", "v"):
            await pilot.press(key)
            await settle(pilot)
    assert [kw["save_filename"] for _, kw in sent] == [
        "themes-2024-25-Q1.json", "themes-2024-25-Q1.xlsx", "themes-2024-25-Q1-csv.zip"]
    assert json.loads(sent[0][0])["quarter"] == "2024-25-Q1"
    assert sent[1][0][:2] == b"PK" and sent[2][0][:2] == b"PK"
    after = sorted(str(p) for p in tmp_path.rglob("*") if not p.name.endswith(("-wal", "-shm")))
    assert after == before  # nothing written on the server
    store = open_store(db, actor="qa")
    assert sorted(e.details["download"] for e in store.history.entries(what="themes exported")) == [
        "themes-2024-25-Q1-csv.zip", "themes-2024-25-Q1.json", "themes-2024-25-Q1.xlsx"]


async def test_export_refused_without_the_qa_lead_role(db, tmp_path):
    out = tmp_path / "out"
    app = ReportsApp(db, "amy", out)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        assert "was not written" in status(app)
        assert not (out / "themes-2024-25-Q1.json").exists()
        assert any("amy may not export" in n.message for n in app._notifications)


async def test_rates_read_as_percentages_and_standards_by_title(db, tmp_path):
    """Where a person reads: "0%" and "0.0%", not 0.000; a standard's title, not its id."""
    app = ReportsApp(db, "qa", tmp_path / "out")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#reports-moderation", DataTable)
        rows = {str(table.get_row_at(i)[0]).strip(): str(table.get_row_at(i)[1]) for i in range(table.row_count)}
        # A1 is Q1's one pair: good against the moderator's requires improvement.
        assert rows["Exact grade agreement"] == "0%"
        assert rows["Quadratic-weighted kappa"] == "0.00 slight (n=1)"
        assert rows["Automatic statuses overridden"] == "–"
        assert cell(app, "reports-grades", "requires_improvement", 0) == "Requires improvement"
        assert cell(app, "reports-grades", "requires_improvement", 2) == "100.0%"
        chart = app.screen.query_one("#reports-chart-standards")
        assert [r.label for r in chart.rows][:2] == ["Return interview within 72 hours", "Voice of the child"]


def test_chart_lines_fit_the_width_one_standard_a_line():
    """The legend on its own line, then one line per standard, none wider than the terminal,
    at 80 and 160 columns: nothing covers a bar and no label straddles two rows."""
    from tui.widgets.bar_chart import BarRow, chart_lines

    rows = [BarRow("Child on a protection plan seen every 10 working days", 54.3, 57.7, "54.3%", "57.7%"),
            BarRow("Child on a protection plan seen alone", 14.3, None, "14.3%", "–"),
            BarRow("Voice of the child", 100.0, 0.0, "100.0%", "0.0%")]
    for width in (78, 158):
        lines = [line.plain for line in chart_lines(rows, width, 100, "2025-26 Q2", "2025-26 Q1")]
        assert len(lines) == 1 + len(rows)
        assert lines[0].startswith("██ 2025-26 Q2") and "┃ 2025-26 Q1" in lines[0]
        assert all(len(line) <= width for line in lines), [len(line) for line in lines]
        # Titles that begin alike keep their ends, so the two stay told apart.
        assert lines[1].startswith("Child on a protection") and "working days" in lines[1]
        assert lines[1].rstrip().endswith("54.3% (57.7%)")
        assert lines[2].startswith("Child on a protection") and "seen alone" in lines[2]
        assert "┃" not in lines[2]  # no previous figure: no mark


async def test_q_asks_before_quitting_and_no_keeps_the_report_open(db, tmp_path):
    """q sits beside the export keys: on the report it asks first (finding 23 of issue 26);
    the highlighted answer is No, and y quits."""
    app = ReportsApp(db, "qa", tmp_path / "out")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        assert str(app.screen.query_one(Static).content) == "Quit caseaudit?"
        await pilot.press("enter")  # No is highlighted
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen) and app.return_code is None
        await pilot.press("q")
        await settle(pilot)
        await pilot.press("y")
        await pilot.pause()
        assert app.return_code == 0
