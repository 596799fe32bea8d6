"""caseaudit's persistence: one SQLite file, reached only through the Store."""

from db.errors import DraftConflict, NotFound
from db.identity import current_username
from db.repository import ActionRow, Assignment, AuditRow, CaseRow, HistoryEntry, Store, open_store

__all__ = [
    "ActionRow", "Assignment", "AuditRow", "CaseRow", "DraftConflict", "HistoryEntry", "NotFound",
    "Store", "current_username", "open_store",
]
