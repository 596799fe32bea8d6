"""Six managers importing audits into one database file at the same moment: all succeed, none lost."""

from __future__ import annotations

import contextlib
import io
import json
import multiprocessing
from importlib.resources import files

from caseaudit.cli import main
from caseaudit.services.imports import import_file
from db import open_store
from db.identity import current_username

PROCESSES = 6


def import_audits(db: str, part: str, barrier) -> tuple[int, str, str]:
    """`caseaudit --db DB import audits PART` in a process of its own, once all six are ready."""
    out, err = io.StringIO(), io.StringIO()
    barrier.wait(timeout=60)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--db", db, "import", "audits", part])
    return code, out.getvalue(), err.getvalue()


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
    # Six processes forked from a server that has imported the command line once (rather
    # than six new interpreters importing it), each running the import as the command does,
    # all starting together so their write transactions overlap.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    barrier = context.Manager().Barrier(PROCESSES)
    with context.Pool(PROCESSES) as pool:
        running = [pool.apply_async(import_audits, (str(db), str(part), barrier)) for part in parts]
        results = [r.get(timeout=300) for r in running]
    for (code, out, err), part in zip(results, parts):
        assert code == 0, err
        assert out.startswith(f"imported {len(lines[parts.index(part)::PROCESSES])} audits from {part}")

    store = open_store(db, current_username())
    stored = {a.audit_id for a in store.audits.list()}
    assert stored == ids
    assert store.row_counts()["history"] == before + PROCESSES
    assert store.history.verify().ok
    store.close()
