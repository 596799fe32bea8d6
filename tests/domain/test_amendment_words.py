"""What an amendment changed, said as a person reads it in the amendment trail."""

from __future__ import annotations

from audit_tools.amendments import describe

BEFORE = {
    "grade": "requires_improvement",
    "scores": {"chronology": "not_met", "cp-visits": "met"},
    "notes": {"chronology": "no analysis"},
    "override_reasons": {},
    "themes": {"strengths": ["visits"], "improvements": ["chronology"]},
    "actions": [{"description": "Rewrite the chronology", "owner": "amy", "due": "2024-02-20",
                 "completed_on": None, "standard": "chronology"}],
}


def test_each_change_in_words():
    changes = {
        "grade": "good",
        "scores": {"chronology": "partly_met", "cp-visits": "met"},
        "notes": {"chronology": "no analysis", "cp-visits": "seen alone each time"},
        "themes": {"strengths": ["visits", "voice-of-child"], "improvements": []},
        "actions": [{"description": "Rewrite the chronology", "owner": "max", "due": "2024-03-01",
                     "completed_on": None, "standard": "chronology"},
                    {"description": "Share it with the family", "owner": "amy", "due": "2024-03-10",
                     "completed_on": None, "standard": None}],
    }
    assert describe(BEFORE, changes) == [
        "grade: Requires improvement → Good",
        "chronology: not met → partly met",
        "note on cp-visits added",
        "strength themes: + voice-of-child",
        "improvement themes: − chronology",
        "action 1: owner, due changed",
        "action 2 added: Share it with the family",
    ]


def test_a_removed_action_and_a_cleared_reason():
    before = {**BEFORE, "override_reasons": {"chronology": "events only"}}
    assert describe(before, {"override_reasons": {}, "actions": []}) == [
        "override reason on chronology removed",
        "action 1 removed: Rewrite the chronology",
    ]
