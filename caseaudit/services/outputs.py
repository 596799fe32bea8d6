"""Where a person asked caseaudit to write a file: every use case that writes one (a themes
report, Annex A's refused rows, a backup) builds its target here, so none of them can be
pointed at the database it reads, whatever the flags (audit_tools.files says how)."""

from __future__ import annotations

import os
from pathlib import Path

from audit_tools.files import Output


def output_for(database: str | Path, out: str | Path | Output, force: bool = False) -> Output:
    """The target `out`; an existing file replaced only with `force`; never `database` or its
    -wal, -shm and -journal files."""
    return Output.of(out, force=force, keep=(Path(database),))


def make_private_folder(folder: str | Path) -> Path:
    """`folder`, made if missing (with any missing parents), each folder made the owner's only
    (0700) whatever the umask; one that exists is left as it is."""
    folder = Path(folder)
    missing = []
    probe = folder
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for made in reversed(missing):
        try:
            made.mkdir(mode=0o700)
        except FileExistsError:
            continue
        os.chmod(made, 0o700)  # mkdir's mode is cut by the umask; 0700 already is, but be exact
    return folder
