"""`import events` of a long file: checked and written a batch at a time, never the whole file
at once; all or nothing still, under one history entry that counts and digests the events
without copying them (or their free text) into the history.

Batches are made small (importers.batching.BATCH_SIZE) so a short file is several of them,
and counted where the service reaches the database: each batch asks for its cases' stored
events once, and hands the writer one batch of events at a time.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

import audit_tools.importers as importers
from db.cases import Cases
from audit_tools.models import Event, EventKind
from db import open_store
from db.cases import events_digest
from db.identity import current_username
from tests.cli.test_import import CASES, USERS, counts, db, run, write  # noqa: F401  (db: the fixture)

ME = current_username()
HEADER = "case_ref,kind,date,child_seen,seen_alone,reason_not_alone,note\n"
NOTE = "Jane DOE told her teacher"
ROWS = 10


def events_file(tmp_path, last: str | None = None):
    """ROWS visits, alternating between the two cases; the last row replaced by `last`."""
    rows = [f"C-100{1 + i % 2},visit,{date(2024, 1, 1) + timedelta(days=i)},yes,yes,,"
            + (NOTE if i == 3 else "") for i in range(ROWS)]
    if last is not None:
        rows[-1] = last
    return write(tmp_path, "events.csv", HEADER + "\n".join(rows) + "\n")


@pytest.fixture
def watched(monkeypatch):
    """Batches of 3 rows, and what each batch asked of the store and gave the writer."""
    seen: dict[str, list] = {"asked": [], "written": []}
    monkeypatch.setattr(importers.batching, "BATCH_SIZE", 3)
    # the events check asks for a batch's cases and their stored events as plain values
    get_many, import_events = Cases.stored_event_values, Cases.import_events

    def asking(self, refs):
        refs = sorted(set(refs))
        seen["asked"].append(refs)
        return get_many(self, refs)

    def writing(self, batches):
        def each():
            for batch in batches:
                seen["written"].append(len(batch))
                yield batch
        return import_events(self, each())

    monkeypatch.setattr(Cases, "stored_event_values", asking)
    monkeypatch.setattr(Cases, "import_events", writing)
    return seen


def basics(db_path, tmp_path, capsys, watched):  # noqa: F811
    for what, text in (("users", USERS), ("cases", CASES)):
        code, _, err = run(db_path, what, write(tmp_path, f"{what}.csv", text), capsys)
        assert code == 0, err
    watched["asked"].clear()  # what the cases import asked is not the events import's


def history(db_path) -> list:
    store = open_store(db_path, ME)
    try:
        return store.history.entries(limit=10_000)
    finally:
        store.close()


def test_a_long_file_is_checked_and_written_a_batch_at_a_time(db, tmp_path, capsys, watched):  # noqa: F811
    basics(db, tmp_path, capsys, watched)
    code, out, err = run(db, "events", events_file(tmp_path), capsys)
    assert (code, err) == (0, ""), err
    assert out.startswith(f"imported {ROWS} events from ")
    # checking: one look-up per batch of 3 rows (4 batches), each for that batch's cases only
    assert watched["asked"] == [["C-1001", "C-1002"]] * 3 + [["C-1002"]]
    # writing: the writer never holds more than one batch
    assert watched["written"] == [3, 3, 3, 1]


def test_a_bad_row_late_in_the_file_writes_nothing_and_names_the_row(db, tmp_path, capsys, watched):  # noqa: F811
    basics(db, tmp_path, capsys, watched)
    before, entries = counts(db), len(history(db))
    path = events_file(tmp_path, last="C-404,visit,2024-03-01,yes,yes,,")
    code, out, err = run(db, "events", path, capsys)
    assert (code, out) == (2, "")
    # row 11: the header is row 1, so the tenth event is on row 11
    assert f"{path}:11: case_ref: 'C-404' is not a known case" in err
    assert "Traceback" not in err
    assert watched["asked"][-1] == ["C-404"]  # every batch was checked, to list every problem
    assert watched["written"] == []  # and nothing reached the writer
    assert counts(db) == before and len(history(db)) == entries


def test_one_history_entry_counts_and_digests_the_events_without_their_text(db, tmp_path, capsys,  # noqa: F811
                                                                            watched):
    basics(db, tmp_path, capsys, watched)
    entries = len(history(db))
    code, _, err = run(db, "events", events_file(tmp_path), capsys)
    assert code == 0, err
    after = history(db)
    assert len(after) == entries + 1  # four batches written, one entry
    entry = after[0]
    assert entry.what == "events imported"
    assert set(entry.details) == {"count", "digest", "text_salt"}
    written = [(f"C-100{1 + i % 2}", Event(kind=EventKind.visit, date=date(2024, 1, 1) + timedelta(days=i),
                                          seen_alone=True, note=NOTE if i == 3 else None))
               for i in range(ROWS)]
    assert entry.details["count"] == ROWS
    assert entry.details["digest"] == events_digest(written, entry.details["text_salt"])
    assert NOTE not in json.dumps(entry.details)
    store = open_store(db, ME)
    try:
        assert store.history.verify().ok
    finally:
        store.close()


def test_a_row_given_twice_in_different_batches_is_refused_naming_both(db, tmp_path, capsys,  # noqa: F811
                                                                        watched):
    basics(db, tmp_path, capsys, watched)
    before = counts(db)
    path = events_file(tmp_path, last="C-1001,visit,2024-01-01,yes,yes,,")  # row 2's event again
    code, out, err = run(db, "events", path, capsys)
    assert (code, out) == (2, "")
    assert f"{path}:11: date: visit on 2024-01-01 for C-1001 is also on row 2" in err
    assert counts(db) == before
