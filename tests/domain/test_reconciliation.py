"""What a blind re-audit and a reconciliation must hold before they are stored."""

from __future__ import annotations

from datetime import date

from audit_tools.models import Audit, Grade, Moderation, Outcome, Status
from audit_tools.reconciliation import blind_problems, grade_step, reconciliation_problems, settle, side_by_side

AUDIT = Audit(audit_id="A-1", case_ref="C-1", auditor="amy", as_of=date(2024, 5, 1),
              submitted_on=date(2024, 5, 2), grade=Grade.good,
              scores={"cp-visits": Status.met, "chronology": Status.partly_met})
BLIND = Moderation(moderator="mo", moderated_on=date(2024, 5, 20), grade=Grade.requires_improvement,
                   scores={"cp-visits": Status.met, "chronology": Status.not_met, "supervision": Status.met},
                   notes={"chronology": "none since January"})


def test_blind_reaudit_needs_every_status_notes_and_a_grade():
    empty = Moderation(moderator="mo", scores={"chronology": Status.not_met})
    problems = blind_problems(empty, ["cp-visits", "chronology"])
    assert [str(p) for p in problems] == [
        "cp-visits: choose a status",
        "chronology: not met needs an evidence note",
        "grade: choose your own grade for the case",
    ]
    # each names the box it is about, so a screen puts the cursor there without reading words
    assert [p.field for p in problems] == ["scores.cp-visits", "notes.chronology", "grade"]
    assert blind_problems(BLIND, ["cp-visits", "chronology", "supervision"]) == []


def test_changed_grade_needs_final_grade_reason_and_feedback():
    changed = BLIND.model_copy(update={"outcome": Outcome.grade_changed})
    assert reconciliation_problems(AUDIT, changed) == [
        "final grade: a changed grade needs the final grade",
        "reason: say why the grade changed",
        "feedback: write feedback for the auditor",
    ]
    same = changed.model_copy(update={"final_grade": Grade.good, "reason": "x", "feedback": "y"})
    assert reconciliation_problems(AUDIT, same) == [
        "final grade: it is the auditor's grade; choose agreed instead, or another grade"
    ]
    ok = same.model_copy(update={"final_grade": Grade.requires_improvement})
    assert reconciliation_problems(AUDIT, ok) == []


def test_outcome_and_blind_part_are_required():
    assert reconciliation_problems(AUDIT, Moderation(moderator="mo", feedback="f")) == [
        "submit the blind re-audit before reconciling",
        "outcome: choose agreed, grade changed or escalated",
    ]
    escalated = BLIND.model_copy(update={"outcome": Outcome.escalated, "feedback": "f"})
    assert reconciliation_problems(AUDIT, escalated) == ["reason: say what the QA lead should look at"]


def test_only_a_changed_grade_keeps_a_final_grade():
    agreed = BLIND.model_copy(update={"outcome": Outcome.agreed, "final_grade": Grade.outstanding})
    assert settle(agreed).final_grade is None
    changed = BLIND.model_copy(update={"outcome": Outcome.grade_changed, "final_grade": Grade.inadequate})
    assert settle(changed).final_grade == Grade.inadequate


def test_side_by_side_lists_every_standard_in_catalogue_order_with_differences():
    rows = side_by_side(AUDIT, BLIND, order=["cp-visits", "supervision", "chronology"])
    assert [(r.standard, r.auditor, r.moderator, r.differs) for r in rows] == [
        ("cp-visits", Status.met, Status.met, False),
        ("supervision", None, Status.met, True),
        ("chronology", Status.partly_met, Status.not_met, True),
    ]


def test_grade_step_words():
    assert grade_step(Grade.good, Grade.requires_improvement) == "moderator graded lower (auditor more generous)"
    assert grade_step(Grade.good, Grade.outstanding) == "moderator graded higher"
    assert grade_step(Grade.good, Grade.good) == "same grade"
    assert grade_step(None, Grade.good) == "not comparable"


def test_each_reconciliation_problem_points_at_its_field():
    from audit_tools.reconciliation import reconciliation_rule_problems

    def fields(moderation, imported=False):
        return [(p.field, p.label, p.text)
                for p in reconciliation_rule_problems(AUDIT, moderation, imported=imported)]

    # A grade with no date is not a submitted blind re-audit, nor a date with no grade.
    assert fields(BLIND.model_copy(update={"moderated_on": None, "outcome": Outcome.agreed,
                                           "feedback": "x"})) == [
        ("grade", "", "submit the blind re-audit before reconciling")]
    assert fields(BLIND.model_copy(update={"grade": None, "outcome": Outcome.agreed, "feedback": "x"})) == [
        ("grade", "", "submit the blind re-audit before reconciling")]
    assert fields(BLIND) == [
        ("outcome", "outcome", "choose agreed, grade changed or escalated"),
        ("feedback", "feedback", "write feedback for the auditor"),
    ]
    assert fields(BLIND.model_copy(update={"outcome": Outcome.escalated}), imported=True) == [
        ("reason", "reason", "say what the QA lead should look at")]
    assert fields(BLIND.model_copy(update={"outcome": Outcome.grade_changed, "final_grade": Grade.good,
                                           "reason": "r", "feedback": "f"})) == [
        ("final_grade", "final grade", "it is the auditor's grade; choose agreed instead, or another grade")]
    assert fields(BLIND.model_copy(update={"outcome": Outcome.grade_changed, "reason": "r",
                                           "feedback": "f"})) == [
        ("final_grade", "final grade", "a changed grade needs the final grade")]
