"""Keeping exported cells inert and exported files whole.

Formula injection (OWASP, "CSV Injection"): a cell that starts with `=`, `+`, `-`, `@`,
tab or carriage return is run as a formula by spreadsheets, so such text gets a leading
single quote. Numbers are never touched: a count of -2 stays a number.

Atomic writing: everything is written to a hidden temporary file or folder beside the
target and renamed into place, so a failure never leaves half a report behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from audit_tools.errors import BadInput

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text a spreadsheet would read as a formula gets a leading single quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def check_file_target(path: Path) -> Path:
    """The folder must exist and be writable, and the target must not be a folder."""
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise BadInput(f"{path} is a folder: give a file name to write the report to")
    if not parent.is_dir():
        raise BadInput(f"cannot write {path}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise BadInput(f"cannot write {path}: the folder {parent} is not writable")
    if path.exists() and not os.access(path, os.W_OK):
        raise BadInput(f"cannot write {path}: the file exists and is not writable")
    return path


def check_folder_target(path: Path, expected: set[str]) -> Path:
    """A csv report goes in a folder: new, empty, or holding only an earlier report's files."""
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    if path.exists() and not path.is_dir():
        raise BadInput(f"{path} is a file: csv writes one file per table, so give a folder")
    if not parent.is_dir():
        raise BadInput(f"cannot write {path}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise BadInput(f"cannot write {path}: the folder {parent} is not writable")
    if path.is_dir():
        others = sorted(p.name for p in path.iterdir() if p.name not in expected)
        if others:
            raise BadInput(
                f"the folder {path} already holds other files ({', '.join(others[:3])}"
                f"{', …' if len(others) > 3 else ''}): give a new or empty folder"
            )
    return path


@contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success it replaces `path`, else it goes."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o600)  # staff names and grades: the owner's only
        os.replace(tmp_path, path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_folder(path: Path) -> Iterator[Path]:
    """Yield a temporary folder beside `path`; on success it takes the place of `path`."""
    path = Path(path)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or "."))
    try:
        yield tmp
        for file in tmp.iterdir():
            os.chmod(file, 0o600)
        os.chmod(tmp, 0o700)
        if path.is_dir():
            # Swap with the earlier report, then drop it: the folder is never half new.
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent or "."))
            old.rmdir()
            os.replace(path, old)
            os.replace(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
