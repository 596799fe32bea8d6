"""Each rule kind of the practice standards, worked to the day (England and Wales)."""

from datetime import date

import pytest

from audit_tools.models import Case, CaseType, Event, Late, Status
from audit_tools.standards import evaluate, evaluate_standard, load_catalogue

CATALOGUE = load_catalogue()
D = date


def case(case_type: str, start: date, *events: dict, closed: date | None = None) -> Case:
    return Case(
        case_ref="C-1",
        case_type=case_type,
        start_date=start,
        closed_date=closed,
        events=[Event.model_validate(e) for e in events],
    )


def visit(day: date, **extra) -> dict:
    return {"kind": "visit", "date": day.isoformat(), **extra}


def ev(kind: str, day: date) -> dict:
    return {"kind": kind, "date": day.isoformat()}


def result(standard_id: str, c: Case, as_of: date):
    return evaluate_standard(CATALOGUE.get(standard_id), c, as_of, CATALOGUE)


def late(*pairs) -> list[Late]:
    return [Late(due=d, actual=a) for d, a in pairs]


# --- the worked examples ---------------------------------------------------------------


def test_cp_visit_after_ten_working_days_is_late():
    c = case("CP", D(2024, 1, 2), visit(D(2024, 1, 2)), visit(D(2024, 1, 17)))
    r = result("cp-visits", c, D(2024, 1, 20))
    assert r.late == late((D(2024, 1, 16), D(2024, 1, 17)))
    assert r.status == Status.not_met  # 1 of 2 on time is below 0.8
    assert "1 of 2 visits on time" in r.evidence
    assert "due 16 Jan 2024, seen 17 Jan 2024" in r.evidence


def test_cp_visit_over_easter_is_on_time():
    c = case("CP", D(2024, 3, 22), visit(D(2024, 3, 22)), visit(D(2024, 4, 9)))
    r = result("cp-visits", c, D(2024, 4, 10))
    assert r.status == Status.met and r.late == []


@pytest.mark.parametrize("second, on_time", [(D(2025, 1, 8), True), (D(2025, 1, 9), False)])
def test_cp_visit_over_christmas(second, on_time):
    c = case("CP", D(2024, 12, 20), visit(D(2024, 12, 20)), visit(second))
    r = result("cp-visits", c, D(2025, 1, 10))
    assert (r.status == Status.met) is on_time
    assert r.late == ([] if on_time else late((D(2025, 1, 8), D(2025, 1, 9))))


def test_icpc_due_fifteen_working_days_after_strategy_discussion():
    base = [ev("strategy_discussion", D(2024, 4, 25))]
    on_time = case("CP", D(2024, 4, 1), *base, ev("icpc", D(2024, 5, 17)))
    assert result("icpc-timeliness", on_time, D(2024, 6, 1)).status == Status.met
    too_late = case("CP", D(2024, 4, 1), *base, ev("icpc", D(2024, 5, 20)))
    r = result("icpc-timeliness", too_late, D(2024, 6, 1))
    assert r.status == Status.not_met and r.late == late((D(2024, 5, 17), D(2024, 5, 20)))
    pending = case("CP", D(2024, 4, 1), *base)
    r = result("icpc-timeliness", pending, D(2024, 5, 17))
    assert r.status == Status.not_applicable and "due by 17 May 2024" in r.evidence
    r = result("icpc-timeliness", pending, D(2024, 5, 18))
    assert r.status == Status.not_met and r.late == late((D(2024, 5, 17), None))


def test_pathway_plan_reviewed_31_august_is_next_due_28_february():
    c = case("CL", D(2024, 3, 1), ev("plan_review", D(2024, 8, 31)))
    r = result("pathway-plan-review", c, D(2025, 2, 28))
    assert r.status == Status.met and "next due by 28 Feb 2025" in r.evidence
    r = result("pathway-plan-review", c, D(2025, 3, 1))
    assert r.status == Status.not_met  # 1 of 2 on time
    assert r.late == late((D(2025, 2, 28), None))


@pytest.mark.parametrize("review, status", [(D(2024, 8, 30), Status.met), (D(2024, 9, 2), Status.not_met)])
def test_first_looked_after_review_within_twenty_working_days(review, status):
    c = case("CLA", D(2024, 8, 1), ev("cla_review", review))
    r = result("cla-review", c, D(2024, 9, 3))
    assert r.status == status
    if status == Status.not_met:
        assert r.late == late((D(2024, 8, 30), D(2024, 9, 2)))


# --- interval rules ----------------------------------------------------------------------


def test_interval_stages_first_then_within_then_every():
    # first within 20wd, second within 3m of the first, later every 6m
    c = case(
        "CLA",
        D(2024, 8, 1),
        ev("cla_review", D(2024, 8, 30)),
        ev("cla_review", D(2024, 11, 30)),  # due 30 Aug + 3m = 30 Nov: on time
        ev("cla_review", D(2025, 5, 31)),  # due 30 Nov + 6m = 30 May: late
    )
    early = result("cla-review", c, D(2024, 12, 2))
    assert early.status == Status.met and "2 of 2" in early.evidence
    assert "next due by 30 May 2025" in early.evidence
    r = result("cla-review", c, D(2025, 6, 2))
    assert r.late == late((D(2025, 5, 30), D(2025, 5, 31)))
    # the window (from 2 Dec 2024) holds only the third review
    assert "0 of 1" in r.evidence
    assert "next due by 30 Nov 2025" in r.evidence  # runs from the actual, late date


def test_next_due_runs_from_the_actual_late_event():
    # due 16 Jan, seen 19 Jan (late); the next is due 10wd after 19 Jan = 2 Feb
    c = case("CP", D(2024, 1, 2), visit(D(2024, 1, 19)), visit(D(2024, 2, 2)))
    r = result("cp-visits", c, D(2024, 2, 5))
    assert r.late == late((D(2024, 1, 16), D(2024, 1, 19)))
    assert "1 of 2" in r.evidence


def test_missing_visit_past_due_is_a_late_interval_with_no_actual_date():
    c = case("CIN", D(2024, 1, 1), visit(D(2024, 1, 20)))
    r = result("cin-visits", c, D(2024, 3, 1))
    # 20 Jan + 28d = 17 Feb, nothing by 1 Mar
    assert r.late == late((D(2024, 2, 17), None))
    assert "due 17 Feb 2024, none by 1 Mar 2024" in r.evidence
    assert r.status == Status.not_met


def test_nothing_due_yet_is_not_applicable_and_says_when():
    c = case("CIN", D(2024, 1, 1))
    r = result("cin-visits", c, D(2024, 1, 29))  # due 29 Jan: not yet past
    assert r.status == Status.not_applicable
    assert "29 Jan 2024" in r.evidence and r.late == []


def test_due_date_itself_is_on_time_and_past_it_is_late():
    c = case("CIN", D(2024, 1, 1))
    assert result("cin-visits", c, D(2024, 1, 29)).status == Status.not_applicable
    r = result("cin-visits", c, D(2024, 1, 30))
    assert r.status == Status.not_met and r.late == late((D(2024, 1, 29), None))


def test_same_day_visits_count_once_and_unseen_visits_do_not_count():
    c = case(
        "CIN",
        D(2024, 1, 1),
        visit(D(2024, 1, 20)),
        visit(D(2024, 1, 20)),
        visit(D(2024, 2, 10), child_seen=False),
    )
    r = result("cin-visits", c, D(2024, 2, 20))
    # one on-time visit, then 20 Jan + 28d = 17 Feb missed (the unseen visit does not count)
    assert "1 of 2 visits on time" in r.evidence
    assert r.late == late((D(2024, 2, 17), None))


def test_events_before_the_anchor_or_after_as_of_are_ignored():
    c = case(
        "CIN",
        D(2024, 1, 10),
        visit(D(2024, 1, 5)),  # before the case started
        visit(D(2024, 2, 1)),
        visit(D(2024, 3, 30)),  # after as-of
    )
    r = result("cin-visits", c, D(2024, 3, 1))
    # due 7 Feb (on time 1 Feb); next due 29 Feb, nothing by 1 Mar
    assert r.late == late((D(2024, 2, 29), None))


def test_anchor_event_missing_is_not_applicable():
    c = case("CP", D(2024, 1, 2))
    r = result("cp-review-conference", c, D(2024, 6, 1))
    assert r.status == Status.not_applicable and r.evidence == "no ICPC yet"


def test_anchored_at_first_icpc():
    c = case(
        "CP",
        D(2024, 1, 2),
        ev("icpc", D(2024, 2, 15)),
        ev("icpc", D(2024, 3, 1)),  # only the first is the anchor
        ev("review_conference", D(2024, 5, 20)),  # due 15 May
    )
    r = result("cp-review-conference", c, D(2024, 6, 1))
    assert r.late == late((D(2024, 5, 15), D(2024, 5, 20)))
    assert "next due by 20 Nov 2024" in r.evidence


def test_only_intervals_ending_in_the_look_back_window_are_assessed():
    # look-back 6 months before 31 Jan 2024 starts 31 Jul 2023
    events = [visit(D(2023, 3, 1))]  # due 29 Jan 2023 + ...: late, but long ago
    day = D(2023, 3, 1)
    for _ in range(12):
        day = D.fromordinal(day.toordinal() + 28)
        events.append(visit(day))
    c = case("CIN", D(2023, 1, 1), *events)
    r = result("cin-visits", c, D(2024, 1, 31))
    assert r.status == Status.met and r.late == []
    # the same case assessed as at April 2023 sees the late first visit
    assert result("cin-visits", c, D(2023, 4, 1)).late == late((D(2023, 1, 29), D(2023, 3, 1)))


def test_threshold_separates_partly_met_from_not_met():
    # CIN visits every 28 days; 5 intervals with 1 late -> 4/5 = 0.8 -> partly met
    c = case(
        "CIN",
        D(2024, 1, 1),
        visit(D(2024, 1, 28)),
        visit(D(2024, 2, 25)),
        visit(D(2024, 3, 30)),  # due 24 Mar: late
        visit(D(2024, 4, 27)),
        visit(D(2024, 5, 25)),
    )
    r = result("cin-visits", c, D(2024, 6, 1))
    assert r.status == Status.partly_met and len(r.late) == 1
    # 3 of 4 = 0.75 -> not met
    r = result("cin-visits", c, D(2024, 4, 28))
    assert r.status == Status.not_met


def test_closed_case_expects_nothing_after_closure():
    c = case("CIN", D(2024, 1, 1), visit(D(2024, 1, 20)), closed=D(2024, 2, 1))
    assert result("cin-visits", c, D(2024, 6, 1)).status == Status.met


# --- within rules --------------------------------------------------------------------------


def test_within_takes_the_first_follow_up_on_or_after_each_trigger():
    c = case(
        "CIN",
        D(2024, 1, 1),
        ev("referral", D(2024, 1, 5)),
        ev("assessment_completed", D(2024, 2, 20)),
        ev("referral", D(2024, 3, 1)),
        # 45wd after 1 Mar skips Good Friday, Easter Monday and 6 May: due 8 May
        ev("assessment_completed", D(2024, 6, 3)),
    )
    r = result("assessment-timeliness", c, D(2024, 6, 10))
    assert r.late == late((D(2024, 5, 8), D(2024, 6, 3)))
    assert "1 of 2" in r.evidence and r.status == Status.not_met


def test_within_return_interview_three_days():
    c = case(
        "EH",
        D(2024, 1, 1),
        ev("missing_return", D(2024, 3, 1)),
        ev("return_interview", D(2024, 3, 4)),
        ev("missing_return", D(2024, 3, 10)),
    )
    r = result("return-interview", c, D(2024, 3, 20))
    assert r.late == late((D(2024, 3, 13), None))
    assert r.status == Status.not_met


def test_within_trigger_outside_window_is_ignored():
    c = case("CIN", D(2023, 1, 1), ev("referral", D(2023, 1, 5)))
    r = result("assessment-timeliness", c, D(2024, 1, 31))
    assert r.status == Status.not_applicable and "no referral" in r.evidence


# --- present, seen alone, judgement ---------------------------------------------------------


def test_present_chronology():
    none = case("CP", D(2024, 1, 1))
    assert result("chronology", none, D(2024, 6, 1)).status == Status.not_met
    c = case("CP", D(2024, 1, 1), ev("chronology", D(2024, 3, 1)))
    assert result("chronology", c, D(2024, 6, 1)).status == Status.met  # fresh until 1 Jun
    r = result("chronology", c, D(2024, 6, 2))
    assert r.status == Status.partly_met and "1 Jun 2024" in r.evidence


def test_seen_alone():
    alone = case("CP", D(2024, 1, 1), visit(D(2024, 1, 5), seen_alone=True))
    assert result("cp-seen-alone", alone, D(2024, 2, 1)).status == Status.met
    explained = case(
        "CP",
        D(2024, 1, 1),
        visit(D(2024, 1, 5), seen_alone=True),
        visit(D(2024, 1, 15), seen_alone=False, reason_not_alone="baby, asleep"),
    )
    assert result("cp-seen-alone", explained, D(2024, 2, 1)).status == Status.partly_met
    unexplained = case(
        "CP", D(2024, 1, 1), visit(D(2024, 1, 5), seen_alone=True), visit(D(2024, 1, 15), seen_alone=False)
    )
    r = result("cp-seen-alone", unexplained, D(2024, 2, 1))
    assert r.status == Status.not_met and "15 Jan 2024" in r.evidence
    unrecorded = case("CP", D(2024, 1, 1), visit(D(2024, 1, 5), reason_not_alone="asleep"))
    assert result("cp-seen-alone", unrecorded, D(2024, 2, 1)).status == Status.not_met
    unseen_only = case("CP", D(2024, 1, 1), visit(D(2024, 1, 5), child_seen=False))
    assert result("cp-seen-alone", unseen_only, D(2024, 2, 1)).status == Status.not_applicable


def test_judgement_standards_wait_for_the_auditor():
    r = result("voice-of-child", case("EH", D(2024, 1, 1)), D(2024, 2, 1))
    assert r.status is None and r.evidence == "needs the auditor's judgement"


# --- the whole case ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case_type, expected",
    [
        ("EH", ["return-interview", "voice-of-child", "management-oversight"]),
        (
            "CP",
            [
                "cp-visits", "cp-seen-alone", "supervision", "chronology", "icpc-timeliness",
                "cp-review-conference", "assessment-timeliness", "return-interview",
                "voice-of-child", "management-oversight", "plan-quality", "absent-parent-views",
            ],
        ),
        (
            "CLA",
            [
                "cla-visits", "supervision", "chronology", "cla-review", "return-interview",
                "voice-of-child", "management-oversight", "plan-quality", "life-story-work",
            ],
        ),
    ],
)
def test_one_result_per_applicable_standard_in_catalogue_order(case_type, expected):
    report = evaluate(case(case_type, D(2024, 1, 1)), D(2024, 3, 1), CATALOGUE)
    assert [r.standard for r in report.results] == expected


def test_every_case_type_has_standards():
    for t in CaseType:
        assert CATALOGUE.applicable(t)
