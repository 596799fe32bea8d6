"""`caseaudit check`: the automatic standards results for one case, as at a date."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import textwrap
from datetime import date
from pathlib import Path

from audit_tools.errors import BadInput
from audit_tools.models import CheckReport
from audit_tools.standards import load_catalogue
from caseaudit.cli.options import db_path, open_as_user
from db.clock import today as london_today
from caseaudit.services.check import check_case, read_case_file, stored_case

def report_json(report: CheckReport) -> dict:
    """The JSON document of cli.md: statuses as strings, dates ISO, judgement status null."""
    return report.model_dump(mode="json")


def _status_text(status) -> str:
    return status.label if status is not None else "judgement"


def report_table(report: CheckReport, catalogue_label: str, width: int | None = None) -> str:
    width = width or shutil.get_terminal_size((100, 24)).columns
    id_width = max(len(r.standard) for r in report.results) if report.results else 10
    status_width = 16
    evidence_width = max(30, width - id_width - status_width - 4)
    lines = [
        f"Case {report.case_ref} as at {report.as_of.isoformat()} ({catalogue_label} catalogue)",
        "",
        f"{'standard'.ljust(id_width)}  {'status'.ljust(status_width)}evidence",
        f"{'-' * id_width}  {'-' * (status_width - 2)}  {'-' * min(evidence_width, 40)}",
    ]
    for result in report.results:
        wrapped = textwrap.wrap(result.evidence, evidence_width) or [""]
        lines.append(f"{result.standard.ljust(id_width)}  {_status_text(result.status).ljust(status_width)}{wrapped[0]}")
        for more in wrapped[1:]:
            lines.append(" " * (id_width + 2 + status_width) + more)
    counts: dict[str, int] = {}
    for result in report.results:
        key = _status_text(result.status)
        counts[key] = counts.get(key, 0) + 1
    lines.append("")
    lines.append(", ".join(f"{n} {k}" for k, n in counts.items()))
    return "\n".join(lines)


def _case_from_database(args: argparse.Namespace):
    """The stored case and the catalogue the database scores against (--standards wins)."""
    path = db_path(args)
    if not path.exists():
        raise BadInput(f"{path}: no database here; run `caseaudit init` first or pass --db")
    store = open_as_user(path)
    try:
        case, catalogue = stored_case(store, args.case_ref,
                                      load_catalogue(args.standards) if args.standards else None)
        return case, catalogue, store.today()  # the demo database's day on the demo
    finally:
        store.close()


def run(args: argparse.Namespace) -> int:
    if args.case_file and args.case_ref:
        raise BadInput("give either CASE_REF or --case-file, not both")
    if not args.case_file and not args.case_ref:
        raise BadInput("name the case: caseaudit check CASE_REF, or caseaudit check --case-file F")
    if args.case_file:
        catalogue = load_catalogue(args.standards)
        case = read_case_file(args.case_file)
        today = london_today()  # the one clock: today in Europe/London
    else:
        case, catalogue, today = _case_from_database(args)
    as_of: date = args.as_of or today
    report = check_case(case, as_of, catalogue)
    if args.json:
        json.dump(report_json(report), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(report_table(report, catalogue.label))
    return 0
