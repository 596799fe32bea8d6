"""`caseaudit round create|verify|report`.

Thin shells over caseaudit.services.rounds (the same functions the round screens call):
parse, call, print. The JSON documents are the contract of cli.md "Thematic rounds".
"""

from __future__ import annotations

import argparse
import json
import textwrap

from audit_tools.errors import CheckFailed
from audit_tools.rounds import Round, round_json
from caseaudit.cli.moderation import WIDTH, _store
from caseaudit.services.rounds import create_round, export_report, verify_round


def round_summary(made: Round) -> list[str]:
    assigned = sum(1 for s in made.selected if s.auditor)
    lines = [
        f"round {made.round_id} \u201c{made.name}\u201d as at {made.date.isoformat()}: {len(made.selected)} of "
        f"{made.size} cases selected from {made.frame_size}, {assigned} assigned",
        f"filters: {made.filters.words()}",
        f"algorithm {made.algorithm}, seed {made.seed}",
        f"frame sha256 {made.frame_sha256}",
    ]
    for s in made.selected:
        lines += textwrap.wrap(f"  {s.case_ref}: {s.auditor or 'no auditor (every auditor works or manages it)'}",
                               width=WIDTH, subsequent_indent="      ")
    if made.shortfall:
        lines.append(f"shortfall {made.shortfall}")
    return lines


def create(args: argparse.Namespace) -> int:
    store = _store(args)
    made = create_round(store, name=args.name, questions=args.questions, day=args.date, size=args.size,
                        auditors=args.auditors, case_types=args.case_types, teams=args.teams,
                        with_event=args.with_event, within=args.within, score_standards=args.score_standards,
                        grade=args.grade, seed=args.seed)
    if args.json:
        print(json.dumps(round_json(made), indent=2))
    else:
        print("\n".join(round_summary(made)))
    return 0


def verify(args: argparse.Namespace) -> int:
    store = _store(args)
    made, reasons = verify_round(store, args.round_id)
    if reasons:
        raise CheckFailed(f"round {made.round_id} does not verify:", *(f"  {r}" for r in reasons))
    print("\n".join([
        f"round {made.round_id} verified: the frame hash, the selection and every assignment match",
        f"{len(made.selected)} cases re-derived from seed {made.seed} over {made.frame_size} open cases",
        f"algorithm {made.algorithm}, frame sha256 {made.frame_sha256}",
    ]))
    return 0


def report(args: argparse.Namespace) -> int:
    store = _store(args)
    written = export_report(store, args.round_id, args.format, args.out, include_notes=args.include_notes,
                            force=args.force)
    what = "folder" if args.format == "csv" else "file"
    print(f"round {args.round_id.strip()} report written to the {what} {written}")
    return 0
