"""The user log (`caseaudit.log` in the user log folder): what failed unexpectedly and
where in the code, for whoever supports caseaudit, never what it was working on.

An exception's message can quote the value it choked on (a note, a child's reference, a
name), so only the kind of failure, the place in the code (file, line, function, the line
of source) and messages known to hold none (the operating system's and SQLite's own
sentences) are written; any other message is replaced by a placeholder. The folder is
made 0700 and the log 0600.
"""

from __future__ import annotations

import os
import traceback
from datetime import datetime, timezone
from pathlib import Path

from caseaudit.services.locations import log_folder
from db.sharing import private_folder

LOG_NAME = "caseaudit.log"
WITHHELD = "(message withheld: it may quote a note, a name or a reference)"


def log_path() -> Path:
    return log_folder() / LOG_NAME


def _message(err: BaseException) -> str:
    if isinstance(err, OSError) and err.strerror:
        return f"[errno {err.errno}] {err.strerror}"
    if type(err).__module__ == "sqlite3":  # SQLite's own sentences name tables and columns, never values
        return str(err)
    return WITHHELD if str(err) else ""


def describe(err: BaseException) -> str:
    """The failure as the log keeps it: each exception's kind and message (or a placeholder)
    and where it happened, following its causes, as a traceback reads."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = err
    chain: list[BaseException] = []
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    for index, exc in enumerate(reversed(chain)):
        if index:
            parts.append("\nWhile handling it, this happened:\n")
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_list(traceback.extract_tb(exc.__traceback__)))
        kind = f"{type(exc).__module__}.{type(exc).__qualname__}".removeprefix("builtins.")
        message = _message(exc)
        parts.append(f"{kind}: {message}\n" if message else f"{kind}\n")
    return "".join(parts)


def log_failure(err: BaseException, where: Path | None = None) -> Path | None:
    """Append `err` to the user log (see the module); returns the log's path, None if it
    cannot be written."""
    path = where or log_path()
    try:
        private_folder(path.parent)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
            fh.write(f"--- {stamp} unexpected failure\n{describe(err)}")
        return path
    except OSError:
        return None
