"""alloc-v1 worked by hand (product.md "Allocation"): the frame on the month's first day,
the exclusions, the SHA-256 ranking, two allocations in one month, an auditor who runs
short, and verify finding what was changed. The ranks below were worked out with
hashlib on the literal strings, outside caseaudit."""

from __future__ import annotations

from datetime import date

import pytest

from audit_tools import allocation as alloc
from audit_tools.errors import BadInput
from audit_tools.models import Case, User

MONTH = "2025-09"


def case(ref, team, worker, lm, start="2024-01-01", closed=None) -> Case:
    return Case(case_ref=ref, case_type="CIN", start_date=start, team=team, worker=worker,
                line_manager=lm, closed_date=closed)


CASES = [
    case("C-01", "north", "wes", "max"),
    case("C-02", "north", "wes", "max", closed="2025-08-31"),  # closed the day before: not in the frame
    case("C-03", "north", "wes", "max", closed="2025-09-01"),  # closed on the first day: still open on it
    case("C-04", "north", "wes", "max", start="2025-09-02"),  # not started yet on the first day
    case("C-05", "south", "sid", "sue", start="2025-09-01"),  # started on the first day
    case("C-06", "south", "sid", "sue"),
    case("C-07", None, "amy", "max"),  # amy works it, max line-manages it
    case("C-08", "south", "sid", "sue"),
    case("C-09", "north", "wes", "max"),
]
AUDITORS = [
    User(username="sue", display_name="Sue", roles=["auditor"], team="south"),
    User(username="amy", display_name="Amy", roles=["auditor"], team="qa"),
    User(username="max", display_name="Max", roles=["auditor"], team="north"),
]
SUBMISSIONS = [
    ("C-06", date(2024, 9, 1)),  # the same date a year earlier: excluded
    ("C-08", date(2024, 8, 31)),  # the day before the window: no exclusion
    ("C-09", date(2025, 9, 1)),  # on the first day itself, not before it: no exclusion
]
FRAME = ["C-01", "C-03", "C-05", "C-06", "C-07", "C-08", "C-09"]
FRAME_SHA = "a4a82175cb5b270c63c74fe5af3056e4ce5c6ab166b8e674f74ff6a2d907616f"  # of "C-01\nC-03\n…\nC-09"


def first(**kw):
    return alloc.allocate(CASES, AUDITORS, SUBMISSIONS, [], MONTH, kw.get("k", 1), "first")


def test_the_frame_is_the_cases_open_on_the_first_day_sorted_and_hashed():
    made = first()
    assert [c.case_ref for c in made.frame] == FRAME
    assert made.frame_sha256 == FRAME_SHA
    assert made.frame_size == 7
    assert made.recently_audited == ["C-06"]
    assert made.algorithm == "alloc-v1" and made.month == MONTH and made.seed == "first"


def test_each_auditor_takes_the_lowest_ranked_candidate_in_username_order():
    # amy ranks C-03 (152a6c8d…) first; max may not have north or C-07 and ranks C-05
    # (8c3b3ea6…) before C-08; sue may not have south and ranks C-01 (7a780ebb…) first.
    made = first()
    assert made.allocated == {"amy": ["C-03"], "max": ["C-05"], "sue": ["C-01"]}
    assert made.short == {}
    assert list(made.allocated) == ["amy", "max", "sue"]


def test_a_second_allocation_in_the_month_leaves_out_the_first_ones_cases_and_runs_short():
    earlier = first()
    taken = [r for refs in earlier.allocated.values() for r in refs]
    second = alloc.allocate(CASES, AUDITORS, SUBMISSIONS, taken, MONTH, 2, "second")
    assert second.already_allocated == ["C-01", "C-03", "C-05"]
    # amy: C-08 (6e1dd2b4…), C-09 (ff623948…); max: nothing left outside north that he
    # does not line-manage; sue: only C-07 is left to her.
    assert second.allocated == {"amy": ["C-08", "C-09"], "max": [], "sue": ["C-07"]}
    assert second.short == {"max": 2, "sue": 1}


def test_verify_passes_on_what_was_made_and_names_what_was_changed():
    made = first()
    assert alloc.verify(made, made.allocated, []) == (True, [])
    tampered = made.model_copy(update={"allocated": {"amy": ["C-08"], "max": ["C-05"], "sue": ["C-01"]}})
    ok, reasons = alloc.verify(tampered)
    assert not ok
    assert "the allocation's record: amy holds C-08, not drawn by the seed" in reasons
    assert "the allocation's record: amy should hold C-03, drawn by the seed" in reasons
    ok, reasons = alloc.verify(made, {"amy": ["C-03"], "max": ["C-05"], "sue": ["C-09"]})
    assert not ok and "the allocated-case rows: sue holds C-09, not drawn by the seed" in reasons
    dropped = made.model_copy(update={"frame": made.frame[1:]})
    ok, reasons = alloc.verify(dropped)
    assert not ok and reasons[0].startswith("frame hash differs")
    reseeded = made.model_copy(update={"seed": "other"})
    assert not alloc.verify(reseeded)[0]
    ok, reasons = alloc.verify(made, made.allocated, ["C-09"])
    assert not ok and "cases allocated earlier this month differ" in reasons[0]


@pytest.mark.parametrize("month", ["2025-13", "Sept", "", "2025-00", "Oct 25", "13/2025", "2025-10-01"])
def test_a_bad_month_is_refused_saying_how_to_write_it(month):
    with pytest.raises(BadInput, match="write it as 2025-10, 10/2025, Oct 2025 or October 2025"):
        alloc.allocate(CASES, AUDITORS, [], [], month, 1, "s")


@pytest.mark.parametrize("month", ["2025-10", "2025-9", "10/2025", "Oct 2025", "october 2025",
                                   " OCT  2025 ", "10-2025"])
def test_a_month_is_read_as_a_person_writes_it_and_kept_iso(month):
    """Finding 10 of issue 26: the allocation month box refused `Oct 2025`."""
    expected = "2025-09" if month == "2025-9" else "2025-10"
    assert alloc.parse_month(month) == expected


@pytest.mark.parametrize("k, words", [("0", "too few"), ("-1", "too few"), ("two", "not a whole number"),
                                      ("1.5", "not a whole number")])
def test_a_bad_count_per_auditor_is_refused(k, words):
    with pytest.raises(BadInput, match=words):
        alloc.allocate(CASES, AUDITORS, [], [], MONTH, k, "s")


def test_an_empty_seed_is_refused_and_none_gives_a_fresh_random_one():
    with pytest.raises(BadInput, match="seed: it is empty"):
        alloc.allocate(CASES, AUDITORS, [], [], MONTH, 1, "  ")
    one = alloc.allocate(CASES, AUDITORS, [], [], MONTH, 1, None)
    two = alloc.allocate(CASES, AUDITORS, [], [], MONTH, 1, None)
    assert len(one.seed) == 32 and one.seed != two.seed


def test_an_auditor_is_never_given_a_case_of_their_own_team_even_when_nothing_else_is_left():
    north = [case("N-1", "north", "wes", "kim"), case("N-2", "north", "wes", "kim")]
    made = alloc.allocate(north, [AUDITORS[2]], [], [], MONTH, 2, "s")  # max, team north
    assert made.allocated == {"max": []} and made.short == {"max": 2}
