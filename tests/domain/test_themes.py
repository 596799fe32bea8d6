"""The quarterly themes report (audit_tools.themes.report_from_rows) on worked examples.

The store counts and groups in SQL; report_from_rows shapes those rows into the report.
`rows()` is what the store's queries give for the small department in `dataset()`,
counted by hand in the comments beside each line, and every expected figure below is
worked out by hand from them. The same dataset, read by the whole-audit oracle in
tests/themes_oracle.py, gives the same document (the last test), and it is the report the
export tests write (`from test_themes import dataset`).
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest

from audit_tools.concerns import ConcernTimes
from audit_tools.exporters.md_export import render_md
from audit_tools.models import Action, Audit, Case, Moderation, Themes, User
from audit_tools.quarters import Quarter
from audit_tools.themes import (
    QuarterCounts,
    ReportRows,
    agreement_from_counts,
    fraction,
    movers,
    pct,
    report_from_rows,
    top_themes,
)
from tests.themes_oracle import ThemesInput, themes_report

Q1 = Quarter.parse("2024-25-Q1")  # 1 April to 30 June 2024; previous 2023-24 Q4 (Jan to Mar)

STANDARDS = [
    ("cp-visits", "Child protection visits"),
    ("chronology", "Chronology"),
    ("supervision", "Supervision"),
    ("voice-of-child", "Voice of the child"),
]

FREE_TEXT = [
    "Not updated since January",
    "Update the chronology",
    "Book the core group",
    "Too generous on drift",
    "Look again at drift",
    "updated on paper file",  # an override reason
]


def dataset(*, auditor_name: str = "amy", team_name: str = "North") -> ThemesInput:
    users = [
        User(username=auditor_name, display_name="Amy", roles=["auditor"]),
        User(username="ben", display_name="Ben", roles=["auditor"]),
        User(username="cat", display_name="Cat", roles=["auditor", "moderator"]),
        User(username="dan", display_name="Dan", roles=["moderator"]),
        User(username="eve", display_name="Eve", roles=["auditor"]),
        User(username="qal", display_name="Quinn", roles=["qa_lead"]),
    ]
    cases = {
        "C1": Case(case_ref="C1", case_type="CP", start_date=date(2023, 1, 1), team=team_name),
        "C2": Case(case_ref="C2", case_type="CP", start_date=date(2023, 1, 1), team=team_name),
        "C3": Case(case_ref="C3", case_type="CP", start_date=date(2023, 1, 1), team="South"),
        "C4": Case(case_ref="C4", case_type="CP", start_date=date(2023, 1, 1)),
    }
    audits = [
        # --- this quarter, 2024-25 Q1 ---
        Audit(
            audit_id="A1", case_ref="C1", auditor=auditor_name, as_of=date(2024, 3, 28),
            submitted_on=date(2024, 4, 1),  # first day of Q1
            grade="good",
            scores={"cp-visits": "met", "chronology": "partly_met", "supervision": "not_applicable"},
            automatic={"cp-visits": "met", "chronology": "not_met", "supervision": None},
            override_reasons={"chronology": "updated on paper file"},
            notes={"chronology": "Not updated since January"},
            themes=Themes(strengths=["voice-of-child"], improvements=["chronology"]),
            actions=[Action(description="Update the chronology", owner="ben",
                            due=date(2024, 5, 1), completed_on=date(2024, 4, 20),
                            standard="chronology")],
            moderation=Moderation(moderator="dan", grade="good", outcome="agreed"),
        ),
        Audit(
            audit_id="A2", case_ref="C2", auditor=auditor_name, as_of=date(2024, 6, 25),
            submitted_on=date(2024, 6, 30),  # last day of Q1
            grade="outstanding",
            scores={"cp-visits": "met", "chronology": "met"},
            themes=Themes(strengths=["voice-of-child", "supervision"]),
            actions=[Action(description="Book the core group", owner="ben",
                            due=date(2024, 6, 1), completed_on=date(2024, 6, 10))],
            moderation=Moderation(moderator="dan", grade="good", outcome="grade_changed",
                                  final_grade="good", reason="Too generous on drift",
                                  feedback="Look again at drift"),
        ),
        Audit(
            audit_id="A3", case_ref="C3", auditor="ben", as_of=date(2024, 5, 10),
            submitted_on=date(2024, 5, 15),
            grade="requires_improvement",
            scores={"cp-visits": "not_met", "chronology": "met", "supervision": "met"},
            automatic={"cp-visits": "not_met"},
            themes=Themes(improvements=["chronology", "visits"]),
            actions=[
                Action(description="Visit", owner="cat", due=date(2024, 6, 15), standard="cp-visits"),
                Action(description="Plan", owner="cat", due=date(2024, 7, 15)),
                Action(description="Review", owner="cat", due=date(2024, 6, 20),
                       completed_on=date(2024, 7, 2)),
            ],
            # The moderator thought better of it, but kept the grade (no final grade).
            moderation=Moderation(moderator="dan", grade="good", outcome="escalated"),
        ),
        Audit(
            audit_id="A4", case_ref="C4", auditor="cat", as_of=date(2024, 4, 5),
            submitted_on=date(2024, 4, 10),
            grade="inadequate",
            scores={"cp-visits": "met", "chronology": "not_met"},
            actions=[Action(description="Chronology", owner="ben", due=date(2024, 6, 30),
                            standard="chronology")],
            moderation=Moderation(moderator="dan"),  # assigned, not yet re-audited
        ),
        # --- previous quarter, 2023-24 Q4 ---
        Audit(
            audit_id="P1", case_ref="C1", auditor=auditor_name, as_of=date(2024, 3, 25),
            submitted_on=date(2024, 3, 31),  # 31 March: Q4 of the year before
            grade="good", scores={"cp-visits": "met", "chronology": "met"},
        ),
        Audit(
            audit_id="P2", case_ref="C3", auditor="ben", as_of=date(2023, 12, 20),
            submitted_on=date(2024, 1, 1),
            grade="requires_improvement", scores={"cp-visits": "not_met", "chronology": "not_met"},
            themes=Themes(improvements=["visits"]),
        ),
        # --- neither: a draft, and an audit of the next quarter ---
        Audit(audit_id="D1", case_ref="C1", auditor="ben", as_of=date(2024, 5, 1), grade="good",
              scores={"cp-visits": "not_met"}),
        Audit(audit_id="N1", case_ref="C2", auditor="ben", as_of=date(2024, 6, 28),
              submitted_on=date(2024, 7, 1), grade="inadequate", scores={"cp-visits": "not_met"}),
    ]
    return ThemesInput(
        audits=audits, cases=cases, users=users,
        sampled_ids={"A1", "A2", "A3", "A4", "P1"},
        quota=2, standards=STANDARDS,
    )


def rows(include_notes: bool = False) -> ReportRows:
    """What the store's report queries give for `dataset()` in 2024-25 Q1 and 2023-24 Q4."""
    return ReportRows(
        this=QuarterCounts(
            # A1 (C1) and A2 (C2) are North's, A3 (C3) South's; C4 has no team.
            by_team=[("North", 2), ("South", 1), ("unallocated", 1)],
            by_auditor=[("amy", 2), ("ben", 1), ("cat", 1)],
            # A1 good; A2 outstanding, moved to good by the moderator's final grade; A3 requires
            # improvement (the moderator graded good but set no final grade); A4 inadequate.
            final_grades=[("good", 2), ("inadequate", 1), ("requires_improvement", 1)],
            scores=[("chronology", "met", 2), ("chronology", "not_met", 1), ("chronology", "partly_met", 1),
                    ("cp-visits", "met", 3), ("cp-visits", "not_met", 1),
                    ("supervision", "met", 1), ("supervision", "not_applicable", 1)],
            themes=[("chronology", "improvement", 2), ("supervision", "strength", 1),
                    ("visits", "improvement", 1), ("voice-of-child", "strength", 2)],
            # (auditor, auditor's grade, moderator's grade, audits): A1, A2, A3; A4 not re-audited yet.
            pairs=[("amy", "good", "good", 1), ("amy", "outstanding", "good", 1),
                   ("ben", "requires_improvement", "good", 1)],
            moderation=(4, 3, 3, 3),  # sampled A1-A4; moderated and reconciled A1-A3, all sampled
            actions=(6, 2, 1, 4, 2),  # raised, completed, on time, open, overdue (see test_actions)
            overrides=(3, 1),  # A1 cp-visits and chronology, A3 cp-visits; A1's chronology differs
        ),
        previous=QuarterCounts(
            by_team=[("North", 1), ("South", 1)],  # P1 (C1), P2 (C3)
            by_auditor=[("amy", 1), ("ben", 1)],
            final_grades=[("good", 1), ("requires_improvement", 1)],
            scores=[("chronology", "met", 1), ("chronology", "not_met", 1),
                    ("cp-visits", "met", 1), ("cp-visits", "not_met", 1)],
            themes=[("visits", "improvement", 1)],
            moderation=(1, 0, 0, 0),  # P1 sampled, nobody re-audited
        ),
        users=dataset().users,
        # In order of submission: 1 April, 10 April, 15 May, 30 June.
        audit_list=[("A1", "C1", "amy", "North", "2024-04-01", "good", "good", 1),
                    ("A4", "C4", "cat", "unallocated", "2024-04-10", "inadequate", "inadequate", 0),
                    ("A3", "C3", "ben", "South", "2024-05-15", "requires_improvement", "requires_improvement", 1),
                    ("A2", "C2", "amy", "North", "2024-06-30", "outstanding", "good", 1)],
        action_list=[("A1", "C1", "chronology", "ben", "2024-05-01", "2024-04-20", "Update the chronology"),
                     ("A4", "C4", "chronology", "ben", "2024-06-30", None, "Chronology"),
                     ("A3", "C3", "cp-visits", "cat", "2024-06-15", None, "Visit"),
                     ("A3", "C3", None, "cat", "2024-07-15", None, "Plan"),
                     ("A3", "C3", None, "cat", "2024-06-20", "2024-07-02", "Review"),
                     ("A2", "C2", None, "ben", "2024-06-01", "2024-06-10", "Book the core group")],
        notes=[("A1", "C1", "auditor", "chronology", "Not updated since January"),
               ("A1", "C1", "auditor", "override of chronology", "updated on paper file"),
               ("A2", "C2", "moderator", "reason", "Too generous on drift"),
               ("A2", "C2", "moderator", "feedback", "Look again at drift")] if include_notes else [],
        quota=2,
        standards=STANDARDS,
    )


@pytest.fixture
def report():
    return report_from_rows(Q1, rows())


def test_quarter_and_dates(report):
    doc = report.to_json()
    assert doc["quarter"] == "2024-25-Q1" and report.label == Q1.label
    assert doc["from"] == "2024-04-01" and doc["to"] == "2024-06-30"
    assert doc["previous"]["quarter"] == "2023-24-Q4"
    assert doc["previous"]["from"] == "2024-01-01" and doc["previous"]["to"] == "2024-03-31"


def test_json_has_exactly_the_contract_keys(report):
    doc = report.to_json()
    for key in ["quarter", "from", "to", "audits", "grades", "standards", "themes",
                "moderation", "actions", "previous"]:
        assert key in doc
    assert set(doc["audits"]) == {"completed", "by_team", "by_auditor"}
    assert set(doc["audits"]["by_auditor"]["amy"]) == {"completed", "expected"}
    assert set(doc["standards"]["cp-visits"]) == {"n", "met", "partly_met", "not_met", "not_applicable", "pct_met"}
    assert set(doc["themes"]["chronology"]) == {"strength", "improvement"}
    assert set(doc["moderation"]) == {"sampled", "moderated", "reconciled", "sample_moderated", "exact_agreement",
                                      "kappa_quadratic", "moved_down", "moved_up"}
    assert set(doc["actions"]) == {"raised", "completed", "completed_on_time", "open", "overdue"}
    assert set(doc["concerns"]) == {"raised", "acknowledged_within_1wd", "open"}
    assert set(doc["previous"]) == {"quarter", "from", "to", "audits", "grades", "standards", "themes",
                                    "moderation", "actions", "overrides", "concerns"}
    json.dumps(doc)  # plain JSON all the way down


def test_audits_by_team_and_auditor(report):
    a = report.audits
    assert a.completed == 4  # 2 + 1 + 1 by auditor
    assert a.by_team == {"North": 2, "South": 1, "unallocated": 1}
    assert list(a.by_team) == ["North", "South", "unallocated"]
    # Quota 2 a month × 3 months = 6 expected for every auditor, eve listed at zero;
    # dan (moderator only) and qal (qa_lead only) are not auditors and did not audit.
    assert {k: (v.completed, v.expected) for k, v in a.by_auditor.items()} == {
        "amy": (2, 6), "ben": (1, 6), "cat": (1, 6), "eve": (0, 6),
    }
    assert list(a.by_auditor) == ["amy", "ben", "cat", "eve"]


def test_someone_outside_the_auditor_role_who_audited_is_shown_with_no_quota():
    counts = QuarterCounts(by_auditor=[("qal", 2), ("amy", 1)])
    r = report_from_rows(Q1, ReportRows(this=counts, previous=QuarterCounts(), users=dataset().users, quota=3))
    # amy, ben, cat and eve are auditors: 3 a month × 3 = 9 each; qal is a QA lead only.
    assert {k: (v.completed, v.expected) for k, v in r.audits.by_auditor.items()} == {
        "amy": (1, 9), "ben": (0, 9), "cat": (0, 9), "eve": (0, 9), "qal": (2, 0),
    }
    assert r.audits.completed == 3
    assert r.previous.audits.by_auditor["amy"].expected == 9  # January to March: three months too


def test_grades_are_final_after_moderation_best_first(report):
    assert report.grades == {"outstanding": 0, "good": 2, "requires_improvement": 1, "inadequate": 1}
    assert list(report.grades) == ["outstanding", "good", "requires_improvement", "inadequate"]


def test_an_audit_with_no_grade_counts_in_no_grade():
    counts = QuarterCounts(by_auditor=[("amy", 2)], final_grades=[(None, 1), ("good", 1)])
    r = report_from_rows(Q1, ReportRows(this=counts, previous=QuarterCounts(), users=[]))
    assert r.grades == {"outstanding": 0, "good": 1, "requires_improvement": 0, "inadequate": 0}
    assert r.audits.completed == 2


def test_standards_use_submitted_scores(report):
    s = report.standards
    assert list(s) == ["cp-visits", "chronology", "supervision", "voice-of-child"]  # catalogue order
    # cp-visits: met 3, not met 1 → n 4, 3/4 = 75.0 %
    assert (s["cp-visits"].n, s["cp-visits"].met, s["cp-visits"].not_met, s["cp-visits"].pct_met) == (4, 3, 1, 75.0)
    # chronology: met 2, partly 1, not met 1 → 2/4 = 50.0 %
    c = s["chronology"]
    assert (c.n, c.met, c.partly_met, c.not_met, c.pct_met) == (4, 2, 1, 1, 50.0)
    # supervision: not applicable 1 (left out of n), met 1 → 1/1 = 100.0 %
    assert (s["supervision"].n, s["supervision"].met, s["supervision"].pct_met) == (1, 1, 100.0)
    assert s["supervision"].not_applicable == 1 and s["cp-visits"].not_applicable == 0
    # voice-of-child: nobody scored it → n 0, % met null
    assert s["voice-of-child"].n == 0 and s["voice-of-child"].pct_met is None
    assert report.to_json()["standards"]["voice-of-child"]["pct_met"] is None
    assert report.standard_titles == dict(STANDARDS)


def test_a_standard_outside_the_catalogue_comes_after_it_by_id():
    counts = QuarterCounts(scores=[("zz-retired", "met", 1), ("aa-old", "partly_met", 2), ("aa-old", "met", 1),
                                   ("cp-visits", "not_met", 1)])
    r = report_from_rows(Q1, ReportRows(this=counts, previous=QuarterCounts(), users=[], standards=STANDARDS))
    assert list(r.standards) == ["cp-visits", "chronology", "supervision", "voice-of-child", "aa-old", "zz-retired"]
    old = r.standards["aa-old"]
    assert (old.n, old.met, old.partly_met, old.pct_met) == (3, 1, 2, 33.3)  # 1/3 = 33.33… → 33.3
    assert r.standards["cp-visits"].pct_met == 0.0
    # No title in the catalogue: the id stands for it.
    assert r.standard_titles["aa-old"] == "aa-old" and r.standard_titles["cp-visits"] == "Child protection visits"


def test_pct_met_rounds_half_up_to_one_decimal():
    assert pct(49, 400) == 12.3  # 12.25 exactly: half up, not to even
    assert pct(1, 8) == 12.5
    assert pct(2, 3) == 66.7  # 66.666…
    assert pct(1, 3) == 33.3
    assert pct(0, 5) == 0.0
    assert pct(5, 5) == 100.0
    assert pct(0, 0) is None


def test_fraction_rounds_half_up_to_four_decimals():
    assert fraction(1, 3) == 0.3333
    assert fraction(2, 3) == 0.6667
    assert fraction(1, 16) == 0.0625
    assert fraction(1, 32) == 0.0313  # 0.03125: half up
    assert fraction(0, 7) == 0.0 and fraction(3, 0) is None


def test_themes(report):
    t = report.themes
    assert (t["voice-of-child"].strength, t["voice-of-child"].improvement) == (2, 0)
    assert (t["supervision"].strength, t["supervision"].improvement) == (1, 0)
    assert (t["chronology"].strength, t["chronology"].improvement) == (0, 2)
    assert (t["visits"].strength, t["visits"].improvement) == (0, 1)
    assert (t["multi-agency"].strength, t["multi-agency"].improvement) == (0, 0)  # listed at zero
    assert top_themes(report, "improvement") == [("chronology", 2), ("visits", 1)]
    assert top_themes(report, "strength") == [("voice-of-child", 2), ("supervision", 1)]
    assert report.previous.themes["visits"].improvement == 1


def test_themes_in_the_vocabulary_first_then_others_by_id():
    vocabulary = {"voice": "Voice of the child", "plans": "Plans"}
    counts = QuarterCounts(themes=[("zebra", "strength", 1), ("plans", "improvement", 3), ("alpha", "improvement", 2)])
    r = report_from_rows(Q1, ReportRows(this=counts, previous=QuarterCounts(), users=[], themes=vocabulary))
    assert list(r.themes) == ["voice", "plans", "alpha", "zebra"]
    assert (r.themes["plans"].strength, r.themes["plans"].improvement) == (0, 3)
    assert (r.themes["zebra"].strength, r.themes["zebra"].improvement) == (1, 0)
    assert r.theme_labels == {"voice": "Voice of the child", "plans": "Plans", "alpha": "alpha", "zebra": "zebra"}
    assert top_themes(r, "improvement", count=1) == [("plans", 3)]


def test_moderation(report):
    m = report.moderation
    assert (m.sampled, m.moderated, m.reconciled, m.sample_moderated) == (4, 3, 3, 3)
    # pairs (auditor, moderator): A1 (good 2, good 2), A2 (outstanding 3, good 2),
    # A3 (requires improvement 1, good 2) → 1 of 3 exact, as a fraction (like stats agreement)
    assert m.exact_agreement == pytest.approx(1 / 3)
    assert m.moved_down == 1  # A2: the auditor was more generous
    assert m.moved_up == 1  # A3
    # The moderator graded every case good: observed weighted disagreement
    # (0 + 1/9 + 1/9)/3 = 2/27; expected = (1/3)·(0 + 1/9 + 1/9) = 2/27 → kappa 1 − 1 = 0.
    assert m.kappa_quadratic == pytest.approx(0.0)
    p = report.previous.moderation
    assert (p.sampled, p.moderated, p.exact_agreement, p.kappa_quadratic) == (1, 0, None, None)


def test_agreement_counts_each_group_as_many_times_as_it_happened():
    # amy: 2 × good/good, 1 × outstanding/good; ben: 1 × requires improvement/inadequate.
    pairs = [("amy", "good", "good", 2), ("amy", "outstanding", "good", 1),
             ("ben", "requires_improvement", "inadequate", 1)]
    a = agreement_from_counts("2024-25-Q1", pairs, by_standard=[("chronology", 4, 3), ("cp-visits", 2, None)])
    assert a.pairs == 4
    assert a.exact_agreement == pytest.approx(2 / 4)
    assert (a.moved_down, a.moved_up) == (2, 0)  # outstanding → good, requires improvement → inadequate
    # Ranks: auditor [2, 2, 3, 1], moderator [2, 2, 2, 0]. Observed quadratic disagreement
    # (0 + 0 + 1 + 1)/4 = 1/2; expected over all 16 pairings (4 + 4 + 12 + 4)/16 = 3/2 → 1 − 1/3.
    assert a.kappa_quadratic == pytest.approx(2 / 3)
    assert list(a.by_auditor) == ["amy", "ben"]
    amy, ben = a.by_auditor["amy"], a.by_auditor["ben"]
    assert (amy.pairs, amy.exact, amy.moved_down, amy.moved_up) == (3, 2, 1, 0)
    assert (ben.pairs, ben.exact, ben.moved_down, ben.moved_up) == (1, 0, 1, 0)
    assert {sid: (s.pairs, s.agreed) for sid, s in a.by_standard.items()} == {"chronology": (4, 3), "cp-visits": (2, 0)}


def test_actions_judged_at_quarter_end(report):
    a = report.actions
    # The store counts these (six actions: A1 ×1, A2 ×1, A3 ×3, A4 ×1): completed by 30 June
    # A1's (20 April) and A2's (10 June), on time A1's only, open 6 − 2, overdue A3's due 15
    # and 20 June.
    assert (a.raised, a.completed, a.completed_on_time, a.open, a.overdue) == (6, 2, 1, 4, 2)
    # Each action's state as at 30 June, in the detail list.
    assert [(r.audit_id, r.due.isoformat(), r.state) for r in report.action_list] == [
        ("A1", "2024-05-01", "completed"),  # done 20 April
        ("A4", "2024-06-30", "open"),  # due on the quarter's last day itself: not overdue
        ("A3", "2024-06-15", "overdue"),
        ("A3", "2024-07-15", "open"),  # due after the quarter
        ("A3", "2024-06-20", "overdue"),  # done 2 July, after the quarter
        ("A2", "2024-06-01", "completed"),  # done 10 June, late but done
    ]
    assert report.action_list[0].completed_on == date(2024, 4, 20)
    assert report.action_list[1].completed_on is None and report.action_list[3].standard is None
    assert all(r.description is None for r in report.action_list)  # free text: only with include_notes


def test_an_action_with_no_due_date_is_open_until_completed():
    counts = QuarterCounts()
    r = report_from_rows(Q1, ReportRows(this=counts, previous=QuarterCounts(), users=[], action_list=[
        ("A9", "C9", None, "ben", None, None, "x"),
        ("A9", "C9", None, "ben", None, "2024-06-30", "y"),  # done on the quarter's last day
        ("A9", "C9", None, "ben", "2024-06-29", "2024-07-01", "z"),  # done the day after it
    ]))
    assert [row.state for row in r.action_list] == ["open", "completed", "overdue"]


def test_override_rate(report):
    o = report.overrides
    assert (o.automatic, o.overridden, o.rate) == (3, 1, 0.3333)
    assert (report.previous.overrides.automatic, report.previous.overrides.rate) == (0, None)


def test_imported_audits_are_left_out_of_the_override_rate_and_the_report_says_so():
    # Five audits in the quarter, one imported from earlier records: the store counts the
    # overrides over the four made in caseaudit (3 automatic statuses, 1 overridden).
    counts = QuarterCounts(by_auditor=[("amy", 3), ("eve", 2)], overrides=(3, 1), imported=1)
    r = report_from_rows(Q1, ReportRows(this=counts, previous=QuarterCounts(), users=dataset().users))
    o = r.overrides
    assert (o.automatic, o.overridden, o.rate, o.imported) == (3, 1, 0.3333, 1)
    assert r.audits.completed == 5
    assert ("- **Automatic statuses overridden:** 1 of 3 (33.3%), counted over the 4 audits made in "
            "caseaudit; the 1 imported audit had no automatic status to override.") in render_md(r)
    assert r.previous.overrides.imported == 0 and r.previous.overrides.imported_words(0) == ""


def test_previous_quarter(report):
    p = report.previous
    assert p.audits.completed == 2
    assert p.audits.by_team == {"North": 1, "South": 1}
    assert p.grades == {"outstanding": 0, "good": 1, "requires_improvement": 1, "inadequate": 0}
    assert (p.standards["cp-visits"].n, p.standards["cp-visits"].pct_met) == (2, 50.0)
    assert p.standards["chronology"].pct_met == 50.0
    assert p.standards["supervision"].pct_met is None
    doc = report.to_json()["previous"]
    assert doc["grades"]["good"] == 1 and doc["standards"]["cp-visits"]["met"] == 1


def test_the_audit_list(report):
    assert [(r.audit_id, r.team, r.submitted_on, r.grade, r.final_grade, r.moderated)
            for r in report.audit_list] == [
        ("A1", "North", date(2024, 4, 1), "good", "good", True),
        ("A4", "unallocated", date(2024, 4, 10), "inadequate", "inadequate", False),
        ("A3", "South", date(2024, 5, 15), "requires_improvement", "requires_improvement", True),
        ("A2", "North", date(2024, 6, 30), "outstanding", "good", True),
    ]


def test_movers(report):
    # cp-visits 50.0 → 75.0 (+25.0); chronology 50.0 → 50.0 (no change); supervision has
    # no previous figure, so it cannot move.
    fell, rose = movers(report)
    assert rose == [("cp-visits", 25.0)]
    assert fell == []


def test_free_text_absent_by_default_present_when_asked():
    plain = json.dumps(report_from_rows(Q1, rows(include_notes=True)).to_json())
    for text in FREE_TEXT:
        assert text not in plain  # the rows carry it, but the report leaves it out
    full_report = report_from_rows(Q1, rows(include_notes=True), include_notes=True)
    full = json.dumps(full_report.to_json())
    for text in FREE_TEXT:
        assert text in full
    assert full_report.include_notes and [(n.audit_id, n.source, n.topic) for n in full_report.notes] == [
        ("A1", "auditor", "chronology"), ("A1", "auditor", "override of chronology"),
        ("A2", "moderator", "reason"), ("A2", "moderator", "feedback")]
    assert full_report.action_list[0].description == "Update the chronology"


def test_concerns_raised_acknowledged_and_open_by_quarter():
    def at(day: str, hour: int) -> datetime:
        return datetime.fromisoformat(day).replace(hour=hour, tzinfo=timezone.utc)

    concerns = [
        # Raised Friday 28 June 2024 (Q1), acknowledged Monday 1 July: the next working day.
        ConcernTimes(raised_at=at("2024-06-28", 15), acknowledged_at=at("2024-07-01", 8)),
        # Raised Thursday 28 March (Q4); Good Friday and Easter Monday are bank holidays, so
        # the next working day is Tuesday 2 April and Wednesday 3 April is late; closed
        # 4 April, so open at Q4's end, not Q1's.
        ConcernTimes(raised_at=at("2024-03-28", 10), acknowledged_at=at("2024-04-03", 9),
                     closed_at=at("2024-04-04", 9)),
        # Raised 30 June at 23:30 London time (22:30 UTC): a Q1 concern, never acknowledged.
        ConcernTimes(raised_at=at("2024-06-30", 22).replace(minute=30)),
    ]
    r = report_from_rows(Q1, ReportRows(this=QuarterCounts(), previous=QuarterCounts(), users=[],
                                        concerns=concerns))
    assert r.concerns.model_dump() == {"raised": 2, "acknowledged_within_1wd": 1, "open": 2}
    assert r.previous.concerns.model_dump() == {"raised": 1, "acknowledged_within_1wd": 0, "open": 1}


def test_an_empty_quarter_is_all_zeros():
    r = report_from_rows(Quarter.parse("2020-21-Q1"), ReportRows(
        this=QuarterCounts(), previous=QuarterCounts(), users=dataset().users, standards=STANDARDS))
    assert r.audits.completed == 0 and r.audits.by_team == {}
    assert r.audits.by_auditor["eve"].completed == 0
    assert all(v == 0 for v in r.grades.values())
    assert r.moderation.exact_agreement is None and r.moderation.kappa_quadratic is None
    assert r.standards["cp-visits"].pct_met is None
    assert (r.overrides.rate, r.actions.raised, r.audit_list, r.notes) == (None, 0, [], [])


@pytest.mark.parametrize("include_notes", [False, True])
def test_the_hand_counted_rows_give_the_report_the_oracle_reads_from_the_audits(include_notes):
    """The rows above are the dataset's: the whole-audit oracle agrees, figure for figure."""
    oracle = themes_report(Q1, dataset(), include_notes=include_notes).to_json()
    assert report_from_rows(Q1, rows(include_notes), include_notes=include_notes).to_json() == oracle
