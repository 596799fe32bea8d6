"""Properties every automatic result keeps, whatever a case's history looks like."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from audit_tools.models import Case, CaseType, Event, EventKind, Status
from audit_tools.standards import evaluate, load_catalogue

CATALOGUE = load_catalogue()
START = date(2023, 1, 1)

events = st.builds(
    Event,
    kind=st.sampled_from(list(EventKind)),
    date=st.integers(min_value=0, max_value=900).map(lambda n: START + timedelta(days=n)),
    child_seen=st.booleans(),
    seen_alone=st.one_of(st.none(), st.booleans()),
    reason_not_alone=st.one_of(st.none(), st.just("asleep")),
)
cases = st.builds(
    Case,
    case_ref=st.just("C-1"),
    case_type=st.sampled_from(list(CaseType)),
    start_date=st.integers(min_value=0, max_value=400).map(lambda n: START + timedelta(days=n)),
    events=st.lists(events, max_size=40),
)
as_of_days = st.integers(min_value=0, max_value=1000).map(lambda n: START + timedelta(days=n))


@settings(max_examples=300, deadline=None)
@given(case=cases, as_of=as_of_days)
def test_results_are_consistent(case, as_of):
    report = evaluate(case, as_of, CATALOGUE)
    assert [r.standard for r in report.results] == [s.id for s in CATALOGUE.applicable(case.case_type)]
    for result in report.results:
        standard = CATALOGUE.get(result.standard)
        if standard.rule == "judgement":
            assert result.status is None
            continue
        assert result.status is not None and result.evidence
        if result.status in (Status.met, Status.not_applicable):
            assert result.late == []
        dues = [late.due for late in result.late]
        assert dues == sorted(dues)
        for late in result.late:
            assert late.due < as_of  # only what was already due can be late
            assert late.actual is None or late.actual > late.due


@settings(max_examples=200, deadline=None)
@given(case=cases, as_of=as_of_days, extra=st.lists(events, max_size=10))
def test_events_after_as_of_change_nothing(case, as_of, extra):
    later = [e.model_copy(update={"date": as_of + timedelta(days=1 + i)}) for i, e in enumerate(extra)]
    with_later = case.model_copy(update={"events": case.events + later})
    assert evaluate(with_later, as_of, CATALOGUE) == evaluate(case, as_of, CATALOGUE)
