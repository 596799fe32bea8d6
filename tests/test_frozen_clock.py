"""The run under a frozen clock: proof that the clock really stood where it was set.

`make unit` stops the process clock at 23:59:59 on a quarter's last day (tests/conftest.py);
this test says so, so a suite passing there is a suite passing at that moment.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timezone

import pytest

from db import clock

# The moments `make unit` and `make test-frozen` use, with the day and quarter each must be.
KNOWN = {
    "2025-12-31T23:59:59+00:00": (datetime(2025, 12, 31, 23, 59, 59, tzinfo=timezone.utc), date(2025, 12, 31)),
    # British Summer Time: still the quarter's last day in London, 22:59:59 in UTC.
    "2026-03-31T23:59:59+01:00": (datetime(2026, 3, 31, 22, 59, 59, tzinfo=timezone.utc), date(2026, 3, 31)),
}


def test_the_process_clock_stands_at_the_frozen_moment(request):
    text = request.config.getoption("frozen_clock")
    if not text:
        pytest.skip("the clock is frozen only with --frozen-clock (make unit, make test-frozen)")
    if text not in KNOWN:
        pytest.skip(f"{text} is not one of the moments this test knows")
    utc, london_day = KNOWN[text]
    assert clock.system_clock() == utc
    assert clock.today() == london_day
    time.sleep(0.01)  # the clock does not move while the run goes on
    assert clock.system_clock() == utc
    assert time.time() == utc.timestamp()
