"""Shared test settings: the hypothesis profile and the frozen process clock.

On CI (CI=true) property tests run derandomized, with the example database off, so a run
is repeatable and leaves nothing behind; elsewhere hypothesis's defaults apply (random
examples, failures remembered in .hypothesis/ and tried first next time).

`--frozen-clock=MOMENT` (or CASEAUDIT_FROZEN_CLOCK=MOMENT) stops the process clock at an
ISO moment with its offset for the whole run (time-machine: datetime.now, date.today,
time.time; not the monotonic clock that asyncio and Textual wait on). No test reads the
real clock, so the suite must pass whatever the clock says; `make unit` runs it stopped at
23:59:59 on a quarter's last day, the moment a date taken in the wrong zone or a day
counted from the wrong end shows itself. Programs a test starts in a child process run
on the real clock.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from hypothesis import settings

# Both from hypothesis's own defaults, not from whatever profile hypothesis picked itself
# (it loads a built-in "ci" profile of its own when it notices a CI environment).
# No deadline in either: a shared machine's timing is not a test result (an example that
# took 321 ms once and 170 ms the next failed a whole run), and speed is measured in bench/.
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=True, database=None,
                          deadline=None)
settings.register_profile("dev", parent=settings.get_profile("default"), deadline=None)


def hypothesis_profile(environ=os.environ) -> str:
    return "ci" if environ.get("CI", "").strip().lower() == "true" else "dev"


settings.load_profile(hypothesis_profile())

# Pilot's wait after each key press: textual._wait polls the process clock every 1/50 s and
# calls the app idle once a poll used less than a twentieth of it, so every key costs at
# least two polls, 40 ms, however little the app had to do. The same test of idleness at a
# five times finer grain (5 ms polls, idle under 0.25 ms): a key that needs no work costs
# 10 ms, a key that does still waits until that work is done. A test that needs a worker
# finished waits for the worker itself (`settle`), never on this poll.
PILOT_POLL_SECONDS = 1 / 200


def _finer_pilot_polls() -> None:
    import textual._wait

    # Private to Textual: a version that renames them must fail here, not quietly go slow.
    for name in ("SLEEP_GRANULARITY", "SLEEP_IDLE"):
        if not hasattr(textual._wait, name):
            raise RuntimeError(f"textual._wait.{name} is gone: see PILOT_POLL_SECONDS in tests/conftest.py")
    textual._wait.SLEEP_GRANULARITY = PILOT_POLL_SECONDS
    textual._wait.SLEEP_IDLE = PILOT_POLL_SECONDS / 20


_finer_pilot_polls()

FROZEN_CLOCK_ENV = "CASEAUDIT_FROZEN_CLOCK"


def pytest_addoption(parser):
    parser.addoption("--frozen-clock", metavar="MOMENT", default=os.environ.get(FROZEN_CLOCK_ENV) or None,
                     help="stop the process clock at this ISO moment with its offset for the whole "
                          f"run, e.g. 2025-12-31T23:59:59+00:00 (or set {FROZEN_CLOCK_ENV})")


def frozen_moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise pytest.UsageError(f"--frozen-clock: {text!r} is not an ISO moment such as "
                                "2025-12-31T23:59:59+00:00") from None
    if moment.tzinfo is None:
        raise pytest.UsageError(f"--frozen-clock: {text!r} has no offset; give one, "
                                "e.g. +00:00 in winter, +01:00 in British Summer Time")
    return moment


def pytest_configure(config):
    # Runs in every xdist worker too, so each process's clock is stopped.
    text = config.getoption("frozen_clock")
    if not text:
        return
    import time_machine

    traveller = time_machine.travel(frozen_moment(text), tick=False)
    traveller.start()
    config._frozen_clock = traveller


def pytest_unconfigure(config):
    traveller = getattr(config, "_frozen_clock", None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config):
    text = config.getoption("frozen_clock")
    return f"process clock frozen at {text}" if text else None


@pytest.fixture(autouse=True)
def _own_config_folder(tmp_path_factory, monkeypatch):
    """Each test's app reads and writes its preferences (the theme) in a folder of its own,
    never the user config folder of whoever runs the tests."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Callable[[str, Callable[[Path], object]], Path]:
    """Databases a test only starts from, built once per run (per xdist worker) and copied:
    `built(name, build)` is the file (or folder) `build(path)` made, the first time it is
    asked for.

    A test that is about making the database (init, an import, the demo build) makes its
    own; one that only needs a database in a given state starts from a copy of one
    (tests/support.py's `copy_database`): a file copy of a millisecond or two, where the
    commands or the migrations again took a tenth of a second or more."""
    made: dict[str, Path] = {}

    def template(name: str, build: Callable[[Path], object]) -> Path:
        if name not in made:
            path = tmp_path_factory.mktemp(f"built-{name}") / "template"
            build(path)
            # A command run in this process leaves its store to the garbage collector, which
            # closes it: then each file is whole, with no -wal beside it, and can be copied.
            gc.collect()
            left = [p.name for p in path.parent.rglob("*") if p.name.endswith(("-wal", "-shm", "-journal"))]
            assert not left, f"building {name} left {left}: a store is still open"
            made[name] = path
        return made[name]

    return template

