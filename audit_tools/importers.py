"""Reading and checking the files a council feeds caseaudit: users, cases, events, audits.

A file either goes in whole or is refused with every problem listed as
`FILE:ROW: column: reason`, so the person fixing the spreadsheet can work down the list.
ROW is the row number a spreadsheet shows (the header is row 1) or, for JSON Lines, the
line number. This module reads the file it is given and checks rows against what the
caller says the database already knows; it never writes anything.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence, Sized
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from audit_tools.assignment import moderator_conflicts
from audit_tools.audit import auditor_independence, submission_rule_problems
from audit_tools.calendar import DATE_EXAMPLES, parse_day
from audit_tools.errors import BadInput
from audit_tools.reconciliation import reconciliation_rule_problems
from audit_tools.text import (
    ACTIONS_LIMIT, IDENTIFIER_LIMIT, TEXT_LIMIT, IdentifierText, Kind, LongText, NameText, check_text,
)
from audit_tools.models import (
    Action,
    Audit,
    Case,
    CaseType,
    Event,
    EventKind,
    Grade,
    Moderation,
    Outcome,
    Role,
    Status,
    Themes,
    User,
)

Progress = Callable[[int, int], None]

CSV_SUFFIXES = {".csv", ".txt"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
_ZIP_MAGIC = b"PK\x03\x04"
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


# --- cell values -----------------------------------------------------------------------


def iso_day(value: Any) -> Any:
    """A date cell: a spreadsheet date, or text as a person writes it (calendar.parse_day: ISO
    or day first, 07/12/2025 or 7 Dec 2025); month first, as in 12/31/2025, is refused saying
    why, never guessed."""
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date()
        raise ValueError(f"expected a date without a time, got {value.isoformat(sep=' ')}")
    if isinstance(value, str):
        return parse_day(value)
    raise ValueError(f"expected a date such as {DATE_EXAMPLES}, got {value!r}")


def yes_no(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"expected true/false, yes/no, y/n or 1/0, got {value!r}")


def role_list(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    roles: list[str] = []
    wrong: list[str] = []
    for part in str(value).split(";"):
        name = part.strip().lower()
        if not name:
            continue
        if name not in Role.__members__:
            wrong.append(part.strip())
        elif name not in roles:
            roles.append(name)
    if wrong:
        raise ValueError(
            f"unknown role {', '.join(repr(w) for w in wrong)}: "
            "use auditor, moderator, qa_lead or admin, separated by ;"
        )
    return roles


def username_text(value: Any) -> Any:
    if isinstance(value, str) and len(value.strip()) > IDENTIFIER_LIMIT:
        raise ValueError(f"{len(value.strip()):,} characters is too long: at most {IDENTIFIER_LIMIT}")
    if isinstance(value, str) and not _USERNAME.fullmatch(value.strip()):
        raise ValueError(
            f"{value!r} is not a username: use letters, digits, dots, hyphens or underscores, no spaces"
        )
    return value


Day = Annotated[date, BeforeValidator(iso_day)]
YesNo = Annotated[bool, BeforeValidator(yes_no)]
Username = Annotated[str, BeforeValidator(username_text)]


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class UserRow(Row):
    username: Username
    display_name: NameText = Field(min_length=1)
    roles: Annotated[list[Role], BeforeValidator(role_list)] = Field(default_factory=list)
    team: IdentifierText | None = None
    manages: IdentifierText | None = None

    def to_model(self) -> User:
        return User(username=self.username, display_name=self.display_name,
                    roles=self.roles, team=self.team, manages=self.manages)


class CaseRow(Row):
    case_ref: IdentifierText = Field(min_length=1)
    case_type: CaseType
    start_date: Day
    team: IdentifierText | None = None
    worker: Username | None = None
    line_manager: Username | None = None
    closed_date: Day | None = None

    def to_model(self) -> Case:
        return Case(**self.model_dump())


class EventRow(Row):
    case_ref: IdentifierText = Field(min_length=1)
    kind: EventKind
    date: Day
    child_seen: YesNo = True
    seen_alone: YesNo | None = None
    reason_not_alone: LongText | None = None
    note: LongText | None = None

    def to_model(self) -> Event:
        return Event(**self.model_dump(exclude={"case_ref"}))


@dataclass(frozen=True)
class TableSpec:
    what: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    row_model: type[Row]

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


USERS = TableSpec("users", ("username", "display_name", "roles", "team"), ("manages",), UserRow)
CASES = TableSpec(
    "cases", ("case_ref", "case_type", "start_date", "team", "worker", "line_manager"),
    ("closed_date",), CaseRow,
)
EVENTS = TableSpec(
    "events", ("case_ref", "kind", "date"),
    ("child_seen", "seen_alone", "reason_not_alone", "note"), EventRow,
)


# --- reading files ------------------------------------------------------------------------


@dataclass
class Table:
    """A CSV or XLSX file as rows of cells, keyed by the header's column names."""

    name: str
    header: list[str]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def _read_bytes(path: Path, name: str) -> bytes:
    if not path.exists():
        raise BadInput(f"{name}: no such file")
    if path.is_dir():
        raise BadInput(f"{name}: is a folder, not a file")
    try:
        return path.read_bytes()
    except OSError as err:
        raise BadInput(f"{name}: cannot be read ({err.strerror or err})") from None


def _cell(value: Any) -> Any:
    """A spreadsheet cell as text (or a date), so every row is checked the same way."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return value  # date, datetime


def _refuse_other_kinds(head: bytes, name: str, kind: str) -> None:
    """Refuse, from its first bytes, a file that is not text at all."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        # What Excel writes as "Unicode Text": readable, but not what we read; say which to choose.
        raise BadInput(f"{name}: is saved as UTF-16 (\"Unicode\") text; save it as {kind} UTF-8")
    if head.startswith(_ZIP_MAGIC) or b"\x00" in head[:4096]:
        raise BadInput(f"{name}: is not a {kind} file (it holds binary data); save it as {kind}")


def _decode_text(data: bytes, name: str, kind: str) -> str:
    _refuse_other_kinds(data, name, kind)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise BadInput(
            f"{name}: is not UTF-8 text (a byte at position {err.start} cannot be read); "
            f"save it as {kind} UTF-8"
        ) from None


def _csv_rows(data: bytes, name: str) -> list[tuple[int, list[Any]]]:
    text = _decode_text(data, name, "CSV")
    # strict: a quote left open must not quietly swallow the rest of the file into one cell
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    out: list[tuple[int, list[Any]]] = []
    try:
        # Rows as a spreadsheet numbers them: a quoted cell running over several lines is one row.
        for row, cells in enumerate(reader, start=1):
            out.append((row, cells))
    except csv.Error as err:
        if "unexpected end of data" in str(err):
            raise BadInput(f'{name}:{len(out) + 1}: a quote (") opened on this row is never closed; '
                           "close it or remove it") from None
        if "field larger than field limit" in str(err):  # Python's csv stops at 128 KB a cell
            raise BadInput(f"{name}:{len(out) + 1}: a cell is longer than any field takes "
                           f"(at most {TEXT_LIMIT:,} characters)") from None
        raise BadInput(f"{name}:{len(out) + 1}: cannot be read as CSV ({err})") from None
    return out


@dataclass(frozen=True)
class _Formula:
    """A formula cell saved without its result (written by a program, never opened in a spreadsheet)."""

    text: str


@dataclass
class _Sheet:
    """Which sheet of a workbook was read, to name it when something is wrong with it."""

    title: str
    others: list[str]

    def where(self) -> str:
        if not self.others:
            return ""
        return (f" (caseaudit reads only the first sheet, {self.title!r}; this workbook also has "
                f"{', '.join(repr(o) for o in self.others)}: move the sheet to import to the front)")


def _xlsx_rows(data: bytes, name: str) -> tuple[list[tuple[int, list[Any]]], _Sheet]:
    from openpyxl import load_workbook

    if not data.startswith(_ZIP_MAGIC):
        raise BadInput(f"{name}: is not an XLSX workbook; save it from the spreadsheet as .xlsx")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise BadInput(f"{name}: is not a readable XLSX workbook ({err})") from None
    try:
        if not book.worksheets:
            raise BadInput(f"{name}: the workbook has no sheets")
        sheet = book.worksheets[0]
        info = _Sheet(sheet.title, [w.title for w in book.worksheets[1:]])
        rows: list[tuple[int, list[Any]]] = []
        pairs = zip(sheet.iter_rows(values_only=True), formulas.worksheets[0].iter_rows(values_only=True))
        for number, (values, written) in enumerate(pairs, start=1):
            cells = list(values)
            for i, (value, text) in enumerate(zip(cells, written)):
                # A formula whose result was never saved reads as empty: say so rather than "empty".
                if value is None and isinstance(text, str) and text.startswith("="):
                    cells[i] = _Formula(text)
            rows.append((number, cells))
        return rows, info
    finally:
        book.close()
        formulas.close()


def _delimiter_hint(header: list[str]) -> str:
    """When the one "column" is really several joined by ; or a tab (a spreadsheet's regional CSV)."""
    if len([h for h in header if h]) == 1:
        for mark, word in ((";", "semicolons"), ("\t", "tabs")):
            if mark in header[0]:
                return f"; the columns are separated by {word}: save the file as comma-separated CSV"
    return ""


def read_table(path: str | Path, spec: TableSpec) -> Table:
    """Read a CSV (UTF-8, with or without BOM) or XLSX (first sheet) file with a header row.

    Refuses, with one sentence, a missing or unreadable file, one of another kind, an
    empty one, one without the header row, unknown or missing columns.
    """
    path = Path(path)
    name = str(path)
    data = _read_bytes(path, name)
    suffix = path.suffix.lower()
    sheet = _Sheet("", [])
    if suffix in XLSX_SUFFIXES:
        raw, sheet = _xlsx_rows(data, name)
    elif suffix in CSV_SUFFIXES:
        raw = _csv_rows(data, name)
    else:
        raise BadInput(
            f"{name}: not a CSV or XLSX file; {spec.what} are imported from a .csv or .xlsx file "
            f"with the columns {', '.join(spec.columns)}"
        )
    raw = [(n, [_cell(v) for v in cells]) for n, cells in raw]
    raw = [(n, cells) for n, cells in raw if any(v is not None for v in cells)]
    if not raw:
        what = f"the first sheet {sheet.title!r} is empty" if sheet.others else "the file is empty"
        raise BadInput(
            f"{name}: {what}; it needs a header row naming the columns "
            f"{', '.join(spec.columns)} and one row per {spec.what[:-1]}{sheet.where()}"
        )
    header_number, header_cells = raw[0]
    header = [str(v).strip().lower() if v is not None and not isinstance(v, _Formula) else ""
              for v in header_cells]
    while header and not header[-1]:  # blank cells after the last heading are not columns
        header.pop()
    known = set(spec.columns)
    if not known.intersection(header):
        raise BadInput(
            f"{name}:{header_number}: no header row; the first row must name the columns "
            f"{', '.join(spec.columns)}{_delimiter_hint(header)}{sheet.where()}"
        )
    problems: list[str] = []
    unknown = [h for h in header if h and h not in known]
    if unknown:
        problems.append(
            f"{name}:{header_number}: unknown column{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(unknown)}; the columns are {', '.join(spec.columns)}"
        )
    if "" in header:
        problems.append(
            f"{name}:{header_number}: column {header.index('') + 1} has no name; "
            "name it or delete it"
        )
    twice = sorted({h for h in header if h and header.count(h) > 1})
    if twice:
        problems.append(f"{name}:{header_number}: column {', '.join(twice)} appears more than once")
    missing = [c for c in spec.required if c not in header]
    if missing:
        problems.append(
            f"{name}:{header_number}: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)}; the header row must name {', '.join(spec.required)}"
        )
    if problems:
        raise BadInput(*problems)
    table = Table(name=name, header=header)
    for number, cells in raw[1:]:
        beyond = [i for i, v in enumerate(cells) if i >= len(header) and v is not None]
        if beyond:
            problems.append(
                f"{name}:{number}: column {beyond[0] + 1}: {cells[beyond[0]]!s:.40} is beyond the "
                f"last named column ({header[-1]}); the header names {len(header)} columns: "
                "remove the stray cell or name its column"
            )
            continue
        for column, value in zip(header, cells):
            if isinstance(value, _Formula):
                problems.append(
                    f"{name}:{number}: {column}: the cell holds the formula {value.text} but no saved "
                    "result; open the workbook in a spreadsheet program and save it, or type the value"
                )
        table.rows.append((number, {h: v for h, v in zip(header, cells) if v is not None}))
    if problems:
        raise BadInput(*problems)
    if not table.rows:
        raise BadInput(f"{name}: the file has a header row but no {spec.what} to import")
    return table


def _one_document(text: str) -> str | None:
    """What the whole text is when it parses as one JSON document ("one JSON array of 3 items")."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return None
    if isinstance(value, list):
        return f"one JSON array of {len(value)} item{'s' if len(value) != 1 else ''}"
    return "one JSON object" if isinstance(value, dict) else "one JSON value"


# Beyond this size a file of unparsable lines is not re-read whole to see if it is one
# pretty-printed document: the per-line reasons are given instead, and memory stays small.
_WHOLE_DOCUMENT_LIMIT = 64 * 1024 * 1024


class JsonLines:
    """A JSON Lines file read one line at a time, so memory does not grow with the file.

    Iterating gives (line number, parsed value) for each non-blank line. A line that is
    not JSON stops the values (no rule is checked against the lines after it) but not the
    reading: at the end every such line is refused at once, as is a file with no lines.
    The kind of file (suffix, UTF-16, binary) is checked on opening.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.name = str(self.path)
        head = self._head()
        if self.path.suffix.lower() not in JSONL_SUFFIXES:
            raise BadInput(
                f"{self.name}: not a JSON Lines file; audits are imported from a .jsonl file, one audit a line"
            )
        _refuse_other_kinds(head, self.name, "JSON Lines")

    def _head(self) -> bytes:
        if not self.path.exists():
            raise BadInput(f"{self.name}: no such file")
        if self.path.is_dir():
            raise BadInput(f"{self.name}: is a folder, not a file")
        try:
            with self.path.open("rb") as f:
                return f.read(4096)
        except OSError as err:
            raise BadInput(f"{self.name}: cannot be read ({err.strerror or err})") from None

    def _texts(self) -> Iterator[tuple[int, str]]:
        """(line number, text) for every line, numbered as an editor does (a lone CR ends a line too)."""
        number = 0
        offset = 0  # bytes before this line, after any BOM: where a bad byte is
        try:
            with self.path.open("rb") as f:
                for raw in f:
                    if number == 0 and raw.startswith(b"\xef\xbb\xbf"):
                        raw = raw[3:]
                    try:
                        text = raw.decode("utf-8")
                    except UnicodeDecodeError as err:
                        raise BadInput(
                            f"{self.name}: is not UTF-8 text (a byte at position {offset + err.start} cannot "
                            "be read); save it as JSON Lines UTF-8"
                        ) from None
                    offset += len(raw)
                    text = text[:-1] if text.endswith("\n") else text
                    text = text[:-1] if text.endswith("\r") else text
                    for part in text.split("\r"):  # a raw CR cannot be inside a JSON string
                        number += 1
                        yield number, part
        except OSError as err:
            raise BadInput(f"{self.name}: cannot be read ({err.strerror or err})") from None

    def count(self) -> int:
        """How many non-blank lines the file has (one quick pass, for progress)."""
        return sum(1 for _, text in self._texts() if text.strip())

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        problems: list[str] = []
        parsed = 0
        first_failed = False
        for number, text in self._texts():
            if not text.strip():
                continue
            try:
                value = json.loads(text)
            except json.JSONDecodeError as err:
                first_failed = first_failed or (parsed == 0 and not problems)
                problems.append(f"{self.name}:{number}: not valid JSON ({err.msg} at column {err.colno})")
                continue
            parsed += 1
            if not problems:
                yield number, value
        if not parsed and not problems:
            raise BadInput(f"{self.name}: the file is empty; it needs one audit a line, as JSON")
        if problems and first_failed and self.path.stat().st_size <= _WHOLE_DOCUMENT_LIMIT:
            whole = _one_document(self.path.read_bytes().decode("utf-8-sig"))
            if whole is not None:
                # Pretty-printed JSON: every line "fails"; one sentence says what to do instead.
                raise BadInput(f"{self.name}: holds {whole} written over several lines, not JSON Lines; "
                               "write each audit as one JSON object on its own line")
        if problems and not parsed:
            # Nothing parsed at all: the file is not JSON Lines; one sentence beats a line per row.
            raise BadInput(f"{self.name}: is not a JSON Lines file (line {problems[0].split(':', 2)[1]} is not "
                           "JSON); write one audit a line, as JSON")
        if problems:
            raise BadInput(*problems)


def read_lines(path: str | Path) -> tuple[str, list[tuple[int, Any]]]:
    """Read a whole JSON Lines file: (name, [(line number, parsed value)]); blank lines skipped.

    For a small file; `JsonLines` reads a large one a line at a time.
    """
    lines = JsonLines(path)
    return lines.name, list(lines)


# --- checking rows ------------------------------------------------------------------------


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
    lines = []
    for item in error.errors():
        reason = _reason(item)
        if missing_word != "cell" and item["type"] == "missing":
            reason = "required; it is missing"
        lines.append(f"{name}:{number}: {_where(item['loc'])}: {reason}")
    return lines


def _check_rows(table: Table, spec: TableSpec, progress: Progress | None):
    good: list[tuple[int, Row]] = []
    problems: list[str] = []
    total = len(table.rows)
    for i, (number, cells) in enumerate(table.rows, start=1):
        try:
            good.append((number, spec.row_model.model_validate(cells)))
        except ValidationError as err:
            problems.extend(describe(err, table.name, number))
        if progress:
            progress(i, total)
    return good, problems


def _duplicates(table: Table, rows: list[tuple[int, Row]], key: Callable[[Row], Any],
                column: str, label: Callable[[Any], str]) -> list[str]:
    first: dict[Any, int] = {}
    problems = []
    for number, row in rows:
        k = key(row)
        if k in first:
            problems.append(
                f"{table.name}:{number}: {column}: {label(k)} is also on row {first[k]}; "
                "each may appear only once"
            )
        else:
            first[k] = number
    return problems


def check_users(table: Table, progress: Progress | None = None,
                admins: Collection[str] | None = None) -> list[User]:
    """Users to add or update; `admins` (the current admins) refuses a file that would leave none."""
    rows, problems = _check_rows(table, USERS, progress)
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


CASE_FIELDS = ("case_type", "start_date", "team", "worker", "line_manager", "closed_date")


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
    rows, problems = _check_rows(table, CASES, progress)
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
        raise BadInput(*sorted(problems, key=_row_order))
    return [row.to_model() for _, row in rows]


EventKey = tuple[str, EventKind, date]
# What two events of the same case, kind and day may differ in: a row that differs from the
# stored event in any of these is a correction the file cannot make silently.
_EVENT_DETAILS = ("child_seen", "seen_alone", "reason_not_alone", "note")


@dataclass
class EventsChecked:
    """The rows of an events file sorted into new events and events already stored."""

    new: list[tuple[str, Event]] = field(default_factory=list)
    present: list[int] = field(default_factory=list)  # row numbers already in the database


def _stored_index(stored: Collection[EventKey] | Mapping[EventKey, Iterable[Event]]) -> dict[EventKey, list[Event]]:
    if isinstance(stored, Mapping):
        return {key: list(events) for key, events in stored.items()}
    # Only the keys are known: any row with one of them conflicts.
    return {key: [] for key in stored}


def _show(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def sort_events(table: Table, known_cases: Collection[str],
                stored: Collection[EventKey] | Mapping[EventKey, Iterable[Event]] = (),
                progress: Progress | None = None, today: date | None = None) -> EventsChecked:
    """Check an events file against the events already stored, so a cumulative export can be
    imported again: a row identical to a stored event is skipped (reported as already
    present); a row on the same case, kind and day with different details is refused, since
    caseaudit keeps one event of a kind a day per case and would otherwise count it twice.

    `stored` maps (case_ref, kind, date) to the stored events with that key; `today`
    (when given) refuses events dated after it, which have not happened yet.
    """
    index = _stored_index(stored)
    rows, problems = _check_rows(table, EVENTS, progress)
    problems += [
        line.replace("each may appear only once",
                     "caseaudit keeps one event of a kind a day per case: keep one of the rows")
        for line in _duplicates(
            table, rows, lambda r: (r.case_ref, r.kind, r.date), "date",
            lambda k: f"{k[1].value} on {k[2].isoformat()} for {k[0]}",
        )
    ]
    result = EventsChecked()
    for number, row in rows:
        own_problems = len(problems)
        if row.case_ref not in known_cases:
            problems.append(
                f"{table.name}:{number}: case_ref: {row.case_ref!r} is not a known case; "
                "import it with `caseaudit import cases` first"
            )
        if today is not None and row.date > today:
            problems.append(
                f"{table.name}:{number}: date: {row.date.isoformat()} is in the future (today is "
                f"{today.isoformat()}); import only what has already happened"
            )
        if row.seen_alone is not None and not row.child_seen:
            problems.append(
                f"{table.name}:{number}: seen_alone: the child was not seen, so leave seen_alone empty"
            )
        if row.seen_alone and row.reason_not_alone:
            problems.append(
                f"{table.name}:{number}: reason_not_alone: the child was seen alone, so there is no "
                "reason to record; empty the cell or set seen_alone to false"
            )
        if row.kind is not EventKind.visit and (row.seen_alone is not None or row.reason_not_alone):
            problems.append(
                f"{table.name}:{number}: seen_alone: only visits record whether the child was seen alone"
            )
        if len(problems) > own_problems:
            continue
        event = row.to_model()
        key = (row.case_ref, row.kind, row.date)
        if key not in index:
            result.new.append((row.case_ref, event))
            continue
        if any(event == kept for kept in index[key]):
            result.present.append(number)
            continue
        what = f"{row.kind.value} on {row.date.isoformat()} for {row.case_ref}"
        kept = index[key][0] if index[key] else None
        differs = [c for c in _EVENT_DETAILS if kept is not None and getattr(kept, c) != getattr(event, c)]
        if differs:
            column = differs[0]
            problems.append(
                f"{table.name}:{number}: {column}: {what} is already in the database with {column} "
                f"{_show(getattr(kept, column))}, this row has {_show(getattr(event, column))}; "
                "caseaudit keeps one event of a kind a day per case, so it will not change or add to it: "
                "correct the row to match or leave it out"
            )
        else:
            problems.append(
                f"{table.name}:{number}: date: {what} is already in the database; "
                "import only events not yet loaded"
            )
    if problems:
        raise BadInput(*sorted(problems, key=_row_order))
    return result


def check_events(table: Table, known_cases: Collection[str],
                 progress: Progress | None = None,
                 stored: Collection[EventKey] | Mapping[EventKey, Iterable[Event]] = ()) -> list[tuple[str, Event]]:
    """The new events of an events file (see `sort_events`; rows already stored are left out)."""
    return sort_events(table, known_cases, stored, progress).new


_LOCATED = re.compile(r"^.*?:(\d+): ")


def _row_order(line: str) -> int:
    """Row of a "FILE:ROW: ..." line, so the list reads top to bottom like the file."""
    match = _LOCATED.match(line)
    return int(match.group(1)) if match else 0


# --- audit lines ----------------------------------------------------------------------------


class ThemesLine(Row):
    strengths: list[IdentifierText] = Field(default_factory=list)
    improvements: list[IdentifierText] = Field(default_factory=list)


class ActionLine(Row):
    description: LongText
    owner: IdentifierText
    due: Day
    completed_on: Day | None = None
    standard: IdentifierText | None = None


class ModerationLine(Row):
    moderator: IdentifierText = Field(min_length=1)
    moderated_on: Day
    grade: Grade
    outcome: Outcome
    final_grade: Grade | None = None
    scores: dict[IdentifierText, Status] = Field(default_factory=dict)
    notes: dict[IdentifierText, LongText] = Field(default_factory=dict)
    reason: LongText | None = None
    feedback: LongText | None = None
    acknowledged_on: Day | None = None


class AuditLine(Row):
    """One line of `import audits` (cli.md "Audit line"); `override_reasons` is an extension."""

    audit_id: IdentifierText = Field(min_length=1)
    case_ref: IdentifierText = Field(min_length=1)
    auditor: IdentifierText = Field(min_length=1)
    as_of: Day
    submitted_on: Day
    grade: Grade
    scores: dict[IdentifierText, Status]
    notes: dict[IdentifierText, LongText] = Field(default_factory=dict)
    themes: ThemesLine = Field(default_factory=ThemesLine)
    actions: list[ActionLine] = Field(default_factory=list, max_length=ACTIONS_LIMIT)
    moderation: ModerationLine | None = None
    override_reasons: dict[IdentifierText, LongText] = Field(default_factory=dict)

    @field_validator("notes", "override_reasons")
    @classmethod
    def _no_blank_notes(cls, value: dict[str, str]) -> dict[str, str]:
        return {k: v for k, v in value.items() if v.strip()}

    def to_model(self, automatic: dict[str, Status | None], catalogue_version: str | None) -> Audit:
        data = self.model_dump()
        data["themes"] = Themes(**data["themes"])
        data["actions"] = [Action(**a) for a in data["actions"]]
        data["moderation"] = Moderation(**data["moderation"]) if data["moderation"] else None
        return Audit(**data, automatic=automatic, catalogue_version=catalogue_version, imported=True)


def _future_dates(line: AuditLine, today: date) -> list[str]:
    """Fields of a completed audit dated after today (typing slips such as 2052 for 2025)."""
    dated: list[tuple[str, date | None]] = [("submitted_on", line.submitted_on)]
    dated += [(f"actions[{i}].completed_on", a.completed_on) for i, a in enumerate(line.actions)]
    if line.moderation is not None:
        dated += [("moderation.moderated_on", line.moderation.moderated_on),
                  ("moderation.acknowledged_on", line.moderation.acknowledged_on)]
    return [f"{where}: {day.isoformat()} is in the future (today is {today.isoformat()}); "
            "only what has already happened can be imported"
            for where, day in dated if day is not None and day > today]


# Lines checked together: the caller fetches a batch's cases at once, and memory holds one batch.
BATCH_SIZE = 2000


def _text_field(value: Any, key: str) -> str | None:
    """An id a line names, to look up before the line is checked: None for one the door
    refuses (a control character, a lone surrogate), which the line's own check then names."""
    text = value.get(key) if isinstance(value, dict) else None
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return check_text(text.strip(), Kind.identifier)
    except ValueError:
        return None


class _CatalogueByType:
    """The catalogue with the standards of each case type worked out once (the rules ask per line)."""

    def __init__(self, catalogue) -> None:
        self.catalogue = catalogue
        self.standards = catalogue.standards
        self._applicable: dict[str, list] = {}

    def applicable(self, case_type) -> list:
        key = getattr(case_type, "value", case_type)
        if key not in self._applicable:
            self._applicable[key] = list(self.catalogue.applicable(case_type))
        return self._applicable[key]

    def ids(self, case_type) -> set[str]:
        return {s.id for s in self.applicable(case_type)}


class AuditCheck:
    """The rules for the lines of one audits file, checked a batch at a time.

    Between batches it remembers only the audit ids met so far (with the line each was
    first on, to name duplicates), so memory does not grow with the file. Nothing here
    reads the database: each batch comes with the cases it names and the audit ids
    already stored, as the caller looked them up.
    """

    def __init__(self, name: str, *, users: Mapping[str, User], catalogue,
                 themes_vocabulary: Iterable[str], today: date | None = None) -> None:
        self.name = name
        self.users = users
        self.known_users = set(users)
        self.catalogue = catalogue
        self.by_type = _CatalogueByType(catalogue) if catalogue is not None else None
        self.catalogue_version = getattr(catalogue, "version", None)
        self.vocabulary = list(themes_vocabulary)
        self.today = today
        self.first_line: dict[str, int] = {}
        self.stored: set[str] = set()  # ids already in the database when first met: each a problem

    @staticmethod
    def case_refs(batch: Iterable[tuple[int, Any]]) -> set[str]:
        """The case refs a batch's lines name (what the caller looks up for `check`)."""
        return {ref for _, value in batch if (ref := _text_field(value, "case_ref"))}

    def audit_ids(self, batch: Iterable[tuple[int, Any]]) -> set[str]:
        """The audit ids of a batch not met earlier in the file (whether stored is the caller's to say)."""
        return {i for _, value in batch if (i := _text_field(value, "audit_id")) and i not in self.first_line}

    def check(self, batch: Sequence[tuple[int, Any]], cases: Mapping[str, Case],
              known_audit_ids: Collection[str] = (),
              progress: Callable[[], None] | None = None) -> tuple[list[Audit], list[str]]:
        """The batch's good audits, and every problem of its bad lines (`FILE:LINE: field: reason`).

        `cases` maps each ref the batch names to the stored case with its events (a ref
        missing from it is unknown); `known_audit_ids` holds (at least) the batch's ids
        already stored. The engine runs once per case and as-of date.
        """
        audits: list[Audit] = []
        problems: list[str] = []
        automatic: dict[tuple[str, date], dict[str, Status | None]] = {}
        for number, value in batch:
            if progress:
                progress()
            audit, own = self._line(number, value, cases, known_audit_ids, automatic)
            if own:
                problems.extend(f"{self.name}:{number}: {p}" for p in own)
            elif audit is not None:
                audits.append(audit)
        return audits, problems

    def _line(self, number: int, value: Any, cases: Mapping[str, Case], known_audit_ids: Collection[str],
              automatic: dict[tuple[str, date], dict[str, Status | None]]) -> tuple[Audit | None, list[str]]:
        if isinstance(value, list):
            return None, [f"line: holds a JSON array of {len(value)} item{'s' if len(value) != 1 else ''}; "
                          "write each audit as one JSON object {...} on its own line"]
        if not isinstance(value, dict):
            return None, ["line: expected one audit as a JSON object {...}"]
        try:
            line = AuditLine.model_validate(value)
        except ValidationError as err:
            at = f"{self.name}:{number}: "
            return None, [p.removeprefix(at) for p in describe(err, self.name, number, missing_word="field")]
        own: list[str] = []
        if line.audit_id in self.first_line:
            own.append(f"audit_id: {line.audit_id!r} is also on line {self.first_line[line.audit_id]}; "
                       "each audit may appear only once")
            stored = line.audit_id in self.stored
        else:
            self.first_line[line.audit_id] = number
            stored = line.audit_id in known_audit_ids
            if stored:
                self.stored.add(line.audit_id)
        if stored:
            own.append(f"audit_id: {line.audit_id!r} is already in the database; "
                       "a submitted audit cannot be imported again")
        case = cases.get(line.case_ref)
        auditor = self.users.get(line.auditor)
        if auditor is None:
            own.append(f"auditor: {line.auditor!r} is not a known username")
        elif not auditor.has(Role.auditor):
            own.append(f"auditor: {line.auditor} does not have the auditor role")
        if line.submitted_on < line.as_of:
            own.append(f"submitted_on: {line.submitted_on.isoformat()} is before the as-at date "
                       f"{line.as_of.isoformat()}")
        if self.today is not None:
            own.extend(_future_dates(line, self.today))
        for i, action in enumerate(line.actions):
            if action.completed_on is not None and action.completed_on < line.as_of:
                # an action is raised by the audit, so it cannot be done before the audit's date
                own.append(f"actions[{i}].completed_on: {action.completed_on.isoformat()} is before the "
                           f"audit's as-at date {line.as_of.isoformat()}")
        if case is None:
            auto: dict[str, Status | None] = {}
        else:
            key = (case.case_ref, line.as_of)
            if key not in automatic:
                from audit_tools.standards import evaluate

                report = evaluate(case, line.as_of, self.catalogue)
                automatic[key] = {r.standard: r.status for r in report.results}
            auto = automatic[key]
        audit = line.to_model(auto, self.catalogue_version)
        m = line.moderation
        if m is not None:
            mod_user = self.users.get(m.moderator)
            if mod_user is None:
                own.append(f"moderation.moderator: {m.moderator!r} is not a known username")
            elif not mod_user.has(Role.moderator):
                own.append(f"moderation.moderator: {m.moderator} does not have the moderator role")
            if m.moderated_on < line.submitted_on:
                own.append(f"moderation.moderated_on: {m.moderated_on.isoformat()} is before the "
                           f"audit was submitted ({line.submitted_on.isoformat()})")
            assert audit.moderation is not None
            # the moderator's own rules, as the reconciliation screen applies them
            own.extend(f"moderation.{p.in_file()}"
                       for p in reconciliation_rule_problems(audit, audit.moderation, imported=True))
            if m.final_grade is not None and m.outcome is Outcome.agreed and m.final_grade != line.grade:
                own.append("moderation.final_grade: differs from the audit's grade, "
                           "so the outcome should be grade_changed")
            if case is not None:
                for reason in moderator_conflicts(m.moderator, line.auditor, case):
                    own.append(f"moderation.moderator: {reason}")
            if m.acknowledged_on is not None and m.acknowledged_on < m.moderated_on:
                own.append("moderation.acknowledged_on: before the moderation date")
        if case is None:
            own.append(f"case_ref: {line.case_ref!r} is not a known case; "
                       "import it with `caseaudit import cases` first")
            return None, own
        # the rule names the case; on an audit line the field at fault is the auditor
        own.extend(f"auditor: {p.split(': ', 1)[-1]}" for p in auditor_independence(case, line.auditor))
        own.extend(p.in_file() for p in submission_rule_problems(
            audit, case, self.by_type, self.known_users, self.vocabulary, imported=True))
        for field_name, texts in (("notes", line.notes), ("override_reasons", line.override_reasons)):
            for standard in texts:
                if standard not in line.scores:
                    own.append(f"{field_name}.{standard}: there is no score for this standard; "
                               "score it or remove the text")
        if m is not None:
            ids = self.by_type.ids(case.case_type)
            for standard in m.scores:
                if standard not in ids:
                    own.append(f"moderation.scores.{standard}: not a standard of this audit")
        return audit, own


def _batches(lines: Iterable[tuple[int, Any]], size: int) -> Iterator[list[tuple[int, Any]]]:
    it = iter(lines)
    while batch := list(islice(it, size)):
        yield batch


def checked_audit_batches(
    name: str,
    lines: Iterable[tuple[int, Any]],
    *,
    cases: Callable[[set[str]], Mapping[str, Case]],
    users: Mapping[str, User],
    catalogue,
    themes_vocabulary: Iterable[str],
    known_audit_ids: Callable[[set[str]], Collection[str]] | Collection[str] = (),
    progress: Progress | None = None,
    total: int | None = None,
    today: date | None = None,
    batch_size: int | None = None,
) -> Iterator[list[Audit]]:
    """Check an audits file batch by batch: each batch's audits while every line so far is good.

    Every line is checked; if any is bad, the batches after it yield nothing and the end
    raises BadInput naming every bad line of the file, so a writer that stored what came
    out, inside one transaction, rolls it all back. `cases(refs)` gives a batch's stored
    cases by ref (with their events); `known_audit_ids` the stored audit ids, or a function
    giving those among a batch's ids. `progress(done, total)` after each line (`total`
    defaults to the number of lines when they are a list).
    """
    check = AuditCheck(name, users=users, catalogue=catalogue, themes_vocabulary=themes_vocabulary, today=today)
    if total is None and isinstance(lines, Sized):
        total = len(lines)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total if total is not None else done)

    problems: list[str] = []
    for batch in _batches(lines, batch_size or BATCH_SIZE):
        known = known_audit_ids(check.audit_ids(batch)) if callable(known_audit_ids) else known_audit_ids
        audits, bad = check.check(batch, cases(check.case_refs(batch)), known, tick)
        problems.extend(bad)
        if not problems:
            yield audits
    if problems:
        raise BadInput(*problems)


def check_audits(
    name: str,
    lines: Iterable[tuple[int, Any]],
    *,
    cases: Callable[[str], Case | None],
    users: Mapping[str, User],
    catalogue,
    themes_vocabulary: Iterable[str],
    known_audit_ids: Collection[str] = (),
    progress: Progress | None = None,
    today: date | None = None,
    batch_size: int | None = None,
) -> list[Audit]:
    """Audits that obey every rule of product.md, with the engine's automatic statuses.

    `today` (when given) refuses dates that have not happened yet: a completed audit
    cannot have been submitted, moderated or acted on in the future.

    `cases(case_ref)` gives the stored case with its events (None when unknown); the
    automatic statuses are evaluated from those events as at each audit's as-of date
    and kept beside the scores. The audits are marked imported: they were scored outside
    caseaudit, so a score differing from the automatic status needs no reason.
    """

    def batch_cases(refs: set[str]) -> dict[str, Case]:
        return {ref: case for ref in sorted(refs) if (case := cases(ref)) is not None}

    out: list[Audit] = []
    for audits in checked_audit_batches(
        name, lines, cases=batch_cases, users=users, catalogue=catalogue,
        themes_vocabulary=themes_vocabulary, known_audit_ids=known_audit_ids,
        progress=progress, today=today, batch_size=batch_size,
    ):
        out.extend(audits)
    return out
