"""Reading and checking an Ofsted Annex A workbook: the cases and events it holds (product.md "Annex A").

Councils keep the Annex A lists (a sheet per list) up to date for inspection; caseaudit
takes from them the case reference, the case fields of the case lists and the dated
events of every list, and nothing else about a child. A sheet is recognised by its
headers, whatever its name or position, in the 2023 layout and the older one.

Two steps, both pure: `read_workbook` reads the file the caller names and checks every
cell it uses, naming each bad one as `FILE:SHEET!CELL: header: reason`; `plan_import`
compares what was read with what the caller says is already stored and decides which
cases to create or update (with what changed) and which events are new.
"""

from audit_tools.annex_a.cells import (
    EXCEL_ERRORS, HEADER_SEARCH_ROWS, CellProblem, child_ref, header_key, name_key, seen_alone, tidy,
)
from audit_tools.annex_a.lists import (
    CHILD_ID, LISTS, PRECEDENCE, TEAM, WORKER, ListRow, ListSpec, SheetRead, WorkbookRead,
)
from audit_tools.annex_a.plan import CASE_FIELDS, ImportPlan, ListCounts, StoredCase, WorkerMatcher, plan_import
from audit_tools.annex_a.rejects import REJECT_COLUMNS, render_rejects, write_rejects
from audit_tools.annex_a.workbook import Progress, read_workbook

__all__ = [
    "CASE_FIELDS", "CHILD_ID", "EXCEL_ERRORS", "HEADER_SEARCH_ROWS", "LISTS", "PRECEDENCE", "REJECT_COLUMNS",
    "TEAM", "WORKER", "CellProblem", "ImportPlan", "ListCounts", "ListRow", "ListSpec", "Progress",
    "SheetRead", "StoredCase", "WorkbookRead", "WorkerMatcher", "child_ref", "header_key", "name_key",
    "plan_import", "read_workbook", "render_rejects", "seen_alone", "tidy", "write_rejects",
]
