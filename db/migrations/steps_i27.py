"""Schema steps of the speed work on the reports (m193 to m199)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: sqlite-utils is loaded when a step runs
    import sqlite_utils

from db.migrations import migrations


@migrations()
def m193_reports_imported_audits(db: sqlite_utils.Database) -> None:
    # The themes report leaves audits imported from earlier records out of its override
    # figures and counts them. Whether an audit was imported is in its JSON only; reading it
    # cost a read of every audit row of both quarters (most of the report's query time). This
    # partial index holds the imported audits by submission date, with what the quarter's
    # filter reads, so the report finds them without touching an audit's row.
    db.executescript(
        """
        CREATE INDEX IF NOT EXISTS audits_imported_for_reports
            ON audits(submitted_on, status, round_id, audit_id)
            WHERE json_extract(data, '$.imported');
        """
    )
