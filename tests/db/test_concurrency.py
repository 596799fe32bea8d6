"""Six managers importing audits into one file at the same moment: all succeed, none lost."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from pathlib import Path

import sqlite_utils

from db import open_store
from db.migrations import migrations
from tests.support import admin_store, make_audit, make_case

WRITERS = 6
BATCHES = 5
PER_BATCH = 4


def pool_context():
    """Processes forked from a server process that has imported this module once, so each
    of the six starts with its imports done, rather than each a new interpreter importing
    them again (and pytest with them). Each still opens the database itself."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


def import_audits(path: str, writer: int, barrier) -> int:
    store = open_store(path, "root")
    barrier.wait(timeout=60)  # every process starts writing at the same moment
    written = 0
    for batch in range(BATCHES):
        audits = [make_audit(f"A-{writer}-{batch}-{n}", case_ref=f"C-{writer}") for n in range(PER_BATCH)]
        written += store.audits.insert(audits)
    return written


def test_six_processes_import_at_once(tmp_path):
    path = tmp_path / "ca.db"
    store = admin_store(path)
    store.cases.upsert([make_case(f"C-{w}") for w in range(WRITERS)])
    store.close()
    context = pool_context()
    barrier = context.Manager().Barrier(WRITERS)
    with context.Pool(WRITERS) as pool:
        results = [pool.apply_async(import_audits, (str(path), w, barrier)) for w in range(WRITERS)]
        written = [r.get(timeout=300) for r in results]
    assert written == [BATCHES * PER_BATCH] * WRITERS
    store = open_store(path, "root")
    ids = {a.audit_id for a in store.audits.list(status="submitted")}
    expected = {f"A-{w}-{b}-{n}" for w in range(WRITERS) for b in range(BATCHES) for n in range(PER_BATCH)}
    assert ids == expected
    assert len(store.history.entries(what="audits imported", limit=1000)) == WRITERS * BATCHES
    assert store.history.verify().ok
    done = subprocess.run([str(Path(sys.executable).with_name("caseaudit")), "--db", str(path), "verify"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def open_and_migrate(path: str, barrier) -> int:
    barrier.wait(timeout=60)
    return len(open_store(path, "root").row_counts())


def test_six_processes_creating_one_new_file_at_once(tmp_path):
    """Opening a brand-new file migrates it once; the others wait and find it done."""
    path = tmp_path / "new.db"
    context = pool_context()
    barrier = context.Manager().Barrier(WRITERS)
    with context.Pool(WRITERS) as pool:
        results = [pool.apply_async(open_and_migrate, (str(path), barrier)) for _ in range(WRITERS)]
        tables = [r.get(timeout=300) for r in results]
    assert len(set(tables)) == 1
    store = open_store(path, "root")
    steps = len(migrations.pending(sqlite_utils.Database(memory=True)))  # every step, once each
    assert store.row_counts()["_sqlite_migrations"] == steps >= 6
    assert store.row_counts()["themes"] == 12
