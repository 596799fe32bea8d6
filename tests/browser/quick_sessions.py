"""`caseaudit serve` as the browser session tests run it (`python -m tests.browser.quick_sessions
--db PATH serve ...`): the same command and server, with two things a test can steer.

- The sweep that ends sessions looks every SWEEP_SECONDS instead of every 15 s, so an
  ending a sweep finds (a disabled account, a changed password, idleness) shows within a
  tenth of a second, not up to 15 (a sweep is a few small queries: ten a second cost the
  server little). That the real sweep looks at least once a minute is
  tests/web/test_sessions_end.py's to say.
- The server's clock (its sign-in store's, which dates sessions, their last keystroke and
  their ending) runs ahead of the real one by the seconds written in the file named by
  AHEAD_VARIABLE, so a test lets a minute of idleness pass without waiting a minute. The
  app processes it starts keep the real clock.

After each sweep the server writes how many it has made to the file named by
SWEEPS_VARIABLE, so a test can wait for a sweep that saw a moment, not for a time.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

import caseaudit.cli.serve as serve_command
import caseaudit.web.server as web_server
from caseaudit.cli import main
from db import open_store, system_clock

SWEEP_SECONDS = 0.1
AHEAD_VARIABLE = "CASEAUDIT_TEST_CLOCK_AHEAD_FILE"
SWEEPS_VARIABLE = "CASEAUDIT_TEST_SWEEPS_FILE"


class AheadClock:
    """The real moment plus the seconds in `file` (none while it is missing)."""

    def __init__(self, file: Path) -> None:
        self.file = file

    def __call__(self) -> datetime:
        try:
            ahead = float(self.file.read_text())
        except (FileNotFoundError, ValueError):
            ahead = 0.0
        return system_clock() + timedelta(seconds=ahead)


@dataclass
class QuickSweeps(web_server.ServeOptions):
    sweep_seconds: float = SWEEP_SECONDS


class CountedSweeps(web_server.CaseauditServer):
    sweeps = 0

    async def sweep(self) -> None:
        await super().sweep()
        self.sweeps += 1
        file = Path(os.environ[SWEEPS_VARIABLE])
        file.with_suffix(".new").write_text(str(self.sweeps))
        file.with_suffix(".new").replace(file)  # whole, never half-written, when the test reads it


def run(argv: list[str]) -> int:
    serve_command.open_store = partial(open_store, clock=AheadClock(Path(os.environ[AHEAD_VARIABLE])))
    web_server.ServeOptions = QuickSweeps
    web_server.CaseauditServer = CountedSweeps
    return main(argv)


if __name__ == "__main__":
    raise SystemExit(run(sys.argv[1:]))
