"""The calendar counts days the way the council does: working days, months, quarters."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit_tools.calendar import ENGLAND_AND_WALES, Calendar, Duration, format_day, months_between
from audit_tools.quarters import Quarter

cal = ENGLAND_AND_WALES
days = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))


# The worked examples from the standards issue (England and Wales bank holidays).
@pytest.mark.parametrize(
    "start, duration, due",
    [
        (date(2024, 1, 2), "10wd", date(2024, 1, 16)),  # counting starts the day after
        (date(2024, 3, 22), "10wd", date(2024, 4, 9)),  # Good Friday and Easter Monday skipped
        (date(2024, 12, 20), "10wd", date(2025, 1, 8)),  # Christmas, Boxing Day, New Year skipped
        (date(2024, 4, 25), "15wd", date(2024, 5, 17)),  # early May bank holiday skipped
        (date(2024, 8, 31), "6m", date(2025, 2, 28)),  # month end clamps
        (date(2024, 8, 1), "20wd", date(2024, 8, 30)),  # late summer bank holiday skipped
        (date(2024, 1, 31), "1m", date(2024, 2, 29)),  # leap year clamp
        (date(2024, 1, 2), "28d", date(2024, 1, 30)),
        (date(2024, 1, 2), "6w", date(2024, 2, 13)),
    ],
)
def test_due_dates(start, duration, due):
    assert cal.add(start, duration) == due


def test_bank_holidays_are_not_working_days():
    assert not cal.is_working_day(date(2024, 3, 29))  # Good Friday
    assert not cal.is_working_day(date(2024, 4, 1))  # Easter Monday
    assert not cal.is_working_day(date(2022, 9, 19))  # a one-off bank holiday
    assert not cal.is_working_day(date(2024, 1, 6))  # Saturday
    assert cal.is_working_day(date(2024, 4, 2))


def test_council_closure_days_are_skipped():
    closed = Calendar(closures=[date(2024, 12, 27), date(2024, 12, 30), date(2024, 12, 31)])
    # 20 Dec 2024 + 10wd without closures is 8 Jan 2025; three closures push it to 13 Jan
    assert closed.add(date(2024, 12, 20), "10wd") == date(2025, 1, 13)
    assert cal.add(date(2024, 12, 20), "10wd") == date(2025, 1, 8)


@pytest.mark.parametrize("text", ["10", "wd", "10x", "-3d", "1.5m", "", "10 wd days"])
def test_bad_durations_are_refused(text):
    with pytest.raises(ValueError, match="bad duration"):
        Duration.parse(text)


def test_duration_parsing_and_words():
    assert Duration.parse("10wd") == Duration(10, "wd")
    assert Duration.parse(" 3m ") == Duration(3, "m")
    assert Duration.parse("1w").words == "1 week"
    assert Duration.parse("10wd").words == "10 working days"
    assert str(Duration.parse("28d")) == "28d"


@settings(max_examples=300, deadline=None)
@given(start=days, n=st.integers(min_value=1, max_value=60))
def test_adding_working_days_lands_on_a_working_day(start, n):
    assert cal.is_working_day(cal.add_working_days(start, n))


@settings(max_examples=300, deadline=None)
@given(start=days, n=st.integers(min_value=0, max_value=60))
def test_one_more_working_day_lands_later(start, n):
    assert cal.add_working_days(start, n + 1) > cal.add_working_days(start, n)


@settings(max_examples=300, deadline=None)
@given(start=days, n=st.integers(min_value=1, max_value=40))
def test_working_days_between_inverts_adding(start, n):
    assert cal.working_days_between(start, cal.add_working_days(start, n)) == n


def _weekday_only_add(start: date, n: int) -> date:
    day = start
    while n:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


@settings(max_examples=300, deadline=None)
@given(start=days, n=st.integers(min_value=1, max_value=30))
def test_weekday_count_differs_exactly_around_bank_holidays(start, n):
    plain = _weekday_only_add(start, n)
    real = cal.add_working_days(start, n)
    # Any weekday bank holiday in (start, plain] pushes the due date; none means they agree.
    holidays_in_span = [
        start + timedelta(days=i)
        for i in range(1, (real - start).days + 1)
        if (start + timedelta(days=i)).weekday() < 5 and cal.is_bank_holiday(start + timedelta(days=i))
    ]
    if holidays_in_span:
        assert real > plain
        # the extra weekdays counted are exactly the bank holidays skipped
        weekdays_between = sum(
            1 for i in range(1, (real - start).days + 1) if (start + timedelta(days=i)).weekday() < 5
        )
        assert weekdays_between == n + len(holidays_in_span)
    else:
        assert real == plain


@settings(max_examples=200, deadline=None)
@given(start=days, months=st.integers(min_value=1, max_value=24))
def test_months_clamp_to_month_end(start, months):
    due = cal.add(start, f"{months}m")
    assert due.day <= start.day
    assert months_between(start, due) == months + 1


def test_format_day():
    assert format_day(date(2024, 1, 16)) == "16 Jan 2024"
    assert format_day(None) == "none"


@pytest.mark.parametrize(
    "code, start, end",
    [
        ("2024-25-Q1", date(2024, 4, 1), date(2024, 6, 30)),
        ("2024-25-Q2", date(2024, 7, 1), date(2024, 9, 30)),
        ("2024-25-Q3", date(2024, 10, 1), date(2024, 12, 31)),
        ("2024-25-Q4", date(2025, 1, 1), date(2025, 3, 31)),
    ],
)
def test_quarters(code, start, end):
    q = Quarter.parse(code)
    assert (q.start, q.end, q.code) == (start, end, code)
    assert Quarter.of(start) == q and Quarter.of(end) == q


def test_quarter_boundaries_and_labels():
    assert Quarter.of(date(2025, 3, 31)).code == "2024-25-Q4"
    assert Quarter.of(date(2025, 4, 1)).code == "2025-26-Q1"
    assert Quarter.parse("2024-25-Q1").label == "2024-25 Q1"
    assert Quarter.parse("2024-25-Q1").previous().code == "2023-24-Q4"
    assert Quarter.parse("2024-25-Q4").next().code == "2025-26-Q1"
    assert Quarter.parse("2099-00-Q2").code == "2099-00-Q2"


@pytest.mark.parametrize("bad", ["2024-26-Q1", "2024-25-Q5", "2024 Q1", "Q1", ""])
def test_bad_quarters_are_refused(bad):
    with pytest.raises(ValueError, match="bad quarter"):
        Quarter.parse(bad)


@settings(max_examples=200, deadline=None)
@given(day=days)
def test_every_day_is_in_exactly_its_quarter(day):
    q = Quarter.of(day)
    assert q.contains(day)
    assert not q.previous().contains(day) and not q.next().contains(day)
    assert Quarter.parse(q.code) == q
