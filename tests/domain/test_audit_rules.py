"""Submission and independence rules: each rule refuses on its own, and all reasons come at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from audit_tools.audit import (
    auditor_independence,
    overridden,
    recent_audit_warning,
    submission_problems,
)
from audit_tools.models import Action, Audit, Case, CaseType, Grade, Status, Themes
from audit_tools.vocabulary import DEFAULT_THEMES


@dataclass
class Std:
    id: str
    applies_to: tuple[str, ...]


class SmallCatalogue:
    """Just enough of a catalogue for the rules: ids and what they apply to."""

    def __init__(self) -> None:
        self.standards = [
            Std("cp-visits", ("CP",)),
            Std("chronology", ("CIN", "CP", "CLA", "CL")),
            Std("voice-of-child", ("EH", "CIN", "CP", "CLA", "CL")),
            Std("life-story-work", ("CLA",)),
        ]

    def applicable(self, case_type):
        value = getattr(case_type, "value", case_type)
        return [s for s in self.standards if value in s.applies_to]


CATALOGUE = SmallCatalogue()
USERS = {"amy", "ben", "cat", "dan"}
CASE = Case(
    case_ref="C-1001", case_type=CaseType.CP, start_date=date(2024, 1, 2),
    team="north", worker="ben", line_manager="cat",
)


def good_audit(**changes) -> Audit:
    base = dict(
        audit_id="A-1", case_ref="C-1001", auditor="amy", as_of=date(2024, 5, 1),
        submitted_on=date(2024, 5, 2), grade=Grade.good,
        scores={"cp-visits": Status.met, "chronology": Status.partly_met, "voice-of-child": Status.met},
        notes={"chronology": "not updated since January"},
        themes=Themes(strengths=["voice-of-child"], improvements=["chronology"]),
        actions=[Action(description="Update chronology", owner="ben", due=date(2024, 6, 1),
                        standard="chronology")],
    )
    base.update(changes)
    return Audit(**base)


def problems(audit: Audit) -> list[str]:
    return submission_problems(audit, CASE, CATALOGUE, USERS, DEFAULT_THEMES)


def test_a_complete_audit_has_no_problems():
    assert problems(good_audit()) == []


def test_every_applicable_standard_needs_a_status_judgement_ones_too():
    audit = good_audit(scores={"cp-visits": Status.met, "chronology": Status.met})
    out = problems(audit)
    assert out == ["voice-of-child: no status; choose met, partly met, not met or not applicable"]


def test_partly_and_not_met_need_a_note():
    audit = good_audit(
        scores={"cp-visits": Status.not_met, "chronology": Status.partly_met, "voice-of-child": Status.met},
        notes={},
        actions=[Action(description="Visit", owner="ben", due=date(2024, 5, 9), standard="cp-visits")],
    )
    out = problems(audit)
    assert "cp-visits: not met needs an evidence note saying why" in out
    assert "chronology: partly met needs an evidence note saying why" in out
    assert len(out) == 2


def test_blank_note_counts_as_no_note():
    audit = good_audit(notes={"chronology": "   "})
    # the model trims whitespace, so a blank note is an empty one
    assert problems(audit) == ["chronology: partly met needs an evidence note saying why"]


def test_grade_must_be_set():
    assert problems(good_audit(grade=None)) == [
        "grade: no grade; choose outstanding, good, requires improvement or inadequate"
    ]


def test_not_met_needs_an_action_linked_to_it():
    audit = good_audit(
        scores={"cp-visits": Status.not_met, "chronology": Status.partly_met, "voice-of-child": Status.met},
        notes={"cp-visits": "two visits late", "chronology": "old"},
    )
    assert problems(audit) == ["cp-visits: not met needs at least one action linked to it"]


@pytest.mark.parametrize("grade", [Grade.requires_improvement, Grade.inadequate])
def test_grade_below_good_needs_an_action(grade):
    audit = good_audit(grade=grade, actions=[])
    assert problems(audit) == [f"grade: {grade.label.lower()} needs at least one action in the action plan"]


@pytest.mark.parametrize("grade", [Grade.good, Grade.outstanding])
def test_good_or_better_needs_no_action(grade):
    assert problems(good_audit(grade=grade, actions=[])) == []


def test_action_needs_description_owner_and_due_date_after_as_of():
    audit = good_audit(actions=[
        Action(description="", owner=None, due=None, standard="chronology"),
        Action(description="Do it", owner="zed", due=date(2024, 5, 1)),
    ])
    out = problems(audit)
    assert out == [
        "action 1: no description; say what must be done",
        "action 1: no owner; name the person who will do it",
        "action 1: no due date; give a date after 1 May 2024",
        "action 2: owner 'zed' is not a known user",
        "action 2: due 1 May 2024 must be after the audit's as-at date 1 May 2024",
    ]


def test_action_linked_to_a_standard_outside_the_audit():
    audit = good_audit(actions=[
        Action(description="x", owner="ben", due=date(2024, 6, 1), standard="life-story-work"),
    ])
    assert problems(audit) == [
        "action 1: linked to 'life-story-work', which is not a standard of this audit"
    ]


def test_override_of_an_automatic_status_needs_a_reason():
    audit = good_audit(automatic={"cp-visits": Status.not_met, "chronology": Status.partly_met,
                                  "voice-of-child": None})
    assert overridden(audit) == ["cp-visits"]
    assert problems(audit) == ["cp-visits: changing the automatic status (not met) to met needs a reason"]
    with_reason = audit.model_copy(update={"override_reasons": {"cp-visits": "visit recorded late"}})
    assert problems(with_reason) == []


def test_an_imported_audit_needs_no_reason_for_differing_from_the_automatic_status():
    audit = good_audit(automatic={"cp-visits": Status.not_met, "chronology": Status.partly_met})
    wanting = ["cp-visits: changing the automatic status (not met) to met needs a reason"]
    assert problems(audit) == wanting
    assert submission_problems(audit, CASE, CATALOGUE, USERS, DEFAULT_THEMES, imported=True) == []
    # The audit's own mark is the default, so the store's check of an imported audit agrees.
    historic = audit.model_copy(update={"imported": True})
    assert problems(historic) == []
    assert submission_problems(historic, CASE, CATALOGUE, USERS, DEFAULT_THEMES, imported=False) == wanting


def test_an_imported_audit_obeys_every_other_rule():
    audit = good_audit(imported=True, automatic={"cp-visits": Status.not_met},
                       notes={}, grade=Grade.requires_improvement, actions=[])
    assert problems(audit) == [
        "chronology: partly met needs an evidence note saying why",
        "grade: requires improvement needs at least one action in the action plan",
    ]


def test_judgement_standards_are_never_overrides():
    audit = good_audit(automatic={"voice-of-child": None})
    assert overridden(audit) == []


def test_themes_come_from_the_vocabulary():
    audit = good_audit(themes=Themes(strengths=["kindness"], improvements=["chronology", "zzz"]))
    assert problems(audit) == [
        "themes.strengths: 'kindness' is not in the theme vocabulary; choose an existing theme or ask an admin to add it",
        "themes.improvements: 'zzz' is not in the theme vocabulary; choose an existing theme or ask an admin to add it",
    ]


def test_scores_only_for_known_and_applicable_standards():
    scores = dict(good_audit().scores)
    scores.update({"made-up": Status.met, "life-story-work": Status.met})
    out = problems(good_audit(scores=scores))
    assert out == [
        "made-up: not a standard in the catalogue; remove its score or correct the id",
        "life-story-work: does not apply to CP cases; remove its score",
    ]


def test_every_reason_is_listed_at_once():
    audit = good_audit(grade=Grade.inadequate, scores={"cp-visits": Status.not_met}, notes={}, actions=[],
                       themes=Themes(strengths=["nope"]))
    out = problems(audit)
    assert len(out) == 6
    assert any(line.startswith("chronology: no status") for line in out)
    assert "cp-visits: not met needs an evidence note saying why" in out
    assert "cp-visits: not met needs at least one action linked to it" in out
    assert "grade: inadequate needs at least one action in the action plan" in out


def test_auditor_may_not_be_worker_or_line_manager():
    assert auditor_independence(CASE, "amy") == []
    assert auditor_independence(CASE, "ben") == [
        "C-1001: ben is the allocated worker and may not audit this case; ask another manager to audit it"
    ]
    assert "line manager" in auditor_independence(CASE, "cat")[0]


def test_case_without_worker_or_manager_does_not_match_anyone():
    case = CASE.model_copy(update={"worker": None, "line_manager": None})
    assert auditor_independence(case, "ben") == []


def test_recent_audit_warning_within_twelve_months():
    as_of = date(2024, 5, 1)
    assert recent_audit_warning("C-1", None, as_of) is None
    assert recent_audit_warning("C-1", date(2023, 5, 1), as_of) is None  # exactly 12 months: not within
    warning = recent_audit_warning("C-1", date(2023, 5, 2), as_of)
    assert warning == "C-1: already audited as at 2 May 2023, within the last 12 months"
    assert recent_audit_warning("C-1", date(2024, 1, 1), as_of, months=3) is None
    assert recent_audit_warning("C-1", date(2024, 3, 1), as_of, months=3) is not None
