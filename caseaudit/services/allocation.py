"""Monthly allocation of audits (alloc-v1) as the command line and the screens both do it.

The rule lives in audit_tools.allocation; this module reads its inputs from the Store,
stores the result (the Store records it in the history) and shapes what the QA lead's
allocation screen, the auditor's dashboard and the themes export show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from audit_tools import allocation as alloc
from audit_tools.allocation import Allocation
from audit_tools.errors import BadInput
from audit_tools.models import Role
from audit_tools.permissions import Op
from caseaudit.services import access
from db.errors import NotFound
from db.store import Store
from typing import Any


def month_of(day: date) -> str:
    return day.strftime("%Y-%m")


def default_per_auditor(store: Store) -> int:
    """The monthly quota: what each auditor is allocated unless told otherwise."""
    return store.reference.settings().audit_quota_per_month


def _plan(store: Store, code: str, k: int, seed_text: str) -> Allocation:
    """The month's allocation by alloc-v1, not stored; BadInput when there is nothing to give."""
    first = alloc.first_day(code)
    auditors = store.people.list(role=Role.auditor)
    if not auditors:
        raise BadInput("nobody holds the auditor role, so there is nobody to allocate to; import users first")
    start, end = alloc.look_back(first)
    made = alloc.allocate(
        store.allocations.open_cases(first), auditors, store.allocations.submissions(start, end),
        store.allocations.allocated_refs(code), code, k, seed_text,
        allocated_by=store.actor, allocated_at=store.now().replace(microsecond=0))
    if not any(made.allocated.values()):
        raise BadInput(
            f"month {code}: no case can be allocated: of the {made.frame_size} cases open on "
            f"{first.isoformat()}, every one is already allocated this month, audited in the 12 months "
            "before, or worked or line-managed by the auditor or in the auditor's own team")
    return made


@dataclass
class AllocationPreview:
    """What an allocation would give, asked before it is made (it cannot be undone): with the
    seed it would use, so the allocation then made is exactly this one."""

    month: str
    per_auditor: int
    seed: str
    cases: int
    auditors: int
    earlier: list[Allocation]


def preview_allocation(store: Store, month: object, per_auditor: object | None = None,
                       seed: object | None = None) -> AllocationPreview:
    """The allocation `allocate_month` would make, and the month's earlier ones; nothing stored.
    A month where nothing can be allocated is refused here, before anyone is asked."""
    access.require(store, Op.allocate)
    code = alloc.parse_month(month)
    k = alloc.parse_per_auditor(default_per_auditor(store) if per_auditor is None else per_auditor)
    seed_text = alloc.parse_seed(seed)
    made = _plan(store, code, k, seed_text)
    return AllocationPreview(month=code, per_auditor=k, seed=seed_text,
                             cases=sum(len(refs) for refs in made.allocated.values()),
                             auditors=sum(1 for refs in made.allocated.values() if refs),
                             earlier=store.allocations.list(code))


def allocate_month(store: Store, month: object, per_auditor: object | None = None,
                   seed: object | None = None) -> Allocation:
    """Allocate the month by alloc-v1 and store it; returns it with its id, who and when."""
    access.require(store, Op.allocate)
    code = alloc.parse_month(month)
    k = alloc.parse_per_auditor(default_per_auditor(store) if per_auditor is None else per_auditor)
    seed_text = alloc.parse_seed(seed)
    # One write transaction from reading the frame to storing the result, so two QA leads
    # allocating at once cannot both give out the same case.
    with store.transaction():
        allocation_id = store.allocations.save(_plan(store, code, k, seed_text))
    stored = store.allocations.get(allocation_id)
    assert stored is not None
    return stored


def verify_allocation(store: Store, allocation_id: str) -> tuple[Allocation, bool, list[str]]:
    """Re-derive a stored allocation: (the allocation, whether it matches, what differs)."""
    access.require(store, Op.verify_allocation)
    ident = allocation_id.strip()
    stored = store.allocations.get(ident)
    if stored is None:
        raise NotFound(f"allocation {allocation_id}: not in the database")
    reasons: list[str] = []
    columns = store.allocations.columns(ident) or {}
    recorded = {"month": stored.month, "seed": stored.seed, "algorithm": stored.algorithm,
                "per_auditor": stored.per_auditor, "frame_sha256": stored.frame_sha256,
                "frame_size": stored.frame_size}
    for key, value in recorded.items():
        if columns.get(key) != value:
            reasons.append(f"{key} differs: the allocation's row says {columns.get(key)!r}, its record {value!r}")
    ok, more = alloc.verify(stored, store.allocations.rows_of(ident),
                            store.allocations.earlier_refs(stored.month, ident))
    reasons += more
    return stored, not reasons, reasons


def allocations_of(store: Store, month: str) -> list[Allocation]:
    access.require(store, Op.read_allocation)
    return store.allocations.list(alloc.parse_month(month))


# --- what the screens show ------------------------------------------------------------


@dataclass
class AllocatedCase:
    case_ref: str
    case_type: str
    team: str | None
    allocation_id: str
    audit_id: str | None
    status: str | None  # None: not started; "draft"; "submitted"
    submitted_on: str | None

    @property
    def done_words(self) -> str:
        if self.status == "submitted":
            return f"submitted {self.submitted_on}"
        if self.status == "draft":
            return f"draft {self.audit_id}"
        return "not started"


def allocated_to(store: Store, username: str, today: date) -> list[AllocatedCase]:
    """The cases allocated to `username` in today's month, with what is done (one's own,
    or anyone's for whoever may see the allocation)."""
    user = access.require(store, Op.read_dashboard)
    if username != user.username:
        access.require(store, Op.read_allocation)
    return [AllocatedCase(*row) for row in store.allocations.for_auditor(username, month_of(today))]


@dataclass
class Completion:
    name: str
    allocated: int
    started: int
    submitted: int

    def as_json(self) -> dict[str, Any]:
        return {"allocated": self.allocated, "started": self.started, "submitted": self.submitted}


@dataclass
class CompletionView:
    first_month: str
    last_month: str
    by_auditor: list[Completion] = field(default_factory=list)
    by_team: list[Completion] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The themes export's extra `allocation` key."""
        total = Completion("total", sum(c.allocated for c in self.by_auditor),
                           sum(c.started for c in self.by_auditor), sum(c.submitted for c in self.by_auditor))
        return {"months": [self.first_month, self.last_month], **total.as_json(),
                "by_auditor": {c.name: c.as_json() for c in self.by_auditor},
                "by_team": {c.name: c.as_json() for c in self.by_team}}


NO_TEAM = "(no team)"


def completion(store: Store, first_month: str, last_month: str | None = None) -> CompletionView:
    """Completion against allocation per auditor and per auditor's team (counted in SQL)."""
    access.require(store, Op.read_allocation)
    last_month = last_month or first_month
    view = CompletionView(first_month, last_month)
    teams: dict[str, Completion] = {}
    for auditor, team, allocated, started, submitted in store.allocations.completion(first_month, last_month):
        view.by_auditor.append(Completion(auditor, allocated, started, submitted or 0))
        row = teams.setdefault(team or NO_TEAM, Completion(team or NO_TEAM, 0, 0, 0))
        row.allocated += allocated
        row.started += started
        row.submitted += submitted or 0
    view.by_team = [teams[t] for t in sorted(teams)]
    return view


@dataclass
class AllocationView:
    """What the QA lead's allocation screen shows for a month."""

    month: str
    per_auditor: int
    allocations: list[Allocation]
    completion: CompletionView
    teams: dict[str, str | None]  # auditor -> team


def allocation_view(store: Store, month: str) -> AllocationView:
    access.require(store, Op.read_allocation)
    code = alloc.parse_month(month)
    teams = {u.username: u.team for u in store.people.list(role=Role.auditor)}
    allocations = store.allocations.list(code)
    for made in allocations:
        for a in made.auditors:
            teams.setdefault(a.username, a.team)
    return AllocationView(month=code, per_auditor=default_per_auditor(store), allocations=allocations,
                          completion=completion(store, code), teams=teams)


def shortfall_words(made: Allocation, auditor: str) -> str | None:
    """Why an auditor got fewer than asked, in words (None when they got them all)."""
    missing = made.short.get(auditor)
    if not missing:
        return None
    return (f"{missing} short: only {len(made.allocated.get(auditor, []))} open cases outside their team, "
            "not theirs to work or manage, not audited in the last 12 months and not yet allocated")
