"""The inspection pack (product.md "Inspection pack"): for the children inspectors name, what
the service knows of each one's practice, as at a date.

For each case: its facts, its automatic standards results as at the date, every audit (date,
auditor, grade, final grade after moderation, the round when thematic), moderation outcomes,
actions (due, done, overdue) and concerns; and a first page summing them up, with every
reference not found. md (a section a case) and xlsx (a summary sheet and a sheet per table).
Free text (notes, action descriptions, what a concern found, a moderator's reason and
feedback) only when asked for.

References are case refs or Annex A Child Unique IDs, matched as the Annex A import matches
them (`annex_a.child_ref`: a number cell is its digits, no `.0`; spaces tidied).
"""
from audit_tools.pack.model import (
    Pack, PackAction, PackAudit, PackCase, PackConcern, PackModeration, action_state, concern_state,
)
from audit_tools.pack.references import (
    REFERENCE_HEADERS, read_references, reference, references, split_references,
)
from audit_tools.pack.tables import PackTable, case_tables, facts_rows
from audit_tools.pack.writers import (
    FORMATS, WRITERS, build_workbook, pack_download, render_md, write_md, write_xlsx,
)

__all__ = [
    "FORMATS", "REFERENCE_HEADERS", "WRITERS", "Pack", "PackAction", "PackAudit", "PackCase", "PackConcern",
    "PackModeration", "PackTable", "action_state", "build_workbook", "case_tables", "concern_state",
    "facts_rows", "pack_download", "read_references", "reference", "references", "render_md",
    "split_references", "write_md", "write_xlsx",
]
