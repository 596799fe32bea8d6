"""The Store's bulk path for checked historic audits: cases and stored ids asked for a batch
at a time, one history entry per import with a digest, and verify holding the audits to it."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from audit_tools.errors import BadInput, Refused
from audit_tools.models import Event, EventKind, Moderation, Outcome, Grade
from db import open_store
from tests.support import raw_connection, admin_store, make_audit, make_case


def test_get_many_gives_each_stored_case_with_its_events_as_get_does(tmp_path):
    store = admin_store(tmp_path / "ca.db")
    # more refs than one IN (...) list holds
    store.cases.upsert([make_case(f"C-2{n:03d}") for n in range(620)])
    store.cases.add_events([("C-2007", Event(kind=EventKind.visit, date=date(2024, 1, 3))),
                            ("C-2611", Event(kind=EventKind.visit, date=date(2024, 2, 3)))])
    refs = [f"C-2{n:03d}" for n in range(620)] + ["C-1001", "C-404"]
    found = store.cases.get_many(refs)
    assert set(found) == set(refs) - {"C-404"}
    for ref in ("C-1001", "C-2007", "C-2611", "C-2300"):
        assert found[ref] == store.cases.get(ref)
    assert [e.date for e in found["C-2611"].events][-1] == date(2024, 2, 3)
    assert store.cases.get_many([]) == {}


def test_stored_ids_names_only_the_stored_ones(tmp_path):
    store = admin_store(tmp_path / "ca.db")
    store.audits.import_checked([[make_audit("A-0001"), make_audit("A-0003")]])
    asked = ["A-0001", "A-0002", "A-0003"] + [f"B-{n:04d}" for n in range(700)]
    assert store.audits.stored_ids(asked) == {"A-0001", "A-0003"}
    assert store.audits.stored_ids([]) == set()


def imports(store) -> list:
    return [e for e in store.history.entries(what="audits imported")]


def test_an_import_of_several_batches_is_one_history_entry(tmp_path):
    store = admin_store(tmp_path / "ca.db")
    moderation = Moderation(moderator="dan", moderated_on=date(2024, 5, 20), grade=Grade.good,
                            outcome=Outcome.agreed)
    batches = [[make_audit("A-0001"), make_audit("A-0002")],
               [make_audit("A-0003").model_copy(update={"moderation": moderation})], [make_audit("A-0004")]]
    assert store.audits.import_checked(batches) == 4
    (entry,) = imports(store)
    assert entry.details["count"] == 4
    assert (entry.details["first"], entry.details["last"]) == ("A-0001", "A-0004")
    assert len(entry.details["digest"]) == 64
    assert "audits" not in entry.details  # not every audit's JSON again
    audit = store.audits.get("A-0003")
    assert audit == store.audits.submitted("A-0003").model_copy(update={"moderation": moderation})
    assert audit.submitted and audit.actions[0].description == "Update chronology"
    assert store.history.verify().ok


@pytest.mark.parametrize("second, reason", [
    ([make_audit("A-0005", case_ref="C-404")], "case C-404: not in the database"),
    ([make_audit("A-0002")], "A-0002: given twice or out of audit id order"),
    ([make_audit("A-0001", submitted_on=None).model_copy(update={"audit_id": "A-0009"})],
     "only completed audits"),
])
def test_a_refused_later_batch_leaves_nothing_written(tmp_path, second, reason):
    store = admin_store(tmp_path / "ca.db")
    before = store.row_counts()
    with pytest.raises(BadInput, match=reason):
        store.audits.import_checked([[make_audit("A-0001"), make_audit("A-0002")], second])
    assert store.row_counts() == before


def test_stored_ids_and_the_role_are_checked_again(tmp_path):
    store = admin_store(tmp_path / "ca.db")
    store.audits.import_checked([[make_audit("A-0001")]])
    with pytest.raises(BadInput, match="A-0001: already in the database"):
        store.audits.import_checked([[make_audit("A-0001")]])
    amy = store.clone("amy")
    with pytest.raises(Refused):
        amy.audits.import_checked([[make_audit("A-0002")]])
    assert store.audits.get("A-0002") is None


def tamper(path, sql: str, *params) -> None:
    conn = raw_connection(path)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute(sql, params)
    conn.commit()
    conn.close()


@pytest.mark.parametrize("sql, finding", [
    ("UPDATE submitted_audits SET data = replace(data, 'not updated', 'updated') WHERE audit_id = 'A-0002'",
     "not stored as it recorded them"),
    ("DELETE FROM submitted_audits WHERE audit_id = 'A-0003'", "3 audits (A-0001 to A-0003); 2 of them"),
    ("UPDATE audits SET grade = 'outstanding' WHERE audit_id = 'A-0001'", "audit A-0001 differs"),
    ("DELETE FROM scores WHERE audit_id = 'A-0003' AND standard = 'chronology'", "audit A-0003 differs"),
])
def test_verify_catches_a_tampered_imported_audit(tmp_path, sql, finding):
    path = tmp_path / "ca.db"
    store = admin_store(path)
    store.audits.import_checked([[make_audit("A-0001"), make_audit("A-0002")], [make_audit("A-0003")]])
    assert store.history.verify().ok
    store.close()
    tamper(path, sql)
    result = open_store(path, "root").history.verify()
    assert not result.ok
    assert any(finding in line for line in result.altered + result.unrecorded), result
