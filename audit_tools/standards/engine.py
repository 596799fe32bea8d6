"""The standards engine: a case's events and an as-at date in, one result per standard out.

Pure functions: no clock, no files, no database. The rules are product.md's, exactly:
see each `_evaluate_*` function. Dates are compared by day; the look-back window is the
catalogue's period (6 months by default) up to and including the as-at date, starting
on the day that period before as-at falls on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from audit_tools.calendar import ENGLAND_AND_WALES, Calendar, Duration, format_day
from audit_tools.models import Case, CheckReport, Event, EventKind, Late, StandardResult, Status
from audit_tools.standards.catalogue import Catalogue, Standard

# How the evidence sentence names each kind of event: (noun, plural, what happened to it).
EVENT_WORDS: dict[EventKind, tuple[str, str, str]] = {
    EventKind.visit: ("visit", "visits", "seen"),
    EventKind.supervision: ("supervision", "supervisions", "supervised"),
    EventKind.chronology: ("chronology", "chronology updates", "updated"),
    EventKind.plan_review: ("plan review", "plan reviews", "reviewed"),
    EventKind.referral: ("referral", "referrals", "referred"),
    EventKind.assessment_completed: ("assessment", "assessments", "completed"),
    EventKind.strategy_discussion: ("strategy discussion", "strategy discussions", "held"),
    EventKind.icpc: ("initial conference (ICPC)", "initial conferences", "held"),
    EventKind.review_conference: ("review conference", "review conferences", "held"),
    EventKind.cla_review: ("looked-after review", "looked-after reviews", "held"),
    EventKind.missing_return: ("return from missing", "returns from missing", "returned"),
    EventKind.return_interview: ("return interview", "return interviews", "held"),
}
ANCHOR_SHORT: dict[str, str] = {"icpc": "ICPC"}
MAX_LATE_IN_SENTENCE = 3


@dataclass(frozen=True)
class Interval:
    """One assessed expectation: due by `due`, happened on `actual` (None: not by as-of)."""

    due: date
    actual: date | None

    @property
    def on_time(self) -> bool:
        return self.actual is not None and self.actual <= self.due


@dataclass(frozen=True, slots=True)
class _Finding:
    """One standard's status, with its evidence sentence and late events only on demand: an
    import keeps the statuses alone, and the sentences cost more than the rules do."""

    status: Status | None
    evidence: Callable[[], str]
    late: tuple[Interval, ...] = ()


def _said(text: str) -> Callable[[], str]:
    return lambda: text


def _words(kind: EventKind) -> tuple[str, str, str]:
    return EVENT_WORDS[kind]


def _qualifying_dates(events: list[Event], kind: EventKind, start: date, as_of: date) -> list[date]:
    """Distinct dates of events of `kind` from `start` to `as_of`; visits only where the child was seen."""
    days = {
        e.date
        for e in events
        if e.kind == kind and start <= e.date <= as_of and (kind != EventKind.visit or e.child_seen)
    }
    return sorted(days)


def _status(assessed: list[Interval], threshold: float) -> Status:
    on_time = sum(1 for i in assessed if i.on_time)
    if on_time == len(assessed):
        return Status.met
    # Compare as integers so 4 of 5 at a 0.8 threshold is exact, not a float near miss.
    if on_time * 1000 >= round(threshold * 1000) * len(assessed):
        return Status.partly_met
    return Status.not_met


def _late_sentence(late: list[Interval], kind: EventKind, as_of: date) -> str:
    _, _, happened = _words(kind)
    parts = []
    for interval in late[:MAX_LATE_IN_SENTENCE]:
        if interval.actual is None:
            parts.append(f"due {format_day(interval.due)}, none by {format_day(as_of)}")
        else:
            parts.append(f"due {format_day(interval.due)}, {happened} {format_day(interval.actual)}")
    more = len(late) - MAX_LATE_IN_SENTENCE
    text = "; ".join(parts)
    if more > 0:
        text += f"; and {more} more"
    return text


def _summarise(
    standard: Standard,
    assessed: list[Interval],
    pending_due: date | None,
    threshold: float,
    as_of: date,
    nothing_text: str,
) -> _Finding:
    kind = standard.kind
    assert kind is not None
    noun, plural, _ = _words(kind)
    if not assessed:
        def nothing() -> str:
            if pending_due is None:
                return nothing_text
            return nothing_text + f"; next {noun} due by {format_day(pending_due)}"

        return _Finding(Status.not_applicable, nothing)
    late = [i for i in assessed if not i.on_time]
    late.sort(key=lambda i: (i.due, i.actual or date.max))

    def evidence() -> str:
        on_time = len(assessed) - len(late)
        text = f"{on_time} of {len(assessed)} {plural if len(assessed) != 1 else noun} on time"
        if late:
            text += "; late: " + _late_sentence(late, kind, as_of)
        if pending_due is not None:
            text += f"; next due by {format_day(pending_due)}"
        return text

    return _Finding(_status(assessed, threshold), evidence, tuple(late))


def _evaluate_interval(
    standard: Standard, case: Case, as_of: date, window_start: date, threshold: float, calendar: Calendar
) -> _Finding:
    """Interval rule: events of a kind expected at staged intervals from an anchor.

    The first is due `first_within` of the anchor, the second `then_within` (else
    `every`) of the first, later ones `every` of the one before; each due date runs from
    the actual event, late or not. After the last event the next is due the same way:
    past due at as-of is one more late interval with no actual date, otherwise it is
    not yet due. Only intervals ending in the look-back window are assessed.
    """
    assert standard.kind and standard.anchor and standard.first_within and standard.every
    if standard.anchor == "start":
        anchor = case.start_date
        if anchor > as_of:
            starts = anchor
            return _Finding(Status.not_applicable, lambda: f"case starts {format_day(starts)}, after the as-at date")
    else:
        anchor_kind = EventKind(standard.anchor)
        anchors = sorted(e.date for e in case.events if e.kind == anchor_kind and e.date <= as_of)
        if not anchors:
            name = ANCHOR_SHORT.get(anchor_kind.value, _words(anchor_kind)[0])
            return _Finding(Status.not_applicable, _said(f"no {name} yet"))
        anchor = anchors[0]

    def limit_after(position: int) -> Duration:
        # position = how many events have happened so far (0: waiting for the first)
        if position == 0:
            limit = standard.first_within
        elif position == 1 and standard.then_within is not None:
            limit = standard.then_within
        else:
            limit = standard.every
        assert limit is not None  # the catalogue requires first_within and every of an interval rule
        return limit

    # A closed case expects nothing after it closed.
    horizon = min(as_of, case.closed_date) if case.closed_date else as_of
    dates = _qualifying_dates(case.events, standard.kind, anchor, horizon)
    intervals: list[Interval] = []
    previous = anchor
    for position, day in enumerate(dates):
        due = calendar.add(previous, limit_after(position))
        intervals.append(Interval(due=due, actual=day))
        previous = day
    next_due = calendar.add(previous, limit_after(len(dates)))
    pending: date | None = None
    if horizon > next_due:
        intervals.append(Interval(due=next_due, actual=None))
    elif horizon == as_of:
        pending = next_due

    assessed = [i for i in intervals if window_start <= (i.actual or horizon) <= as_of]
    noun = _words(standard.kind)[0]
    return _summarise(standard, assessed, pending, threshold, as_of, f"no {noun} due in the look-back window")


def _evaluate_within(
    standard: Standard, case: Case, as_of: date, window_start: date, threshold: float, calendar: Calendar
) -> _Finding:
    """Within rule: after each trigger event in the window, a follow-up within a limit."""
    assert standard.kind and standard.after and standard.limit
    triggers = sorted({e.date for e in case.events if e.kind == standard.after and window_start <= e.date <= as_of})
    follow_ups = _qualifying_dates(case.events, standard.kind, date.min, as_of)
    assessed: list[Interval] = []
    pending: list[date] = []
    for trigger in triggers:
        due = calendar.add(trigger, standard.limit)
        actual = next((d for d in follow_ups if d >= trigger), None)
        if actual is not None:
            assessed.append(Interval(due=due, actual=actual))
        elif as_of > due:
            assessed.append(Interval(due=due, actual=None))
        else:
            pending.append(due)
    after_noun = _words(standard.after)[0]
    noun = _words(standard.kind)[0]
    if not assessed:
        if pending:
            return _Finding(Status.not_applicable,
                            lambda: f"{noun} pending after the {after_noun}: due by {format_day(min(pending))}")
        return _Finding(Status.not_applicable, _said(f"no {after_noun} in the look-back window"))
    found = _summarise(standard, assessed, None, threshold, as_of, "")
    if not pending:
        return found
    return _Finding(found.status, lambda: found.evidence() + f"; another due by {format_day(min(pending))}",
                    found.late)


def _evaluate_present(standard: Standard, case: Case, as_of: date, calendar: Calendar) -> _Finding:
    """Present rule: an event of the kind on file by as-of, and recent enough."""
    assert standard.kind and standard.fresh_within
    noun, _, happened = _words(standard.kind)
    dates = _qualifying_dates(case.events, standard.kind, date.min, as_of)
    if not dates:
        return _Finding(Status.not_met, lambda: f"no {noun} on file by {format_day(as_of)}")
    latest = dates[-1]
    fresh_until = calendar.add(latest, standard.fresh_within)
    if fresh_until >= as_of:
        return _Finding(Status.met,
                        lambda: f"{noun} {happened} {format_day(latest)}; current until {format_day(fresh_until)}")
    return _Finding(Status.partly_met, lambda: (
        f"{noun} on file but out of date: last {happened} {format_day(latest)}, "
        f"update was due by {format_day(fresh_until)}"))


def _evaluate_seen_alone(case: Case, as_of: date, window_start: date) -> _Finding:
    """Seen-alone rule over visits where the child was seen, inside the window."""
    visits = sorted(
        (e for e in case.events if e.kind == EventKind.visit and e.child_seen and window_start <= e.date <= as_of),
        key=lambda e: e.date,
    )
    if not visits:
        return _Finding(Status.not_applicable, _said("no visits where the child was seen in the look-back window"))
    exceptions = [v for v in visits if v.seen_alone is not True]
    # An unrecorded answer counts as "not alone, no reason".
    unexplained = [v for v in exceptions if v.seen_alone is None or not (v.reason_not_alone or "").strip()]

    def seen() -> str:
        alone = len(visits) - len(exceptions)
        return f"seen alone at {alone} of {len(visits)} visit{'s' if len(visits) != 1 else ''}"

    if not exceptions:
        return _Finding(Status.met, seen)
    if not unexplained:
        return _Finding(Status.partly_met, lambda: seen() + "; a reason is recorded for each of the others")

    def unexplained_days() -> str:
        listed = ", ".join(format_day(v.date) for v in unexplained[:MAX_LATE_IN_SENTENCE])
        if len(unexplained) > MAX_LATE_IN_SENTENCE:
            listed += f" and {len(unexplained) - MAX_LATE_IN_SENTENCE} more"
        return seen() + f"; no reason recorded for not seeing the child alone on {listed}"

    return _Finding(Status.not_met, unexplained_days)


_JUDGEMENT = _Finding(None, _said("needs the auditor's judgement"))


def _find(standard: Standard, case: Case, as_of: date, catalogue: Catalogue, calendar: Calendar) -> _Finding:
    window_start = calendar.subtract(as_of, catalogue.look_back_for(standard))
    threshold = catalogue.threshold_for(standard)
    if standard.rule == "interval":
        return _evaluate_interval(standard, case, as_of, window_start, threshold, calendar)
    if standard.rule == "within":
        return _evaluate_within(standard, case, as_of, window_start, threshold, calendar)
    if standard.rule == "present":
        return _evaluate_present(standard, case, as_of, calendar)
    if standard.rule == "seen_alone":
        return _evaluate_seen_alone(case, as_of, window_start)
    return _JUDGEMENT


def evaluate_standard(
    standard: Standard, case: Case, as_of: date, catalogue: Catalogue, calendar: Calendar = ENGLAND_AND_WALES
) -> StandardResult:
    """One standard's automatic result for a case as at a date (events after it ignored)."""
    found = _find(standard, case, as_of, catalogue, calendar)
    return StandardResult(standard=standard.id, status=found.status, evidence=found.evidence(),
                          late=[Late(due=i.due, actual=i.actual) for i in found.late])


def evaluate(
    case: Case, as_of: date, catalogue: Catalogue, calendar: Calendar = ENGLAND_AND_WALES
) -> CheckReport:
    """Every standard that applies to the case type, in catalogue order."""
    results = [
        evaluate_standard(standard, case, as_of, catalogue, calendar)
        for standard in catalogue.applicable(case.case_type)
    ]
    return CheckReport(case_ref=case.case_ref, as_of=as_of, catalogue=catalogue.name, results=results)


def statuses(
    case: Case, as_of: date, catalogue: Catalogue, calendar: Calendar = ENGLAND_AND_WALES
) -> dict[str, Status | None]:
    """Each standard that applies to the case type, in catalogue order, with the status
    `evaluate` gives it, and no evidence: for a caller that keeps only the statuses (an import
    of historic audits stores them beside the scores), without the cost of the sentences."""
    return {standard.id: _find(standard, case, as_of, catalogue, calendar).status
            for standard in catalogue.applicable(case.case_type)}


@dataclass(frozen=True)
class StatusCounts:
    """What a case's check finds, counted once for the case list and the case's own header:
    standards not met, partly met, and standards with late events (any status)."""

    not_met: int
    partly_met: int
    late: int


def status_counts(report: CheckReport) -> StatusCounts:
    return StatusCounts(
        not_met=sum(1 for r in report.results if r.status == Status.not_met),
        partly_met=sum(1 for r in report.results if r.status == Status.partly_met),
        late=sum(1 for r in report.results if r.late),
    )
