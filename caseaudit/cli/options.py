"""What the commands share before they run: the readers of dates, quarters and history
heads given as options, the --standards option, and which database a command opens, as whom."""

from __future__ import annotations

import argparse
import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from audit_tools.calendar import parse_day
from audit_tools.quarters import Quarter
from caseaudit.services import locations

if TYPE_CHECKING:  # the store is imported only when a command opens one: `--help` stays quick
    from db.store import Store


def iso_date(text: str) -> date:
    """A date option as a person writes it (calendar.parse_day: ISO or day first, never month first)."""
    try:
        return parse_day(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def quarter_arg(text: str) -> str:
    try:
        return Quarter.parse(text).code
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def anchor_arg(text: str) -> tuple[int, str]:
    """ENTRY:HASH, as `caseaudit history head` prints it."""
    entry, _, digest = text.strip().partition(":")
    digest = digest.lower()
    if not entry.isdigit() or int(entry) < 1 or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise argparse.ArgumentTypeError(
            f"invalid head {text!r}: expected ENTRY:HASH, an entry number, a colon and 64 hex digits, "
            "as `caseaudit history head` prints it")
    return int(entry), digest


def default_db_path() -> Path:
    return locations.default_db_path()


def db_path(args: argparse.Namespace) -> Path:
    """--db, else $CASEAUDIT_DB, else caseaudit.db in the user data directory."""
    if getattr(args, "db", None):
        return Path(args.db)
    env = os.environ.get("CASEAUDIT_DB")
    if env:
        return Path(env)
    return default_db_path()



def open_as_user(path: Path) -> Store:
    """The store as the person running the command: the operating-system user on today,
    or, on the demo file in their own data folder, the demo user on the demo's day
    (caseaudit.services.identity decides, whatever the file's rows say)."""
    # lazy: the store (db) and who acts are loaded only when a command opens a database,
    # so `caseaudit --help` and the commands that open none stay quick
    from caseaudit.services.identity import acting
    from db import open_store
    from db.clock import fixed_clock

    who = acting(path)
    return open_store(path, actor=who.username, clock=fixed_clock(who.today) if who.today else None)


def standards_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--standards",
        metavar="FILE.toml",
        help="standards catalogue to use instead of the default one",
    )

