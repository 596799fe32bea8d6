"""`caseaudit import users|cases|events|audits FILE`: parse, call
caseaudit.services.imports, print what was written."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from audit_tools.errors import BadInput
from caseaudit.cli.options import db_path, open_as_user
from caseaudit.services import imports as services
from caseaudit.services.imports import CasesImported, Progress, import_file_report

# Below this many rows an import is over before a progress line would help.
PROGRESS_FROM = 200


def _terminal_progress(doing: str = "checking") -> Progress | None:
    """A progress line on stderr, only for a person watching a terminal (never in a pipe or log)."""
    if not sys.stderr.isatty():
        return None
    shown = {"any": False}

    def show(done: int, total: int) -> None:
        if total < PROGRESS_FROM:
            return
        if done % 50 == 0 or done == total:
            print(f"\r{doing} {done} of {total} rows", end="", file=sys.stderr, flush=True)
            shown["any"] = True
        if done == total and shown["any"]:
            print(file=sys.stderr, flush=True)

    return show


def open_for_import(args: argparse.Namespace):
    path = db_path(args)
    if not path.exists():
        raise BadInput(f"{path}: no database here yet; run `caseaudit init` first")
    return open_as_user(path)


def _run(args: argparse.Namespace, what: str) -> int:
    path = Path(args.file)
    if not path.exists():  # before touching the database: nothing to do without the file
        raise BadInput(f"{args.file}: no such file")
    store = open_for_import(args)
    try:
        count, present = import_file_report(store, what, path, _terminal_progress(),
                                            writing=_terminal_progress("writing"))
    finally:
        store.close()
    noun = what if count != 1 else what[:-1]
    skipped = f"; {present} already present, skipped" if present else ""
    print(f"imported {count} {noun} from {args.file}{skipped}")
    return 0


def import_users(args: argparse.Namespace) -> int:
    return _run(args, "users")


# Cases with submitted audits whose details an import changed: listed one a line up to this.
CHANGES_SHOWN = 20


def cases_lines(result: CasesImported) -> list[str]:
    """What `import cases` says it did: new and updated counted apart, teams it added, and what
    changed in cases that already have submitted audits."""
    written = result.written
    lines = [f"imported {written} case{'s' if written != 1 else ''} from {result.file}: "
             f"{len(result.created)} new, {len(result.updated)} updated, {len(result.unchanged)} unchanged"]
    if result.teams_added:
        lines.append("added teams: " + ", ".join(result.teams_added))
    for ref, (audits, changes) in list(result.audited_changes.items())[:CHANGES_SHOWN]:
        said = "; ".join(f"{f} {before} -> {after}" for f, (before, after) in changes.items())
        lines.append(f"{ref} has {audits} submitted audit{'s' if audits != 1 else ''}; changed: {said}")
    if len(result.audited_changes) > CHANGES_SHOWN:
        lines.append(f"... and {len(result.audited_changes) - CHANGES_SHOWN} more audited cases changed "
                     "(see the history)")
    return lines


def import_cases(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.exists():
        raise BadInput(f"{args.file}: no such file")
    store = open_for_import(args)
    try:
        result = services.import_cases(store, path, _terminal_progress(), new_teams=args.new_teams)
    finally:
        store.close()
    result.file = args.file
    for line in cases_lines(result):
        print(line)
    return 0


def import_events(args: argparse.Namespace) -> int:
    return _run(args, "events")


def import_audits(args: argparse.Namespace) -> int:
    return _run(args, "audits")
