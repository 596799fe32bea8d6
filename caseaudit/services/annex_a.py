"""Import an Ofsted Annex A workbook: its cases and events, all or nothing (or the good rows).

The workbook is read and checked in audit_tools.annex_a, compared there with what the
database already holds, and written through the Store in one transaction: new and
changed cases, the events not yet stored, and one history entry saying what changed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from audit_tools import annex_a
from audit_tools.permissions import Facts, Op
from caseaudit.services import access
from audit_tools.errors import BadInput
from audit_tools.files import check_output_file
from caseaudit.services.outputs import output_for
from db import annex_a as stored
from db.sharing import share
from db.store import Store

Progress = Callable[[int, int], None]


def check_workbook(store: Store, path: str | Path, skip_invalid: bool = False,
                   progress: Progress | None = None, new_teams: bool = False) -> annex_a.ImportPlan:
    """What importing `path` would write; BadInput lists every bad cell unless `skip_invalid`.

    A row whose team no user belongs to is a bad row unless `new_teams`."""
    access.require(store, Op.import_data, Facts(what="an Annex A workbook"))
    read = annex_a.read_workbook(path, progress)
    refs = {row.child for row in read.rows if row.child}
    return annex_a.plan_import(
        read,
        stored.stored_cases(store, refs),
        store.people.list(),
        stored.team_managers(store),
        skip_invalid=skip_invalid,
        known_teams=None if new_teams else set(store.people.teams()),
    )


def import_annex_a(store: Store, path: str | Path, rejects: str | Path | None = None,
                   progress: Progress | None = None, force: bool = False,
                   skip_invalid: bool | None = None, new_teams: bool = False) -> annex_a.ImportPlan:
    """Import the workbook at `path`. Without `rejects`, any bad cell refuses the whole file and
    nothing is written; with it, the good rows go in and the refused rows are written there
    (a new file unless `force`; never the database). `skip_invalid` without `rejects` (a
    browser session) keeps the refused rows in the plan only: `rejects_download` gives them.
    A row of a team no user belongs to is refused as a bad cell unless `new_teams`; then the
    teams are added and `plan.teams_added` names them."""
    access.require(store, Op.import_data, Facts(what="an Annex A workbook"))
    target = None
    if rejects is not None:
        target = output_for(store.path, rejects, force)
        check_output_file(target, "refused rows")  # before the workbook is read: nothing done yet
    skip = rejects is not None if skip_invalid is None else skip_invalid
    plan = check_workbook(store, path, skip_invalid=skip, progress=progress, new_teams=new_teams)
    if target is not None:
        annex_a.write_rejects(target, plan.refused, plan.file)
        group = store.reference.settings().file_group
        if group:  # shared with the council's group, as the database is (0660)
            share(target.path, group)
    if not plan.cases and not plan.events:
        return plan  # nothing new: nothing written, not even a history entry
    with store.transaction():
        known_teams: set[str] = set(store.people.teams())
        plan.teams_added = sorted({c.team for c in plan.cases if c.team and c.team not in known_teams})
        if plan.cases:
            store.cases.upsert(plan.cases)
        if plan.events:
            store.cases.add_events(plan.events)
        store.record("annex a imported", {
            "file": Path(plan.file).name,
            "cases_created": [c.case_ref for c in plan.created],
            "cases_updated": {c.case_ref: changes for c, changes in plan.updated},
            "events_added": len(plan.events),
            "teams_added": plan.teams_added,
            "lists": plan.as_json()["lists"],
        })
    return plan


def rejects_download(plan: annex_a.ImportPlan) -> tuple[str, str]:
    """The refused rows as a download's file name and CSV text (nothing written here)."""
    return f"{Path(plan.file).stem}-refused-rows.csv", annex_a.render_rejects(plan.refused, plan.file)


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def workbooks_in(folder: str | Path | None) -> list[str]:
    """The workbooks a browser session may import: regular files straight in the served
    import folder (`serve --files DIR`), by name; never a link, a hidden file or a subfolder."""
    if folder is None:
        return []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    return sorted(e.name for e in entries
                  if not e.name.startswith(".") and e.name.lower().endswith(WORKBOOK_SUFFIXES)
                  and e.is_file(follow_symlinks=False))


def workbook_in(folder: str | Path | None, name: str) -> Path:
    """The workbook `name` chosen from the list, or BadInput: a name not in it (a path, `..`)
    is never opened."""
    if folder is None or name not in workbooks_in(folder):
        raise BadInput(f"{name}: not one of the workbooks in the import folder; choose one from the list")
    return Path(folder) / name
