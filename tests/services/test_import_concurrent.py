"""Six managers importing audits into one database file at the same moment: all succeed, none lost."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.resources import files

from db.identity import current_username
from db import open_store

from caseaudit.services.imports import import_file

PROCESSES = 6


def test_six_processes_import_audits_at_once(tmp_path):
    db = tmp_path / "caseaudit.db"
    store = open_store(db, current_username())
    store.people.ensure_admin()
    for what, name in (("users", "users.csv"), ("cases", "cases.csv"), ("events", "events.csv")):
        import_file(store, what, files("sample_audits") / name)
    lines = (files("sample_audits") / "audits.jsonl").read_text(encoding="utf-8").splitlines()
    ids = {json.loads(line)["audit_id"] for line in lines}
    before = store.row_counts()["history"]
    store.close()

    parts = []
    for i in range(PROCESSES):
        part = tmp_path / f"audits-{i}.jsonl"
        part.write_text("\n".join(lines[i::PROCESSES]) + "\n", encoding="utf-8")
        parts.append(part)
    # start them all before waiting on any, so their write transactions overlap
    running = [
        subprocess.Popen(
            [sys.executable, "-m", "caseaudit", "--db", str(db), "import", "audits", str(part)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for part in parts
    ]
    results = [(p.wait(timeout=300), p.stdout.read(), p.stderr.read()) for p in running]
    for (code, out, err), part in zip(results, parts):
        assert code == 0, err
        assert out.startswith(f"imported {len(lines[parts.index(part)::PROCESSES])} audits from {part}")

    store = open_store(db, current_username())
    stored = {a.audit_id for a in store.audits.list()}
    assert stored == ids
    assert store.row_counts()["history"] == before + PROCESSES
    assert store.history.verify().ok
    store.close()
