"""Properties of alloc-v1 over random services: independence is never broken, no case is
allocated twice in a month (over two allocations of it), every allocated case was open on
the first day and not audited in the year before, and each allocation verifies."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from audit_tools import allocation as alloc
from audit_tools.models import Case, User

TEAMS = ["north", "south", "east", None]
NAMES = [f"u{i}" for i in range(8)]
FIRST = date(2025, 3, 1)


@st.composite
def services(draw):
    users = [User(username=n, display_name=n, roles=["auditor"], team=draw(st.sampled_from(TEAMS)))
             for n in draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=6, unique=True))]
    cases = []
    for i in range(draw(st.integers(0, 30))):
        start = FIRST + timedelta(days=draw(st.integers(-400, 5)))
        closed = draw(st.one_of(st.none(), st.integers(-3, 60).map(lambda d: FIRST + timedelta(days=d))))
        if closed is not None and closed < start:
            closed = start
        cases.append(Case(case_ref=f"C-{i:03d}", case_type="CIN", start_date=start,
                          team=draw(st.sampled_from(TEAMS)), worker=draw(st.sampled_from(NAMES + [None])),
                          line_manager=draw(st.sampled_from(NAMES + [None])), closed_date=closed))
    submissions = [(f"C-{draw(st.integers(0, 40)):03d}", FIRST + timedelta(days=draw(st.integers(-400, 10))))
                   for _ in range(draw(st.integers(0, 15)))]
    return users, cases, submissions


@given(services(), st.integers(1, 4), st.integers(1, 4), st.text(min_size=1, max_size=8).filter(str.strip))
def test_independence_and_once_a_month_hold_over_two_allocations(service, k1, k2, seed):
    users, cases, submissions = service
    by_ref = {c.case_ref: c for c in cases}
    team = {u.username: u.team for u in users}
    start, end = date(2024, 3, 1), FIRST
    recent = {ref for ref, on in submissions if start <= on < end}
    one = alloc.allocate(cases, users, submissions, [], "2025-03", k1, seed)
    taken = [r for refs in one.allocated.values() for r in refs]
    two = alloc.allocate(cases, users, submissions, taken, "2025-03", k2, seed + "2")
    every = taken + [r for refs in two.allocated.values() for r in refs]
    assert len(every) == len(set(every)), "a case allocated twice in the month"
    for made, k in ((one, k1), (two, k2)):
        assert set(made.allocated) == {u.username for u in users}
        for auditor, refs in made.allocated.items():
            assert len(refs) + made.short.get(auditor, 0) == k
            for ref in refs:
                c = by_ref[ref]
                assert c.start_date <= FIRST and (c.closed_date is None or c.closed_date >= FIRST)
                assert auditor not in (c.worker, c.line_manager)
                assert team[auditor] is None or c.team != team[auditor]
                assert ref not in recent
        assert alloc.verify(made, made.allocated)[0]
