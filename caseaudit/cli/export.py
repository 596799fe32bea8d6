"""`caseaudit export themes`: parse, call caseaudit.services.themes (as the reports
screen does), print where the report went."""

from __future__ import annotations

import argparse
from pathlib import Path

from audit_tools.errors import BadInput
from audit_tools.quarters import Quarter
from audit_tools.standards import load_catalogue
from caseaudit.cli.options import db_path, open_as_user
from caseaudit.services.themes import export_themes_report

def export_themes(args: argparse.Namespace) -> int:
    path = db_path(args)
    if not path.exists():
        raise BadInput(f"no caseaudit database at {path}: run `caseaudit init` first, or give --db")
    catalogue = None
    if getattr(args, "standards", None):
        catalogue = load_catalogue(args.standards)
    store = open_as_user(path)
    try:
        written = export_themes_report(store, Quarter.parse(args.quarter), args.format, args.out,
                                       include_notes=args.include_notes, catalogue=catalogue,
                                       force=args.force)
    finally:
        store.close()
    what = "folder" if args.format == "csv" else "file"
    print(f"themes report for {Quarter.parse(args.quarter).label} written to the {what} {written}")
    return 0
