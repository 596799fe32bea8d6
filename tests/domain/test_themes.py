"""Figures of the quarterly themes report on a small hand-built dataset.

Every expected number is worked out by hand in the comments beside it. The dataset is
also used by the export tests (`from test_themes import dataset`).
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from audit_tools.models import Action, Audit, Case, Moderation, Themes, User
from audit_tools.quarters import Quarter
from audit_tools.themes import (
    ThemesInput,
    in_quarter,
    movers,
    pct,
    themes_report,
    top_themes,
)

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


@pytest.fixture
def report():
    return themes_report(Q1, dataset())


def test_quarter_and_dates(report):
    doc = report.to_json()
    assert doc["quarter"] == "2024-25-Q1"
    assert doc["from"] == "2024-04-01" and doc["to"] == "2024-06-30"
    assert doc["previous"]["quarter"] == "2023-24-Q4"


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
    # A1..A4 were submitted 1 April to 30 June; D1 is a draft and N1 is 1 July (Q2).
    assert a.completed == 4
    # North: A1 (C1), A2 (C2); South: A3 (C3); C4 has no team.
    assert a.by_team == {"North": 2, "South": 1, "unallocated": 1}
    # Quota 2 a month × 3 months = 6 expected for every auditor, eve listed at zero;
    # dan (moderator only) and qal (qa_lead only) are not auditors and did not audit.
    assert {k: (v.completed, v.expected) for k, v in a.by_auditor.items()} == {
        "amy": (2, 6), "ben": (1, 6), "cat": (1, 6), "eve": (0, 6),
    }


def test_grades_are_final_after_moderation(report):
    # A1 good; A2 outstanding moved to good by the moderator's final grade; A3 stays
    # requires improvement (moderator graded good but set no final grade); A4 inadequate.
    assert report.grades == {"outstanding": 0, "good": 2, "requires_improvement": 1, "inadequate": 1}


def test_standards_use_submitted_scores(report):
    s = report.standards
    assert list(s) == ["cp-visits", "chronology", "supervision", "voice-of-child"]  # catalogue order
    # cp-visits: met A1, A2, A4; not met A3 → n 4, 3/4 = 75.0 %
    assert (s["cp-visits"].n, s["cp-visits"].met, s["cp-visits"].not_met, s["cp-visits"].pct_met) == (4, 3, 1, 75.0)
    # chronology: partly A1, met A2 and A3, not met A4 → 2/4 = 50.0 %
    c = s["chronology"]
    assert (c.n, c.met, c.partly_met, c.not_met, c.pct_met) == (4, 2, 1, 1, 50.0)
    # supervision: A1 not applicable (left out of n), A3 met → 1/1 = 100.0 %
    assert (s["supervision"].n, s["supervision"].met, s["supervision"].pct_met) == (1, 1, 100.0)
    assert s["supervision"].not_applicable == 1
    # voice-of-child: nobody scored it → n 0, % met null
    assert s["voice-of-child"].n == 0 and s["voice-of-child"].pct_met is None
    assert report.to_json()["standards"]["voice-of-child"]["pct_met"] is None


def test_pct_met_rounds_half_up_to_one_decimal():
    assert pct(49, 400) == 12.3  # 12.25 exactly: half up, not to even
    assert pct(1, 8) == 12.5
    assert pct(2, 3) == 66.7  # 66.666…
    assert pct(1, 3) == 33.3
    assert pct(0, 5) == 0.0
    assert pct(0, 0) is None


def test_themes(report):
    t = report.themes
    # strengths: voice-of-child A1 + A2 = 2, supervision A2 = 1
    assert (t["voice-of-child"].strength, t["voice-of-child"].improvement) == (2, 0)
    assert (t["supervision"].strength, t["supervision"].improvement) == (1, 0)
    # improvements: chronology A1 + A3 = 2, visits A3 = 1 (P2's visits is last quarter)
    assert (t["chronology"].strength, t["chronology"].improvement) == (0, 2)
    assert (t["visits"].strength, t["visits"].improvement) == (0, 1)
    assert (t["multi-agency"].strength, t["multi-agency"].improvement) == (0, 0)  # listed at zero
    assert top_themes(report, "improvement") == [("chronology", 2), ("visits", 1)]
    assert top_themes(report, "strength") == [("voice-of-child", 2), ("supervision", 1)]


def test_moderation(report):
    m = report.moderation
    assert m.sampled == 4  # A1..A4 sampled; P1 is last quarter's
    assert m.moderated == 3  # A4 is assigned but has no moderator's grade yet
    # pairs (auditor, moderator): A1 (good 2, good 2), A2 (outstanding 3, good 2),
    # A3 (requires improvement 1, good 2) → 1 of 3 exact, as a fraction (like stats agreement)
    assert m.exact_agreement == pytest.approx(1 / 3)
    assert m.moved_down == 1  # A2: the auditor was more generous
    assert m.moved_up == 1  # A3
    # The moderator graded every case good: observed weighted disagreement
    # (0 + 1/9 + 1/9)/3 = 2/27; expected = (1/3)·(0 + 1/9 + 1/9) = 2/27 → kappa 1 − 1 = 0.
    assert m.kappa_quadratic == pytest.approx(0.0)


def test_actions_judged_at_quarter_end(report):
    a = report.actions
    # Six actions: A1 ×1, A2 ×1, A3 ×3, A4 ×1.
    assert a.raised == 6
    # Completed by 30 June: A1's (20 April) and A2's (10 June). A3's third came 2 July.
    assert a.completed == 2
    # On time: A1's (20 April ≤ due 1 May); A2's came 10 June after its due 1 June.
    assert a.completed_on_time == 1
    assert a.open == 4  # 6 − 2
    # Overdue (open and due before 30 June): A3 due 15 June, A3 due 20 June (done 2 July);
    # not A3 due 15 July, not A4 due on 30 June itself.
    assert a.overdue == 2
    states = [(r.audit_id, r.due.isoformat(), r.state) for r in report.action_list]
    assert ("A4", "2024-06-30", "open") in states
    assert ("A3", "2024-06-20", "overdue") in states


def test_override_rate(report):
    o = report.overrides
    # A1: cp-visits auto met = met; chronology auto not_met → partly_met (override);
    # supervision has no automatic status. A3: cp-visits auto not_met = not_met.
    assert (o.automatic, o.overridden, o.rate) == (3, 1, 0.3333)


def test_override_rate_counts_audits_made_in_caseaudit_only():
    data = dataset()
    # A historic audit scored outside caseaudit: both its scores differ from the automatic
    # statuses computed at import, yet nobody was shown those, so nobody overrode them.
    historic = Audit(
        audit_id="H1", case_ref="C4", auditor="eve", as_of=date(2024, 4, 20),
        submitted_on=date(2024, 4, 22), grade="good", imported=True,
        scores={"cp-visits": "met", "chronology": "met"},
        automatic={"cp-visits": "not_met", "chronology": "not_met"},
    )
    data.audits.append(historic)
    report = themes_report(Q1, data)
    o = report.overrides
    # As in test_override_rate: A1's chronology is the one override among 3; H1 adds none.
    assert (o.automatic, o.overridden, o.rate) == (3, 1, 0.3333)
    # ...and the report says it left H1 out, rather than look like a figure for the whole quarter
    # (finding 15 of issue 26).
    assert o.imported == 1
    from audit_tools.exporters.md_export import render_md

    assert ("- **Automatic statuses overridden:** 1 of 3 (33.3%), counted over the 4 audits made in "
            "caseaudit; the 1 imported audit had no automatic status to override.") in render_md(report)
    # Every other figure still counts it: it is a completed audit of the quarter.
    assert report.audits.completed == 5
    assert report.standards["chronology"].met == 3
    # The same audit made in caseaudit would count as two overrides.
    data.audits[-1] = historic.model_copy(update={"imported": False})
    o = themes_report(Q1, data).overrides
    assert (o.automatic, o.overridden) == (5, 3)


def test_previous_quarter_and_boundaries(report):
    p = report.previous
    # P1 submitted 31 March 2024 and P2 on 1 January 2024 are both 2023-24 Q4.
    assert p.audits.completed == 2
    assert p.grades == {"outstanding": 0, "good": 1, "requires_improvement": 1, "inadequate": 0}
    assert (p.standards["cp-visits"].n, p.standards["cp-visits"].pct_met) == (2, 50.0)
    assert p.standards["chronology"].pct_met == 50.0
    assert p.standards["supervision"].pct_met is None
    doc = report.to_json()["previous"]
    assert doc["grades"]["good"] == 1 and doc["standards"]["cp-visits"]["met"] == 1


def test_quarter_boundary_dates():
    data = dataset()
    ids = lambda q: [a.audit_id for a in in_quarter(data.audits, Quarter.parse(q))]
    assert ids("2023-24-Q4") == ["P2", "P1"]  # 1 January and 31 March
    assert ids("2024-25-Q1") == ["A1", "A4", "A3", "A2"]  # 1 April … 30 June
    assert ids("2024-25-Q2") == ["N1"]  # 1 July


def test_movers(report):
    # cp-visits 50.0 → 75.0 (+25.0); chronology 50.0 → 50.0 (no change); supervision has
    # no previous figure, so it cannot move.
    fell, rose = movers(report)
    assert rose == [("cp-visits", 25.0)]
    assert fell == []


def test_free_text_absent_by_default_present_when_asked():
    plain = json.dumps(themes_report(Q1, dataset()).to_json())
    for text in FREE_TEXT:
        assert text not in plain
    assert "updated on paper file" not in plain  # override reasons are free text too
    full = json.dumps(themes_report(Q1, dataset(), include_notes=True).to_json())
    for text in FREE_TEXT:
        assert text in full
    assert "updated on paper file" in full


def test_an_empty_quarter_is_all_zeros():
    r = themes_report(Quarter.parse("2020-21-Q1"), dataset())
    assert r.audits.completed == 0
    assert r.audits.by_auditor["eve"].completed == 0
    assert all(v == 0 for v in r.grades.values())
    assert r.moderation.exact_agreement is None and r.moderation.kappa_quadratic is None
    assert r.standards["cp-visits"].pct_met is None
