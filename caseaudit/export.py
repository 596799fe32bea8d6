"""`caseaudit export themes`: the quarterly themes report, in the same way the reports
screen makes it (both call `themes_for` and `export_themes_report`)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from audit_tools.errors import BadInput
from audit_tools.exporters import export_report
from audit_tools.models import Role
from audit_tools.permissions import require
from audit_tools.quarters import Quarter
from audit_tools.themes import ThemesInput, ThemesReport, standards_of, themes_report

DOING = "export the quarterly themes report"


def themes_for(store, quarter: Quarter, include_notes: bool = False, catalogue=None) -> ThemesReport:
    """Gather the quarter's and the previous quarter's audits from the store and compute."""
    previous = quarter.previous()
    audits = store.list_audits(submitted_from=previous.start, submitted_to=quarter.end, status="submitted")
    cases = {}
    for ref in sorted({a.case_ref for a in audits}):
        case = store.get_case(ref)
        if case is not None:
            cases[ref] = case
    if catalogue is None:
        catalogue = store.catalogue()
    themes = store.themes() or None
    data = ThemesInput(
        audits=audits,
        cases=cases,
        users=store.list_users(),
        sampled_ids=store.sampled_audit_ids(),
        quota=store.audit_quota(),
        standards=standards_of(catalogue),
    )
    if themes:
        data.themes = themes
    return themes_report(quarter, data, include_notes=include_notes)


def export_themes_report(store, quarter: Quarter, fmt: str, out: str | Path,
                         include_notes: bool = False, catalogue=None) -> Path:
    """Check permission, compute, write atomically, and record the export in history."""
    require(store.user, Role.qa_lead, DOING)
    report = themes_for(store, quarter, include_notes=include_notes, catalogue=catalogue)
    written = export_report(report, fmt, out)
    store.record("themes exported", {
        "quarter": quarter.code,
        "format": fmt,
        "path": str(Path(written).resolve()),
        "include_notes": include_notes,
    })
    return written


def latest_quarter_with_audits(store, today: date, look_back: int = 8) -> Quarter:
    """The last complete quarter with submitted audits (else simply the last complete one)."""
    last = Quarter.of(today).previous()
    quarter = last
    for _ in range(look_back):
        if store.page_audits(submitted_from=quarter.start, submitted_to=quarter.end,
                             status="submitted", limit=1):
            return quarter
        quarter = quarter.previous()
    return last


def export_themes(args: argparse.Namespace) -> int:
    from caseaudit.cli import db_path
    from db import open_store
    from db.identity import current_username

    path = db_path(args)
    if not path.exists():
        raise BadInput(f"no caseaudit database at {path}: run `caseaudit init` first, or give --db")
    catalogue = None
    if getattr(args, "standards", None):
        from audit_tools.standards import load_catalogue

        catalogue = load_catalogue(args.standards)
    store = open_store(path, actor=current_username())
    try:
        written = export_themes_report(store, Quarter.parse(args.quarter), args.format, args.out,
                                       include_notes=args.include_notes, catalogue=catalogue)
    finally:
        store.close()
    what = "folder" if args.format == "csv" else "file"
    print(f"themes report for {Quarter.parse(args.quarter).label} written to the {what} {written}")
    return 0
