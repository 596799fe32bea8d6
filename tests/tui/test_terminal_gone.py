"""The app ends when its terminal goes away, keeping what ctrl+q keeps.

A closed terminal window, a dropped SSH connection or `tmux kill-session` hangs the terminal
up. Run under `make run` the app was sent no signal (make leads the terminal's session and
holds the hang-up back while its child runs) and polled the dead terminal for ever at a
third of a core. The first tests play that for real: the app in a pseudo-terminal, under a
parent that, like make, survives the hang-up, then the terminal closed. The last ones check,
under Pilot, that the app saves an open draft before it ends.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import sys
import termios
import time
from pathlib import Path

from audit_tools.models import Role, User
from db import current_username, open_store
from tests.tui.conftest import add_submitted_audit
from tests.tui.keys import settle, tab_to
from tests.tui.test_amend_actions import open_submitted
from tests.tui.test_audit_keyboard import choose, open_app, open_new_audit
from tui.screens.audit_form_mode import FormMode
from tui.terminal import TerminalGone

ROOT = Path(__file__).resolve().parents[2]

# A test's deadline, not a measure of speed: the app ends in well under a second once its
# terminal has gone; a loaded machine gets this long before the test calls it stuck.
DEADLINE = 60.0

# The parent `make run` is, as far as the hang-up goes: it leads the terminal's session,
# lives through the hang-up (make holds the signal back until its child ends) and returns
# its child's exit status. A handler, unlike an ignored signal, is not passed on to the child.
MAKE_LIKE = """
import signal, subprocess, sys
signal.signal(signal.SIGHUP, lambda *_: None)
child = subprocess.Popen(sys.argv[2:])
open(sys.argv[1], "w").write(str(child.pid))
sys.exit(child.wait())
"""


def with_me_as_a_user(db_path: Path) -> Path:
    """The test database with the person running the tests in it, so `caseaudit --db` opens."""
    store = open_store(db_path, "admin")
    store.people.upsert([User(username=current_username(), display_name="Terry Tester",
                              roles=[Role.auditor], team="qa")])
    store.close()
    return db_path


def start_in_a_terminal(argv: list[str], home: Path) -> tuple[int, int]:
    """`argv` run as the leader of a new session whose terminal is a pseudo-terminal of 100x30;
    returns the process id and the terminal's other end (this test's side of it)."""
    env = dict(os.environ, TERM="xterm-256color", XDG_CONFIG_HOME=str(home / "config"),
               XDG_DATA_HOME=str(home / "data"), XDG_STATE_HOME=str(home / "state"),
               XDG_CACHE_HOME=str(home / "cache"))
    env.pop("CASEAUDIT_DB", None)
    pid, master = pty.fork()
    if pid == 0:  # the child: straight into the program, nothing else
        try:
            termios.tcsetwinsize(0, (30, 100))
            os.chdir(ROOT)
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    return pid, master


def wait_for_screen(master: int, words: bytes) -> bytes:
    """Read what the app draws (it must be read, or the app waits to write) until `words`."""
    seen = b""
    end = time.monotonic() + DEADLINE
    while words not in seen:
        assert time.monotonic() < end, f"the app never showed {words!r}: {seen[-2000:]!r}"
        ready, _, _ = select.select([master], [], [], 1.0)
        if ready:
            try:
                seen += os.read(master, 65536)
            except OSError:  # the terminal's other side closed: the app ended early
                raise AssertionError(f"the app ended before it showed {words!r}: {seen[-2000:]!r}")
    return seen


def wait_for_end(pid: int) -> int:
    """The process's wait status once it has ended; fails if it is still running at the deadline."""
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.02)
    raise AssertionError(f"still running {DEADLINE:.0f} s after its terminal went away")


def end_everything(pid: int, master: int, *others: int) -> None:
    """Nothing this test started is left running, whatever happened."""
    for each in (*others, pid):
        try:
            os.killpg(each, signal.SIGKILL) if each == pid else os.kill(each, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    try:
        os.close(master)
    except OSError:
        pass


def app_argv(db_path: Path) -> list[str]:
    return [sys.executable, "-m", "caseaudit", "--db", str(db_path)]


def test_under_a_parent_that_outlives_the_hang_up_the_app_ends_when_its_terminal_closes(db_path, tmp_path):
    """The `make run` case: no signal reaches the app, only the end of its terminal's input."""
    with_me_as_a_user(db_path)
    pid_file = tmp_path / "app.pid"
    pid, master = start_in_a_terminal([sys.executable, "-c", MAKE_LIKE, str(pid_file), *app_argv(db_path)],
                                      tmp_path)
    app_pid = None
    try:
        wait_for_screen(master, b"Terry Tester")
        app_pid = int(pid_file.read_text())
        os.close(master)  # the terminal window closed
        status = wait_for_end(pid)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status  # the app's own exit, 0
    finally:
        end_everything(pid, master, *([app_pid] if app_pid else []))


def test_the_app_sent_a_hang_up_saves_and_ends_rather_than_dying(db_path, tmp_path):
    """The hang-up signal (from a shell whose terminal closed) goes through the app's own exit,
    where ctrl+q's saving is; it used to kill the process where it stood."""
    with_me_as_a_user(db_path)
    pid, master = start_in_a_terminal(app_argv(db_path), tmp_path)
    try:
        wait_for_screen(master, b"Terry Tester")
        os.kill(pid, signal.SIGHUP)
        end = time.monotonic() + DEADLINE
        status = None
        while status is None and time.monotonic() < end:  # read on, so the app can write its way out
            if select.select([master], [], [], 0.2)[0]:
                try:
                    os.read(master, 65536)
                except OSError:
                    pass
            done, wait_status = os.waitpid(pid, os.WNOHANG)
            if done:
                status = wait_status
        assert status is not None, "still running after the hang-up"
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
    finally:
        end_everything(pid, master)


def test_the_app_run_straight_from_its_terminal_ends_when_that_closes(db_path, tmp_path):
    with_me_as_a_user(db_path)
    pid, master = start_in_a_terminal(app_argv(db_path), tmp_path)
    try:
        wait_for_screen(master, b"Terry Tester")
        os.close(master)
        status = wait_for_end(pid)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
    finally:
        end_everything(pid, master)


async def test_a_draft_with_changes_is_saved_before_the_app_ends(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_new_audit(pilot)
        await tab_to(pilot, "strengths")
        await pilot.press("space")
        app.post_message(TerminalGone("hang-up"))
        app.post_message(TerminalGone("end of input"))  # both come; the second changes nothing
        await settle(pilot)
        assert not app.is_running
    draft = open_store(db_path, "admin").audits.get(form.audit_id)
    assert draft is not None and draft.themes.strengths


async def test_an_amendment_nobody_can_give_a_reason_for_is_dropped_and_the_app_ends(db_path):
    """ctrl+q asks before dropping an amendment's changes; with the terminal gone nobody can
    answer, so the app ends after its grace and the audit stays as stored."""
    add_submitted_audit(db_path)
    app = open_app(db_path)
    app.HANG_UP_GRACE_SECONDS = 0.1  # the app's 10 s, shortened: it must still end by itself
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_submitted(pilot)
        await pilot.press("ctrl+e")
        await pilot.pause()
        await choose(pilot, "grade-select", "Inadequate")
        assert form.mode is FormMode.AMENDING and form.dirty
        app.post_message(TerminalGone("hang-up"))
        end = time.monotonic() + DEADLINE
        while app.is_running and time.monotonic() < end:
            await pilot.pause(0.02)
        assert not app.is_running
    store = open_store(db_path, "admin")
    assert store.amendments.list("A-0001") == []
    assert store.audits.get("A-0001").grade.value == "requires_improvement"
