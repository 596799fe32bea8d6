"""The one clock: the current moment, and today as the date in Europe/London.

The app, the command line, the demo build and each test inject a clock (any callable
giving an aware datetime); nothing else reads the system time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The system's current moment, in UTC."""
    return datetime.now(timezone.utc)


def now(clock: Clock | None = None) -> datetime:
    moment = (clock or system_clock)()
    # A clock that forgets its zone means UTC, never the machine's own zone.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def today(clock: Clock | None = None) -> date:
    """Today where the service is: the date in Europe/London (after midnight BST, before UTC's)."""
    return now(clock).astimezone(LONDON).date()


def local(moment: datetime) -> datetime:
    """A moment as London's clocks show it."""
    return moment.astimezone(LONDON)
