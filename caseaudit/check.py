"""`caseaudit check`: the automatic standards results for one case, as at a date."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import textwrap
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from audit_tools.errors import BadInput
from audit_tools.files import read_text
from audit_tools.models import Case, CheckReport
from audit_tools.standards import evaluate, load_catalogue

MAX_CASE_FILE_BYTES = 20 * 1024 * 1024


def _describe_location(loc: tuple) -> str:
    """('events', 2, 'date') -> 'event 3 (events[2]): field date'."""
    parts = list(loc)
    if len(parts) >= 2 and parts[0] == "events" and isinstance(parts[1], int):
        where = f"event {parts[1] + 1} (events[{parts[1]}])"
        rest = [str(p) for p in parts[2:]]
        return f"{where}: field {'.'.join(rest)}" if rest else where
    return f"field {'.'.join(str(p) for p in parts)}" if parts else "case"


def _validation_lines(where: str, err: ValidationError) -> list[str]:
    lines = []
    for item in err.errors():
        msg = item["msg"].removeprefix("Value error, ")
        kind = item["type"]
        if kind == "extra_forbidden":
            msg = "unknown field"
        elif kind == "missing":
            msg = "missing"
        elif kind == "enum":
            msg = f"{item['input']!r} is not one of: {item['ctx'].get('expected', '')}"
        elif kind.startswith("bool"):
            msg = f"{item['input']!r} is not true or false"
        elif kind in ("model_type", "dict_type") and item["loc"][:1] == ("events",):
            msg = f"{json.dumps(item['input'])} is not an event; write it as {{\"kind\": ..., \"date\": \"YYYY-MM-DD\"}}"
        elif kind == "string_type":
            msg = f"{json.dumps(item['input'])} is not text; put it in quotes"
        lines.append(f"{where}: {_describe_location(item['loc'])}: {msg}")
    return lines


def read_case_file(path: str | Path) -> Case:
    """A case described in a JSON file (cli.md's case file), validated with places named."""
    file = Path(path)
    text = read_text(file, "case file", "JSON", encoding="utf-8-sig", max_bytes=MAX_CASE_FILE_BYTES)
    if not text.strip():
        raise BadInput(f"{file}: the case file is empty")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise BadInput(f"{file}: line {err.lineno}, column {err.colno}: not valid JSON: {err.msg}") from None
    if not isinstance(data, dict):
        raise BadInput(f"{file}: expected a JSON object with case_ref, case_type, start_date and events")
    if "events" in data and not isinstance(data["events"], list):
        raise BadInput(f"{file}: field events: expected a list of events")
    try:
        return Case.model_validate(data)
    except ValidationError as err:
        raise BadInput(*_validation_lines(str(file), err)) from None


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
    from caseaudit.cli import db_path
    from db import open_store
    from db.identity import current_username

    path = db_path(args)
    if not path.exists():
        raise BadInput(f"{path}: no database here; run `caseaudit init` first or pass --db")
    store = open_store(path, actor=current_username())
    try:
        case = store.get_case(args.case_ref)
        catalogue = load_catalogue(args.standards) if args.standards else store.catalogue()
    finally:
        store.close()
    if case is None:
        raise BadInput(f"case {args.case_ref!r} is not in {path}")
    return case, catalogue


def run(args: argparse.Namespace) -> int:
    if args.case_file and args.case_ref:
        raise BadInput("give either CASE_REF or --case-file, not both")
    if not args.case_file and not args.case_ref:
        raise BadInput("name the case: caseaudit check CASE_REF, or caseaudit check --case-file F")
    if args.case_file:
        catalogue = load_catalogue(args.standards)
        case = read_case_file(args.case_file)
    else:
        case, catalogue = _case_from_database(args)
    as_of: date = args.as_of or date.today()
    report = evaluate(case, as_of, catalogue)
    if args.json:
        json.dump(report_json(report), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(report_table(report, catalogue.label))
    return 0
