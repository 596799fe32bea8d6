"""Schema steps of the speed work on the imports (m180 to m189)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: sqlite-utils is loaded when a step runs
    import sqlite_utils

from db import coverage
from db.migrations import migrations


@migrations()
def m180_summed_import_digests(db: sqlite_utils.Database) -> None:
    # Each covered table's digest triggers made again as db/coverage.py makes them now: the
    # insert trigger asks `caseaudit_row_inline` first, so a bulk import can sum its rows in
    # memory on its own connection inside its own transaction (coverage.summed_inserts)
    # rather than update `record_digests` once a row. A table without its triggers yet is
    # left to the store's opening (coverage.cover), which makes them in the same form.
    triggered = {name for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'record\\_digest\\_%' ESCAPE '\\'")}
    for table in coverage.covered_tables(db):
        if f"{coverage.TRIGGER_PREFIX}{table}_insert" in triggered:
            coverage.install_triggers(db, table, coverage.columns(db, table))
