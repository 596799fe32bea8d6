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
