"""One date parser for what a person in England types into any date box."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit_tools.calendar import format_day, parse_day


@pytest.mark.parametrize("typed", ["31/10/2025", "31/10/2025 ", "31.10.2025", "31-10-2025", "31 Oct 2025",
                                   "31 oct 2025", "31 October 2025", "31st October 2025", "2025-10-31"])
def test_what_an_english_user_types_is_read_day_first(typed):
    assert parse_day(typed) == date(2025, 10, 31)


def test_day_first_even_when_both_could_be_a_month():
    assert parse_day("03/04/2025") == date(2025, 4, 3)
    assert parse_day("1 Sept 2025") == date(2025, 9, 1)


@pytest.mark.parametrize("typed, why", [
    ("10/31/2025", "month first, as in the US"),
    ("Oct 31, 2025", "write the day before the month"),
    ("31/10/25", "give the year in full"),
    ("30/02/2025", "February 2025 has no day 30"),
    ("31 Foo 2025", "'foo' is not a month"),
    ("2025-13-01", "there is no month 13"),
    ("tomorrow", "is not a date"),
    ("", "no date given"),
])
def test_anything_that_could_be_misread_is_refused_with_one_sentence(typed, why):
    with pytest.raises(ValueError, match="write it as 31/10/2025, 31 Oct 2025 or 2025-10-31") as refused:
        parse_day(typed)
    assert why in str(refused.value)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)))
def test_the_date_the_app_shows_reads_back_as_the_same_day(day):
    assert parse_day(format_day(day)) == day
    assert parse_day(day.isoformat()) == day
    assert parse_day(f"{day.day}/{day.month}/{day.year}") == day
    assert parse_day(f"{day.day} {day:%B %Y}") == day
