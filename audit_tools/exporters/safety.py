"""Keeping exported cells inert and exported files whole.

Formula injection (OWASP, "CSV Injection"): a cell that starts with `=`, `+`, `-`, `@`,
tab or carriage return is run as a formula by spreadsheets, so such text gets a leading
single quote. Numbers are never touched: a count of -2 stays a number.

Where a report is written, and what may be replaced there: `audit_tools.files`.
"""

from __future__ import annotations

from typing import Any

from audit_tools.text import printable


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text a spreadsheet would read as a formula gets a leading single quote, and a control
    or bidirectional character an older database holds is written as `[U+001B]`."""
    if isinstance(value, str):
        value = printable(value)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value
