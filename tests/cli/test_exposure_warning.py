"""The warning `verify` gives about who else can read the database (finding 14 of issue 26):
never about a folder caseaudit made private itself, and when it does warn, it names the command
to run, quoted for the shell, and that command silences it without taking a group's access."""

from __future__ import annotations

import os
import stat
import subprocess

from caseaudit.cli import main


def warnings(db, capsys) -> list[str]:
    assert main(["--db", str(db), "verify"]) == 0
    return [line for line in capsys.readouterr().err.splitlines() if line.startswith("caseaudit: warning:")]


def command_in(line: str) -> str:
    return line.split("run: ", 1)[1]


def test_no_warning_about_folders_caseaudit_made_itself(tmp_path, capsys):
    old = os.umask(0o022)  # a usual umask: anything made without care would be world-readable
    try:
        db = tmp_path / "made" / "by caseaudit" / "ca.db"
        assert main(["--db", str(db), "init"]) == 0
        capsys.readouterr()
        assert warnings(db, capsys) == []
    finally:
        os.umask(old)


def test_an_open_folder_is_named_with_the_command_that_closes_it(tmp_path, capsys):
    folder = tmp_path / "Application Support"
    folder.mkdir()
    folder.chmod(0o755)  # made by someone else, open to every account
    db = folder / "ca.db"
    assert main(["--db", str(db), "init"]) == 0
    capsys.readouterr()
    [line] = warnings(db, capsys)
    assert "its folder lets every account on this machine list and open its files" in line
    assert command_in(line) == f"chmod o-rwx '{folder}'"
    subprocess.run(command_in(line), shell=True, check=True)
    assert warnings(db, capsys) == []


def test_the_command_keeps_a_group_share(tmp_path, capsys):
    folder = tmp_path / "team-folder"
    folder.mkdir(mode=0o770)
    folder.chmod(0o770)
    db = folder / "ca.db"
    assert main(["--db", str(db), "init"]) == 0
    capsys.readouterr()
    db.chmod(0o664)  # shared with a group, and by mistake readable by everyone
    [line] = warnings(db, capsys)
    assert "the database can be read by every account on this machine (mode -rw-rw-r--)" in line
    subprocess.run(command_in(line), shell=True, check=True)
    assert stat.S_IMODE(db.stat().st_mode) == 0o660  # the group still reads and writes it
    assert warnings(db, capsys) == []
