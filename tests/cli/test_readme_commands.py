"""Every command the README offers to try on the demo runs there, as it reads, by whoever
runs it: the demo database is worked on as the demo user on the demo's day."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

from caseaudit.cli import main

README = Path(__file__).resolve().parents[2] / "README.md"


def demo_commands() -> list[list[str]]:
    """The lines of the README's demo-commands block, comments left off, split as a shell would."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- demo-commands:.*?-->\n```\n(.*?)```", text, re.S)
    assert block, "the README's demo-commands block is missing"
    return [shlex.split(line, comments=True) for line in block.group(1).splitlines() if line.strip()]


def test_the_readme_demo_commands_run_on_the_demo(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # where the demo is built
    monkeypatch.delenv("CASEAUDIT_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    commands = demo_commands()
    assert commands[0] == ["export", "CASEAUDIT_DB=$(caseaudit demo --path)"]
    # $(caseaudit demo --path): the path alone on stdout, the build told on stderr.
    assert main(["demo", "--path"]) == 0
    where = Path(capsys.readouterr().out.strip())
    assert where == tmp_path / "data" / "caseaudit" / "caseaudit-demo.db" and where.exists()
    monkeypatch.setenv("CASEAUDIT_DB", str(where))
    for argv in commands[1:]:
        assert argv[0] == "caseaudit"
        status = main(argv[1:])
        out, err = capsys.readouterr()
        assert status == 0, f"{shlex.join(argv)} exited {status}: {err}"
        if argv[1:3] == ["check", "C-10072"] and "--json" not in argv:
            assert "as at 2025-09-30" in out  # the demo's day, not the machine's
        if "--json" in argv:
            assert json.loads(out)["as_of"] == "2025-08-29"
    assert (tmp_path / "themes-2025-26-Q2.md").exists() and (tmp_path / "demo-copy.db").exists()
    assert "77770001" in (tmp_path / "pack.md").read_text().split("\n---\n")[0]  # not found: on page one
    assert "## Is neglect recognised and named" in (tmp_path / "neglect-round.md").read_text()


def test_a_councils_own_database_is_not_the_demo(tmp_path, capsys):
    """Only the database `caseaudit demo` built acts as the demo user: elsewhere the person
    running the command is who they are (here: not a user of a database made by someone else)."""
    from caseaudit.services.identity import Acting, acting
    from db import open_store
    from db.identity import current_username

    store = open_store(tmp_path / "council.db", "someone-else")
    store.people.ensure_admin("Someone Else")
    store.close()
    assert acting(tmp_path / "council.db") == Acting(current_username(), None, "login")


def test_the_readme_says_how_to_reach_the_command_before_using_it():
    """After `make run` the command is in .venv/bin, not on PATH (finding 6 of issue 26): the
    README says so before its first command line and before the demo commands."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## The command line"):]
    first_command = section.index("\ncaseaudit ")
    assert ". .venv/bin/activate" in section[:first_command]
    assert ".venv/bin/caseaudit" in section[:first_command]
    demo = section.index("<!-- demo-commands:")
    assert ". .venv/bin/activate" in section[section.rindex("```", 0, demo):demo]
