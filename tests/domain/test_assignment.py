"""Moderator assignment: independence is never broken, and the work is spread evenly."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit_tools.assignment import assign, check_moderator, moderator_conflicts
from audit_tools.errors import BadInput, Refused
from audit_tools.models import Audit, Case, CaseType


def case(ref: str = "C-1", worker: str | None = "wes", manager: str | None = "max") -> Case:
    return Case(case_ref=ref, case_type=CaseType.CIN, start_date=date(2024, 1, 1), worker=worker, line_manager=manager)


def audit(audit_id: str, auditor: str = "amy", ref: str = "C-1") -> Audit:
    return Audit(audit_id=audit_id, case_ref=ref, auditor=auditor, as_of=date(2024, 5, 1), submitted_on=date(2024, 5, 2))


def test_conflicts_name_each_reason():
    assert moderator_conflicts("cat", "amy", case()) == []
    assert moderator_conflicts("amy", "amy", case()) == [
        "amy is the original auditor and may not moderate their own audit"
    ]
    assert moderator_conflicts("wes", "amy", case()) == ["wes is the allocated worker of case C-1"]
    assert moderator_conflicts("max", "amy", case()) == ["max is the line manager of case C-1"]
    both = case(worker="max", manager="max")
    assert len(moderator_conflicts("max", "max", both)) == 3


def test_manual_reassignment_is_refused_with_the_reason():
    check_moderator("cat", audit("A-1"), case())
    with pytest.raises(Refused) as err:
        check_moderator("max", audit("A-1"), case())
    assert err.value.lines == ["audit A-1: max is the line manager of case C-1"]


def test_load_is_balanced_with_current_loads_counted():
    sampled = [(audit(f"A-{i}"), case()) for i in range(6)]
    plan = assign(sampled, ["cat", "dan", "eve"], loads={"cat": 2})
    counts = Counter(plan.values())
    # cat starts with 2: dan and eve take the first four, then everyone is level.
    assert counts == {"dan": 3, "eve": 2, "cat": 1}
    totals = {m: counts[m] + {"cat": 2}.get(m, 0) for m in ["cat", "dan", "eve"]}
    assert max(totals.values()) - min(totals.values()) <= 1


def test_assignment_is_deterministic_and_skips_conflicted_moderators():
    sampled = [(audit("A-1", "amy"), case()), (audit("A-2", "cat"), case()), (audit("A-3", "dan"), case())]
    plan = assign(sampled, ["amy", "cat", "dan", "max"])
    assert plan == assign(list(reversed(sampled)), ["max", "dan", "cat", "amy"])
    assert all(plan[a.audit_id] not in {a.auditor, "wes", "max"} for a, _ in sampled)


def test_constrained_audits_are_placed_first():
    # A-9 can only go to dan; placing it first lets the others balance around it.
    sampled = [(audit("A-1", "amy"), case()), (audit("A-9", "cat"), case(worker="eve"))]
    plan = assign(sampled, ["dan", "eve"])
    assert plan == {"A-1": "eve", "A-9": "dan"}


def test_no_eligible_moderator_names_the_audits_and_assigns_nothing():
    sampled = [(audit("A-1", "amy"), case()), (audit("A-2", "cat"), case(worker="dan"))]
    with pytest.raises(BadInput) as err:
        assign(sampled, ["cat", "dan"])
    assert len(err.value.lines) == 1
    assert err.value.lines[0].startswith("audit A-2 (case C-1, auditor cat): no eligible moderator")


def test_no_moderators_at_all_is_bad_input():
    with pytest.raises(BadInput) as err:
        assign([(audit("A-1"), case())], [])
    assert "moderator role" in err.value.lines[0]


def test_empty_sample_assigns_nothing():
    assert assign([], ["cat"]) == {}


names = st.sampled_from(["amy", "ben", "cat", "dan", "eve", "fay"])


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.tuples(names, st.one_of(st.none(), names), st.one_of(st.none(), names)), max_size=25),
    moderators=st.lists(names, max_size=6),
    loads=st.dictionaries(names, st.integers(0, 5)),
)
def test_no_assignment_ever_breaks_independence(rows, moderators, loads):
    sampled = [
        (audit(f"A-{i:02d}", auditor, f"C-{i}"), case(f"C-{i}", worker, manager))
        for i, (auditor, worker, manager) in enumerate(rows)
    ]
    try:
        plan = assign(sampled, moderators, loads)
    except BadInput as err:
        # Refused only when some audit really has nobody eligible, and each such audit is named.
        stuck = [a.audit_id for a, c in sampled if all(moderator_conflicts(m, a.auditor, c) for m in moderators)]
        assert stuck
        assert [line.split()[1].rstrip(":") for line in err.lines] == stuck
        return
    assert set(plan) == {a.audit_id for a, _ in sampled}
    for a, c in sampled:
        chosen = plan[a.audit_id]
        assert chosen in moderators
        assert chosen not in {a.auditor, c.worker, c.line_manager}
        assert moderator_conflicts(chosen, a.auditor, c) == []
