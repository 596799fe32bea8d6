"""Sample data: a made-up children's services department with two quarters of audits.

`load_sample(store)` imports users, cases, events and audits in that order through the
same checks as `caseaudit import`, so the sample proves the importer as it loads.
The files are found with importlib.resources, so this works from an installed wheel too.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib.resources import as_file, files

from audit_tools.errors import BadInput
from caseaudit.services import imports
from db.clock import today
from db.store import Store

ORDER = (("users", "users.csv"), ("cases", "cases.csv"), ("events", "events.csv"), ("audits", "audits.jsonl"))


def _first_audit_id() -> str:
    with (files(__name__) / "audits.jsonl").open(encoding="utf-8") as fh:
        return str(json.loads(fh.readline())["audit_id"])


def load_sample(store: Store, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Import the four sample files into `store` (whose actor must be an admin); counts by file.

    All four go in one transaction: if any is refused, none of the sample is written.
    """
    # The generated files hold completions and moderations after the demo's fixed today
    # (30 September 2025), so they are checked against the real date, as they always were.
    real_today = today()

    first = _first_audit_id()
    if store.audits.get(first) is not None:
        raise BadInput(f"the sample data is already in this database (audit {first} is there); nothing was loaded")
    counts: dict[str, int] = {}
    with store.transaction():
        for what, name in ORDER:
            with as_file(files(__name__) / name) as path:
                counts[what] = imports.import_file(store, what, path, progress, real_today)
    return counts
