"""`caseaudit hold` and `caseaudit redact`: keeping a case's words (a legal or safeguarding
hold) and erasing free text from the record (redaction). Parse, call one service, print;
the rules are in caseaudit.services.holds and caseaudit.services.redaction."""

from __future__ import annotations

import argparse
import json
from typing import Any

from audit_tools.errors import BadInput
from audit_tools.text import one_line
from caseaudit.cli.options import iso_date


def add_commands(sub: Any) -> None:
    """The `hold` and `redact` subcommands (called by caseaudit.cli.build_parser)."""
    p = sub.add_parser("hold", help="hold a case so no redaction reaches its words, or release it (admin)",
                       description="Puts a case on a legal or safeguarding hold: while it is held, "
                       "`caseaudit redact` leaves its audits, events, actions and concerns as they are. "
                       "`hold --release CASE_REF` takes it off; `hold` alone lists the cases on hold. "
                       "Both are recorded in the history.")
    p.add_argument("case_ref", nargs="?", metavar="CASE_REF", help="the case to hold")
    p.add_argument("--reason", metavar="TEXT", help="why the case is held (needed to hold one)")
    p.add_argument("--release", metavar="CASE_REF", help="take this case off hold")
    p.set_defaults(handler="caseaudit.cli.record:hold")

    p = sub.add_parser("redact", help="replace free text with a redaction mark, for erasure or retention (admin)",
                       description="Replaces the free text of the chosen records (notes, reasons, feedback, "
                       "descriptions, concerns' words, events' notes) with \"[redacted DATE: REASON]\"; "
                       "figures, grades, statuses and dates stay. Choose one record (--audit, --event, "
                       "--action, --concern) or a retention schedule (--older-than D: audits submitted "
                       "before D with their moderations, amendments and actions, events dated before D, "
                       "concerns closed before D). Open concerns, open actions and cases on hold are never "
                       "reached. Recorded in the history, which keeps no words; the freed pages are "
                       "overwritten (see docs/security.md).")
    p.add_argument("--reason", required=True, metavar="TEXT", help="why: shown in every redacted value")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--audit", metavar="ID", help="one audit, with its moderation, amendments and actions")
    which.add_argument("--event", metavar="ID", type=int, help="one case event (its number)")
    which.add_argument("--action", metavar="ID", type=int, help="one action (its number)")
    which.add_argument("--concern", metavar="ID", help="one safeguarding concern, e.g. SC-000001")
    which.add_argument("--older-than", metavar="D", type=iso_date, dest="older_than",
                       help="everything dated before D (2025-03-31 or 31/03/2025)")
    p.add_argument("--dry-run", action="store_true", help="list what would be redacted; change nothing")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler="caseaudit.cli.record:redact")


def _store(args: argparse.Namespace) -> Any:
    # at call time, as the services below: the parser imports this module, and `caseaudit
    # --help` or another command need not load the store and the services
    from caseaudit.cli.moderation import _store as store

    return store(args)


def hold(args: argparse.Namespace) -> int:
    from caseaudit.services import holds  # at call time: see _store

    if args.release and (args.case_ref or args.reason):
        raise BadInput("hold --release CASE_REF takes no other case and no --reason")
    if args.case_ref and not (args.reason or "").strip():
        raise BadInput(f"hold {args.case_ref}: give --reason TEXT: why the case is held")
    if args.reason and not args.case_ref:
        raise BadInput("hold --reason: name the case to hold: caseaudit hold CASE_REF --reason TEXT")
    store = _store(args)
    if args.release:
        released = holds.release_case(store, args.release)
        print(f"case {released.case_ref} released from hold")
        return 0
    if args.case_ref:
        held = holds.hold_case(store, args.case_ref, args.reason)
        print(f"case {held.case_ref} on hold: no redaction will reach its text until it is released")
        return 0
    found = holds.holds(store)
    if not found:
        print("no case is on hold")
    for each in found:
        print(f"{each.case_ref}  held by {each.held_by} on {each.held_at:%Y-%m-%d}: {one_line(each.reason)}")
    return 0


def redact(args: argparse.Namespace) -> int:
    from caseaudit.services import redaction  # at call time: see _store

    store = _store(args)
    selection = redaction.Selection(audit=args.audit, event=args.event, action=args.action,
                                    concern=args.concern, older_than=args.older_than)
    done = redaction.redact(store, selection, args.reason, dry_run=args.dry_run)
    if args.json:
        print(json.dumps(redaction.as_json(done), ensure_ascii=False))
        return 0
    for line in redaction.lines(done):
        print(line)
    return 0
