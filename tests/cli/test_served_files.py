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
