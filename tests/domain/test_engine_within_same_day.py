"""The within rule's follow-up may be held on the trigger's own day (docs/standards.md "within":
"the first event of `kind` on or after the trigger date (the same day counts)")."""

from __future__ import annotations

from datetime import date

import pytest

from audit_tools.models import Case, CaseType, Event, EventKind, Late, Status
from audit_tools.standards import evaluate, load_catalogue

CATALOGUE = load_catalogue(None)


def result(case: Case, as_of: date, standard: str):
    return next(r for r in evaluate(case, as_of, CATALOGUE).results if r.standard == standard)


def case_with(*events: Event, case_type: CaseType = CaseType.EH) -> Case:
    return Case(case_ref="C-1", case_type=case_type, start_date=date(2024, 1, 2), events=list(events))


@pytest.mark.parametrize("case_type", [CaseType.EH, CaseType.CLA])
def test_a_return_interview_on_the_day_of_the_return_is_on_time(case_type):
    # Returned from missing Monday 4 March 2024; 3d limit: due Thursday 7 March.
    # Interviewed the same day, 4 March: on time. As at 20 March (well past the due date): met.
    case = case_with(Event(kind=EventKind.missing_return, date=date(2024, 3, 4)),
                     Event(kind=EventKind.return_interview, date=date(2024, 3, 4)),
                     case_type=case_type)
    r = result(case, date(2024, 3, 20), "return-interview")
    assert r.status == Status.met
    assert r.late == []


def test_the_same_day_interview_answers_the_trigger_not_a_later_late_one():
    # Returned 4 March, interviewed 4 March (on time) and again 12 March (after the 7 March due date).
    # The follow-up is the first on or after the trigger: 4 March. Met, nothing late.
    case = case_with(Event(kind=EventKind.missing_return, date=date(2024, 3, 4)),
                     Event(kind=EventKind.return_interview, date=date(2024, 3, 4)),
                     Event(kind=EventKind.return_interview, date=date(2024, 3, 12)))
    r = result(case, date(2024, 3, 20), "return-interview")
    assert (r.status, r.late) == (Status.met, [])


def test_an_interview_the_day_before_the_return_does_not_answer_it():
    # Interview 3 March, return 4 March, nothing after: due 7 March, none by 20 March: late, not met.
    case = case_with(Event(kind=EventKind.return_interview, date=date(2024, 3, 3)),
                     Event(kind=EventKind.missing_return, date=date(2024, 3, 4)))
    r = result(case, date(2024, 3, 20), "return-interview")
    assert r.status == Status.not_met
    assert r.late == [Late(due=date(2024, 3, 7), actual=None)]


def test_an_icpc_on_the_day_of_the_strategy_discussion_is_on_time():
    # Strategy discussion and ICPC both Monday 18 March 2024 (due by 10 April): met as at 1 May.
    case = case_with(Event(kind=EventKind.strategy_discussion, date=date(2024, 3, 18)),
                     Event(kind=EventKind.icpc, date=date(2024, 3, 18)), case_type=CaseType.CP)
    r = result(case, date(2024, 5, 1), "icpc-timeliness")
    assert (r.status, r.late) == (Status.met, [])
