"""A concern raised in the app is on disk the moment the dialog closes: a program killed
(SIGKILL, no chance to flush or exit cleanly) right after raising it leaves it stored, even
though the draft it was raised from was never saved."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from db import open_store

ROOT = Path(__file__).resolve().parents[2]

# Runs the real app headless as amy (Pilot waiting after each key at the test process's
# finer grain): open a new audit of C-1, raise a concern, say so, then wait to be killed.
SCRIPT = """
import asyncio, sys
from tests.support import finer_pilot_polls
from tests.tui.test_audit_keyboard import open_app, open_new_audit
from tests.tui.test_concerns import raise_one

finer_pilot_polls()

async def main(path):
    app = open_app(path, "amy")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_new_audit(pilot)
        await raise_one(pilot)
        print("RAISED", form.audit_id, flush=True)
        await asyncio.Event().wait()

asyncio.run(main(sys.argv[1]))
"""


def test_a_concern_survives_the_app_being_killed_right_after(db_path):
    child = subprocess.Popen([sys.executable, "-c", SCRIPT, str(db_path)], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        line = child.stdout.readline()
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
    assert line.startswith("RAISED "), child.stderr.read()
    audit_id = line.split()[1]
    assert child.returncode == -signal.SIGKILL
    store = open_store(db_path, "admin")
    assert store.db.execute("SELECT case_ref, audit_id, raised_by FROM concerns").fetchall() == [
        ("C-1", audit_id, "amy")]
    assert store.audits.get(audit_id) is None  # the draft was never saved: the concern did not wait for it
    assert store.db.execute("SELECT what FROM history ORDER BY id DESC LIMIT 1").fetchone() == (
        "safeguarding concern raised",)
