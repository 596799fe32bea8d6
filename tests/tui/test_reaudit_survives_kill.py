"""A blind re-audit is on disk a moment after each change, as an audit is: a moderator whose
terminal is killed (SIGKILL: a dropped SSH connection, a closed laptop; no chance to press
escape or ctrl+s) finds every field typed before the kill on reopening (finding 1 of issue 26)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from textual.widgets import Input, Select

from tests.tui.keys import settle
from tests.tui.test_moderation import TODAY, add_moderated_case, open_first_in_queue
from tui.app import make_app
from tui.screens.moderation.blind import BlindReauditScreen

ROOT = Path(__file__).resolve().parents[2]

# Runs the real app headless as the moderator: open the blind re-audit, change two statuses,
# type two evidence notes and choose a grade with the keyboard, say so once the form has
# saved itself, then wait to be killed. Nothing presses ctrl+s or escape. The form saves
# itself after a pause in typing shortened from 1.5 s to 50 ms, and Pilot waits after each
# key at the test process's finer grain: the kill still comes the moment after the save.
SCRIPT = """
import asyncio, sys
from datetime import date
from tests.support import finer_pilot_polls
from tests.tui.keys import wait_until
from tests.tui.test_moderation import choose, focus, open_first_in_queue
from tui.app import make_app
import tui.screens.moderation.blind

finer_pilot_polls()
tui.screens.moderation.blind.AUTOSAVE_SECONDS = 0.05

async def main(path):
    app = make_app(path, username="mo", today=date.fromisoformat(sys.argv[2]))
    async with app.run_test(size=(80, 24)) as pilot:
        blind = await open_first_in_queue(pilot)
        await choose(pilot, "blind-status-voice-of-child", "partly")
        await focus(pilot, "blind-note-voice-of-child")
        await pilot.press(*"views recorded once")
        await choose(pilot, "blind-status-plan-quality", "not met")
        await focus(pilot, "blind-note-plan-quality")
        await pilot.press(*"no contingency")
        await choose(pilot, "blind-grade", "Requires")
        await wait_until(pilot, lambda: blind.saved == blind.build(), "the draft saved itself", tries=2000)
        print("TYPED", flush=True)
        await asyncio.Event().wait()

asyncio.run(main(sys.argv[1]))
"""


async def test_a_reaudit_typed_before_a_kill_is_all_there_on_reopening(db_path):
    add_moderated_case(db_path)
    child = subprocess.Popen([sys.executable, "-c", SCRIPT, str(db_path), TODAY.isoformat()], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        line = child.stdout.readline()
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
    assert line.startswith("TYPED"), child.stderr.read()
    assert child.returncode == -signal.SIGKILL

    app = make_app(db_path, username="mo", today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        blind = await open_first_in_queue(pilot)
        await settle(pilot)
        assert isinstance(blind, BlindReauditScreen)

        def status(standard):
            return blind.query_one(f"#blind-status-{standard}", Select).value.value

        def note(standard):
            return blind.query_one(f"#blind-note-{standard}", Input).value

        assert status("voice-of-child") == "partly_met" and note("voice-of-child") == "views recorded once"
        assert status("plan-quality") == "not_met" and note("plan-quality") == "no contingency"
        assert blind.query_one("#blind-grade", Select).value.value == "requires_improvement"
