"""The quarterly themes report: gathered from the store, computed in audit_tools.themes,
written by an exporter. The reports screen and `caseaudit export themes` both call this."""

from __future__ import annotations

from pathlib import Path

from audit_tools.permissions import Op
from audit_tools.quarters import Quarter
from audit_tools.themes import (
    QuarterCounts,
    ReportRows,
    ThemesReport,
    report_from_rows,
    standards_of,
)
from caseaudit.services import access
from caseaudit.services.allocation import completion
from caseaudit.services.outputs import output_for
from audit_tools.standards.catalogue import Catalogue
from db.sharing import share
from db.store import Store


def themes_for(store: Store, quarter: Quarter, include_notes: bool = False, catalogue: Catalogue | None = None) -> ThemesReport:
    """Count the quarter's and the previous quarter's figures in SQL and shape them.

    The free text (with include_notes) of an audit the user re-audits blind is left out,
    never its figures."""
    user = access.require(store, Op.read_quarter_figures)
    previous = quarter.previous()
    if catalogue is None:
        catalogue = store.reference.catalogue_for()
    themes = store.reference.themes() or None
    reports = store.reports
    this, before = reports.quarter_counts(previous.start, quarter.start, quarter.end)
    rows = ReportRows(
        this=QuarterCounts(**this),
        previous=QuarterCounts(**before),
        users=store.people.list(),
        audit_list=reports.audit_list(quarter.start, quarter.end),
        action_list=reports.action_list(quarter.start, quarter.end),
        notes=reports.notes(quarter.start, quarter.end) if include_notes else [],
        quota=store.reference.settings().audit_quota_per_month,
        standards=standards_of(catalogue),
        concerns=store.concerns.times(previous.start, quarter.end),
    )
    if themes:
        rows.themes = themes
    if include_notes:
        blind = access.blind_to(store, user)
        if blind:
            rows.notes = [r for r in rows.notes if r[0] not in blind]
            rows.action_list = [r if r[0] not in blind else (*r[:6], None) for r in rows.action_list]
    return report_from_rows(quarter, rows, include_notes=include_notes)


def _report(store: Store, quarter: Quarter, include_notes: bool, catalogue: Catalogue | None) -> ThemesReport:
    report = themes_for(store, quarter, include_notes=include_notes, catalogue=catalogue)
    entry, digest = store.history.head()
    report.history_head = f"{entry}:{digest}"
    report.allocation = completion(store, quarter.start.strftime("%Y-%m"), quarter.end.strftime("%Y-%m")).as_json()
    return report


def export_themes_report(store: Store, quarter: Quarter, fmt: str, out: str | Path,
                         include_notes: bool = False, catalogue: Catalogue | None = None,
                         force: bool = False) -> Path:
    """Check permission and target, compute, write through a temporary file, record it in history.

    An existing file is replaced only with `force` (AlreadyThere otherwise); the database
    and its companions never are.
    """
    # The writers (openpyxl among them) load only when a report is written, not at start-up.
    from audit_tools.exporters import check_target, export_report

    access.require(store, Op.export_themes)
    target = output_for(store.path, out, force)
    report = _report(store, quarter, include_notes, catalogue)
    check_target(report, fmt, target)
    written = export_report(report, fmt, target)
    group = store.reference.settings().file_group
    if group:  # a council that shares the database with a group shares its reports the same way
        share(Path(written), group)
    store.record("themes exported", {
        "quarter": quarter.code,
        "format": fmt,
        "path": str(Path(written).resolve()),
        "include_notes": include_notes,
        "history_head": report.history_head,
    })
    return written


def download_themes_report(store: Store, quarter: Quarter, fmt: str, include_notes: bool = False,
                           catalogue: Catalogue | None = None) -> tuple[str, bytes]:
    """The report as a download's file name and bytes, for a browser (nothing written here)."""
    from audit_tools.exporters import report_download  # lazy: only a download needs the exporters

    access.require(store, Op.export_themes)
    report = _report(store, quarter, include_notes, catalogue)
    name, data = report_download(report, fmt, f"themes-{quarter.code}")
    store.record("themes exported", {
        "quarter": quarter.code,
        "format": fmt,
        "download": name,
        "include_notes": include_notes,
        "history_head": report.history_head,
    })
    return name, data

