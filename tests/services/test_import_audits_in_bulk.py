"""A long historic audits file is checked line by line, then written in bulk: one history
entry for the whole import, in audit id order whatever the file's order, verify satisfied,
and progress shown for the writing as well as the checking."""

from __future__ import annotations

import json
import sqlite3

from tests.support import raw_connection

import audit_tools.importers as importers
from caseaudit.cli import main
from db import open_store
from db.identity import current_username
from tests.cli.test_import import Terminal, audit_line, counts, load_basics, run, write
from tests.services.test_import_historic_audits import db  # noqa: F401  (the fixture)

ME = current_username()


def test_a_file_of_several_batches_is_one_history_entry_and_verifies(db, tmp_path, capsys,  # noqa: F811
                                                                     monkeypatch):
    monkeypatch.setattr(importers.batching, "BATCH_SIZE", 2)
    load_basics(db, tmp_path, capsys)
    before = counts(db)["history"]
    numbers = [5, 1, 7, 3, 2, 6, 4]  # not in id order
    lines = [json.dumps(audit_line(audit_id=f"A-{i:04d}", moderation=None)) for i in numbers]
    path = write(tmp_path, "audits.jsonl", "\n".join(lines) + "\n")
    code, out, err = run(db, "audits", path, capsys)
    assert (code, err) == (0, ""), err
    assert counts(db)["history"] == before + 1
    store = open_store(db, ME)
    (entry,) = store.history.entries(what="audits imported")
    assert entry.details["count"] == 7 and entry.details["ids"] == [f"A-{i:04d}" for i in range(1, 8)]
    assert store.history.verify().ok
    store.close()
    # and a change made behind caseaudit's back is found
    conn = raw_connection(db)
    conn.execute("DROP TRIGGER submitted_audits_no_update")
    conn.execute("UPDATE submitted_audits SET data = replace(data, '2024-05-02', '2024-05-03') "
                 "WHERE audit_id = 'A-0006'")
    conn.commit()
    conn.close()
    code = main(["--db", str(db), "verify"])
    assert code == 1
    assert f"history entry {entry.id} recorded an import of 7 audits" in capsys.readouterr().err


def test_a_bad_line_in_the_last_batch_writes_nothing_of_the_earlier_ones(db, tmp_path, capsys,  # noqa: F811
                                                                         monkeypatch):
    monkeypatch.setattr(importers.batching, "BATCH_SIZE", 2)
    load_basics(db, tmp_path, capsys)
    before = counts(db)
    lines = [json.dumps(audit_line(audit_id=f"A-{i:04d}", moderation=None)) for i in range(1, 6)]
    lines.append(json.dumps(audit_line(audit_id="A-0006", case_ref="C-404", moderation=None)))
    path = write(tmp_path, "audits.jsonl", "\n".join(lines) + "\n")
    code, out, err = run(db, "audits", path, capsys)
    assert (code, out) == (2, "")
    assert "C-404" in err
    assert counts(db) == before


def test_writing_shows_progress_too(db, tmp_path, capsys, monkeypatch):  # noqa: F811
    import caseaudit.cli.imports as imports

    monkeypatch.setattr(importers.batching, "BATCH_SIZE", 100)
    load_basics(db, tmp_path, capsys)
    lines = [json.dumps(audit_line(audit_id=f"A-{i:04d}", moderation=None)) for i in range(1, 251)]
    path = write(tmp_path, "audits.jsonl", "\n".join(lines) + "\n")
    terminal = Terminal()
    monkeypatch.setattr(imports.sys, "stderr", terminal)
    assert main(["--db", str(db), "import", "audits", str(path)]) == 0
    shown = terminal.getvalue()
    assert "\rchecking 250 of 250 rows\n" in shown
    assert "\rwriting 100 of 250 rows" in shown and "\rwriting 250 of 250 rows\n" in shown


def test_lines_are_checked_in_case_order_each_case_fetched_and_evaluated_once(db, tmp_path, capsys,  # noqa: F811
                                                                              monkeypatch):
    from db.cases import Cases

    monkeypatch.setattr(importers.batching, "BATCH_SIZE", 2)
    load_basics(db, tmp_path, capsys)
    another = write(tmp_path, "more.csv", "case_ref,case_type,start_date,team,worker,line_manager\n"
                                          "C-1003,EH,2024-01-03,north,ben.k,cat.b\n")
    assert run(db, "cases", another, capsys)[0] == 0
    asked: list[list[str]] = []
    evaluated: list[tuple[str, str]] = []
    get_many, statuses = Cases.get_many, importers.audits.statuses

    def asking(self, refs):
        refs = sorted(set(refs))
        asked.append(refs)
        return get_many(self, refs)

    def counting(case, as_of, catalogue):
        evaluated.append((case.case_ref, as_of.isoformat()))
        return statuses(case, as_of, catalogue)

    monkeypatch.setattr(Cases, "get_many", asking)
    monkeypatch.setattr(importers.audits, "statuses", counting)
    # the two cases' audits interleaved, three of each, all as at the same day
    lines = [json.dumps(audit_line(audit_id=f"A-{i:04d}", case_ref=f"C-100{1 + 2 * (i % 2)}", moderation=None))
             for i in range(1, 7)]
    path = write(tmp_path, "audits.jsonl", "\n".join(lines) + "\n")
    code, out, err = run(db, "audits", path, capsys)
    assert (code, err) == (0, ""), err
    # batches of 2 lines would have asked for both cases three times in the file's order
    assert asked == [["C-1001"], ["C-1003"]]
    assert evaluated == [("C-1001", "2024-05-01"), ("C-1003", "2024-05-01")]


def test_in_case_order_a_duplicate_is_still_named_by_its_first_line_in_the_file(db, tmp_path, capsys,  # noqa: F811
                                                                                 monkeypatch):
    monkeypatch.setattr(importers.batching, "BATCH_SIZE", 2)
    load_basics(db, tmp_path, capsys)
    another = write(tmp_path, "more.csv", "case_ref,case_type,start_date,team,worker,line_manager\n"
                                          "C-1003,EH,2024-01-03,north,ben.k,cat.b\n")
    assert run(db, "cases", another, capsys)[0] == 0
    before = counts(db)
    lines = [audit_line(audit_id="A-0001", case_ref="C-1003", moderation=None),
             audit_line(audit_id="A-0002", case_ref="C-1001", moderation=None),
             audit_line(audit_id="A-0001", case_ref="C-1001", moderation=None)]
    path = write(tmp_path, "audits.jsonl", "\n".join(json.dumps(line) for line in lines) + "\n")
    code, out, err = run(db, "audits", path, capsys)
    assert (code, out) == (2, "")
    # C-1001's lines are checked first, yet line 3 is the one given twice
    assert f"{path}:3: audit_id: 'A-0001' is also on line 1; each audit may appear only once" in err
    assert f"{path}:1: audit_id" not in err
    assert counts(db) == before
