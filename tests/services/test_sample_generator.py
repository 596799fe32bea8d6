"""The sample generator keeps one event of a kind a day, like the database, and never drops one silently."""

from __future__ import annotations

from datetime import date

import pytest

from audit_tools.models import Event, EventKind
from sample_audits.department import one_a_day

DAY = date(2025, 1, 6)


def test_the_same_event_twice_is_one_event():
    visit = Event(kind=EventKind.visit, date=DAY, seen_alone=True)
    supervision = Event(kind=EventKind.supervision, date=DAY)
    assert one_a_day("C-1", [visit, supervision, visit.model_copy()]) == [supervision, visit]


def test_two_different_visits_on_one_day_stop_the_generator():
    alone = Event(kind=EventKind.visit, date=DAY, seen_alone=True)
    not_alone = Event(kind=EventKind.visit, date=DAY, seen_alone=False)
    with pytest.raises(ValueError, match="C-1: two different visit events on 2025-01-06"):
        one_a_day("C-1", [alone, not_alone])
