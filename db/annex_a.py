"""What an Annex A import asks of the database: whom each team is managed by, and which of a
workbook's children are already stored (with their events' keys), read in batches."""

from __future__ import annotations

from collections.abc import Iterable

from audit_tools.annex_a import StoredCase
from audit_tools.models import Case
from db.store import Store

BATCH = 500


def team_managers(store: Store) -> dict[str, list[str]]:
    """Each managed team and the usernames that manage it (normally one)."""
    managers: dict[str, list[str]] = {}
    for team, username in store.db.execute(
            "SELECT manages, username FROM users WHERE manages IS NOT NULL ORDER BY manages, username"):
        managers.setdefault(team, []).append(username)
    return managers


def stored_cases(store: Store, refs: Iterable[str]) -> dict[str, StoredCase]:
    """The stored cases among `refs` (without their events) and the (kind, date) of each stored event."""
    refs = sorted(set(refs))
    found: dict[str, StoredCase] = {}
    for start in range(0, len(refs), BATCH):
        chunk = refs[start:start + BATCH]
        marks = ",".join("?" * len(chunk))
        for row in store.db.execute(
                "SELECT case_ref, case_type, start_date, team, worker, line_manager, closed_date "
                f"FROM cases WHERE case_ref IN ({marks})", chunk):
            found[row[0]] = StoredCase(Case(case_ref=row[0], case_type=row[1], start_date=row[2], team=row[3],
                                            worker=row[4], line_manager=row[5], closed_date=row[6]))
        for ref, kind, day in store.db.execute(
                f"SELECT case_ref, kind, date FROM case_events WHERE case_ref IN ({marks})", chunk):
            found[ref].event_keys.add((kind, day))
    return found
