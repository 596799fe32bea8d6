"""Sample data: a made-up children's services department with two quarters of audits.

`load_sample(store)` imports users, cases, events and audits in that order through the
same checks as `caseaudit import`, so the sample proves the importer as it loads.
The files are found with importlib.resources, so this works from an installed wheel too.
"""

from __future__ import annotations

from importlib.resources import as_file, files

ORDER = (("users", "users.csv"), ("cases", "cases.csv"), ("events", "events.csv"), ("audits", "audits.jsonl"))


def load_sample(store, progress=None) -> dict[str, int]:
    """Import the four sample files into `store` (whose actor must be an admin); counts by file."""
    from caseaudit.imports import import_file

    counts: dict[str, int] = {}
    for what, name in ORDER:
        with as_file(files(__name__) / name) as path:
            counts[what] = import_file(store, what, path, progress)
    return counts
