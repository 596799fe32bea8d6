"""`caseaudit allocate` and `caseaudit allocate verify`.

Thin shells over caseaudit.services.allocation (the same functions the allocation screen
calls): parse, call, print. The JSON document is the contract of cli.md.
"""

from __future__ import annotations

import argparse
import json
import textwrap

from audit_tools.allocation import Allocation
from audit_tools.errors import BadInput, CheckFailed
from caseaudit.cli.moderation import WIDTH, _store
from caseaudit.services.allocation import allocate_month, shortfall_words, verify_allocation


def allocation_json(made: Allocation) -> dict:
    """The `allocate --json` document (cli.md)."""
    return {
        "allocation_id": made.allocation_id,
        "month": made.month,
        "seed": made.seed,
        "algorithm": made.algorithm,
        "per_auditor": made.per_auditor,
        "frame_sha256": made.frame_sha256,
        "frame_size": made.frame_size,
        "allocated": {auditor: sorted(refs) for auditor, refs in sorted(made.allocated.items())},
        "short": {auditor: n for auditor, n in sorted(made.short.items()) if n},
    }


def allocation_summary(made: Allocation) -> list[str]:
    total = sum(len(refs) for refs in made.allocated.values())
    lines = [
        f"allocation {made.allocation_id} for {made.month}: {total} cases to {len(made.allocated)} auditors "
        f"from {made.frame_size} open cases",
        f"algorithm {made.algorithm}, {made.per_auditor} per auditor",
        f"seed {made.seed}",
        f"frame sha256 {made.frame_sha256}",
    ]
    for auditor, refs in sorted(made.allocated.items()):
        lines += textwrap.wrap(f"  {auditor}: {', '.join(refs) or '-'}", width=WIDTH,
                               subsequent_indent="      ", break_on_hyphens=False)
        why = shortfall_words(made, auditor)
        if why:
            lines += textwrap.wrap(f"    {why}", width=WIDTH, subsequent_indent="    ")
    if made.allocated_by:
        when = made.allocated_at.isoformat(sep=" ") if made.allocated_at else "unknown time"
        lines.append(f"allocated by {made.allocated_by} at {when}")
    return lines


def allocate(args: argparse.Namespace) -> int:
    if args.month is None:
        raise BadInput("allocate: --month YYYY-MM is required (or `allocate verify ALLOCATION_ID`)")
    store = _store(args)
    made = allocate_month(store, args.month, args.per_auditor, args.seed)
    if args.json:
        print(json.dumps(allocation_json(made), indent=2))
    else:
        print("\n".join(allocation_summary(made)))
    return 0


def allocate_verify(args: argparse.Namespace) -> int:
    store = _store(args)
    made, ok, reasons = verify_allocation(store, args.allocation_id)
    if not ok:
        raise CheckFailed(f"allocation {made.allocation_id} does not verify:", *(f"  {r}" for r in reasons))
    total = sum(len(refs) for refs in made.allocated.values())
    print("\n".join([
        f"allocation {made.allocation_id} verified: the frame hash and every allocated case match",
        f"{total} cases for {made.month} re-derived from seed {made.seed}",
        f"algorithm {made.algorithm}, {made.per_auditor} per auditor, {made.frame_size} open cases",
        f"frame sha256 {made.frame_sha256}",
    ]))
    return 0
