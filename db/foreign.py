"""Refusing another program's SQLite file before caseaudit changes anything in it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from audit_tools.errors import BadInput


def foreign_tables(conn: sqlite3.Connection) -> list[str]:
    """Tables of a file some other program made (empty for a new file or a caseaudit one)."""
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    if "_sqlite_migrations" in tables and conn.execute(
            "SELECT 1 FROM _sqlite_migrations WHERE migration_set = 'caseaudit' LIMIT 1").fetchone():
        return []
    return [t for t in tables if t != "_sqlite_migrations"]


def refuse_foreign(path: Path) -> None:
    """Refuse a SQLite file that holds another program's tables, before caseaudit changes anything
    in it (not even its journal mode): a mistyped --db must not alter someone else's database."""
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.DatabaseError:
        return  # the normal open reports what is wrong with it
    try:
        foreign = foreign_tables(conn)
    except sqlite3.DatabaseError:
        return
    finally:
        conn.close()
    if foreign:
        shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
        raise BadInput(f"{path}: is a database of another program (tables {shown}), not caseaudit's; "
                       "give caseaudit a file of its own with --db")
