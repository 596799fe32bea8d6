"""Safeguarding concerns in the store: written at once on their own, in the history, kept
when the draft they were raised from is discarded, and never deleted or rewritten."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

import pytest

from audit_tools.errors import BadInput, Refused
from tests.support import FixedClock, admin_store, make_audit


@pytest.fixture
def store(tmp_path):
    return admin_store(tmp_path / "caseaudit.db")


def test_raised_concern_is_stored_with_its_history_entry(store):
    amy = store.clone("amy")
    concern = amy.concerns.raise_concern("C-1001", "A-0009", " Bruise on the baby's face ", "Visit today")
    assert concern.concern_id == "SC-000001"
    row = store.db.execute("SELECT concern_id, case_ref, audit_id, source, raised_by, raised_at, found, "
                           "should_happen, acknowledged_at, closed_at FROM concerns").fetchall()
    assert row == [("SC-000001", "C-1001", "A-0009", "audit", "amy", "2024-05-02T14:02:00+00:00",
                    "Bruise on the baby's face", "Visit today", None, None)]
    what, actor = store.db.execute("SELECT what, actor FROM history ORDER BY id DESC LIMIT 1").fetchone()
    assert (what, actor) == ("safeguarding concern raised", "amy")
    assert concern.line_manager == "eve"


def test_concern_survives_the_draft_being_discarded(store):
    amy = store.clone("amy")
    draft = make_audit(submitted_on=None)
    revision = amy.audits.save_draft(draft, None)
    amy.concerns.raise_concern("C-1001", draft.audit_id, "found", "act now")
    amy.audits.discard(draft.audit_id, revision)
    assert amy.audits.get(draft.audit_id) is None
    assert [c.audit_id for c in store.concerns.list()] == [draft.audit_id]


def test_nothing_deletes_or_rewrites_a_concern(store):
    amy = store.clone("amy")
    amy.concerns.raise_concern("C-1001", None, "found", "act now")
    with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
        store.db.execute("DELETE FROM concerns")
    with pytest.raises(sqlite3.IntegrityError, match="keeps what was recorded"):
        store.db.execute("UPDATE concerns SET found = 'nothing'")
    eve = store.clone("eve")
    eve.concerns.acknowledge("SC-000001")
    with pytest.raises(sqlite3.IntegrityError, match="keeps what was recorded"):
        store.db.execute("UPDATE concerns SET acknowledged_by = 'quinn'")
    eve.concerns.close("SC-000001", "Strategy meeting held")
    with pytest.raises(sqlite3.IntegrityError, match="keeps what was recorded"):
        store.db.execute("UPDATE concerns SET action_taken = 'none', closed_at = NULL")
    assert store.db.execute("SELECT count(*) FROM concerns").fetchone() == (1,)
    whats = [r[0] for r in store.db.execute("SELECT what FROM history WHERE what LIKE 'safeguarding%' ORDER BY id")]
    assert whats == ["safeguarding concern raised", "safeguarding concern acknowledged",
                     "safeguarding concern closed"]


def test_only_the_line_manager_or_a_qa_lead_acknowledge_and_close(store):
    store.clone("amy").concerns.raise_concern("C-1001", None, "found", "act now")
    before = store.row_counts()
    with pytest.raises(Refused, match="ben may not acknowledge"):
        store.clone("ben").concerns.acknowledge("SC-000001")
    with pytest.raises(Refused, match="not acknowledged yet"):
        store.clone("quinn").concerns.close("SC-000001", "done")
    assert store.row_counts() == before
    later = store.clone("quinn")
    later.session.clock = FixedClock(datetime(2024, 5, 3, 9, tzinfo=timezone.utc))
    acked = later.concerns.acknowledge("SC-000001")
    assert (acked.acknowledged_by, acked.acknowledged_at) == ("quinn", datetime(2024, 5, 3, 9, tzinfo=timezone.utc))
    with pytest.raises(BadInput, match="the action taken: required"):
        later.concerns.close("SC-000001", "")


def test_who_sees_which(store):
    store.clone("amy").concerns.raise_concern("C-1001", None, "found", "act now")
    assert store.clone("eve").concerns.count_unacknowledged("eve", everyone=False) == 1
    assert store.clone("ben").concerns.count_unacknowledged("ben", everyone=False) == 0
    assert store.clone("quinn").concerns.count_unacknowledged("quinn", everyone=True) == 1


def test_raise_refuses_an_unknown_case_and_writes_nothing(store):
    before = store.row_counts()
    with pytest.raises(BadInput, match="case C-9999: not in the database"):
        store.clone("amy").concerns.raise_concern("C-9999", None, "found", "act")
    with pytest.raises(BadInput, match="what you found: required"):
        store.clone("amy").concerns.raise_concern("C-1001", None, " ", "act")
    assert store.row_counts() == before


def test_the_step_brings_an_older_file_up_to_date(tmp_path):
    from db.connection import connect
    from db.migrations import migrations

    path = tmp_path / "old.db"
    old = connect(path)
    migrations.apply(old, stop_before="m012_concerns")
    assert "concerns" not in old.table_names()
    old.close()
    store = admin_store(path)  # opening migrates
    store.clone("amy").concerns.raise_concern("C-1001", None, "found", "act now")
    assert [c.concern_id for c in store.concerns.list(open_only=True)] == ["SC-000001"]
    assert store.history.verify().ok
