"""`serve --files DIR` reaches every browser session, which lists that folder for an import
instead of offering a box to type a server path into."""

from __future__ import annotations

import shlex
from pathlib import Path

from caseaudit.cli import build_parser
from caseaudit.cli.serve import session_command


def test_the_session_command_carries_the_import_folder(tmp_path):
    command = shlex.split(session_command(tmp_path / "c.db", None, tmp_path / "uploads"))
    assert command[-3:] == ["serve-session", "--files", str(tmp_path / "uploads")]
    args = build_parser().parse_args(command[3:])
    assert args.handler == "caseaudit.cli.serve:serve_session" and Path(args.files) == tmp_path / "uploads"
    assert shlex.split(session_command(tmp_path / "c.db"))[-1] == "serve-session"  # no folder, no option


def test_one_parse_leaves_nothing_for_the_next():
    """`main` parses with one parser a process (caseaudit.cli.the_parser): a command's
    options never reach the next command's."""
    from caseaudit.cli import the_parser

    assert the_parser() is the_parser()
    first = the_parser().parse_args(["serve", "--trusted-proxy", "10.0.0.1", "--trusted-proxy", "10.0.0.2"])
    second = the_parser().parse_args(["serve"])
    assert first.trusted_proxy == ["10.0.0.1", "10.0.0.2"] and second.trusted_proxy == []
    assert build_parser().parse_args(["serve"]).trusted_proxy == []
