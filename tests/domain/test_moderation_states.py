"""A sampled audit's moderation moves one way: unassigned, assigned, to reconcile,
reconciled; each step is taken only from where it may be, and every screen and command
words a state and an outcome from the one table."""

from __future__ import annotations

from datetime import date

import pytest

from audit_tools.errors import BadInput, Refused
from audit_tools.models import Grade, Moderation, Outcome, Status
from audit_tools.moderation import (NEXT, OUTCOME_CELL, OUTCOME_WORDS, QUEUE_WORDS, STATE_WORDS, ModerationState,
                                    Step, after, auditor_words, queue_words, require_shown, state_of,
                                    state_of_moderation)

S = ModerationState
BLIND = Moderation(moderator="mo", moderated_on=date(2024, 5, 20), grade=Grade.good,
                   scores={"chronology": Status.met})


def test_the_state_follows_what_is_stored():
    assert state_of(False, False, None) is S.unassigned
    assert state_of(True, False, None) is S.assigned
    assert state_of(True, True, None) is S.to_reconcile
    assert state_of(True, True, "agreed") is S.reconciled
    assert state_of(False, True, Outcome.escalated) is S.reconciled  # imported: no assignment on record


def test_a_moderation_with_no_grade_is_still_blind():
    assert state_of_moderation(None) is S.assigned
    assert state_of_moderation(None, assigned=False) is S.unassigned
    # a half-done re-audit (a draft) has scores but no grade: the original stays hidden
    assert state_of_moderation(Moderation(moderator="mo", scores={"chronology": Status.met})) is S.assigned
    assert state_of_moderation(BLIND) is S.to_reconcile
    assert state_of_moderation(BLIND.model_copy(update={"outcome": Outcome.agreed})) is S.reconciled


def test_the_one_way_path():
    state = S.unassigned
    for step, expected in [(Step.assign, S.assigned), (Step.assign, S.assigned), (Step.reaudit, S.to_reconcile),
                           (Step.reconcile, S.reconciled)]:
        state = after("A-1", state, step)
        assert state is expected


@pytest.mark.parametrize("state, step, error, words", [
    (S.unassigned, Step.reaudit, Refused, "not assigned to a moderator yet"),
    (S.unassigned, Step.reconcile, BadInput, "submit the blind re-audit before reconciling"),
    (S.assigned, Step.reconcile, BadInput, "submit the blind re-audit before reconciling"),
    (S.to_reconcile, Step.reaudit, Refused, "the blind re-audit was already submitted"),
    (S.to_reconcile, Step.assign, Refused, "already re-audited"),
    (S.reconciled, Step.reconcile, Refused, "the outcome is already stored"),
    (S.reconciled, Step.reaudit, Refused, "the blind re-audit was already submitted"),
    (S.reconciled, Step.assign, Refused, "already re-audited"),
])
def test_a_step_from_the_wrong_state_is_refused_saying_why(state, step, error, words):
    assert step not in NEXT[state]
    with pytest.raises(error, match=words) as caught:
        after("A-7", state, step)
    assert "audit A-7" in str(caught.value)


def test_nothing_goes_back_once_the_re_audit_is_stored():
    order = list(ModerationState)
    for state, steps in NEXT.items():
        for found in steps.values():
            assert order.index(found) >= order.index(state)
    assert NEXT[S.reconciled] == {}


def test_the_original_is_shown_only_after_the_re_audit():
    for state in (S.unassigned, S.assigned):
        assert state.blind
        with pytest.raises(Refused, match="submit the blind re-audit first"):
            require_shown("A-1", state)
    for state in (S.to_reconcile, S.reconciled):
        assert not state.blind
        require_shown("A-1", state)


def test_every_state_and_outcome_has_its_words():
    assert set(STATE_WORDS) == set(QUEUE_WORDS) == set(ModerationState)
    assert set(OUTCOME_WORDS) == set(OUTCOME_CELL) == set(Outcome)
    assert OUTCOME_CELL[Outcome.escalated] == "escalated"
    assert OUTCOME_WORDS[Outcome.escalated] == "escalated to the QA lead"


def test_the_moderators_words():
    assert queue_words(S.assigned) == "to re-audit"
    assert queue_words(S.assigned, draft_saved=True) == "to re-audit, draft saved"
    assert queue_words(S.to_reconcile, draft_saved=True) == "to reconcile"  # the draft went when it was submitted
    assert queue_words(S.reconciled) == "done"
    assert [s for s in ModerationState if s.order < S.reconciled.order] == [S.unassigned, S.assigned,
                                                                           S.to_reconcile]


def test_the_auditors_words():
    assert auditor_words(S.unassigned, None) == "not sampled"
    assert auditor_words(S.assigned, None, moderator="dan.m") == "sampled, with dan.m"
    assert auditor_words(S.to_reconcile, None) == "re-audited, to reconcile"
    assert auditor_words(S.reconciled, Outcome.agreed) == "moderated: agreed, feedback to read"
    assert auditor_words(S.reconciled, "grade_changed", acknowledged=True) == \
        "moderated: grade changed, feedback read"
    assert auditor_words(S.reconciled, Outcome.escalated) == "escalated to the QA lead"
    assert auditor_words(S.reconciled, Outcome.escalated, resolved=True) == "escalated, settled by the QA lead"
