"""The statuses alone (what an import keeps) are the full evaluation's, standard for standard."""

import random
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from audit_tools.models import Case, CaseType, Event, EventKind
from audit_tools.standards import evaluate, load_catalogue, statuses
from sample_audits.department import make_cases, make_events, make_users

CATALOGUE = load_catalogue()
START = date(2023, 1, 1)


def _full(case: Case, as_of: date) -> dict:
    return {r.standard: r.status for r in evaluate(case, as_of, CATALOGUE).results}


def _sample_cases(seed: int) -> list[Case]:
    rng = random.Random(seed)
    cases = make_cases(rng, make_users(rng))
    return [case.model_copy(update={"events": make_events(rng, case)}) for case in cases]


SAMPLE = _sample_cases(20240401)


@settings(max_examples=150, deadline=None)
@given(index=st.integers(min_value=0, max_value=len(SAMPLE) - 1),
       days=st.integers(min_value=-60, max_value=900))
def test_a_sample_case_has_the_same_statuses_either_way(index, days):
    case = SAMPLE[index]
    as_of = case.start_date + timedelta(days=days)
    found = statuses(case, as_of, CATALOGUE)
    assert list(found) == [s.id for s in CATALOGUE.applicable(case.case_type)]
    assert found == _full(case, as_of)


events = st.builds(
    Event,
    kind=st.sampled_from(list(EventKind)),
    date=st.integers(min_value=0, max_value=900).map(lambda n: START + timedelta(days=n)),
    child_seen=st.booleans(),
    seen_alone=st.one_of(st.none(), st.booleans()),
    reason_not_alone=st.one_of(st.none(), st.just("asleep"), st.just("  ")),
)
cases = st.builds(
    Case,
    case_ref=st.just("C-1"),
    case_type=st.sampled_from(list(CaseType)),
    start_date=st.integers(min_value=0, max_value=400).map(lambda n: START + timedelta(days=n)),
    closed_date=st.one_of(st.none(), st.integers(min_value=400, max_value=1000).map(
        lambda n: START + timedelta(days=n))),
    events=st.lists(events, max_size=40),
)


@settings(max_examples=300, deadline=None)
@given(case=cases, as_of=st.integers(min_value=0, max_value=1000).map(lambda n: START + timedelta(days=n)))
def test_any_case_has_the_same_statuses_either_way(case, as_of):
    assert statuses(case, as_of, CATALOGUE) == _full(case, as_of)


def test_every_kind_of_status_is_met_in_the_sample():
    """The property above is tried on every status the engine gives, not only the common ones."""
    seen = {status for case in SAMPLE[:60] for day in (90, 200, 400)
            for status in statuses(case, case.start_date + timedelta(days=day), CATALOGUE).values()}
    assert len(seen) == 5  # met, partly met, not met, not applicable, and None for judgement
