"""Where a person asked caseaudit to write a file: every use case that writes one (a themes
report, Annex A's refused rows, a backup) builds its target here, so none of them can be
pointed at the database it reads, whatever the flags (audit_tools.files says how)."""

from __future__ import annotations

from pathlib import Path

from audit_tools.files import Output
from db.sharing import private_folder


def output_for(database: str | Path, out: str | Path | Output, force: bool = False) -> Output:
    """The target `out`; an existing file replaced only with `force`; never `database` or its
    -wal, -shm and -journal files."""
    return Output.of(out, force=force, keep=(Path(database),))


def make_private_folder(folder: str | Path) -> Path:
    """An export folder, made if missing: each folder made the owner's only (0700)."""
    return private_folder(folder)
