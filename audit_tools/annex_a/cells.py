"""Reading one Annex A cell: headers and text as compared, dates, ids, names and answers.

Every reader raises CellProblem with the reason a person can act on; the workbook reader
(audit_tools.annex_a.workbook) names the cell it came from.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Any

from audit_tools.calendar import parse_day
from audit_tools.text import Kind, check_text

# Excel's error values: read-only openpyxl gives an error cell as this text.
EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!",
                          "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!"})
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"'})
_SPACES = re.compile(r"\s+")
# How far down a sheet the header row may be (title rows above it are not unusual).
HEADER_SEARCH_ROWS = 10


def header_key(text: Any) -> str:
    """A header as compared: case, surrounding, repeated and non-breaking spaces and curly quotes ignored."""
    if text is None:
        return ""
    value = unicodedata.normalize("NFKC", str(text)).translate(_QUOTES)
    return _SPACES.sub(" ", value).strip().casefold()


def tidy(text: Any) -> str:
    """Text as written, with non-breaking and repeated spaces made single plain ones."""
    return _SPACES.sub(" ", str(text).replace("\u00a0", " ")).strip()


def name_key(text: str) -> str:
    """A person's name or username as matched: case and spacing ignored."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).casefold()


class CellProblem(ValueError):
    pass


def error_value(value: Any) -> bool:
    return isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS


def date_cell(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = tidy(value)
        if not text:
            return None
        if error_value(text):
            raise CellProblem(f"{text} is an error cell, not a date; correct the formula or type the date")
        try:
            # The one reader of a date a person writes: day first or ISO, never month first.
            return parse_day(text)
        except ValueError as err:
            raise CellProblem(f"{err}, or make it a date cell") from None
    if isinstance(value, bool):
        raise CellProblem(f"{value} is not a date; write it as dd/mm/yyyy or make it a date cell")
    if isinstance(value, (int, float)):
        raise CellProblem(f"{value!r} is a number, not a date; format the cell as a date")
    raise CellProblem(f"{value!r} is not a date")


def door(text: str, kind: Kind) -> str:
    """The one check of characters and size (audit_tools.text), as a cell's problem."""
    try:
        return check_text(text, kind)
    except ValueError as err:
        raise CellProblem(str(err)) from None


def team_cell(value: Any) -> str | None:
    text = text_cell(value)
    return None if text is None else door(text, Kind.identifier)


def worker_cell(value: Any) -> str | None:
    text = text_cell(value)
    return None if text is None else door(text, Kind.name)


def text_cell(value: Any) -> str | None:
    if value is None:
        return None
    if error_value(value):
        raise CellProblem(f"{tidy(value)} is an error cell; correct the formula or type the value")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime, date)):
        raise CellProblem(f"{value.isoformat()} is a date, not a name")
    text = tidy(value)
    return text or None


def child_ref(value: Any) -> str | None:
    """The Child Unique ID as the case reference: a number cell becomes its digits (no `.0`)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellProblem(f"{value} is not a child's id")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        raise CellProblem(f"{value!r} is not a whole number; a child's id has no decimals")
    if isinstance(value, (datetime, date)):
        raise CellProblem(f"{value.isoformat()} is a date, not a child's id")
    text = tidy(value)
    if error_value(text):
        raise CellProblem(f"{text} is an error cell; correct the formula or type the id")
    if re.fullmatch(r"\d+\.0+", text):  # a number saved as text by some exports
        text = text.split(".")[0]
    return door(text, Kind.identifier) if text else None


_SEEN_ALONE = {"a": True, "yes": True, "y": True, "b": False, "no": False, "n": False,
               "c": None, "unknown": None}


def seen_alone(value: Any) -> bool | None:
    """`a) Yes` / `b) No` / `c) Unknown` (or the bare words) as True / False / None."""
    if value is None:
        return None
    if error_value(value):
        raise CellProblem(f"{tidy(value)} is an error cell; answer a) Yes, b) No or c) Unknown")
    text = tidy(value).casefold()
    if not text:
        return None
    code = re.match(r"^([abc])\)", text)
    if code:
        return _SEEN_ALONE[code.group(1)]
    if text in _SEEN_ALONE:
        return _SEEN_ALONE[text]
    raise CellProblem(f"{tidy(value)!r} is not an answer; use a) Yes, b) No or c) Unknown")

