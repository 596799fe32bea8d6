"""The dashboard's counts, answered in SQL by the store."""

from __future__ import annotations

from datetime import date

from audit_tools.models import Grade, Moderation, Outcome, Status
from db import open_store
from tests.support import FixedClock, admin_store, clock_on, make_audit


def test_counts_follow_each_state(tmp_path):
    path = tmp_path / "ca.db"
    admin_store(path).audits.insert([make_audit("A-0001"), make_audit("A-0002")])
    amy = open_store(path, "amy", clock=FixedClock())
    assert amy.audits.count_drafts("amy") == 0
    amy.audits.save_draft(make_audit("A-0003", submitted_on=None), None)
    assert amy.audits.count_drafts("amy") == 1 and amy.audits.count_drafts("ben") == 0

    # Overdue: open, owned, due before today; a completed one no longer counts.
    assert amy.amendments.count_overdue("ben", date(2024, 6, 1)) == 0
    assert amy.amendments.count_overdue("ben", date(2024, 6, 2)) == 2
    ben = open_store(path, "ben", clock=clock_on(date(2024, 6, 2)))
    first = ben.amendments.actions(owner="ben")[0]
    ben.amendments.complete_action(first.action_id, date(2024, 5, 30))
    assert ben.amendments.count_overdue("ben", date(2024, 6, 2)) == 1

    quinn = open_store(path, "quinn", clock=FixedClock())
    quinn.moderation.assign("A-0001", "cat")
    quinn.moderation.assign("A-0002", "cat")
    assert quinn.moderation.count_waiting("cat") == 2
    cat = open_store(path, "cat", clock=FixedClock())
    blind = Moderation(moderator="cat", moderated_on=date(2024, 5, 20), grade=Grade.good,
                       scores={"chronology": Status.partly_met})
    cat.moderation.save("A-0001", blind)
    assert cat.moderation.count_waiting("cat") == 2  # the blind part alone is half the task
    assert amy.moderation.count_feedback_waiting("amy") == 0
    cat.moderation.save("A-0001", blind.model_copy(update={"outcome": Outcome.agreed, "feedback": "Well done"}))
    assert cat.moderation.count_waiting("cat") == 1
    assert amy.moderation.count_feedback_waiting("amy") == 1
    [waiting] = amy.moderation.feedback_waiting("amy", limit=3)
    assert waiting.audit_id == "A-0001" and waiting.moderation.feedback == "Well done"
    amy.moderation.acknowledge("A-0001")
    assert amy.moderation.count_feedback_waiting("amy") == 0 and amy.moderation.feedback_waiting("amy") == []
