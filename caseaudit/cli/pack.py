"""`caseaudit pack`: parse, call caseaudit.services.pack (as the pack screen does), print
where the pack went and what it holds."""

from __future__ import annotations

import argparse

from caseaudit.cli.moderation import _store
from caseaudit.services.pack import export_pack, parse_references


def pack(args: argparse.Namespace) -> int:
    refs = parse_references(args.case_refs, args.cases)
    store = _store(args)
    made, written = export_pack(store, refs, args.format, args.out, args.as_of, args.include_notes, args.force)
    print(f"inspection pack as at {made.as_of.isoformat()} for {len(made.cases)} of {len(made.asked)} "
          f"references written to {written}")
    if made.not_found:
        print(f"not found: {', '.join(made.not_found)}")
    return 0
