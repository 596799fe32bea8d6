"""Check a case: the automatic standards results for one case as at a date, from the
database or from a JSON case file (validated with every place named)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from audit_tools.errors import BadInput
from audit_tools.files import read_text
from audit_tools.models import Case, CheckReport
from audit_tools.permissions import Op
from audit_tools.standards import Catalogue, evaluate
from caseaudit.services import access
from db.store import Store

MAX_CASE_FILE_BYTES = 20 * 1024 * 1024


def _describe_location(loc: tuple[int | str, ...]) -> str:
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


def stored_case(store: Store, case_ref: str, catalogue: Catalogue | None = None) -> tuple[Case, Catalogue]:
    """The stored case and the catalogue to score it against (`catalogue` wins over the store's)."""
    access.require(store, Op.read_cases)
    case = store.cases.get(case_ref)
    if case is None:
        raise BadInput(f"case {case_ref!r} is not in {store.path}")
    return case, catalogue if catalogue is not None else store.reference.catalogue_for()


def check_case(case: Case, as_of: date, catalogue: Catalogue) -> CheckReport:
    return evaluate(case, as_of, catalogue)
