"""Deciding what an Annex A import writes: which cases to create or update (with what
changed) and which events are new, given what the caller says is already stored."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from audit_tools.annex_a.cells import name_key
from audit_tools.annex_a.lists import CHILD_ID, LISTS, PRECEDENCE, TEAM, ListRow, WorkbookRead
from audit_tools.errors import BadInput
from audit_tools.importers import unknown_team
from audit_tools.models import Case, CaseType, Event, EventKind, User



@dataclass
class ListCounts:
    rows: int = 0
    cases_created: int = 0
    cases_updated: int = 0
    events_added: int = 0
    events_already_stored: int = 0
    refused: int = 0

    def as_json(self) -> dict[str, int]:
        return {"rows": self.rows, "cases_created": self.cases_created, "cases_updated": self.cases_updated,
                "events_added": self.events_added, "events_already_stored": self.events_already_stored,
                "refused": self.refused}


@dataclass
class StoredCase:
    """What the database already holds for a child: the case (without events) and its event keys."""

    case: Case
    event_keys: set[tuple[str, str]] = field(default_factory=set)  # (kind, ISO date)


CASE_FIELDS = ("case_type", "start_date", "team", "worker", "line_manager", "closed_date")


@dataclass
class ImportPlan:
    """What an Annex A import writes, and the summary it reports."""

    file: str
    lists: dict[int, ListCounts] = field(default_factory=dict)
    created: list[Case] = field(default_factory=list)
    updated: list[tuple[Case, dict[str, list[Any]]]] = field(default_factory=list)  # case, field -> [before, after]
    events: list[tuple[str, Event]] = field(default_factory=list)
    unmatched_workers: list[str] = field(default_factory=list)
    ignored_columns: dict[int, list[str]] = field(default_factory=dict)
    children_without_case: int = 0
    refused: list[ListRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    teams_added: list[str] = field(default_factory=list)  # set by the import, with --new-teams

    @property
    def cases(self) -> list[Case]:
        return self.created + [c for c, _ in self.updated]

    def as_json(self) -> dict[str, Any]:
        """The `import annex-a --json` document (cli.md)."""
        return {
            "file": self.file,
            "lists": {str(n): c.as_json() for n, c in sorted(self.lists.items())},
            "unmatched_workers": self.unmatched_workers,
            "ignored_columns": {str(n): cols for n, cols in sorted(self.ignored_columns.items())},
            "children_without_case": self.children_without_case,
            "teams_added": self.teams_added,
        }


class WorkerMatcher:
    """A worker's name as written matched to a user by display name or username."""

    def __init__(self, users: Iterable[User]) -> None:
        self.by_username: dict[str, str] = {}
        by_name: dict[str, set[str]] = {}
        for user in users:
            self.by_username[name_key(user.username)] = user.username
            by_name.setdefault(name_key(user.display_name), set()).add(user.username)
        self.by_name = by_name

    def match(self, written: str) -> str | None:
        key = name_key(written)
        if key in self.by_username:
            return self.by_username[key]
        names = self.by_name.get(key, set())
        return next(iter(names)) if len(names) == 1 else None


def _deciding(rows: list[ListRow]) -> ListRow:
    """Of one child's rows on one case list, the open one (else the latest start) decides."""
    return max(rows, key=lambda r: (r.end is None, r.start or date.min, r.row))


def plan_import(
    read: WorkbookRead,
    stored: Mapping[str, StoredCase],
    users: Iterable[User],
    team_managers: Mapping[str, list[str]],
    skip_invalid: bool = False,
    known_teams: Collection[str] | None = None,
) -> ImportPlan:
    """Decide the cases and events to write. Refuses (BadInput, every problem) unless `skip_invalid`.

    `stored` holds the children of this workbook already in the database; `team_managers`
    maps a team to the usernames that manage it (users' `manages`). With `known_teams`, a
    row of any other team is a bad row (a typo must not make a team); without, the plan's
    service adds the teams its cases bring.
    """
    if known_teams is not None:
        for row in read.rows:
            if row.team and row.team not in known_teams:
                row.problems.append(unknown_team(f"{read.file}:{row.sheet}!{row.team_cell}: {TEAM}",
                                                 row.team, known_teams))
    problems = read.problems
    if problems and not skip_invalid:
        raise BadInput(*problems)
    plan = ImportPlan(file=read.file)
    for number, sheet in sorted(read.sheets.items()):
        plan.lists[number] = ListCounts(rows=sheet.rows)
        plan.ignored_columns[number] = list(sheet.ignored)
        optional = {h for h in LISTS[number].used if h not in (CHILD_ID,)}
        for missing in sheet.missing:
            if missing in optional:
                plan.warnings.append(f"{read.file}:{sheet.sheet}: no column {missing!r}; "
                                     "nothing from it was read")
    good: list[ListRow] = []
    for row in read.rows:
        if row.problems:
            plan.refused.append(row)
            plan.lists[row.list_number].refused += 1
        else:
            good.append(row)

    matcher = WorkerMatcher(users)
    unmatched: set[str] = set()
    no_manager: set[str] = set()
    by_child: dict[str, dict[int, list[ListRow]]] = {}
    for row in good:
        by_child.setdefault(row.child or "", {}).setdefault(row.list_number, []).append(row)

    with_case: set[str] = set()
    without_case: set[str] = set()
    for ref, lists in by_child.items():
        deciding_list = next((n for n in PRECEDENCE if n in lists), None)
        old = stored.get(ref)
        if deciding_list is None:
            if old is not None:
                with_case.add(ref)
            continue
        row = _deciding(lists[deciding_list])
        spec = LISTS[deciding_list]
        start: date | None
        closed: date | None
        if spec.start is None:  # List 9: no start date, so only a known child can be updated
            if old is None:
                without_case.add(ref)
                plan.warnings.append(
                    f"{read.file}:{row.sheet}!{row.child_cell}: {CHILD_ID}: care leaver {ref} is not a known case "
                    "and List 9 has no start date; import it with `caseaudit import cases` first")
                continue
            start, closed = old.case.start_date, old.case.closed_date
        else:
            start, closed = row.start, row.end
        worker: str | None = None
        if row.worker:
            worker = matcher.match(row.worker)
            if worker is None:
                worker = row.worker
                unmatched.add(row.worker)
        managers = team_managers.get(row.team or "", [])
        line_manager: str | None
        if len(managers) == 1:
            line_manager = managers[0]
        else:
            # no known manager: keep the one stored while the team is unchanged
            line_manager = old.case.line_manager if old and old.case.team == row.team else None
            if row.team:
                no_manager.add(row.team)
        case = Case(case_ref=ref, case_type=spec.case_type, start_date=start, team=row.team,
                    worker=worker, line_manager=line_manager, closed_date=closed)
        with_case.add(ref)
        if old is None:
            plan.created.append(case)
            plan.lists[deciding_list].cases_created += 1
            continue
        changes = {f: [_plain(getattr(old.case, f)), _plain(getattr(case, f))]
                   for f in CASE_FIELDS if getattr(old.case, f) != getattr(case, f)}
        if changes:
            plan.updated.append((case, changes))
            plan.lists[deciding_list].cases_updated += 1

    # Events: every list's, once each, for children with a case.
    chosen: dict[tuple[str, EventKind, date], tuple[int, Event]] = {}
    for row in good:
        ref = row.child or ""
        if ref not in with_case:
            if not LISTS[row.list_number].case_list or row.list_number == 9:
                without_case.add(ref)
            continue
        old = stored.get(ref)
        for event in row.events:
            key = (ref, event.kind, event.date)
            if old is not None and (event.kind.value, event.date.isoformat()) in old.event_keys:
                plan.lists[row.list_number].events_already_stored += 1
                continue
            if key in chosen:
                kept = chosen[key][1]
                if kept.seen_alone is None and event.seen_alone is not None:
                    chosen[key] = (chosen[key][0], event)  # the list that answered "seen alone?" wins
                continue
            chosen[key] = (row.list_number, event)
    for (ref, _, _), (number, event) in sorted(chosen.items(), key=lambda kv: (kv[0][0], kv[0][2], kv[0][1].value)):
        plan.events.append((ref, event))
        plan.lists[number].events_added += 1

    plan.children_without_case = len(without_case)
    plan.unmatched_workers = sorted(unmatched)
    plan.warnings += [f"worker {w!r} matches no user by display name or username; kept as written"
                      for w in plan.unmatched_workers]
    plan.warnings += [f"team {t!r} has no single manager (import users with the `manages` column); "
                      "its cases have no line manager from this workbook" for t in sorted(no_manager)]
    return plan


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, CaseType):
        return value.value
    return value

