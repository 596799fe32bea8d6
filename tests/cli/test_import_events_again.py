"""Importing a cumulative events export again: what is stored is skipped, what conflicts is refused."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from audit_tools.errors import Refused
from audit_tools.models import Case, CaseType, Event, EventKind, Status
from audit_tools.standards import evaluate, load_catalogue
from caseaudit.cli import main
from db.cases import events_digest
from db.identity import current_username
from db import open_store
from tests.cli.test_import import EVENTS, counts, db, load_basics, run, write  # noqa: F401

ME = current_username()


def history_length(path) -> int:
    store = open_store(path, ME)
    try:
        return len(store.history.entries(limit=10_000))
    finally:
        store.close()


def test_the_same_events_file_twice_writes_nothing_the_second_time(db, tmp_path, capsys):
    load_basics(db, tmp_path, capsys)
    before, entries = counts(db), history_length(db)
    path = write(tmp_path, "events.csv", EVENTS)
    code, out, err = run(db, "events", path, capsys)
    assert (code, err) == (0, "")
    assert out == f"imported 0 events from {path}; 3 already present, skipped\n"
    assert counts(db) == before
    assert history_length(db) == entries  # nothing new: not even a history entry


def test_a_cumulative_export_adds_only_the_new_rows(db, tmp_path, capsys):
    load_basics(db, tmp_path, capsys)
    path = write(tmp_path, "events.csv", EVENTS + "C-1001,visit,2024-03-10,yes,yes,,\nC-1002,supervision,2024-03-20,,,,\n")
    code, out, err = run(db, "events", path, capsys)
    assert (code, err) == (0, "")
    assert out == f"imported 2 events from {path}; 3 already present, skipped\n"
    store = open_store(db, ME)
    try:
        case = store.cases.get("C-1001")
        assert [(e.date, e.seen_alone) for e in case.events] == [
            (date(2024, 1, 10), True), (date(2024, 2, 10), False), (date(2024, 3, 10), True)]
        # the entry counts the new events and digests them (db.cases.EVENTS_DIGEST), in the file's order
        entry = store.history.entries(limit=1)[0].details
        written = [("C-1001", Event(kind=EventKind.visit, date=date(2024, 3, 10), seen_alone=True)),
                   ("C-1002", Event(kind=EventKind.supervision, date=date(2024, 3, 20)))]
        assert (entry["count"], entry["digest"]) == (2, events_digest(written, entry["text_salt"]))
        assert entry["digest"] != events_digest(written[::-1], entry["text_salt"])
    finally:
        store.close()


@pytest.mark.parametrize("row,column", [
    ("C-1001,visit,2024-02-10,yes,N,asleep at home,", "reason_not_alone"),
    ("C-1001,visit,2024-02-10,no,,,", "child_seen"),
    ("C-1002,supervision,2024-02-20,,,,late in the day", "note"),
])
def test_a_row_that_differs_from_the_stored_event_is_refused_naming_row_and_column(
        db, tmp_path, capsys, row, column):
    load_basics(db, tmp_path, capsys)
    before, entries = counts(db), history_length(db)
    header = EVENTS.splitlines()[0]
    path = write(tmp_path, "events.csv", f"{header}\nC-1001,visit,2024-04-01,yes,yes,,\n{row}\n")
    code, out, err = run(db, "events", path, capsys)
    assert (code, out) == (2, "")
    assert err.startswith(f"caseaudit: {path}:3: {column}: ") and "already in the database" in err, err
    assert err.count("\n") == 1
    assert counts(db) == before and history_length(db) == entries


def test_the_store_refuses_an_event_stored_while_the_file_was_checked(db, tmp_path, capsys):
    load_basics(db, tmp_path, capsys)
    before = counts(db)
    store = open_store(db, ME)
    try:
        with pytest.raises(Refused, match="C-1001: visit on 2024-01-10 was stored by someone else while these "
                           "events were being checked; nothing was written: run the import again"):
            store.cases.add_events([("C-1002", Event(kind=EventKind.visit, date=date(2024, 3, 1))),
                              ("C-1001", Event(kind=EventKind.visit, date=date(2024, 1, 10)))])
    finally:
        store.close()
    assert counts(db) == before


def test_same_day_visits_count_once_for_timeliness_but_each_for_seen_alone():
    catalogue = load_catalogue(None)
    case = Case(case_ref="C-1", case_type=CaseType.CP, start_date=date(2024, 1, 2), events=[
        Event(kind=EventKind.visit, date=date(2024, 1, 5), seen_alone=True),
        Event(kind=EventKind.visit, date=date(2024, 1, 5), seen_alone=False),
        Event(kind=EventKind.visit, date=date(2024, 1, 18), seen_alone=True),
    ])
    results = {r.standard: r for r in evaluate(case, date(2024, 1, 20), catalogue).results}
    single = case.model_copy(update={"events": [case.events[0], case.events[2]]})
    alone = {r.standard: r for r in evaluate(single, date(2024, 1, 20), catalogue).results}
    # the pair is one visit for the interval rule: same result as with only one of them
    assert results["cp-visits"].status == alone["cp-visits"].status == Status.met
    assert results["cp-visits"].evidence == alone["cp-visits"].evidence
    # the pair's "not alone, no reason" is not lost behind the one seen alone
    assert results["cp-seen-alone"].status == Status.not_met
    assert alone["cp-seen-alone"].status == Status.met


def test_an_event_dated_after_today_is_refused(db, tmp_path, capsys, monkeypatch):
    # Today is fixed through the one clock the command line's store reads: Monday 15 July 2024,
    # 12:00 UTC. An event on 15 July is today's; one on 16 July is in the future.
    monkeypatch.setattr("db.clock.system_clock", lambda: datetime(2024, 7, 15, 12, 0, tzinfo=timezone.utc))
    load_basics(db, tmp_path, capsys)
    before = counts(db)
    path = write(tmp_path, "events.csv", "case_ref,kind,date\nC-1001,visit,2024-07-15\nC-1001,supervision,2024-07-16\n")
    code, out, err = run(db, "events", path, capsys)
    assert (code, out) == (2, "")
    assert err == (f"caseaudit: {path}:3: date: 2024-07-16 is in the future (today is 2024-07-15); "
                   "import only what has already happened\n")
    assert counts(db) == before


def test_two_imports_of_one_file_at_once_never_double_an_event(db, tmp_path, capsys):
    import subprocess
    import sys
    from pathlib import Path

    load_basics(db, tmp_path, capsys)
    rows = "".join(f"C-1001,supervision,{date(2023, 1, 1).fromordinal(date(2023, 1, 1).toordinal() + i)}\n"
                   for i in range(300))
    path = write(tmp_path, "events.csv", "case_ref,kind,date\n" + rows)
    caseaudit = str(Path(sys.executable).with_name("caseaudit"))
    runs = [subprocess.Popen([caseaudit, "--db", str(db), "import", "events", str(path)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(r.wait(timeout=300), r.stdout.read(), r.stderr.read()) for r in runs]
    for code, out, err in results:
        assert code in (0, 2) and "Traceback" not in err, err
        if code == 2:
            assert "was stored by someone else" in err, err
    assert any(code == 0 for code, _, _ in results)
    store = open_store(db, ME)
    try:
        assert len(store.cases.get("C-1001").events) == 2 + 300
        assert store.history.verify().ok
    finally:
        store.close()


def test_a_reason_for_not_seeing_alone_a_child_seen_alone_is_refused(db, tmp_path, capsys):
    load_basics(db, tmp_path, capsys)
    before = counts(db)
    path = write(tmp_path, "events.csv", "case_ref,kind,date,seen_alone,reason_not_alone\nC-1001,visit,2024-03-01,yes,asleep\n")
    code, out, err = run(db, "events", path, capsys)
    assert (code, out) == (2, "")
    assert err == (f"caseaudit: {path}:2: reason_not_alone: the child was seen alone, so there is no reason "
                   "to record; empty the cell or set seen_alone to false\n")
    assert counts(db) == before
