"""caseaudit's persistence: one SQLite file, reached only through the Store."""

from db.clock import LONDON, system_clock
from db.errors import DraftConflict, NotFound
from db.identity import current_username
from db.rows import ActionRow, Assignment, AuditRow, CaseRow, HistoryEntry
from db.store import Store, open_store

__all__ = [
    "LONDON", "ActionRow", "Assignment", "AuditRow", "CaseRow", "DraftConflict", "HistoryEntry", "NotFound",
    "Store", "current_username", "open_store", "system_clock",
]
