"""The monthly allocation of audits, algorithm alloc-v1 (product.md "Allocation").

Exactly:
- frame = cases open on the month's first day (started on or before it, not closed
  before it), sorted by case_ref; its SHA-256 is taken over the newline-joined refs;
- auditors (users with the auditor role) in username order; for each, candidates =
  frame cases not in the auditor's own team, where the auditor is neither worker nor
  line manager, with no audit submitted in the 12 months before the first day (on or
  after the same date a year earlier, before the first day), and not already allocated
  this month (to anyone, in this or an earlier allocation of the month);
- candidates are ranked by the hex SHA-256 of "{seed}:{username}:{case_ref}", ascending,
  and the first `per_auditor` taken (fewer if fewer candidates: the shortfall is reported).

An Allocation keeps every input as it stood (frame with team, worker and line manager,
auditors with their teams, the cases recently audited and those already allocated), so
`verify` re-derives it later from what was stored, whatever has changed since.
"""

from __future__ import annotations

import hashlib
import heapq
import secrets
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Literal

from dateutil.relativedelta import relativedelta
from pydantic import Field

from audit_tools.calendar import parse_month as read_month
from audit_tools.errors import BadInput
from audit_tools.models import Case, Model, User

ALGORITHM = "alloc-v1"
LOOK_BACK_MONTHS = 12  # fixed by alloc-v1, whatever the independence window setting says


class FrameCase(Model):
    """A frame case with what the exclusions read, as it stood at the allocation."""

    case_ref: str = Field(min_length=1)
    team: str | None = None
    worker: str | None = None
    line_manager: str | None = None


class Auditor(Model):
    username: str = Field(min_length=1)
    team: str | None = None


class Allocation(Model):
    """A stored allocation: enough to re-derive it exactly."""

    allocation_id: str | None = None
    month: str  # YYYY-MM
    seed: str
    algorithm: Literal["alloc-v1"] = "alloc-v1"
    per_auditor: int
    frame: list[FrameCase]
    frame_sha256: str
    auditors: list[Auditor]
    recently_audited: list[str] = Field(default_factory=list)  # frame refs audited in the 12 months before
    already_allocated: list[str] = Field(default_factory=list)  # frame refs allocated earlier this month
    allocated: dict[str, list[str]] = Field(default_factory=dict)  # auditor -> case refs, sorted
    short: dict[str, int] = Field(default_factory=dict)  # auditor -> how many fewer than per_auditor
    allocated_by: str | None = None
    allocated_at: datetime | None = None

    @property
    def frame_size(self) -> int:
        return len(self.frame)

    def first_day(self) -> date:
        return first_day(self.month)


def first_day(month: object) -> date:
    """The first day of a month given as a person writes it (calendar.parse_month: 2025-09,
    09/2025, Sep 2025), or BadInput saying how to write it."""
    try:
        return read_month(str(month))
    except ValueError as err:
        raise BadInput(f"month: {err}") from None


def parse_month(month: object) -> str:
    """The month as YYYY-MM (checked)."""
    return first_day(month).strftime("%Y-%m")


def parse_per_auditor(value: object) -> int:
    """Cases per auditor, a whole number of 1 or more, or BadInput saying why."""
    if isinstance(value, bool):
        raise BadInput(f"per auditor: {value!r} is not a whole number")
    if isinstance(value, int):
        number = value
    else:
        try:
            number = int(str(value).strip())
        except ValueError:
            raise BadInput(f"per auditor: {str(value).strip()!r} is not a whole number; write e.g. 2") from None
    if number < 1:
        raise BadInput(f"per auditor: {number} is too few; allocate at least 1 case to each auditor")
    return number


def parse_seed(seed: object | None, label: str = "seed") -> str:
    """The seed as stored (trimmed); a fresh random one when none is given. `label` names
    the box or option in the refusal (an allocation's "seed", a round's "--seed")."""
    if seed is None:
        return new_seed()
    text = str(seed).strip()
    if not text:
        raise BadInput(f"{label}: it is empty; leave it out to have one chosen at random")
    return text


def new_seed() -> str:
    return secrets.token_hex(16)


def is_open_on(case: Case, day: date) -> bool:
    """Started on or before `day` and not closed before it."""
    return case.start_date <= day and (case.closed_date is None or case.closed_date >= day)


def look_back(day: date) -> tuple[date, date]:
    """The window an earlier audit excludes a case in: [same date a year earlier, day)."""
    return day - relativedelta(months=LOOK_BACK_MONTHS), day


def frame_sha256(refs: Iterable[str]) -> str:
    """SHA-256 of the newline-joined sorted frame refs."""
    return hashlib.sha256("\n".join(sorted(refs)).encode("utf-8")).hexdigest()


def rank_key(seed: str, username: str, case_ref: str) -> str:
    """The alloc-v1 ranking key: hex SHA-256 of "{seed}:{username}:{case_ref}"."""
    return hashlib.sha256(f"{seed}:{username}:{case_ref}".encode("utf-8")).hexdigest()


def build_frame(cases: Iterable[Case], month: object) -> list[FrameCase]:
    day = first_day(month)
    frame = [FrameCase(case_ref=c.case_ref, team=c.team, worker=c.worker, line_manager=c.line_manager)
             for c in cases if is_open_on(c, day)]
    return sorted(frame, key=lambda c: c.case_ref)


def recently_audited(submissions: Iterable[tuple[str, date]], month: object) -> set[str]:
    """Case refs with an audit submitted in the 12 months before the month's first day.

    `submissions` are (case_ref, submitted_on) of submitted audits.
    """
    start, end = look_back(first_day(month))
    return {ref for ref, on in submissions if on is not None and start <= on < end}


def may_be_allocated(auditor: Auditor, case: FrameCase) -> bool:
    """Independence: not the auditor's own team, nor a case they work or line-manage."""
    if auditor.team is not None and case.team == auditor.team:
        return False
    return auditor.username not in (case.worker, case.line_manager)


def select(frame: list[FrameCase], auditors: list[Auditor], recent: Iterable[str],
           already: Iterable[str], seed: str, per_auditor: int) -> tuple[dict[str, list[str]], dict[str, int]]:
    """(auditor -> allocated refs sorted, auditor -> shortfall) for the stored inputs."""
    taken = set(already)
    excluded = set(recent)
    allocated: dict[str, list[str]] = {}
    short: dict[str, int] = {}
    for auditor in sorted(auditors, key=lambda a: a.username):
        # rank_key for each candidate, from one hashed prefix: a council's frame is ~17,000
        # cases times ~45 auditors, so the hashing is most of an allocation's time.
        prefix = hashlib.sha256(f"{seed}:{auditor.username}:".encode("utf-8"))
        ranked = []
        for c in frame:
            if c.case_ref in taken or c.case_ref in excluded or not may_be_allocated(auditor, c):
                continue
            digest = prefix.copy()
            digest.update(c.case_ref.encode("utf-8"))
            ranked.append((digest.hexdigest(), c.case_ref))
        chosen = [ref for _, ref in heapq.nsmallest(per_auditor, ranked)]
        taken.update(chosen)
        allocated[auditor.username] = sorted(chosen)
        if len(chosen) < per_auditor:
            short[auditor.username] = per_auditor - len(chosen)
    return allocated, short


def allocate(
    cases: Iterable[Case],
    users: Iterable[User],
    submissions: Iterable[tuple[str, date]],
    already_allocated: Iterable[str],
    month: object,
    per_auditor: object,
    seed: object | None = None,
    allocated_by: str | None = None,
    allocated_at: datetime | None = None,
) -> Allocation:
    """Allocate a month by alloc-v1.

    `users` are the users holding the auditor role; `submissions` (case_ref, submitted_on)
    of submitted audits; `already_allocated` the refs allocated earlier in the month.
    """
    code = parse_month(month)
    k = parse_per_auditor(per_auditor)
    seed_text = parse_seed(seed)
    frame = build_frame(cases, code)
    refs = [c.case_ref for c in frame]
    if len(refs) != len(set(refs)):
        dupes = sorted({r for r in refs if refs.count(r) > 1})
        raise BadInput(f"frame: case refs appear more than once: {', '.join(dupes)}")
    in_frame = set(refs)
    auditors = sorted((Auditor(username=u.username, team=u.team) for u in users), key=lambda a: a.username)
    recent = sorted(recently_audited(submissions, code) & in_frame)
    already = sorted(set(already_allocated) & in_frame)
    allocated, short = select(frame, auditors, recent, already, seed_text, k)
    return Allocation(
        month=code, seed=seed_text, per_auditor=k, frame=frame, frame_sha256=frame_sha256(refs),
        auditors=auditors, recently_audited=recent, already_allocated=already,
        allocated=allocated, short=short, allocated_by=allocated_by, allocated_at=allocated_at,
    )


def verify(allocation: Allocation, stored_rows: Mapping[str, list[str]] | None = None,
           earlier: Iterable[str] | None = None) -> tuple[bool, list[str]]:
    """Re-derive a stored allocation from its stored inputs; (True, []) when all matches.

    `stored_rows` (auditor -> refs, as the allocated-case rows hold them now) are compared
    as well as the allocation's own record; `earlier` (refs allocated this month before
    it, as stored now) is compared with the exclusions it recorded.
    """
    reasons: list[str] = []
    if allocation.algorithm != ALGORITHM:
        return False, [f"algorithm {allocation.algorithm!r} is not known (expected {ALGORITHM!r})"]
    refs = [c.case_ref for c in allocation.frame]
    recomputed = frame_sha256(refs)
    if recomputed != allocation.frame_sha256:
        reasons.append(f"frame hash differs: stored {allocation.frame_sha256}, "
                       f"the stored frame hashes to {recomputed}")
    if refs != sorted(set(refs)):
        reasons.append("the stored frame is not in case_ref order, or lists a case more than once")
    if earlier is not None and sorted(set(earlier) & set(refs)) != sorted(allocation.already_allocated):
        reasons.append(
            f"cases allocated earlier this month differ: recorded {', '.join(allocation.already_allocated) or 'none'}, "
            f"stored now {', '.join(sorted(set(earlier) & set(refs))) or 'none'}")
    try:
        k = parse_per_auditor(allocation.per_auditor)
        first_day(allocation.month)
    except BadInput as err:
        return False, reasons + [f"stored parameters are invalid: {line}" for line in err.lines]
    expected, short = select(allocation.frame, allocation.auditors, allocation.recently_audited,
                             allocation.already_allocated, allocation.seed, k)
    reasons += _differences("the allocation's record", expected, allocation.allocated)
    if short != allocation.short:
        reasons.append(f"shortfalls differ: re-derived {_shortfalls(short)}, stored {_shortfalls(allocation.short)}")
    if stored_rows is not None:
        reasons += _differences("the allocated-case rows", expected, stored_rows)
    return not reasons, reasons


def _shortfalls(short: Mapping[str, int]) -> str:
    return ", ".join(f"{a} {n}" for a, n in sorted(short.items())) or "none"


def _differences(where: str, expected: Mapping[str, list[str]], stored: Mapping[str, list[str]]) -> list[str]:
    reasons: list[str] = []
    for auditor in sorted(set(expected) | set(stored)):
        want = sorted(expected.get(auditor, []))
        have = sorted(stored.get(auditor, []))
        if auditor not in expected:
            reasons.append(f"{where}: {auditor} is not an auditor of this allocation but holds {', '.join(have)}")
            continue
        if want == have:
            continue
        extra = sorted(set(have) - set(want))
        missing = sorted(set(want) - set(have))
        if extra:
            reasons.append(f"{where}: {auditor} holds {', '.join(extra)}, not drawn by the seed")
        if missing:
            reasons.append(f"{where}: {auditor} should hold {', '.join(missing)}, drawn by the seed")
        if not extra and not missing:
            reasons.append(f"{where}: {auditor} holds a case more than once")
    return reasons
