"""Safeguarding concerns: texts, who may act, the one-way states, and the quarter's counts
(worked examples with bank holidays, weekends, the quarter's edges and BST)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from audit_tools.concerns import (
    Concern,
    ConcernState,
    ConcernTimes,
    acknowledged_within_1wd,
    check_acknowledge,
    check_close,
    check_raise,
    quarter_counts,
    raise_problems,
)
from audit_tools.errors import BadInput, Refused
from audit_tools.models import User
from audit_tools.quarters import Quarter

Q1 = Quarter.parse("2025-26-Q1")  # 1 April to 30 June 2025


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def concern(**kw) -> Concern:
    values = dict(concern_id="SC-000001", case_ref="C-1", audit_id="A-1", raised_by="amy",
                  raised_at=utc(2025, 6, 2, 10), found="Bruising seen on photo", should_happen="Strategy discussion today",
                  line_manager="lm")
    values.update(kw)
    return Concern(**values)


AMY = User(username="amy", display_name="Amy", roles=["auditor"])
LM = User(username="lm", display_name="Line manager", roles=[])
LEE = User(username="lee", display_name="Lee", roles=["qa_lead"])
BEN = User(username="ben", display_name="Ben", roles=["auditor"])


def test_both_texts_are_required():
    assert raise_problems("", "  ") == {"found": ["what you found: required; write it in a sentence or two"],
                                        "should_happen": ["what should happen now: required; write it in a "
                                                          "sentence or two"]}
    assert raise_problems("x", "y") == {}
    with pytest.raises(BadInput, match="what should happen now: required"):
        check_raise(AMY, "found something", "")


def test_who_may_raise():
    check_raise(AMY, "a", "b")
    check_raise(LEE, "a", "b", source="blind re-audit")
    with pytest.raises(Refused, match="lm may not raise"):
        check_raise(LM, "a", "b")


def test_states_move_one_way():
    c = concern()
    assert c.state is ConcernState.open
    with pytest.raises(Refused, match="not acknowledged yet"):
        check_close(LM, c, "done")
    check_acknowledge(LM, c)
    check_acknowledge(LEE, c)
    with pytest.raises(Refused, match="ben may not acknowledge concern SC-000001: only the line manager of C-1"):
        check_acknowledge(BEN, c)
    acked = concern(acknowledged_by="lm", acknowledged_at=utc(2025, 6, 2, 11))
    assert acked.state is ConcernState.acknowledged
    with pytest.raises(Refused, match="already acknowledged"):
        check_acknowledge(LEE, acked)
    with pytest.raises(BadInput, match="the action taken: required"):
        check_close(LEE, acked, " ")
    check_close(LEE, acked, "Referred to MASH")
    closed = concern(acknowledged_by="lm", acknowledged_at=utc(2025, 6, 2, 11), closed_by="lee",
                     closed_at=utc(2025, 6, 3, 9), action_taken="Referred")
    assert closed.state is ConcernState.closed
    with pytest.raises(Refused, match="already closed"):
        check_close(LEE, closed, "again")


@pytest.mark.parametrize(("raised", "acknowledged", "within"), [
    # Friday 23 May 2025 before the spring bank holiday (Monday 26 May): Tuesday is the next working day.
    (utc(2025, 5, 23, 10), utc(2025, 5, 27, 16), True),
    (utc(2025, 5, 23, 10), utc(2025, 5, 28, 8), False),
    # Raised on a Saturday: Monday is the first working day after.
    (utc(2025, 6, 7, 10), utc(2025, 6, 9, 17), True),
    # Same day.
    (utc(2025, 6, 10, 9), utc(2025, 6, 10, 9, 30), True),
    # 23:30 UTC on Tuesday 10 June is 00:30 on Wednesday 11 June in London (BST): Thursday is in time.
    (utc(2025, 6, 10, 23, 30), utc(2025, 6, 12, 15), True),
    (utc(2025, 6, 10, 22, 30), utc(2025, 6, 12, 15), False),
    (utc(2025, 6, 10, 9), None, False),
])
def test_acknowledged_within_one_working_day(raised, acknowledged, within):
    assert acknowledged_within_1wd(raised, acknowledged) is within


def test_quarter_counts_worked_example():
    concerns = [
        # Friday before a bank-holiday Monday, acknowledged Tuesday, closed in the quarter.
        ConcernTimes(utc(2025, 5, 23, 10), utc(2025, 5, 27, 9), utc(2025, 5, 28, 9)),
        # Same Friday, acknowledged Wednesday (late), never closed.
        ConcernTimes(utc(2025, 5, 23, 10), utc(2025, 5, 28, 9), None),
        # Raised on the quarter's last day (Monday 30 June), not acknowledged.
        ConcernTimes(utc(2025, 6, 30, 15), None, None),
        # Acknowledged next day, closed after the quarter's end: still open at the end.
        ConcernTimes(utc(2025, 6, 10, 9), utc(2025, 6, 11, 9), utc(2025, 7, 2, 9)),
        # 23:30 UTC on 30 June is 1 July in London: the next quarter's.
        ConcernTimes(utc(2025, 6, 30, 23, 30), None, None),
        # Raised the quarter before and still open: open at the end, not raised in it.
        ConcernTimes(utc(2025, 3, 31, 9), utc(2025, 3, 31, 10), None),
        # Raised Saturday, acknowledged and closed Monday.
        ConcernTimes(utc(2025, 6, 7, 10), utc(2025, 6, 9, 9), utc(2025, 6, 9, 10)),
        # Raised and closed before the quarter.
        ConcernTimes(utc(2025, 3, 3, 9), utc(2025, 3, 3, 10), utc(2025, 3, 4, 10)),
    ]
    counts = quarter_counts(Q1, concerns)
    assert (counts.raised, counts.acknowledged_within_1wd, counts.open) == (5, 3, 4)
    q2 = quarter_counts(Quarter.parse("2025-26-Q2"), concerns)
    assert (q2.raised, q2.acknowledged_within_1wd, q2.open) == (1, 0, 4)
