"""The one clock: the current moment, and today as the date in Europe/London.

The app, the command line, the demo build and each test inject a clock (any callable
giving an aware datetime); nothing else reads the system time. Inside a write the Store
reads it once (`Session.transaction`), so a write's dates and its history entry agree.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timezone

from audit_tools.calendar import LONDON, london, london_day

__all__ = ["LONDON", "Clock", "fixed_clock", "london", "now", "system_clock", "today"]

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The system's current moment, in UTC."""
    return datetime.now(timezone.utc)


def fixed_clock(day: date) -> Clock:
    """A clock that stands at noon on `day` (UTC: the same day in Europe/London), for the
    demo (seen from its own day) and for `make_app(today=...)`."""
    moment = datetime.combine(day, time(12, 0), tzinfo=timezone.utc)
    return lambda: moment


def now(clock: Clock | None = None) -> datetime:
    moment = (clock or system_clock)()
    # A clock that forgets its zone means UTC, never the machine's own zone.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def today(clock: Clock | None = None) -> date:
    """Today where the service is: the date in Europe/London (after midnight BST, before UTC's)."""
    return london_day(now(clock))
