"""Reading and writing a file a person named: a sentence for every way it fails.

Writing never destroys data (`Output`, `output_file`, `output_folder`): everything goes to
a private temporary file beside the target and is then linked into place, so an existing
file is replaced only when asked, a failure leaves no half file, and the database is never
a target whatever the flags.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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


# --- writing a file a person named ------------------------------------------------------------

# SQLite keeps a database in up to four files: never one caseaudit writes a report over.
DATABASE_COMPANIONS = ("", "-wal", "-shm", "-journal")


class AlreadyThere(BadInput):
    """The target exists and replacing it was not asked for (`--force`, or "Replace?" answered yes)."""

    def __init__(self, path: Path, line: str) -> None:
        super().__init__(line)
        self.path = path


@dataclass(frozen=True)
class Output:
    """Where a person asked caseaudit to write something, and what it may do there.

    `force` lets it replace an existing file (renamed over it; a symbolic link there is
    replaced, never followed). `keep` names the database files it must never write over,
    whatever the flags: each with its -wal, -shm and -journal, told apart by the file's
    identity, not by how the path is spelt.
    """

    path: Path
    force: bool = False
    keep: tuple[Path, ...] = ()

    @classmethod
    def of(cls, path: "str | Path | Output", force: bool = False,
           keep: "tuple[Path, ...] | list[Path]" = ()) -> "Output":
        if isinstance(path, Output):
            return Output(path.path, path.force or force, (*path.keep, *keep))
        text = str(path)
        if not text.strip():
            raise BadInput("no file name was given to write to")
        return cls(Path(text), force, tuple(Path(k) for k in keep))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def refuse_database(out: Output, path: Path | None = None) -> None:
    """BadInput if `path` (default: the output) is, or would become, a database file in `keep`."""
    target = Path(out.path if path is None else path)
    for db in out.keep:
        for suffix in DATABASE_COMPANIONS:
            companion = Path(f"{db}{suffix}")
            if _same_file(target, companion) or (
                    target.name == companion.name and _same_file(target.parent or Path("."), companion.parent)):
                raise BadInput(f"{target}: is the caseaudit database{' ' + suffix[1:] + ' file' if suffix else ''}"
                               f" ({companion}); nothing was written: give another file name")


def _parent(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def check_output_file(out: Output, what: str = "file") -> Path:
    """Refuse, before any work is done, a target caseaudit must not or cannot write."""
    path = out.path
    refuse_database(out)
    parent = _parent(path)
    if path.is_dir() and not path.is_symlink():
        raise BadInput(f"{path}: is a folder; give a file name for the {what}")
    if not parent.is_dir():
        raise BadInput(f"cannot write {path}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise BadInput(f"cannot write {path}: the folder {parent} is not writable")
    if os.path.lexists(path) and not out.force:
        raise AlreadyThere(path, f"{path}: already exists; nothing was written (give --force to replace it)")
    return path


def _place(tmp: Path, out: Output) -> None:
    """Link the finished `tmp` in at the target: a new name only, unless `force` (then renamed over)."""
    refuse_database(out)  # again: the target may have changed while the file was written
    if out.force:
        os.replace(tmp, out.path)  # replaces a symbolic link itself, never what it points at
        return
    try:
        os.link(tmp, out.path)
    except FileExistsError:
        raise AlreadyThere(out.path, f"{out.path}: appeared while the file was written; "
                                     "nothing was overwritten") from None
    except OSError:
        # A file system without hard links: claim the name exclusively, then rename over our own claim.
        try:
            os.close(os.open(out.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600))
        except FileExistsError:
            raise AlreadyThere(out.path, f"{out.path}: appeared while the file was written; "
                                         "nothing was overwritten") from None
        os.replace(tmp, out.path)


@contextmanager
def output_file(out: Output, what: str = "file") -> Iterator[Path]:
    """Yield a private (0600) temporary file beside the target to write; on success it is put in
    place (see `Output`); on any failure it goes, and the target is as it was."""
    check_output_file(out, what)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{out.path.name}.", suffix=".partial", dir=_parent(out.path))
    except OSError as err:
        raise BadInput(f"{out.path}: cannot write the {what} here: {err.strerror or err}") from None
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        _place(tmp, out)
    except OSError as err:
        raise BadInput(f"cannot write {out.path}: {err.strerror or err}") from None
    finally:
        tmp.unlink(missing_ok=True)


def check_output_folder(out: Output, names: "set[str] | list[str]", what: str = "report") -> Path:
    """A folder of files (a csv report): new, or an existing folder only with `force`."""
    path = out.path
    refuse_database(out)
    parent = _parent(path)
    if path.is_symlink():
        raise BadInput(f"{path}: is a symbolic link; give the folder itself for the {what}")
    if path.exists() and not path.is_dir():
        raise BadInput(f"{path} is a file: csv writes one file per table, so give a folder")
    if not parent.is_dir():
        raise BadInput(f"cannot write {path}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise BadInput(f"cannot write {path}: the folder {parent} is not writable")
    if path.is_dir():
        if not out.force:
            raise AlreadyThere(path, f"{path}: the folder already exists; nothing was written (give --force "
                                     f"to replace the {what}'s own files in it; nothing else there is touched)")
        for name in names:
            inside = path / name
            refuse_database(out, inside)
            if inside.is_dir() and not inside.is_symlink():
                raise BadInput(f"{inside}: is a folder; the {what} cannot put its file there")
    return path


@contextmanager
def output_folder(out: Output, names: "set[str] | list[str]", what: str = "report") -> Iterator[Path]:
    """Yield a private temporary folder beside the target to write `names` into; on success
    a new folder (0700) takes them, or with `force` each is renamed over its namesake in the
    existing folder, and nothing else there is touched."""
    check_output_folder(out, names, what)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.path.name}.", suffix=".partial", dir=_parent(out.path)))
    except OSError as err:
        raise BadInput(f"{out.path}: cannot write the {what} here: {err.strerror or err}") from None
    made = False
    try:
        yield tmp
        for name in names:
            os.chmod(tmp / name, 0o600)  # children's references and staff names: the owner's only
        refuse_database(out)
        if not out.path.is_dir():
            try:
                os.mkdir(out.path, 0o700)  # claims the name: fails if it appeared meanwhile
            except FileExistsError:
                raise AlreadyThere(out.path, f"{out.path}: appeared while the {what} was written; "
                                             "nothing was overwritten") from None
            made = True
        elif out.path.is_symlink() or not out.force:
            raise AlreadyThere(out.path, f"{out.path}: changed while the {what} was written; nothing was overwritten")
        for name in names:
            refuse_database(out, out.path / name)
            os.replace(tmp / name, out.path / name)
    except OSError as err:
        if made:
            shutil.rmtree(out.path, ignore_errors=True)
        raise BadInput(f"cannot write {out.path}: {err.strerror or err}") from None
    except BaseException:
        if made:
            shutil.rmtree(out.path, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
