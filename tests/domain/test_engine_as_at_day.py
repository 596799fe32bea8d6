"""What happens on the as-at day itself counts (product.md, "Rule kinds": events "on or
before as-of" qualify, and the look-back window runs "up to and including as-of").

Each case below puts the event that matters on the as-at date, Monday 1 July 2024, and the
due dates are worked out by hand: counting starts the day after, weekends and England and
Wales bank holidays (26 August 2024) are not working days, months clamp to month end. A
rule that read "before as-of" for "on or before" would lose the event and say something
else: "no ICPC yet", "after the as-at date", or nothing pending.
"""

from __future__ import annotations

from datetime import date

from audit_tools.models import Case, CaseType, Event, EventKind, Status
from audit_tools.standards import evaluate, load_catalogue

CATALOGUE = load_catalogue(None)
AS_AT = date(2024, 7, 1)  # a Monday


def result(case: Case, standard: str, as_of: date = AS_AT):
    return next(r for r in evaluate(case, as_of, CATALOGUE).results if r.standard == standard)


def case(case_type: CaseType, *events: tuple[EventKind, date], start: date = date(2024, 1, 2)) -> Case:
    return Case(case_ref="C-1", case_type=case_type, start_date=start,
                events=[Event(kind=kind, date=day) for kind, day in events])


def test_an_icpc_on_the_as_at_day_anchors_the_review_conferences():
    # ICPC 1 July: the first review is due 3 months later, 1 October, not yet due.
    r = result(case(CaseType.CP, (EventKind.icpc, AS_AT)), "cp-review-conference")
    assert r.status == Status.not_applicable
    assert r.evidence == ("no review conference due in the look-back window; "
                          "next review conference due by 1 Oct 2024")


def test_a_review_conference_on_the_as_at_day_is_on_time():
    # ICPC Tuesday 2 April 2024: first review due 2 July; held 1 July, the as-at day: met.
    r = result(case(CaseType.CP, (EventKind.icpc, date(2024, 4, 2)), (EventKind.review_conference, AS_AT)),
               "cp-review-conference")
    assert (r.status, r.late) == (Status.met, [])


def test_a_case_starting_on_the_as_at_day_has_its_first_visit_pending():
    # CIN from 1 July: visits every 28 days, the first due 29 July.
    r = result(case(CaseType.CIN, start=AS_AT), "cin-visits")
    assert r.status == Status.not_applicable
    assert r.evidence == "no visit due in the look-back window; next visit due by 29 Jul 2024"


def test_a_referral_on_the_as_at_day_has_its_assessment_pending():
    # 45 working days from Monday 1 July: 4 in the first week, 5 a week to Friday 23 August
    # (39), Monday 26 August a bank holiday, 27-30 August (43), 2 and 3 September: 3 Sep.
    r = result(case(CaseType.CIN, (EventKind.referral, AS_AT)), "assessment-timeliness")
    assert r.status == Status.not_applicable
    assert r.evidence == "assessment pending after the referral: due by 3 Sep 2024"


def test_an_assessment_completed_on_the_as_at_day_is_counted():
    # Referral Monday 3 June: due 45 working days on (5 August); completed 1 July: on time.
    r = result(case(CaseType.CIN, (EventKind.referral, date(2024, 6, 3)),
                    (EventKind.assessment_completed, AS_AT)), "assessment-timeliness")
    assert (r.status, r.late) == (Status.met, [])
    assert r.evidence == "1 of 1 assessment on time"


def test_one_on_time_and_one_pending_says_when_the_pending_one_is_due():
    # Referral 2 January answered 10 January; referral Monday 24 June still open: 45 working
    # days on is Tuesday 27 August (Monday 26 August a bank holiday).
    r = result(case(CaseType.CIN, (EventKind.referral, date(2024, 1, 2)),
                    (EventKind.assessment_completed, date(2024, 1, 10)),
                    (EventKind.referral, date(2024, 6, 24))), "assessment-timeliness")
    assert r.status == Status.met
    assert r.evidence == "1 of 1 assessment on time; another due by 27 Aug 2024"
