"""The person's own choices about how the app looks (the theme), kept between runs.

They live in a small JSON file in the user config folder (platformdirs), not in the
database: a theme is one person's taste on one machine, not the service's record.
A missing or unreadable file means "no choices yet"; a write goes to a temporary file
beside it and is renamed into place, so a crash never leaves half a file.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

from caseaudit.services.locations import config_folder
from caseaudit.services.outputs import make_private_folder as private_folder

log = logging.getLogger("caseaudit.tui")

FILE_NAME = "preferences.json"


def default_path() -> Path:
    return config_folder() / FILE_NAME


def load(path: Path) -> dict:
    """The stored choices; {} when there are none or the file cannot be read as them."""
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as err:
        log.warning("preferences %s not read: %s", path, err)
        return {}
    return values if isinstance(values, dict) else {}


def remember(path: Path, **choices: object) -> None:
    """Store `choices` beside those already kept, replacing the file in one rename."""
    values = {**load(path), **choices}
    private_folder(path.parent)  # the owner's only (0700), like every folder caseaudit makes
    fd, temporary = tempfile.mkstemp(prefix=".preferences-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(values, fh, indent=2, sort_keys=True)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
