"""Each amendment updates the audit's stored current state; the as-submitted audit stays."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from audit_tools.models import Grade
from db import open_store
from tests.support import raw_connection, FixedClock, admin_store, clock_on, make_audit

PLAN = {"description": "Update chronology", "owner": "ben", "due": "2024-06-01", "standard": "chronology"}


def amended(path):
    admin_store(path).audits.insert([make_audit()])
    amy = open_store(path, "amy", clock=FixedClock())
    amy.amendments.amend("A-0001", {"grade": "requires_improvement",
                                    "themes": {"strengths": [], "improvements": ["chronology"]},
                                    "actions": [PLAN, {**PLAN, "description": "Visit", "owner": "eve"}]},
                         "moderated down")
    return amy


def test_an_amendment_updates_the_stored_row_scores_themes_and_actions(tmp_path):
    amy = amended(tmp_path / "ca.db")
    db = amy.db
    assert db.execute("SELECT grade, json_extract(data, '$.grade') FROM audits").fetchone() == (
        "requires_improvement", "requires_improvement")
    assert db.execute("SELECT theme, kind FROM audit_themes").fetchall() == [("chronology", "improvement")]
    ids = [r[0] for r in db.execute("SELECT id FROM actions ORDER BY position")]
    assert len(ids) == 2 and all(i > 0 for i in ids)  # an added action is a real row
    assert [a.action_id for a in amy.amendments.actions()] == ids
    assert amy.audits.page()[0].grade is Grade.requires_improvement
    # the audit as submitted is kept, unchanged
    assert amy.audits.submitted("A-0001").grade == Grade.good
    assert amy.history.verify().ok


def test_an_added_action_completed_stays_completed_through_later_amendments(tmp_path):
    amy = amended(tmp_path / "ca.db")
    added = amy.amendments.actions(owner="eve")[0]
    open_store(tmp_path / "ca.db", "eve", clock=clock_on(date(2024, 5, 31))).amendments.complete_action(
        added.action_id, date(2024, 5, 20))
    amy.amendments.amend("A-0001", {"notes": {"chronology": "updated"}}, "typo")
    [done] = amy.amendments.actions(state="done")
    assert (done.action_id, done.completed_on) == (added.action_id, date(2024, 5, 20))
    assert amy.history.verify().ok


def test_the_current_state_changes_only_with_a_new_amendment(tmp_path):
    amy = amended(tmp_path / "ca.db")
    conn = raw_connection(tmp_path / "ca.db")
    for sql in ("UPDATE audits SET grade = 'outstanding'",
                "UPDATE submitted_audits SET grade = 'outstanding'",
                "DELETE FROM audit_themes",
                "INSERT INTO actions (audit_id, position, description) VALUES ('A-0001', 5, 'x')"):
        with pytest.raises(sqlite3.DatabaseError, match="locked|kept as it was"):
            conn.execute(sql)
    conn.close()
    assert amy.audits.get("A-0001").grade == Grade.requires_improvement


def test_verify_finds_a_current_state_that_is_not_the_replayed_log(tmp_path):
    amy = amended(tmp_path / "ca.db")
    conn = raw_connection(tmp_path / "ca.db")
    conn.execute("DROP TRIGGER audit_themes_submitted_no_insert")
    conn.execute("INSERT INTO audit_themes (audit_id, theme, kind) VALUES ('A-0001', 'voice-of-child', 'strength')")
    conn.commit()
    conn.close()
    result = amy.history.verify()
    assert [a.split(": ")[-1] for a in result.altered] == ["themes table"]


