"""The `caseaudit` command line: a thin shell over the same functions the screens call.

The parser is the contract of ../shared/cli.md; each command's work lives in a module
of this package (`check`, `admin`, `imports`, `moderation`, `allocation`, `export`, `app`) and is
named here as "module:function" so the parser loads only what a command needs.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from audit_tools.errors import BadInput, CheckFailed
from audit_tools.text import printable

log = logging.getLogger("caseaudit")


def iso_date(text: str) -> date:
    """A date option as a person writes it (calendar.parse_day: ISO or day first, never month first)."""
    from audit_tools.calendar import parse_day

    try:
        return parse_day(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def quarter_arg(text: str) -> str:
    from audit_tools.quarters import Quarter

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
    from caseaudit.services.locations import default_db_path as path

    return path()


def db_path(args: argparse.Namespace) -> Path:
    """--db, else $CASEAUDIT_DB, else caseaudit.db in the user data directory."""
    if getattr(args, "db", None):
        return Path(args.db)
    env = os.environ.get("CASEAUDIT_DB")
    if env:
        return Path(env)
    return default_db_path()


def open_as_user(path: Path):
    """The store as the person running the command: the operating-system user on today,
    or, on the demo file in their own data folder, the demo user on the demo's day
    (caseaudit.services.identity decides, whatever the file's rows say)."""
    from caseaudit.services.identity import acting
    from db import open_store
    from db.clock import fixed_clock

    who = acting(path)
    return open_store(path, actor=who.username, clock=fixed_clock(who.today) if who.today else None)


def _standards_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--standards",
        metavar="FILE.toml",
        help="standards catalogue to use instead of the default one",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="caseaudit",
        description=(
            "Case-file audits, moderation and quarterly themes for children's social care. "
            "Without a command, opens the terminal application."
        ),
    )
    parser.add_argument("--db", metavar="PATH", help="database file (default: $CASEAUDIT_DB, "
                        "else caseaudit.db in the user data directory)")
    _standards_option(parser)
    parser.set_defaults(handler="caseaudit.cli.app:open_tui")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("demo", help="create the demo database from sample_audits/ and open it",
                       description="Creates (if missing) a demo database from sample_audits/, "
                       "then opens the terminal application on it as a demo user with every role.")
    _standards_option(p)
    p.add_argument("--rebuild", action="store_true", help="rebuild the demo database from scratch")
    p.add_argument("--path", action="store_true", help="print where the demo database is (building it "
                   "if missing) and exit: export CASEAUDIT_DB=\"$(caseaudit demo --path)\" points the "
                   "other commands at it, as the demo user on the demo's day")
    p.add_argument("--as", dest="as_user", metavar="USERNAME",
                   help="open the demo as one of its people instead, to see what they see: e.g. an "
                   "auditor only, a moderator, or a QA lead (who can resolve the demo user's escalation); "
                   "an unknown name lists some of each")
    p.set_defaults(handler="caseaudit.cli.app:open_demo")

    p = sub.add_parser("init", help="create or migrate the database",
                       description="Creates or migrates the database (safe to run again). "
                       "The user who runs it becomes the first admin.")
    _standards_option(p)
    p.add_argument("--sample", action="store_true", help="load the sample data in sample_audits/")
    p.add_argument("--group", metavar="NAME", help="share the database with this operating-system group "
                   "(files 0660, owned by it) instead of keeping it the owner's only (0600)")
    p.set_defaults(handler="caseaudit.cli.admin:init")

    p = sub.add_parser("import", help="import users, cases, events or audits from a file",
                       description="Imports a CSV/XLSX (users, cases, events) or JSON Lines "
                       "(audits) file. Every row is checked; a file with any bad row writes nothing.")
    isub = p.add_subparsers(dest="what", metavar="WHAT", required=True)
    for what, text in [
        ("users", "CSV/XLSX columns username, display_name, roles, team[, manages]"),
        ("cases", "CSV/XLSX columns case_ref, case_type, start_date, team, worker, line_manager[, closed_date]"),
        ("events", "CSV/XLSX columns case_ref, kind, date[, child_seen, seen_alone, reason_not_alone, note]"),
        ("audits", "JSON Lines, one completed audit a line"),
    ]:
        ip = isub.add_parser(what, help=text, description=text)
        ip.add_argument("file", metavar="FILE", help="the file to import")
        if what == "cases":
            ip.add_argument("--new-teams", action="store_true",
                            help="add the teams no user belongs to yet (without it such a case is refused, "
                            "so a typo does not make a team)")
        ip.set_defaults(handler=f"caseaudit.cli.imports:import_{what}")
    text = "cases and events from an Ofsted Annex A workbook (Lists 3 to 9)"
    ip = isub.add_parser("annex-a", help=text, description=text.capitalize() + ": a bad cell refuses "
                         "the whole workbook unless --skip-invalid is given.")
    ip.add_argument("file", metavar="FILE.xlsx", help="the Annex A workbook")
    ip.add_argument("--skip-invalid", metavar="REJECTS.csv",
                    help="import the good rows and write the refused rows, with reasons, to REJECTS.csv "
                    "(a new file unless --force)")
    ip.add_argument("--force", action="store_true", help="replace an existing REJECTS.csv; never the database")
    ip.add_argument("--new-teams", action="store_true",
                    help="add the teams no user belongs to yet (without it such a row is refused, "
                    "or sent to REJECTS.csv with --skip-invalid)")
    ip.add_argument("--json", action="store_true", help="print one JSON document")
    ip.set_defaults(handler="caseaudit.cli.annex_a:run")

    p = sub.add_parser("check", help="evaluate the evidence standards for a case",
                       description="Evaluates the evidence standards for a case in the database "
                       "(CASE_REF) or described in a JSON file (--case-file).")
    p.add_argument("case_ref", nargs="?", metavar="CASE_REF", help="a case in the database (or give --case-file)")
    p.add_argument("--case-file", metavar="F", help="JSON case file; no database needed")
    p.add_argument("--as-of", type=iso_date, metavar="D", help="as-at date (default: today)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    _standards_option(p)
    p.set_defaults(handler="caseaudit.cli.check:run")

    p = sub.add_parser("sample", help="draw or verify a moderation sample")
    ssub = p.add_subparsers(dest="sample_command", metavar="ACTION", required=True)
    sp = ssub.add_parser("draw", help="draw and store a moderation sample for a quarter",
                         description="Draws and stores a moderation sample (algorithm v1).")
    sp.add_argument("--quarter", required=True, type=quarter_arg, metavar="Q", help="e.g. 2024-25-Q1")
    sp.add_argument("--rate", default="0.10", metavar="R", help="fraction of each auditor's audits (default 0.10)")
    sp.add_argument("--min-per-auditor", type=int, default=1, metavar="M", help="minimum per auditor (default 1)")
    sp.add_argument("--seed", metavar="S", help="seed (default: a fresh random one)")
    sp.add_argument("--again", action="store_true",
                    help="draw another sample of a quarter sampled already (refused without it: "
                    "a draw cannot be undone)")
    sp.add_argument("--json", action="store_true", help="print one JSON document")
    sp.set_defaults(handler="caseaudit.cli.moderation:sample_draw")
    sp = ssub.add_parser("verify", help="re-derive a stored sample and compare",
                         description="Re-derives a stored sample; exit 0 if it matches, 1 if not.")
    sp.add_argument("sample_id", metavar="SAMPLE_ID", help="the sample to re-derive, e.g. S-000001")
    sp.set_defaults(handler="caseaudit.cli.moderation:sample_verify")

    p = sub.add_parser("allocate", help="allocate this month's audits, or verify an allocation",
                       description="Allocates each auditor's cases for a month at random from other "
                       "teams' open cases (algorithm alloc-v1) and stores the allocation. "
                       "`allocate verify ALLOCATION_ID` re-derives a stored one.",
                       usage="caseaudit allocate [-h] [--month YYYY-MM] [--per-auditor K] [--seed S] [--json]\n"
                       "       caseaudit allocate verify ALLOCATION_ID")
    p.add_argument("--month", metavar="YYYY-MM", help="the month to allocate, e.g. 2025-09 (or 09/2025, Sep 2025)")
    p.add_argument("--per-auditor", metavar="K", help="cases per auditor (default: the monthly audit quota)")
    p.add_argument("--seed", metavar="S", help="seed (default: a fresh random one)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler="caseaudit.cli.allocation:allocate")
    asub = p.add_subparsers(dest="allocate_command", metavar="verify")
    ap = asub.add_parser("verify", help="re-derive a stored allocation and compare",
                         description="Re-derives a stored allocation; exit 0 if it matches, 1 if not.")
    ap.add_argument("allocation_id", metavar="ALLOCATION_ID", help="the allocation to re-derive, e.g. AL-000001")
    ap.set_defaults(handler="caseaudit.cli.allocation:allocate_verify")

    p = sub.add_parser("round", help="thematic audit rounds: create, verify, report",
                       description="A thematic audit round: cases chosen for one theme (algorithm "
                       "round-v1), audited against the theme's questions and reported on their own.")
    rsub = p.add_subparsers(dest="round_command", metavar="ACTION", required=True)
    rp = rsub.add_parser("create", help="select and assign a round's cases and store the round",
                         description="Selects a round's cases from those open on --date that match every "
                         "filter, ranked by the seed (round-v1), gives each to the next auditor who is "
                         "neither its worker nor its line manager, and stores the round.")
    rp.add_argument("--name", required=True, metavar="N", help="the round's name, e.g. \"Neglect, autumn\"")
    rp.add_argument("--questions", required=True, metavar="FILE.toml", help="the round's question file")
    rp.add_argument("--date", required=True, metavar="D", help="the round's date: cases open on it")
    rp.add_argument("--size", required=True, metavar="K", help="how many cases to select")
    rp.add_argument("--case-types", metavar="T,...", help="only these case types, e.g. CIN,CP")
    rp.add_argument("--teams", metavar="T,...", help="only cases of these teams")
    rp.add_argument("--with-event", metavar="KIND", help="only cases with an event of this kind ...")
    rp.add_argument("--within", metavar="DURATION", help="... dated within this look-back before --date, e.g. 6m")
    rp.add_argument("--score-standards", action="store_true", help="auditors score the evidence standards too")
    rp.add_argument("--grade", action="store_true", help="auditors grade each case")
    rp.add_argument("--seed", metavar="S", help="seed (default: a fresh random one)")
    rp.add_argument("--auditors", required=True, metavar="U,...", help="the round's auditors (usernames)")
    rp.add_argument("--json", action="store_true", help="print one JSON document")
    rp.set_defaults(handler="caseaudit.cli.rounds:create")
    rp = rsub.add_parser("verify", help="re-derive a stored round and compare",
                         description="Re-derives a stored round's selection and assignment; exit 0 if it "
                         "matches, 1 if not, naming each difference.")
    rp.add_argument("round_id", metavar="ROUND_ID", help="the round to re-derive")
    rp.set_defaults(handler="caseaudit.cli.rounds:verify")
    rp = rsub.add_parser("report", help="a round's report: answers by question and team",
                         description="Writes the round's report: cases selected, audited and outstanding, "
                         "each question's answers overall and by team, the standards when scored, the "
                         "grades when graded (csv: PATH is a folder, one file per table).")
    rp.add_argument("round_id", metavar="ROUND_ID", help="the round to report on")
    rp.add_argument("--format", required=True, choices=["json", "csv", "xlsx", "md"], help="json, csv, xlsx or md")
    rp.add_argument("--out", required=True, metavar="PATH", help="output file (csv: a folder)")
    rp.add_argument("--include-notes", action="store_true", help="include the auditors' comments")
    rp.add_argument("--force", action="store_true", help="replace PATH if it exists")
    rp.set_defaults(handler="caseaudit.cli.rounds:report")

    p = sub.add_parser("pack", help="the inspection pack for a list of children",
                       description="What the service knows of each named child's practice, as at a date: "
                       "the case's facts, automatic standards results, audits, moderation, actions and "
                       "concerns, with a first page summing them up and listing every reference not found. "
                       "References are case refs or Annex A Child Unique IDs.")
    p.add_argument("case_refs", nargs="*", metavar="CASE_REF", help="references (or give --cases FILE)")
    p.add_argument("--cases", metavar="FILE", help="CSV/XLSX with a case_ref or Child Unique ID column, "
                   "or one reference a line")
    p.add_argument("--as-of", metavar="D", help="as at this date (default: today)")
    p.add_argument("--format", required=True, choices=["md", "xlsx"], help="md or xlsx")
    p.add_argument("--out", required=True, metavar="PATH", help="output file")
    p.add_argument("--include-notes", action="store_true", help="include free text: notes, action "
                   "descriptions, concerns, moderators' reasons and feedback")
    p.add_argument("--force", action="store_true", help="replace PATH if it exists")
    p.set_defaults(handler="caseaudit.cli.pack:pack")

    p = sub.add_parser("stats", help="moderation statistics")
    tsub = p.add_subparsers(dest="stats_command", metavar="WHAT", required=True)
    tp = tsub.add_parser("agreement", help="moderation agreement for a quarter",
                         description="Agreement between auditors and moderators for the audits of a quarter.")
    tp.add_argument("--quarter", required=True, type=quarter_arg, metavar="Q", help="e.g. 2024-25-Q1")
    tp.add_argument("--json", action="store_true", help="print one JSON document")
    tp.set_defaults(handler="caseaudit.cli.moderation:stats_agreement")

    p = sub.add_parser("export", help="export reports")
    esub = p.add_subparsers(dest="export_command", metavar="WHAT", required=True)
    ep = esub.add_parser("themes", help="the quarterly themes report",
                         description="The quarterly themes report for the improvement board.")
    ep.add_argument("--quarter", required=True, type=quarter_arg, metavar="Q", help="e.g. 2024-25-Q1")
    ep.add_argument("--format", required=True, choices=["json", "csv", "xlsx", "md"], help="json, csv (PATH a folder), xlsx or md")
    ep.add_argument("--out", required=True, metavar="PATH", help="output file (csv: a folder)")
    ep.add_argument("--include-notes", action="store_true", help="include free-text notes")
    ep.add_argument("--force", action="store_true", help="replace an existing report (csv: only the "
                    "report's own files in the folder); never the database")
    ep.set_defaults(handler="caseaudit.cli.export:export_themes")

    p = sub.add_parser("concerns", help="safeguarding concerns raised while auditing, newest first",
                       description="Safeguarding concerns raised while auditing, newest first: every one "
                       "for a QA lead, else those on cases you line-manage or that you raised. "
                       "`concerns acknowledge ID` and `concerns close ID --action TEXT` act on one.")
    p.add_argument("--open", action="store_true", help="only concerns not yet closed")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.add_argument("--include-notes", action="store_true",
                   help="include what was found, what should happen and the action taken")
    p.set_defaults(handler="caseaudit.cli.concerns:list_concerns")
    csub = p.add_subparsers(dest="concerns_command", metavar="ACTION")
    cp = csub.add_parser("acknowledge", help="acknowledge an open concern (line manager or QA lead)",
                         description="Records that you have taken the concern on (who, when).")
    cp.add_argument("concern_id", metavar="ID", help="the concern, e.g. SC-000001")
    cp.set_defaults(handler="caseaudit.cli.concerns:acknowledge")
    cp = csub.add_parser("close", help="close an acknowledged concern with the action taken",
                         description="Closes an acknowledged concern, recording the action taken.")
    cp.add_argument("concern_id", metavar="ID", help="the concern, e.g. SC-000001")
    cp.add_argument("--action", required=True, metavar="TEXT", help="the action taken")
    cp.set_defaults(handler="caseaudit.cli.concerns:close")

    p = sub.add_parser("passwd", help="set a user's password for signing in with `serve`",
                       description="Sets the password USERNAME signs in with from a web browser "
                       "(`caseaudit serve`): asked twice, never shown, kept only as an argon2 hash. "
                       "An admin sets anyone's; everyone else only their own (the default).")
    p.add_argument("username", nargs="?", metavar="USERNAME", help="whose password (default: yours)")
    way = p.add_mutually_exclusive_group()
    way.add_argument("--unlock", action="store_true", help="admin: lift a lockout after failed sign-ins now")
    way.add_argument("--disable", action="store_true", help="admin: stop the account; its sessions end "
                     "within a minute")
    way.add_argument("--enable", action="store_true", help="admin: restore a stopped account")
    p.set_defaults(handler="caseaudit.cli.serve:passwd")

    p = sub.add_parser("settings", help="list, read or set the service's settings (admin)",
                       description="Lists every setting with its value and default; with KEY prints "
                       "that one; with KEY VALUE sets it, checked and recorded in the history. An admin's.")
    p.add_argument("key", nargs="?", metavar="KEY", help="the setting, e.g. idle_timeout_minutes")
    p.add_argument("value", nargs="?", metavar="VALUE", help="its new value")
    p.add_argument("--json", action="store_true", help="print one JSON document {key: value}")
    p.set_defaults(handler="caseaudit.cli.settings:settings")

    p = sub.add_parser("serve", help="serve the app to web browsers, sign-in first",
                       description="Serves the app to web browsers: a sign-in page first (username "
                       "and the password set with `caseaudit passwd`), then each signed-in browser "
                       "runs its own app on this database. Anything but a loopback address needs an "
                       "https --public-url and --trusted-proxy (a reverse proxy that terminates TLS), "
                       "or --insecure-http for a lab.")
    _standards_option(p)
    p.add_argument("--host", default="127.0.0.1", metavar="H", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, metavar="P", help="port to listen on (default 8000)")
    p.add_argument("--public-url", metavar="URL", help="the address browsers use when a reverse proxy "
                   "is in front, e.g. https://caseaudit.example.gov.uk")
    p.add_argument("--trusted-proxy", action="append", default=[], metavar="ADDR",
                   help="the reverse proxy's address: connections come only from it, and its "
                   "X-Forwarded-For names the client (repeat for more than one)")
    p.add_argument("--files", metavar="DIR", help="the folder an admin uploads import files to from the "
                   "browser, and imports them from")
    p.add_argument("--insecure-http", action="store_true",
                   help="a lab only: listen on a network address without HTTPS or a proxy")
    p.set_defaults(handler="caseaudit.cli.serve:serve")

    # What each browser session runs (textual-serve starts it); not for people, so not listed.
    p = sub.add_parser("serve-session")
    p.add_argument("--files", metavar="DIR", help="serve's --files folder")  # serve's --files: the import files the session lists
    p.set_defaults(handler="caseaudit.cli.serve:serve_session")

    p = sub.add_parser("verify", help="check the database, its history chain and every table against it",
                       description="Runs SQLite's integrity check, re-walks the history hash "
                       "chain, checks the heads recorded in it, and recomputes every table of the "
                       "record to compare with the digests the history recorded; exit 1 with one "
                       "line per finding, naming the table (and the audit where it can tell). "
                       "With --against, also proves the history up to a published head (e.g. from "
                       "last quarter's board paper) is unchanged.")
    p.add_argument("--against", type=anchor_arg, metavar="ENTRY:HASH",
                   help="a head printed earlier by `caseaudit history head` or in a themes report")
    p.add_argument("--progress", action="store_true",
                   help="say on stderr what is being checked (the default when stderr is a terminal)")
    p.set_defaults(handler="caseaudit.cli.admin:verify")

    p = sub.add_parser("history", help="the history's head, to publish and check against later")
    hsub = p.add_subparsers(dest="history_command", metavar="WHAT", required=True)
    hp = hsub.add_parser("head", help="print the newest entry's number and hash (ENTRY:HASH)",
                         description="Prints ENTRY:HASH of the newest history entry. Noted outside "
                         "the file, it lets `caseaudit verify --against ENTRY:HASH` prove later that "
                         "the history up to it was not rewritten.")
    hp.set_defaults(handler="caseaudit.cli.admin:history_head")

    p = sub.add_parser("backup", help="consistent online copy of the database",
                       description="Copies the database while others work (SQLite's online backup, "
                       "one read snapshot), into a new file owner-only (or the group's under init --group).")
    p.add_argument("dest", metavar="DEST", help="the file to write the copy to (a new file unless --force)")
    p.add_argument("--force", action="store_true", help="replace an existing file at DEST; never the database")
    p.set_defaults(handler="caseaudit.cli.admin:backup")
    from caseaudit.cli.record import add_commands

    add_commands(sub)  # hold and redact
    return parser


def _resolve(handler: str):
    module_name, _, func_name = handler.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, func_name)


def _log_unexpected(err: BaseException) -> Path | None:
    """Keep where an unexpected failure happened in the user log, not on the terminal."""
    from caseaudit.services.failures import log_failure

    return log_failure(err)


class PlainOut:
    """A command's standard output with every control or bidirectional character a name,
    reference or note may hold written as `[U+001B]` (audit_tools.text.printable): what a
    command prints can colour, move or link nothing on the terminal. JSON is unchanged
    (json.dumps writes such characters as \\u escapes, or they are shown the same way)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        # A carriage return is kept: stderr's progress line ("reading 10 of 90 rows") uses it.
        return self.stream.write("\r".join(printable(part) for part in text.split("\r")))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def say(line: str) -> None:
    """One `caseaudit: ...` line on stderr, shown plain."""
    print(f"caseaudit: {printable(line)}", file=sys.stderr)


# The terminal app draws on the terminal itself; every other command's output is made plain.
TERMINAL_APP = {"caseaudit.cli.app:open_tui", "caseaudit.cli.app:open_demo", "caseaudit.cli.serve:serve_session"}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    stdout, stderr = sys.stdout, sys.stderr
    if args.handler not in TERMINAL_APP:
        sys.stdout, sys.stderr = PlainOut(stdout), PlainOut(stderr)
    try:
        return _run(args)
    finally:
        sys.stdout, sys.stderr = stdout, stderr


def _run(args: argparse.Namespace) -> int:
    try:
        handler = _resolve(args.handler)
        result = handler(args)
        return int(result or 0)
    except BadInput as err:
        for line in err.lines:
            say(line)
        return 2
    except CheckFailed as err:
        for line in err.lines:
            say(line)
        return 1
    except KeyboardInterrupt:
        print("caseaudit: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as err:  # last line of defence: a sentence, never a traceback
        where = _log_unexpected(err)
        say(f"unexpected error: {err.__class__.__name__}: {err}")
        if where:
            print(f"caseaudit: details were written to {where}", file=sys.stderr)
        return 70


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
