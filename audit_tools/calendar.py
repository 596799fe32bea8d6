"""The one place that counts days: working days, durations and month arithmetic.

Working days are Monday to Friday minus England and Wales bank holidays (the
`holidays` package, subdivision ENG, which Wales shares) and any closure days the
council configures. Counting starts the day after the event: a visit on Tuesday
2 January 2024 with a 10-working-day standard is due by Tuesday 16 January 2024.
Months clamp to month end: 31 August + 6 months = 28 February.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

# Where the service is: every day a person reads or a rule counts is a day in England.
LONDON = ZoneInfo("Europe/London")

UNITS = {"wd": "working day", "d": "day", "w": "week", "m": "month"}
_DURATION = re.compile(r"^\s*(\d{1,4})\s*(wd|d|w|m)\s*$")


@dataclass(frozen=True)
class Duration:
    """A timescale as councils write it: `10wd`, `28d`, `6w`, `3m`."""

    amount: int
    unit: str  # one of UNITS

    @classmethod
    def parse(cls, text: str) -> "Duration":
        if isinstance(text, Duration):
            return text
        match = _DURATION.match(str(text))
        if not match:
            raise ValueError(
                f"bad duration {text!r}: write a whole number and a unit, "
                "e.g. 10wd (working days), 28d (days), 6w (weeks), 3m (months)"
            )
        return cls(int(match.group(1)), match.group(2))

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"

    @property
    def words(self) -> str:
        unit = UNITS[self.unit]
        return f"{self.amount} {unit}{'' if self.amount == 1 else 's'}"


def _england_and_wales(year: int) -> Any:
    # Loaded when a day is first counted, not at start-up: the package builds every
    # country's calendar as it loads (about a quarter of a second), and a screen that
    # counts no working days need not wait for it.
    import holidays

    return holidays.country_holidays("GB", subdiv="ENG", years=year)


@lru_cache(maxsize=None)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(_england_and_wales(year).keys())


def bank_holiday_name(day: date) -> str | None:
    name: str | None = _england_and_wales(day.year).get(day)
    return name


@lru_cache(maxsize=65536)
def _shift_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the month's end; the engine asks the same
    sums for every audit it scores, and relativedelta is slow to build each time."""
    moved: date = day + relativedelta(months=months)
    return moved


class Calendar:
    """Working-day arithmetic for one council: bank holidays plus its own closure days."""

    def __init__(self, closures: Iterable[date] = ()) -> None:
        self.closures = frozenset(closures)
        # The engine asks the same few thousand (day, n) sums again for every audit it scores.
        self._working_days: dict[tuple[date, int], date] = {}

    def is_bank_holiday(self, day: date) -> bool:
        return day in _bank_holidays(day.year)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and not self.is_bank_holiday(day) and day not in self.closures

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (counting starts the day after)."""
        if n < 0:
            raise ValueError("working days to add must not be negative")
        key = (start, n)
        if key not in self._working_days:
            self._working_days[key] = self._count_working_days(start, n, 1)
        return self._working_days[key]

    def _count_working_days(self, start: date, n: int, step: int) -> date:
        """The n-th working day after (step 1) or before (step -1) `start`."""
        day = start
        left = n
        while left:
            day += timedelta(days=step)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    def add(self, start: date, duration: Duration | str) -> date:
        """The due date: `duration` after `start`, the way the standard is written."""
        d = Duration.parse(duration) if isinstance(duration, str) else duration
        if d.unit == "wd":
            return self.add_working_days(start, d.amount)
        if d.unit == "d":
            return start + timedelta(days=d.amount)
        if d.unit == "w":
            return start + timedelta(weeks=d.amount)
        return _shift_months(start, d.amount)

    def subtract(self, end: date, duration: Duration | str) -> date:
        """`duration` before `end`; used for look-back windows (months clamp to month end)."""
        d = Duration.parse(duration) if isinstance(duration, str) else duration
        if d.unit == "wd":
            key = (end, -d.amount)
            if key not in self._working_days:
                self._working_days[key] = self._count_working_days(end, d.amount, -1)
            return self._working_days[key]
        if d.unit == "d":
            return end - timedelta(days=d.amount)
        if d.unit == "w":
            return end - timedelta(weeks=d.amount)
        return _shift_months(end, -d.amount)


ENGLAND_AND_WALES = Calendar()


def months_between(start: date, end: date) -> int:
    """Whole calendar months from start's month to end's month, inclusive of both."""
    return (end.year - start.year) * 12 + (end.month - start.month) + 1


def format_day(day: date | None) -> str:
    """A date as a manager reads it: 16 Jan 2024."""
    if day is None:
        return "none"
    return f"{day.day} {day:%b %Y}"


_MONTHS = {name.lower(): number for number, name in enumerate(
    ("January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"), start=1)}
_MONTHS.update({name[:3]: number for name, number in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMBERS_DAY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})$")
_WORDS_DAY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{2,4})$")
_US_WORDS_DAY = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{2,4})$")
DATE_EXAMPLES = "31/10/2025, 31 Oct 2025 or 2025-10-31"


def parse_day(text: str) -> date:
    """A date as a person in England types it: day first (31/10/2025, 31 Oct 2025,
    31 October 2025) or ISO (2025-10-31). Anything that could be read two ways (a
    two-digit year, month first as in the US) is refused with a sentence saying how to
    write it, never guessed. `format_day`'s "30 Sep 2025" reads back as the same day."""
    words = " ".join(str(text).split()).lower()
    if not words:
        raise ValueError(f"no date given: write it as {DATE_EXAMPLES}")

    def refuse(why: str = "") -> ValueError:
        return ValueError(f"{text.strip()!r} is not a date{why}: write it as {DATE_EXAMPLES}")

    def year_of(digits: str) -> int:
        if len(digits) != 4:
            raise refuse(" (give the year in full, e.g. 2025)")
        return int(digits)

    def made(year: int, month: int, day: int) -> date:
        if not 1 <= month <= 12:
            raise refuse(f" (there is no month {month})")
        try:
            return date(year, month, day)
        except ValueError:
            raise refuse(f" ({calendar_month_name(month)} {year} has no day {day})") from None

    if found := _ISO_DAY.match(words):
        return made(int(found[1]), int(found[2]), int(found[3]))
    if found := _NUMBERS_DAY.match(words):
        day, month = int(found[1]), int(found[2])
        if month > 12 and day <= 12:
            raise refuse(" (that looks month first, as in the US; write the day first)")
        return made(year_of(found[3]), month, day)
    if found := _WORDS_DAY.match(words):
        named = _MONTHS.get(found[2])
        if named is None:
            raise refuse(f" ({found[2]!r} is not a month)")
        return made(year_of(found[3]), named, int(found[1]))
    if (found := _US_WORDS_DAY.match(words)) and found[1] in _MONTHS:
        raise refuse(" (write the day before the month)")
    raise refuse()


_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_NUMBERS_MONTH = re.compile(r"^(\d{1,2})[/.-](\d{2,4})$")
_WORDS_MONTH = re.compile(r"^([a-z]+)\.?,?\s+(\d{2,4})$")
MONTH_EXAMPLES = "2025-10, 10/2025, Oct 2025 or October 2025"


def parse_month(text: str) -> date:
    """A month as a person in England types it, the first day of it: ISO (2025-10), number
    and year (10/2025) or in words (Oct 2025, October 2025). A two-digit year is refused, as
    `parse_day` refuses it; a whole date is refused too (the month alone is wanted)."""
    words = " ".join(str(text).split()).lower()
    if not words:
        raise ValueError(f"no month given: write it as {MONTH_EXAMPLES}")

    def refuse(why: str = "") -> ValueError:
        return ValueError(f"{str(text).strip()!r} is not a month{why}: write it as {MONTH_EXAMPLES}")

    def made(year_digits: str, month: int) -> date:
        if len(year_digits) != 4:
            raise refuse(" (give the year in full, e.g. 2025)")
        if not 1 <= month <= 12:
            raise refuse(f" (there is no month {month})")
        if int(year_digits) < 1900:
            raise refuse()
        return date(int(year_digits), month, 1)

    if found := _ISO_MONTH.match(words):
        return made(found[1], int(found[2]))
    if found := _NUMBERS_MONTH.match(words):
        return made(found[2], int(found[1]))
    if found := _WORDS_MONTH.match(words):
        month = _MONTHS.get(found[1])
        if month is None:
            raise refuse(f" ({found[1]!r} is not a month)")
        return made(found[2], month)
    raise refuse()


def calendar_month_name(month: int) -> str:
    return date(2000, month, 1).strftime("%B")


def london(moment: datetime) -> datetime:
    """A moment as the clocks in England showed it: the one conversion for display and for
    "which day was it" (a moment without a zone is UTC, never the machine's own zone)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(LONDON)


def london_day(moment: datetime) -> date:
    """The date in England when something happened."""
    return london(moment).date()


def format_day_time(moment: datetime) -> str:
    """"2 Oct 2025 14:02": a moment as a person in England reads it."""
    local = london(moment)
    return f"{format_day(local.date())} {local:%H:%M}"


def format_moment(moment: datetime | None, now: datetime) -> str:
    """When something happened, as the clocks in England showed it: "14:02" today,
    "14:02 on 2024-05-01" on another day."""
    if moment is None:
        return "an unknown time"
    local = london(moment)
    if local.date() == london_day(now):
        return local.strftime("%H:%M")
    return local.strftime("%H:%M on %Y-%m-%d")
