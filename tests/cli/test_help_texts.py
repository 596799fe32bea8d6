"""Every command says what each of its arguments is, and its usage line shows what is
required (finding 24 of issue 26: `backup DEST` had no help, and `allocate`'s usage showed
`verify ...` as if it were required)."""

from __future__ import annotations

import argparse

from caseaudit.cli import build_parser


def parsers(parser: argparse.ArgumentParser, path: str = "caseaudit"):
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from parsers(sub, f"{path} {name}")


def test_every_argument_of_every_command_has_help():
    missing = []
    for path, parser in parsers(build_parser()):
        for action in parser._actions:
            if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
                continue
            if not action.help:
                missing.append(f"{path}: {action.dest}")
    assert missing == []


def test_allocate_usage_shows_verify_as_a_second_form_not_a_required_argument():
    usage = dict(parsers(build_parser()))["caseaudit allocate"].format_usage()
    assert "verify ..." not in usage
    assert "caseaudit allocate [-h] [--month YYYY-MM]" in usage
    assert "caseaudit allocate verify ALLOCATION_ID" in usage
