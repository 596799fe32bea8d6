"""Reading and checking the files a council feeds caseaudit: users, cases, events, audits.

A file either goes in whole or is refused with every problem listed as
`FILE:ROW: column: reason`. The package never writes anything; its parts:

- `formats`, `tables`, `jsonlines`: which kind of file it is, and its rows (CSV/XLSX with a
  header, JSON Lines), read a row at a time;
- `cells`, `rows`: what a cell may hold, and each file's row, derived from the domain
  model it becomes (models.User, models.CaseDetails, models.Event);
- `checks` (users, cases, how problems are named), `events`, `audits`: the rules, against
  what the caller says the database knows;
- `batching`: long files checked a batch at a time, audits in case order.
"""

from audit_tools.importers.audits import AuditCheck
from audit_tools.importers.batching import BATCH_SIZE, CaseOrder, batches, check_audits, checked_audit_batches
from audit_tools.importers.checks import (
    CASE_FIELDS,
    Progress,
    case_changes,
    check_cases,
    check_users,
    describe,
    unknown_team,
)
from audit_tools.importers.events import CheckedEvent, EventCheck, EventKey, EventsChecked, check_events, sort_events
from audit_tools.importers.formats import CSV_SUFFIXES, JSONL_SUFFIXES, XLSX_SUFFIXES
from audit_tools.importers.jsonlines import JsonLines, read_lines
from audit_tools.importers.rows import CASES, EVENTS, USERS, AuditLine, CaseRow, EventRow, TableSpec, UserRow
from audit_tools.importers.tables import Table, TableRows, read_table

__all__ = [
    "BATCH_SIZE", "CASES", "CASE_FIELDS", "CSV_SUFFIXES", "EVENTS", "JSONL_SUFFIXES", "USERS", "XLSX_SUFFIXES",
    "AuditCheck", "AuditLine", "CaseOrder", "CheckedEvent", "CaseRow", "EventCheck", "EventKey", "EventRow", "EventsChecked",
    "JsonLines", "Progress", "Table", "TableRows", "TableSpec", "UserRow", "batches", "case_changes",
    "check_audits", "check_cases", "check_events", "check_users", "checked_audit_batches", "describe",
    "read_lines", "read_table", "sort_events", "unknown_team",
]
