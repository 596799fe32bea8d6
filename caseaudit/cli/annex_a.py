"""`caseaudit import annex-a FILE.xlsx [--skip-invalid REJECTS.csv] [--json]`: parse, call
caseaudit.services.annex_a, print the per-list summary (or the JSON document of cli.md)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from audit_tools.annex_a import LISTS, ImportPlan
from audit_tools.errors import BadInput
from caseaudit.cli.imports import open_for_import
from caseaudit.services.annex_a import import_annex_a

COLUMNS = ("rows", "cases_created", "cases_updated", "events_added", "events_already_stored", "refused")
HEADINGS = ("rows", "created", "updated", "events", "stored", "refused")
# Changed cases listed one a line; beyond this many the rest are counted.
CHANGES_SHOWN = 20


def _progress():
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        print(f"\rreading {done} of {total} rows", end="", file=sys.stderr, flush=True)
        if done >= total:
            print(file=sys.stderr, flush=True)

    return show


def summary_lines(plan: ImportPlan, rejects: str | None = None) -> list[str]:
    """The per-list summary as a person reads it (also shown by the import screen)."""
    lines = [f"{plan.file}: Annex A lists read"]
    lines.append(f"{'list':<28}" + "".join(f"{h:>9}" for h in HEADINGS))
    for number, counts in sorted(plan.lists.items()):
        label = f"{number} {LISTS[number].title}"
        figures = counts.as_json()
        lines.append(f"{label:<28}" + "".join(f"{figures[c]:>9}" for c in COLUMNS))
    lines.append("(created/updated: cases; events: added; stored: events already stored, skipped)")
    for case, changes in plan.updated[:CHANGES_SHOWN]:
        said = "; ".join(f"{f} {before or 'empty'} -> {after or 'empty'}" for f, (before, after) in changes.items())
        lines.append(f"updated {case.case_ref}: {said}")
    if len(plan.updated) > CHANGES_SHOWN:
        lines.append(f"... and {len(plan.updated) - CHANGES_SHOWN} more cases updated (see the history)")
    if plan.children_without_case:
        lines.append(f"children without a case (their events were not stored): {plan.children_without_case}")
    if plan.teams_added:
        lines.append("added teams: " + ", ".join(plan.teams_added))
    if plan.unmatched_workers:
        lines.append("workers matching no user, kept as written: " + ", ".join(plan.unmatched_workers))
    for number, columns in sorted(plan.ignored_columns.items()):
        if columns:
            lines.append(f"List {number}: ignored columns: " + ", ".join(columns))
    refused = sum(c.refused for c in plan.lists.values())
    if rejects is not None:
        lines.append(f"{refused} row{'s' if refused != 1 else ''} refused, written with reasons to {rejects}")
    return lines


def run(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.exists():  # before touching the database: nothing to do without the file
        raise BadInput(f"{args.file}: no such file")
    store = open_for_import(args)
    try:
        plan = import_annex_a(store, path, rejects=args.skip_invalid, progress=_progress(),
                             force=args.force, new_teams=args.new_teams)
    finally:
        store.close()
    if args.json:
        print(json.dumps(plan.as_json(), indent=2))
        for line in plan.warnings:
            print(f"caseaudit: warning: {line}", file=sys.stderr)
        return 0
    for line in summary_lines(plan, args.skip_invalid):
        print(line)
    for line in plan.warnings:
        print(f"caseaudit: warning: {line}", file=sys.stderr)
    return 0
