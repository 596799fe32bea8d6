"""Each submission problem names the field it is about and says what to do, word for word.

The field ("notes.chronology", "actions[1].owner") is where the audit form puts the cursor
and what an import's rejects file names for the person correcting the line; the label is
what a screen shows the problem against; the words tell the auditor what to do. All three
are written out here from the rules in product.md ("Submitting an audit"), not taken from
the code: a problem pointing at the wrong field sends a manager to the wrong box.
"""

from __future__ import annotations

from datetime import date

from audit_tools.audit import Problem, submission_rule_problems
from audit_tools.models import Action, Grade, Status, Themes
from tests.domain.test_audit_rules import CASE, CATALOGUE, USERS, good_audit

VOCABULARY = ["voice-of-child", "chronology"]


def problems(audit, imported: bool | None = None) -> list[tuple[str, str, str]]:
    found = submission_rule_problems(audit, CASE, CATALOGUE, USERS, VOCABULARY, imported=imported)
    assert all(isinstance(p, Problem) for p in found)
    return [(p.field, p.label, p.text) for p in found]


def test_an_audit_wrong_in_every_way_lists_each_problem_at_its_field():
    audit = good_audit(
        case_ref="C-9",
        grade=None,
        scores={"chronology": Status.not_met, "voice-of-child": Status.met,
                "life-story-work": Status.met, "no-such-standard": Status.met},
        automatic={"chronology": Status.met, "cp-visits": Status.met},
        notes={},
        override_reasons={},
        themes=Themes(strengths=["nonsense"], improvements=["other things"]),
        actions=[
            Action(description="  ", owner="", due=None),
            Action(description="Visit", owner="zed", due=date(2024, 5, 1), standard="life-story-work"),
        ],
    )
    assert problems(audit) == [
        ("case_ref", "case_ref", "the audit is of C-9, not C-1001"),
        ("scores.life-story-work", "life-story-work", "does not apply to CP cases; remove its score"),
        ("scores.no-such-standard", "no-such-standard",
         "not a standard in the catalogue; remove its score or correct the id"),
        ("scores.cp-visits", "cp-visits", "no status; choose met, partly met, not met or not applicable"),
        ("notes.chronology", "chronology", "not met needs an evidence note saying why"),
        ("override_reasons.chronology", "chronology",
         "changing the automatic status (met) to not met needs a reason"),
        ("grade", "grade", "no grade; choose outstanding, good, requires improvement or inadequate"),
        ("scores.chronology", "chronology", "not met needs at least one action linked to it"),
        ("actions[0].description", "action 1", "no description; say what must be done"),
        ("actions[0].owner", "action 1", "no owner; name the person who will do it"),
        ("actions[0].due", "action 1", "no due date; give a date after 1 May 2024"),
        ("actions[1].owner", "action 2", "owner 'zed' is not a known user"),
        ("actions[1].due", "action 2", "due 1 May 2024 must be after the audit's as-at date 1 May 2024"),
        ("actions[1].standard", "action 2",
         "linked to 'life-story-work', which is not a standard of this audit"),
        ("themes.strengths", "themes.strengths",
         "'nonsense' is not in the theme vocabulary; choose an existing theme or ask an admin to add it"),
        ("themes.improvements", "themes.improvements",
         "'other things' is not in the theme vocabulary; choose an existing theme or ask an admin to add it"),
    ]


def test_a_grade_below_good_without_actions_points_at_the_grade():
    audit = good_audit(grade=Grade.requires_improvement, actions=[],
                       scores={"cp-visits": Status.met, "chronology": Status.met, "voice-of-child": Status.met},
                       notes={})
    assert problems(audit) == [
        ("grade", "grade", "requires improvement needs at least one action in the action plan"),
    ]


def test_a_changed_automatic_status_needs_a_reason_and_a_missing_one_is_asked_for():
    audit = good_audit(automatic={"cp-visits": Status.partly_met})
    assert problems(audit) == [
        ("override_reasons.cp-visits", "cp-visits",
         "changing the automatic status (partly met) to met needs a reason"),
    ]
    # No status at all is asked for as such, not called a change of the automatic one.
    audit = good_audit(scores={"chronology": Status.partly_met, "voice-of-child": Status.met},
                       automatic={"cp-visits": Status.partly_met})
    assert problems(audit) == [
        ("scores.cp-visits", "cp-visits", "no status; choose met, partly met, not met or not applicable"),
    ]


def test_the_third_action_is_actions_2():
    base = Action(description="Update chronology", owner="ben", due=date(2024, 6, 1), standard="chronology")
    audit = good_audit(actions=[base, base, Action(description="Visit", owner="ben", due=None)])
    assert problems(audit) == [("actions[2].due", "action 3", "no due date; give a date after 1 May 2024")]


def test_an_imported_audit_is_not_asked_for_reasons_but_keeps_its_fields():
    audit = good_audit(automatic={"cp-visits": Status.not_met}, grade=None)
    assert problems(audit, imported=True) == [
        ("grade", "grade", "no grade; choose outstanding, good, requires improvement or inadequate"),
    ]
    assert [p[0] for p in problems(audit, imported=False)] == ["override_reasons.cp-visits", "grade"]
