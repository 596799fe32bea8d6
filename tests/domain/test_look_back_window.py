"""The look-back window: both ends inclusive, and working days counted back past bank holidays.

docs/standards.md: "The look-back window runs from the day that is the look-back period
before the as-at date up to and including the as-at date; both ends are inclusive"; as at
1 July 2024 with 6m it is 1 January 2024 to 1 July 2024. Working days are Monday to Friday
minus England and Wales bank holidays, whichever way they are counted.
"""

from __future__ import annotations

from datetime import date

import pytest

from audit_tools.calendar import ENGLAND_AND_WALES
from audit_tools.models import Case, CaseType, Event, EventKind, Late, Status
from audit_tools.standards import evaluate, load_catalogue
from audit_tools.standards.catalogue import parse_catalogue

DEFAULT = load_catalogue(None)
AS_AT = date(2024, 7, 1)  # window 1 January 2024 to 1 July 2024


def result(case: Case, as_of: date, standard: str, catalogue=DEFAULT):
    return next(r for r in evaluate(case, as_of, catalogue).results if r.standard == standard)


@pytest.mark.parametrize("end,period,first_day", [
    (date(2024, 7, 1), "6m", date(2024, 1, 1)),
    (date(2024, 8, 31), "6m", date(2024, 2, 29)),  # month clamping, the docs' second example
    (date(2024, 7, 1), "28d", date(2024, 6, 3)),
    (date(2024, 7, 1), "2w", date(2024, 6, 17)),
])
def test_the_window_starts_on_the_day_the_period_before_falls_on(end, period, first_day):
    assert ENGLAND_AND_WALES.subtract(end, period) == first_day


@pytest.mark.parametrize("end,period,first_day", [
    # Tuesday 2 April 2024 back 1 working day: Easter Monday 1 April, the weekend and
    # Good Friday 29 March are skipped: Thursday 28 March.
    (date(2024, 4, 2), "1wd", date(2024, 3, 28)),
    # The docs' example backwards: 15wd after Monday 18 March is Wednesday 10 April, so
    # 15wd before 10 April is 18 March (10,9,8,5,4,3,2 Apr minus the 10th = 6; 28..25 Mar = 10;
    # 22..18 Mar = 15). Ignoring Easter it would be 20 March.
    (date(2024, 4, 10), "15wd", date(2024, 3, 18)),
    # Tuesday 28 May 2024 back 1: the spring bank holiday 27 May is skipped: Friday 24 May.
    (date(2024, 5, 28), "1wd", date(2024, 5, 24)),
    # Tuesday 20 September 2022 back 1: the one-off bank holiday Monday 19 September: Friday 16.
    (date(2022, 9, 20), "1wd", date(2022, 9, 16)),
    # Wednesday 27 December 2023 back 2: 26 and 25 December are bank holidays, 24 and 23 the
    # weekend: Friday 22 and Thursday 21 December.
    (date(2023, 12, 27), "2wd", date(2023, 12, 21)),
])
def test_working_days_back_skip_bank_holidays(end, period, first_day):
    assert ENGLAND_AND_WALES.subtract(end, period) == first_day


def test_a_trigger_on_the_windows_first_day_is_assessed():
    # Returned from missing 1 January 2024 (the first day of the window as at 1 July), never
    # interviewed: due 4 January, none by 1 July: late, not met.
    case = Case(case_ref="C-1", case_type=CaseType.EH, start_date=date(2023, 6, 1),
                events=[Event(kind=EventKind.missing_return, date=date(2024, 1, 1))])
    r = result(case, AS_AT, "return-interview")
    assert r.status == Status.not_met
    assert r.late == [Late(due=date(2024, 1, 4), actual=None)]


def test_a_trigger_the_day_before_the_window_is_not():
    case = Case(case_ref="C-1", case_type=CaseType.EH, start_date=date(2023, 6, 1),
                events=[Event(kind=EventKind.missing_return, date=date(2023, 12, 31))])
    r = result(case, AS_AT, "return-interview")
    assert r.status == Status.not_applicable
    assert r.evidence == "no return from missing in the look-back window"


@pytest.mark.parametrize("visit_on,status", [
    (date(2024, 1, 1), Status.met),  # the window's first day: counted
    (date(2023, 12, 31), Status.not_applicable),  # the day before: no visits in the window
])
def test_a_visit_on_the_windows_first_day_counts_for_seen_alone(visit_on, status):
    case = Case(case_ref="C-1", case_type=CaseType.CP, start_date=date(2023, 6, 1),
                events=[Event(kind=EventKind.visit, date=visit_on, seen_alone=True)])
    assert result(case, AS_AT, "cp-seen-alone").status == status


def test_an_interval_ending_on_the_windows_first_day_is_assessed():
    # cin-visits, every 28d from the start, CIN case started 1 November 2023:
    #   visit 20 Nov 2023 (due 29 Nov): on time, ends before the window: not assessed
    #   visit 1 Jan 2024 (due 20 Nov + 28d = 18 Dec 2023): late, ends on the window's first day
    #   then 29 Jan, 26 Feb, 25 Mar, 22 Apr, 20 May, 17 Jun 2024: each exactly 28 days on, on time
    #   next due 15 Jul 2024, after 1 July: not yet due.
    # Assessed 7, on time 6: 6/7 = 0.857 >= 0.8: partly met, one late.
    visits = [date(2023, 11, 20), date(2024, 1, 1), date(2024, 1, 29), date(2024, 2, 26),
              date(2024, 3, 25), date(2024, 4, 22), date(2024, 5, 20), date(2024, 6, 17)]
    case = Case(case_ref="C-1", case_type=CaseType.CIN, start_date=date(2023, 11, 1),
                events=[Event(kind=EventKind.visit, date=d) for d in visits])
    r = result(case, AS_AT, "cin-visits")
    assert r.status == Status.partly_met
    assert r.late == [Late(due=date(2023, 12, 18), actual=date(2024, 1, 1))]


WORKING_DAY_WINDOW = parse_catalogue("""
name = "short"
version = "1"
look_back = "6m"

[[standard]]
id = "return-interview"
title = "Return interview within 3 days"
applies_to = "all"
rule = "within"
kind = "return_interview"
after = "missing_return"
limit = "3d"
look_back = "5wd"
""")


@pytest.mark.parametrize("returned_on,status", [
    # As at Tuesday 2 April 2024 a 5wd window starts Friday 22 March (28, 27, 26, 25, 22 March;
    # Easter Monday and Good Friday skipped). A return on 22 March, never interviewed: late.
    (date(2024, 3, 22), Status.not_met),
    # Thursday 21 March is before the window.
    (date(2024, 3, 21), Status.not_applicable),
])
def test_a_working_day_look_back_counts_back_past_easter(returned_on, status):
    case = Case(case_ref="C-1", case_type=CaseType.EH, start_date=date(2024, 1, 2),
                events=[Event(kind=EventKind.missing_return, date=returned_on)])
    r = result(case, date(2024, 4, 2), "return-interview", WORKING_DAY_WINDOW)
    assert r.status == status
    if status == Status.not_met:
        assert r.late == [Late(due=date(2024, 3, 25), actual=None)]
