"""The `caseaudit` parser, the contract of cli.md: the app and demo, setting up and
keeping the database, serving it to browsers; the commands of the service's work are
added from `parser_work`. Each command names its handler as "module:function"."""

from __future__ import annotations

import argparse

from caseaudit.cli.options import anchor_arg, standards_option
from caseaudit.cli.parser_work import add_work_commands
from caseaudit.cli.record import add_commands


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
    standards_option(parser)
    parser.set_defaults(handler="caseaudit.cli.app:open_tui")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("demo", help="create the demo database from sample_audits/ and open it",
                       description="Creates (if missing) a demo database from sample_audits/, "
                       "then opens the terminal application on it as a demo user with every role.")
    standards_option(p)
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
    standards_option(p)
    p.add_argument("--sample", action="store_true", help="load the sample data in sample_audits/")
    p.add_argument("--group", metavar="NAME", help="share the database with this operating-system group "
                   "(files 0660, owned by it) instead of keeping it the owner's only (0600)")
    p.set_defaults(handler="caseaudit.cli.admin:init")

    add_work_commands(sub)

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
    standards_option(p)
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
    add_commands(sub)  # hold and redact
    return parser
