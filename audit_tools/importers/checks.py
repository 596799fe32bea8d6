"""The checks of a users or cases file, and how every import names a problem.

A file either goes in whole or is refused with every problem listed as
`FILE:ROW: column: reason`, so the person fixing the spreadsheet can work down the list.
ROW is the row number a spreadsheet shows (the header is row 1) or, for JSON Lines, the
line number. Nothing here reads the database: each check is given what the caller says
the database already knows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from audit_tools.errors import BadInput
from audit_tools.importers.rows import CaseRow, UserRow
from audit_tools.importers.tables import Cells, Table
from audit_tools.models import Case, CaseDetails, Role, User
from audit_tools.text import Kind, check_text

Progress = Callable[[int, int], None]
R = TypeVar("R", bound=BaseModel)


def ticker(progress: Progress | None, total: int | None) -> Callable[[], None]:
    """A tick to call after each line: `progress(done, total)`, with the lines done so far as
    the total while it is not known."""
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total if total is not None else done)

    return tick


def _reason(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    if kind == "missing":
        return "required; this cell is empty"
    if kind == "extra_forbidden":
        return "unknown field; remove it"
    message = str(error["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    if kind == "enum":
        return f"{error.get('input')!r} is not allowed: {message[0].lower()}{message[1:]}"
    shown = json.dumps(error.get("input"), default=str)
    if kind == "string_type":
        return f"expected text in quotes, got {shown}"
    if kind in ("dict_type", "model_type"):
        return f"expected an object {{...}}, got {shown:.60}"
    if kind == "list_type":
        return f"expected a list [...], got {shown:.60}"
    return message


def _where(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "line"


def describe(error: ValidationError, name: str, number: int, missing_word: str = "cell") -> list[str]:
    """A row's validation errors, one `FILE:ROW: field: reason` line each."""
    lines = []
    for item in error.errors():
        reason = _reason(item)
        if missing_word != "cell" and item["type"] == "missing":
            reason = "required; it is missing"
        lines.append(f"{name}:{number}: {_where(item['loc'])}: {reason}")
    return lines


def check_row(model: type[R], name: str, number: int, cells: Cells, problems: list[str]) -> R | None:
    """One row as `model`, or None with its problems added to `problems`."""
    try:
        return model.model_validate(cells)
    except ValidationError as err:
        problems.extend(describe(err, name, number))
        return None


def check_rows(table: Table, model: type[R], progress: Progress | None) -> tuple[list[tuple[int, R]], list[str]]:
    good: list[tuple[int, R]] = []
    problems: list[str] = []
    total = len(table.rows)
    for i, (number, cells) in enumerate(table.rows, start=1):
        row = check_row(model, table.name, number, cells, problems)
        if row is not None:
            good.append((number, row))
        if progress:
            progress(i, total)
    return good, problems


def text_field(value: object, key: str) -> str | None:
    """An id a row names, to look up before the row is checked: None for one the door
    refuses (a control character, a lone surrogate), which the row's own check then names."""
    text = value.get(key) if isinstance(value, dict) else None
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return check_text(text.strip(), Kind.identifier)
    except ValueError:
        return None


class FirstRows:
    """The row each key was first met on, to name a key met again (`first` gives None the first time)."""

    def __init__(self, name: str, column: str, label: Callable[[Any], str],
                 why: str = "each may appear only once") -> None:
        self.name, self.column, self.label, self.why = name, column, label, why
        self.rows: dict[Hashable, int] = {}

    def again(self, number: int, key: Hashable, shown: Any = None) -> str | None:
        first = self.rows.setdefault(key, number)
        if first == number:
            return None
        return (f"{self.name}:{number}: {self.column}: {self.label(key if shown is None else shown)} "
                f"is also on row {first}; {self.why}")


def _duplicates(table: Table, rows: Iterable[tuple[int, R]], key: Callable[[R], Hashable],
                column: str, label: Callable[[Any], str]) -> list[str]:
    seen = FirstRows(table.name, column, label)
    return [p for number, row in rows if (p := seen.again(number, key(row))) is not None]


def check_users(table: Table, progress: Progress | None = None,
                admins: Collection[str] | None = None) -> list[User]:
    """Users to add or update; `admins` (the current admins) refuses a file that would leave none."""
    rows, problems = check_rows(table, UserRow, progress)
    problems += _duplicates(table, rows, lambda r: r.username, "username", lambda k: repr(k))
    problems += _duplicates(table, [(n, r) for n, r in rows if r.manages], lambda r: r.manages, "manages",
                            lambda k: f"the manager of {k!r}")
    if admins is not None and not problems:
        demoted = [(n, r.username) for n, r in rows if r.username in admins and Role.admin not in r.roles]
        promoted = {r.username for _, r in rows if Role.admin in r.roles}
        if demoted and not (set(admins) - {u for _, u in demoted}) | promoted:
            # Nobody could import users or manage the catalogue afterwards.
            problems += [f"{table.name}:{n}: roles: {u} is an admin and this file leaves caseaudit with no "
                         "admin; keep admin in their roles or make someone else admin in the same file"
                         for n, u in demoted]
    if problems:
        raise BadInput(*problems)
    if "manages" not in table.header:
        # a file without the column leaves whom each user manages as it was
        return [User(**row.to_model().model_dump(exclude={"manages"})) for _, row in rows]
    return [row.to_model() for _, row in rows]


# What a re-import of a case may change: all its own fields but the ref (models.CaseDetails).
CASE_FIELDS = tuple(f for f in CaseDetails.model_fields if f != "case_ref")


def case_changes(old: Case, new: Case) -> dict[str, tuple[str, str]]:
    """The fields a re-imported case changes: field -> (before, after), as a person reads them."""
    def shown(value: Any) -> str:
        if value is None:
            return "empty"
        if isinstance(value, date):
            return value.isoformat()
        return str(getattr(value, "value", value))

    return {f: (shown(getattr(old, f)), shown(getattr(new, f))) for f in CASE_FIELDS
            if getattr(old, f) != getattr(new, f)}


def unknown_team(where: str, team: str, known_teams: Collection[str]) -> str:
    """The line refusing a team nobody belongs to: most likely a typo of a known one."""
    known = ", ".join(sorted(known_teams)[:8]) + (", ..." if len(known_teams) > 8 else "")
    return (f"{where}: {team!r} is not a known team (known: {known or 'none yet'}); correct it, or "
            "allow new teams (--new-teams) to add it")


def check_cases(table: Table, known_users: Collection[str], progress: Progress | None = None,
                known_teams: Collection[str] | None = None) -> list[Case]:
    """Cases whose worker and line manager are known users (imported before the cases).

    With `known_teams`, a case of any other team is refused: a typo must not make a team
    (it would count as "another team" in allocation and add a line to the board's report).
    """
    rows, problems = check_rows(table, CaseRow, progress)
    problems += _duplicates(table, rows, lambda r: r.case_ref, "case_ref", lambda k: repr(k))
    for number, row in rows:
        if known_teams is not None and row.team and row.team not in known_teams:
            problems.append(unknown_team(f"{table.name}:{number}: team", row.team, known_teams))
        for column in ("worker", "line_manager"):
            who = getattr(row, column)
            if who and who not in known_users:
                problems.append(
                    f"{table.name}:{number}: {column}: {who!r} is not a known username; "
                    "import them with `caseaudit import users` first"
                )
        if row.closed_date and row.closed_date < row.start_date:
            problems.append(
                f"{table.name}:{number}: closed_date: {row.closed_date.isoformat()} is before "
                f"the start date {row.start_date.isoformat()}"
            )
    if problems:
        raise BadInput(*sorted(problems, key=row_order))
    return [row.to_model() for _, row in rows]


_LOCATED = re.compile(r"^.*?:(\d+): ")


def row_order(line: str) -> int:
    """Row of a "FILE:ROW: ..." line, so the list reads top to bottom like the file."""
    match = _LOCATED.match(line)
    return int(match.group(1)) if match else 0

