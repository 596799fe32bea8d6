"""What a cell of an import file may hold, read the one way: dates, yes/no, roles, usernames.

Each reader takes what a spreadsheet or a CSV gives (text, a spreadsheet date, a number
already turned to text) and returns the value a row schema (importers.rows) keeps, or
raises ValueError with the sentence the person fixing the file reads.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict

from audit_tools.calendar import DATE_EXAMPLES, parse_day
from audit_tools.models import Role
from audit_tools.text import IDENTIFIER_LIMIT

_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


def iso_day(value: object) -> object:
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
        text = value.strip()
        if len(text) == 10 and text[4] == "-" and text[7] == "-" and text[:4].isdigit():
            try:  # ISO, as exports write it: the quick way (a long file has a date a row)
                return date.fromisoformat(text)
            except ValueError:
                pass  # parse_day says why not
        return parse_day(value)
    raise ValueError(f"expected a date such as {DATE_EXAMPLES}, got {value!r}")


def yes_no(value: object) -> object:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"expected true/false, yes/no, y/n or 1/0, got {value!r}")


def role_list(value: object) -> object:
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


def username_text(value: object) -> object:
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
Roles = Annotated[list[Role], BeforeValidator(role_list)]


class Row(BaseModel):
    """A line of a file that is not (yet) a domain model of its own: unknown fields refused."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
