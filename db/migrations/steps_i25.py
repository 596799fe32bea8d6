"""Schema steps of the whole-record verification and redaction work (m150 to m169)."""

from __future__ import annotations

import sqlite_utils

from db.migrations import migrations


@migrations()
def m150_record_digests(db: sqlite_utils.Database) -> None:
    # The pending change of each covered table's multiset digest (db/coverage.py), kept by
    # triggers in the same statement as each write, and the history's `state`: the changes of
    # the tables an entry's transaction wrote, hashed with the entry. The store takes each
    # table's first digest when it opens the file after this step (coverage.cover), recorded.
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS record_digests (
            name TEXT PRIMARY KEY,   -- the covered table
            digest TEXT NOT NULL,    -- rows' SHA-256 added minus removed, modulo 2**256, hex
            rows INTEGER NOT NULL,   -- rows added minus removed
            schema TEXT NOT NULL,    -- its CREATE TABLE when the digest was taken
            changed INTEGER NOT NULL DEFAULT 0  -- written since the last history entry
        );
        ALTER TABLE history ADD COLUMN state TEXT;  -- JSON {table: [digest, rows]} or NULL
        """
    )
