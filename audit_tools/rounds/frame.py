"""A round's filters and its frame: the cases open on the round's date that match them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from pydantic import Field, field_validator

from audit_tools.allocation import is_open_on
from audit_tools.calendar import ENGLAND_AND_WALES, Duration
from audit_tools.errors import BadInput
from audit_tools.models import Case, CaseType, EventKind, Model



class EventFilter(Model):
    kind: EventKind
    within: str  # a duration: Nm, Nw or Nd

    @field_validator("within")
    @classmethod
    def _duration(cls, value: str) -> str:
        return str(parse_within(value))


class Filters(Model):
    case_types: list[CaseType] = Field(default_factory=list)
    teams: list[str] = Field(default_factory=list)
    with_event: EventFilter | None = None

    def words(self) -> str:
        parts = []
        if self.case_types:
            parts.append("case types " + ", ".join(t.value for t in self.case_types))
        if self.teams:
            parts.append("teams " + ", ".join(self.teams))
        if self.with_event:
            parts.append(f"a {self.with_event.kind.value} event within {self.with_event.within}")
        return "; ".join(parts) or "no filters"


def parse_within(value: object) -> Duration:
    """A look-back for an event filter: Nm, Nw or Nd (months clamp to the month's end)."""
    text = str(value).strip()
    try:
        duration = Duration.parse(text)
    except ValueError:
        duration = None
    if duration is None or duration.unit == "wd" or duration.amount < 1:
        raise BadInput(f"--within: {text!r} is not a look-back; write a whole number and m, w or d, e.g. 6m")
    return duration


def event_window(day: date, within: str | Duration) -> tuple[date, date]:
    """From the day that is `within` before `day` to `day`, both inclusive."""
    return ENGLAND_AND_WALES.subtract(day, Duration.parse(str(within))), day


def parse_list(text: str | Sequence[str] | None) -> list[str]:
    if text is None:
        return []
    parts = text.split(",") if isinstance(text, str) else list(text)
    return [p.strip() for p in parts if p.strip()]


def parse_case_types(text: str | Sequence[str] | None) -> list[CaseType]:
    found: list[CaseType] = []
    for part in parse_list(text):
        try:
            kind = CaseType(part.upper())
        except ValueError:
            raise BadInput(f"--case-types: {part!r} is not a case type; "
                           f"use {', '.join(t.value for t in CaseType)}") from None
        if kind not in found:
            found.append(kind)
    return found


def parse_filters(case_types: object = None, teams: object = None, with_event: object = None,
                  within: object = None) -> Filters:
    if (with_event is None) != (within is None):
        raise BadInput("--with-event and --within go together: e.g. --with-event missing_return --within 6m")
    event = None
    if with_event is not None:
        try:
            kind = EventKind(str(with_event).strip())
        except ValueError:
            raise BadInput(f"--with-event: {str(with_event).strip()!r} is not an event kind; "
                           f"use one of {', '.join(k.value for k in EventKind)}") from None
        event = EventFilter(kind=kind, within=str(parse_within(within)))
    return Filters(case_types=parse_case_types(case_types), teams=sorted(set(parse_list(teams))),  # type: ignore[arg-type]
                   with_event=event)


class FrameCase(Model):
    """A frame case as it stood on the round's date."""

    case_ref: str = Field(min_length=1)
    worker: str | None = None
    line_manager: str | None = None


def matches(case: Case, day: date, filters: Filters) -> bool:
    """Open on `day` and matching every filter; an event filter reads `case.events`."""
    if not is_open_on(case, day):
        return False
    if filters.case_types and case.case_type not in filters.case_types:
        return False
    if filters.teams and case.team not in filters.teams:
        return False
    if filters.with_event is not None:
        start, end = event_window(day, filters.with_event.within)
        kind = filters.with_event.kind
        if not any(e.kind == kind and start <= e.date <= end for e in case.events):
            return False
    return True


def build_frame(cases: Iterable[Case], day: date, filters: Filters) -> list[FrameCase]:
    frame = [FrameCase(case_ref=c.case_ref, worker=c.worker, line_manager=c.line_manager)
             for c in cases if matches(c, day, filters)]
    return sorted(frame, key=lambda c: c.case_ref)

