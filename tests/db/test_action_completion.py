"""Completing an action is a fact about the past, and a wrong completion can be put right:
corrected to another day or undone, by whoever may complete it, with who, when and why kept."""

from __future__ import annotations

from datetime import date

import pytest

from audit_tools.errors import BadInput, Refused
from db import open_store
from tests.support import admin_store, clock_on, make_audit

TODAY = date(2024, 6, 12)


@pytest.fixture
def ben(tmp_path):
    path = tmp_path / "ca.db"
    admin_store(path).audits.insert([make_audit()])
    return open_store(path, "ben", clock=clock_on(TODAY))


def the_action(store):
    return store.amendments.actions(owner="ben")[0]


def test_a_completion_after_today_is_refused_and_nothing_is_written(ben):
    action = the_action(ben)
    before = ben.row_counts()
    with pytest.raises(BadInput, match=r"completed on 13 Jun 2024 is after today \(12 Jun 2024\)"):
        ben.amendments.complete_action(action.action_id, date(2024, 6, 13))
    assert ben.row_counts() == before and the_action(ben).completed_on is None
    ben.amendments.complete_action(action.action_id, TODAY)  # today itself is fine
    assert the_action(ben).completed_on == TODAY


def test_a_wrong_completion_date_is_corrected_with_a_reason_kept_in_the_history(ben):
    action_id = the_action(ben).action_id
    ben.amendments.complete_action(action_id, date(2024, 6, 10))
    with pytest.raises(BadInput, match="already completed on 10 Jun 2024; to correct the date say why"):
        ben.amendments.complete_action(action_id, date(2024, 6, 3))
    with pytest.raises(BadInput, match="is after today"):
        ben.amendments.complete_action(action_id, date(2024, 7, 1), reason="typed the wrong month")
    ben.amendments.complete_action(action_id, date(2024, 6, 3), reason="done at the core group on the 3rd")
    assert the_action(ben).completed_on == date(2024, 6, 3)
    [entry] = ben.history.entries(what="action completion corrected")
    assert (entry.actor, entry.details) == ("ben", {"action_id": action_id, "was": "2024-06-10", "on": "2024-06-03",
                                                    "reason": "done at the core group on the 3rd"})
    assert entry.at.startswith("2024-06-12")
    assert ben.history.verify().ok


def test_a_completion_made_by_mistake_is_undone_with_a_reason(ben):
    action_id = the_action(ben).action_id
    ben.amendments.complete_action(action_id, date(2024, 6, 10))
    with pytest.raises(BadInput, match="say why the completion on 10 Jun 2024 is undone"):
        ben.amendments.reopen_action(action_id, "  ")
    ben.amendments.reopen_action(action_id, "marked the wrong action")
    reopened = the_action(ben)
    assert reopened.completed_on is None and ben.amendments.actions(state="open") == [reopened]
    [entry] = ben.history.entries(what="action reopened")
    assert (entry.actor, entry.details) == ("ben", {"action_id": action_id, "was": "2024-06-10",
                                                    "reason": "marked the wrong action"})
    with pytest.raises(BadInput, match="is not completed, so there is nothing to undo"):
        ben.amendments.reopen_action(action_id, "again")


def test_only_those_who_may_complete_an_action_may_correct_or_undo_it(ben, tmp_path):
    action_id = the_action(ben).action_id
    ben.amendments.complete_action(action_id, date(2024, 6, 10))
    cat = open_store(tmp_path / "ca.db", "cat", clock=clock_on(TODAY))
    with pytest.raises(Refused, match="cat may not record the completion of action"):
        cat.amendments.reopen_action(action_id, "not mine")
    with pytest.raises(Refused, match="cat may not record the completion of action"):
        cat.amendments.complete_action(action_id, date(2024, 6, 1), reason="not mine")
    assert the_action(ben).completed_on == date(2024, 6, 10)
