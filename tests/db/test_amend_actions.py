"""Amending the action plan of a submitted audit: kept with who, when and why, checked
against the submission rules, completed actions never lost, and verify still sound."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from audit_tools.errors import Refused
from db import open_store
from db.maintenance import verify_file
from tests.support import raw_connection, admin_store, clock_on, make_audit

PLAN = {"description": "Update chronology", "owner": "ben", "due": "2024-06-01", "completed_on": None,
        "standard": "chronology"}


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "ca.db"
    admin_store(path).audits.insert([make_audit()])
    return path


def amy(path):
    return open_store(path, "amy", clock=clock_on(date(2024, 6, 30)))


def test_owner_and_due_corrected_and_tracked(path):
    store = amy(path)
    fixed = {**PLAN, "owner": "eve", "due": "2024-06-14"}
    audit = store.amendments.amend("A-0001", {"actions": [fixed]}, "ben is on leave; eve holds the case now")
    assert (audit.actions[0].owner, audit.actions[0].due) == ("eve", date(2024, 6, 14))
    [amendment] = store.amendments.list("A-0001")
    assert (amendment.by, amendment.reason) == ("amy", "ben is on leave; eve holds the case now")
    # The tracker and the dashboard follow the correction; the table keeps the action's id.
    [row] = store.amendments.actions(owner="eve")
    assert row.due == date(2024, 6, 14) and row.action_id > 0 and store.amendments.actions(owner="ben") == []
    assert store.amendments.count_overdue("eve", date(2024, 6, 10)) == 0
    assert store.amendments.count_overdue("eve", date(2024, 6, 15)) == 1
    store.amendments.complete_action(row.action_id, date(2024, 6, 12))
    assert store.audits.get("A-0001").actions[0].completed_on == date(2024, 6, 12)
    assert verify_file(path).ok


def test_a_completed_action_is_never_changed_or_removed(path):
    store = amy(path)
    [row] = store.amendments.actions()
    store.amendments.complete_action(row.action_id, date(2024, 5, 20))
    done = {**PLAN, "completed_on": "2024-05-20"}
    before = store.row_counts()
    with pytest.raises(Refused, match="action 1 \\(Update chronology\\) was completed on 2024-05-20"):
        store.amendments.amend("A-0001", {"actions": [{**done, "owner": "eve"}]}, "wrong owner")
    with pytest.raises(Refused, match="was completed on"):
        store.amendments.amend("A-0001", {"actions": [{**PLAN, "description": "Another", "owner": "eve"}, done]},
                          "moved down")
    assert store.row_counts() == before
    # Adding beside it is fine.
    extra = {"description": "Review with the team manager", "owner": "eve", "due": "2024-07-01",
             "completed_on": None, "standard": None}
    audit = store.amendments.amend("A-0001", {"actions": [done, extra]}, "a second action was agreed")
    assert [a.completed_on for a in audit.actions] == [date(2024, 5, 20), None]
    assert verify_file(path).ok


def test_an_added_action_is_tracked_and_completed(path):
    store = amy(path)
    extra = {"description": "Review with the team manager", "owner": "amy", "due": "2024-05-10",
             "completed_on": None, "standard": None}
    store.amendments.amend("A-0001", {"actions": [PLAN, extra]}, "a second action was agreed")
    added = [r for r in store.amendments.actions(owner="amy")]
    assert [r.description for r in added] == ["Review with the team manager"]
    assert store.amendments.count_overdue("amy", date(2024, 5, 11)) == 1
    store.amendments.complete_action(added[0].action_id, date(2024, 5, 9))
    audit = store.audits.get("A-0001")
    assert [a.completed_on for a in audit.actions] == [None, date(2024, 5, 9)]
    assert store.amendments.actions(owner="amy", state="done")[0].description == "Review with the team manager"
    assert store.amendments.count_overdue("amy", date(2024, 5, 11)) == 0
    assert verify_file(path).ok


def test_an_amendment_submission_would_refuse_writes_nothing(path):
    store = amy(path)
    before = store.row_counts()
    with pytest.raises(Refused) as refused:
        store.amendments.amend("A-0001", {"actions": [{**PLAN, "owner": None, "due": "2024-04-01"}]}, "oops")
    lines = refused.value.lines
    assert any("action 1: no owner" in line for line in lines)
    assert any("must be after the audit's as-at date" in line for line in lines)
    with pytest.raises(Refused, match="chronology.*not met needs at least one action linked"):
        store.amendments.amend("A-0001", {"scores": {**make_audit().scores, "chronology": "not_met"},
                                     "actions": [{**PLAN, "standard": None}]}, "regraded")
    with pytest.raises(Refused, match="mark it complete in the actions tracker"):
        store.amendments.amend("A-0001", {"actions": [{**PLAN, "completed_on": "2024-05-03"}]}, "done")
    assert store.row_counts() == before


def test_verify_catches_an_amendment_slipped_in(path):
    amy(path).amendments.amend("A-0001", {"actions": [{**PLAN, "owner": "eve"}]}, "eve holds the case")
    assert verify_file(path).ok
    conn = raw_connection(path)
    conn.execute("INSERT INTO amendments (audit_id, by, at, reason, changes) VALUES "
                 "('A-0001', 'amy', '2024-05-02T14:02:00+00:00', 'quiet fix', "
                 "'{\"actions\":[{\"completed_on\":null,\"description\":\"x\",\"due\":\"2024-06-01\","
                 "\"owner\":\"amy\",\"standard\":\"chronology\"}]}')")
    conn.commit()
    conn.close()
    found = verify_file(path)
    assert not found.ok
    assert any("amendment 2 of audit A-0001" in line for line in found.altered)


def test_verify_still_catches_an_action_changed_in_the_table(path):
    amy(path).amendments.amend("A-0001", {"actions": [{**PLAN, "owner": "eve"}]}, "eve holds the case")
    conn = raw_connection(path)
    conn.execute("DROP TRIGGER actions_submitted_locked")
    conn.execute("UPDATE actions SET owner = 'dan' WHERE audit_id = 'A-0001'")
    conn.commit()
    conn.close()
    assert any("actions table" in line for line in verify_file(path).altered)
