"""A fresh user on a shared server, under the usual umask 022: every file and folder their
run of caseaudit creates (the demo, exports, an Annex A import with refused rows, their
theme, a logged failure) is listed, and none can be read, written or opened by anyone else.
The log says what failed and where, never the note or name it was working on."""

from __future__ import annotations

import os
import stat
from datetime import datetime
from pathlib import Path

import pytest

from caseaudit.cli import main
from tests.domain.test_annex_a import L8, workbook

NOTE = "Zebedee told his teacher about the bruise"


@pytest.fixture
def fresh_user(tmp_path, monkeypatch):
    """A home of their own with nothing of caseaudit's in it, and the usual umask."""
    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "CASEAUDIT_DB"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(work)
    old = os.umask(0o022)
    yield home, work
    os.umask(old)


def everything(*folders: Path) -> dict[Path, int]:
    found = {}
    for folder in folders:
        for path in folder.rglob("*"):
            found[path] = stat.S_IMODE(path.lstat().st_mode)
    return found


def test_nothing_a_fresh_users_run_creates_is_open_to_others(fresh_user, capsys, monkeypatch):
    home, work = fresh_user
    inputs = {work / "annex.xlsx"}
    header = ["Child Unique ID", *L8[1:]]
    workbook(work / "annex.xlsx", {"CLA": (header, [
        [900, "a) Male", "a) WBRI", datetime(2011, 7, 23), 12, datetime(2022, 1, 3), datetime(2024, 2, 1),
         datetime(2024, 3, 1), None, "ZX9 9QQ", "North", "Nobody"],
        [901, "a) Male", "a) WBRI", datetime(2011, 7, 23), 12, "not a date", datetime(2024, 2, 1),
         datetime(2024, 3, 1), None, "ZX9 9QQ", "North", "Nobody"]])})

    # The demo, built in the user data folder.
    assert main(["demo", "--path"]) == 0
    demo = Path(capsys.readouterr().out.strip())
    assert demo.is_relative_to(home)
    # Exports: a file, a csv folder, and an export folder the reports screen makes.
    for fmt, out in (("xlsx", "t.xlsx"), ("md", "t.md"), ("json", "t.json"), ("csv", "tables")):
        assert main(["--db", str(demo), "export", "themes", "--quarter", "2025-26-Q2", "--format", fmt,
                     "--out", out]) == 0, capsys.readouterr().err
    from caseaudit.services.outputs import make_private_folder
    from tui.preferences import default_path, remember
    from caseaudit.services.locations import reports_folder

    make_private_folder(reports_folder())  # where the reports screen exports
    remember(default_path(), theme="textual-light")
    # An Annex A import with refused rows, and a backup.
    assert main(["--db", str(demo), "import", "annex-a", "annex.xlsx", "--skip-invalid", "rejects.csv"]) == 0
    assert main(["--db", str(demo), "backup", "copy.db"]) == 0
    # A failure nobody foresaw, while working on a note: logged, without the note.
    from caseaudit.cli import export

    def broken(*args, **kwargs):
        raise RuntimeError(f"could not lay out the note {NOTE!r}")

    monkeypatch.setattr(export, "export_themes_report", broken)
    assert main(["--db", str(demo), "export", "themes", "--quarter", "2025-26-Q2", "--format", "md",
                 "--out", "again.md"]) == 70
    err = capsys.readouterr().err
    log = home / ".local" / "state" / "caseaudit" / "log" / "caseaudit.log"
    assert f"details were written to {log}" in err

    created = {p: m for p, m in everything(home, work).items() if p not in inputs}
    names = {str(p.relative_to(home if p.is_relative_to(home) else work)) for p in created}
    # Every kind of thing the run makes is in the listing, so none escaped the check.
    for expected in (".local/share/caseaudit", ".local/share/caseaudit/caseaudit-demo.db",
                     ".local/state/caseaudit/log", ".local/state/caseaudit/log/caseaudit.log",
                     ".config/caseaudit/preferences.json", "Documents/caseaudit",
                     "t.xlsx", "t.md", "t.json", "tables", "tables/standards.csv", "rejects.csv", "copy.db"):
        assert expected in names, (expected, sorted(names))
    open_to_others = {str(p): oct(m) for p, m in created.items() if m & 0o077}
    assert open_to_others == {}
    assert {m for p, m in created.items() if p.is_dir()} == {0o700}
    assert {m for p, m in created.items() if not p.is_dir()} == {0o600}

    text = log.read_text(encoding="utf-8")
    assert "RuntimeError" in text and "in broken" in text  # what failed, and where
    assert NOTE not in text and "Zebedee" not in text  # never the note
    assert "message withheld" in text


def test_the_log_keeps_the_operating_systems_and_sqlites_own_words(tmp_path):
    import sqlite3

    from caseaudit.services.failures import describe

    try:
        open(tmp_path / "no such folder" / "x")
    except OSError as err:
        assert "No such file or directory" in describe(err)
    try:
        sqlite3.connect(":memory:").execute("SELECT a FROM nowhere")
    except sqlite3.Error as err:
        assert "no such table: nowhere" in describe(err)
    name = "".join(["Philo", "mena"])  # made at run time: the log quotes this test's source lines
    try:
        try:
            raise KeyError(name)
        except KeyError as inner:
            raise ValueError(f"the name {name}") from inner
    except ValueError as err:
        text = describe(err)
        assert "KeyError" in text and "ValueError" in text and "Philomena" not in text
