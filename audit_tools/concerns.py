"""Safeguarding concerns raised while auditing (product.md "Safeguarding concerns raised
while auditing"): what a concern holds, its states, who may act on it, and the quarter's
counts for the themes report.

A concern is raised from inside an audit (a draft, a submitted audit, or a moderator's
blind re-audit) when the auditor finds that a child may be at risk now. It is stored at
once on its own, reaches the case's line manager and every QA lead, and moves one way:

    open  --acknowledge (who, when)-->  acknowledged  --close (who, when, action taken)-->  closed

Nothing ever deletes or reopens one. Pure: times are passed in (aware datetimes); a
concern's *day* is the date in Europe/London when it happened.

The quarter's counts (`quarter_counts`), each for a financial-year quarter [start, end]:

- raised: concerns raised on a day in the quarter;
- acknowledged_within_1wd: of those, the ones acknowledged on or before the first working
  day after the day raised (working days from audit_tools.calendar: Monday to Friday less
  England and Wales bank holidays, and any closure days the Calendar passed in holds). Raised on Friday
  before a bank-holiday Monday, acknowledged on Tuesday: within 1 working day. Raised on a
  Saturday, acknowledged on Monday: within. An acknowledgement given after the quarter's
  end still counts for the quarter of the day raised;
- open: concerns raised on or before the quarter's last day and not closed by the end of
  it (closed on a later day counts as open), whether acknowledged or not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Iterable

from audit_tools.calendar import ENGLAND_AND_WALES, Calendar, london_day
from audit_tools.errors import BadInput, Refused
from audit_tools.models import User
from audit_tools.permissions import Facts, Op, decide, require
from audit_tools.quarters import Quarter

# Long enough to say what was found and what to do, short enough for a screen and a report.
MAX_TEXT = 4000

# Where in caseaudit it was raised.
SOURCES = ("audit", "blind re-audit")


class ConcernState(str, Enum):
    open = "open"
    acknowledged = "acknowledged"
    closed = "closed"


@dataclass(frozen=True)
class Concern:
    concern_id: str
    case_ref: str
    audit_id: str | None
    raised_by: str
    raised_at: datetime
    found: str
    should_happen: str
    source: str = "audit"
    line_manager: str | None = None  # the case's, when it was read
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    closed_by: str | None = None
    closed_at: datetime | None = None
    action_taken: str | None = None

    @property
    def state(self) -> ConcernState:
        if self.closed_at is not None:
            return ConcernState.closed
        if self.acknowledged_at is not None:
            return ConcernState.acknowledged
        return ConcernState.open


def _text_problems(text: str | None, what: str) -> list[str]:
    value = (text or "").strip()
    if not value:
        return [f"{what}: required; write it in a sentence or two"]
    if len(value) > MAX_TEXT:
        return [f"{what}: {len(value)} characters, more than {MAX_TEXT}; keep it to the essentials"]
    return []


def raise_problems(found: str | None, should_happen: str | None) -> dict[str, list[str]]:
    """What is wrong with a concern's two texts, by field ("found", "should_happen")."""
    problems = {
        "found": _text_problems(found, "what you found"),
        "should_happen": _text_problems(should_happen, "what should happen now"),
    }
    return {k: v for k, v in problems.items() if v}


def check_raise(user: User | None, found: str | None, should_happen: str | None, source: str = "audit") -> None:
    """Refuse a concern the user may not raise, or whose texts are missing."""
    require(user, Op.raise_concern)
    if source not in SOURCES:
        raise BadInput(f"source {source!r}: must be one of {', '.join(SOURCES)}")
    problems = raise_problems(found, should_happen)
    if problems:
        raise BadInput(*(line for lines in problems.values() for line in lines))


def concern_facts(concern: Concern) -> Facts:
    """The policy's facts of a concern: its id, its case and the case's line manager."""
    return Facts(concern_id=concern.concern_id, case_ref=concern.case_ref,
                 case_line_manager=concern.line_manager)


def may_act(user: User | None, concern: Concern) -> bool:
    """The case's line manager and every QA lead (and admins) acknowledge and close: the
    policy's answer (audit_tools.permissions)."""
    return decide(user, Op.acknowledge_concern, concern_facts(concern)).allowed


def _require_act(user: User | None, concern: Concern, doing: str) -> None:
    require(user, Op.acknowledge_concern if doing == "acknowledge" else Op.close_concern, concern_facts(concern))


def check_acknowledge(user: User | None, concern: Concern) -> None:
    _require_act(user, concern, "acknowledge")
    if concern.state is not ConcernState.open:
        raise Refused(f"concern {concern.concern_id} is already {concern.state.value} "
                      f"(by {concern.acknowledged_by})")


def check_close(user: User | None, concern: Concern, action_taken: str | None) -> None:
    _require_act(user, concern, "close")
    if concern.state is ConcernState.closed:
        raise Refused(f"concern {concern.concern_id} is already closed (by {concern.closed_by})")
    if concern.state is ConcernState.open:
        raise Refused(f"concern {concern.concern_id} is not acknowledged yet: acknowledge it first, "
                      "so who took it on is on record")
    problems = _text_problems(action_taken, "the action taken")
    if problems:
        raise BadInput(*problems)


# --- the quarter's counts --------------------------------------------------------------


@dataclass(frozen=True)
class ConcernTimes:
    """Only what the counts read: when raised, acknowledged and closed."""

    raised_at: datetime
    acknowledged_at: datetime | None = None
    closed_at: datetime | None = None


@dataclass(frozen=True)
class ConcernCounts:
    raised: int = 0
    acknowledged_within_1wd: int = 0
    open: int = 0


def acknowledged_within_1wd(raised_at: datetime, acknowledged_at: datetime | None,
                            calendar: Calendar = ENGLAND_AND_WALES) -> bool:
    """Acknowledged on or before the first working day after the day raised (London dates)."""
    if acknowledged_at is None:
        return False
    deadline = calendar.add_working_days(london_day(raised_at), 1)
    return london_day(acknowledged_at) <= deadline


def quarter_counts(quarter: Quarter, concerns: Iterable[ConcernTimes | Concern],
                   calendar: Calendar = ENGLAND_AND_WALES) -> ConcernCounts:
    raised = within = open_ = 0
    for c in concerns:
        day = london_day(c.raised_at)
        if quarter.start <= day <= quarter.end:
            raised += 1
            within += acknowledged_within_1wd(c.raised_at, c.acknowledged_at, calendar)
        if day <= quarter.end and (c.closed_at is None or london_day(c.closed_at) > quarter.end):
            open_ += 1
    return ConcernCounts(raised=raised, acknowledged_within_1wd=within, open=open_)
