"""The dashboard's counts, answered in SQL by the store."""

from __future__ import annotations

from datetime import date

from audit_tools.models import Grade, Moderation, Outcome, Status
from db import open_store
from tests.support import FixedClock, admin_store, make_audit


def test_counts_follow_each_state(tmp_path):
    path = tmp_path / "ca.db"
    admin_store(path).insert_audits([make_audit("A-0001"), make_audit("A-0002")])
    amy = open_store(path, "amy", clock=FixedClock())
    assert amy.count_drafts("amy") == 0
    amy.save_draft(make_audit("A-0003", submitted_on=None), None)
    assert amy.count_drafts("amy") == 1 and amy.count_drafts("ben") == 0

    # Overdue: open, owned, due before today; a completed one no longer counts.
    assert amy.count_overdue_actions("ben", date(2024, 6, 1)) == 0
    assert amy.count_overdue_actions("ben", date(2024, 6, 2)) == 2
    ben = open_store(path, "ben", clock=FixedClock())
    first = ben.list_actions(owner="ben")[0]
    ben.complete_action(first.action_id, date(2024, 5, 30))
    assert ben.count_overdue_actions("ben", date(2024, 6, 2)) == 1

    quinn = open_store(path, "quinn", clock=FixedClock())
    quinn.assign_moderator("A-0001", "cat")
    quinn.assign_moderator("A-0002", "cat")
    assert quinn.count_moderation_waiting("cat") == 2
    cat = open_store(path, "cat", clock=FixedClock())
    blind = Moderation(moderator="cat", moderated_on=date(2024, 5, 20), grade=Grade.good,
                       scores={"chronology": Status.partly_met})
    cat.save_moderation("A-0001", blind)
    assert cat.count_moderation_waiting("cat") == 2  # the blind part alone is half the task
    assert amy.count_feedback_to_acknowledge("amy") == 0
    cat.save_moderation("A-0001", blind.model_copy(update={"outcome": Outcome.agreed, "feedback": "Well done"}))
    assert cat.count_moderation_waiting("cat") == 1
    assert amy.count_feedback_to_acknowledge("amy") == 1
    [waiting] = amy.feedback_to_acknowledge("amy", limit=3)
    assert waiting.audit_id == "A-0001" and waiting.moderation.feedback == "Well done"
    amy.acknowledge_feedback("A-0001", date(2024, 5, 21))
    assert amy.count_feedback_to_acknowledge("amy") == 0 and amy.feedback_to_acknowledge("amy") == []
