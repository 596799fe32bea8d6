"""Reading a file a person named on the command line: a sentence for every way it fails."""

from __future__ import annotations

from pathlib import Path

from audit_tools.errors import BadInput


def read_text(path: str | Path, what: str, expected: str, encoding: str = "utf-8",
              max_bytes: int | None = None) -> str:
    """The text of `path`, or BadInput naming the file and what is wrong with it.

    `what` names the file as the user knows it ("case file"); `expected` its format ("JSON").
    """
    file = Path(path)
    try:
        if max_bytes is not None and file.stat().st_size > max_bytes:
            raise BadInput(f"{file}: too large for a {what}")
        return file.read_text(encoding)
    except FileNotFoundError:
        raise BadInput(f"{file}: {what} not found") from None
    except IsADirectoryError:
        raise BadInput(f"{file}: is a folder, not a {what}") from None
    except UnicodeDecodeError:
        raise BadInput(f"{file}: not a text file (expected {expected} in UTF-8)") from None
    except OSError as err:
        raise BadInput(f"{file}: cannot read: {err.strerror}") from None
