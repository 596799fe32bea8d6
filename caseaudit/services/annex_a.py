"""Import an Ofsted Annex A workbook: its cases and events, all or nothing (or the good rows).

The workbook is read and checked in audit_tools.annex_a, compared there with what the
database already holds, and written through the Store in one transaction: new and
changed cases, the events not yet stored, and one history entry saying what changed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from audit_tools import annex_a
from audit_tools.permissions import Facts, Op
from caseaudit.services import access
from db import annex_a as stored

Progress = Callable[[int, int], None]


def check_workbook(store, path: str | Path, skip_invalid: bool = False,
                   progress: Progress | None = None) -> annex_a.ImportPlan:
    """What importing `path` would write; BadInput lists every bad cell unless `skip_invalid`."""
    access.require(store, Op.import_data, Facts(what="an Annex A workbook"))
    read = annex_a.read_workbook(path, progress)
    refs = {row.child for row in read.rows if row.child}
    return annex_a.plan_import(
        read,
        stored.stored_cases(store, refs),
        store.people.list(),
        stored.team_managers(store),
        skip_invalid=skip_invalid,
    )


def import_annex_a(store, path: str | Path, rejects: str | Path | None = None,
                   progress: Progress | None = None) -> annex_a.ImportPlan:
    """Import the workbook at `path`. Without `rejects`, any bad cell refuses the whole file and
    nothing is written; with it, the good rows go in and the refused rows are written there."""
    access.require(store, Op.import_data, Facts(what="an Annex A workbook"))
    plan = check_workbook(store, path, skip_invalid=rejects is not None, progress=progress)
    if rejects is not None:
        annex_a.write_rejects(rejects, plan.refused, plan.file)
    if not plan.cases and not plan.events:
        return plan  # nothing new: nothing written, not even a history entry
    with store.transaction():
        if plan.cases:
            store.cases.upsert(plan.cases)
        if plan.events:
            store.cases.add_events(plan.events)
        store.record("annex a imported", {
            "file": Path(plan.file).name,
            "cases_created": [c.case_ref for c in plan.created],
            "cases_updated": {c.case_ref: changes for c, changes in plan.updated},
            "events_added": len(plan.events),
            "lists": plan.as_json()["lists"],
        })
    return plan
