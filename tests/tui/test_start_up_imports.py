"""Launch to the dashboard loads what the dashboard needs and nothing a later screen could load.

Proved in a clean interpreter: the app module and the services the dashboard asks for its
figures are imported, and the other screens, the report writers and the libraries only a
later step uses (workbooks, browser sign-in, the web server) are not yet in sys.modules.
Then the app itself is opened on a database and run to its dashboard's figures: opening the
store and reading the figures load none of them either, nor sqlite-utils (with click and
pluggy), which only migrations and a few writes use (db/connection.py), nor the store's
aggregates the dashboard does not read (db/store.py makes each when first used).
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# What the dashboard reads while it opens (caseaudit/services/dashboard.py imports these
# at its top).
DASHBOARD_PATH = [
    "tui.app",
    "caseaudit.services.dashboard",
    "caseaudit.services.concerns",
    "caseaudit.services.served",
    "caseaudit.services.allocation",
    "caseaudit.services.rounds",
    "caseaudit.services.moderation_escalations",
]

NOT_AT_START_UP = [
    "openpyxl", "xlsxwriter", "argon2", "aiohttp", "jinja2", "textual_serve",
    "audit_tools.exporters", "audit_tools.round_report", "audit_tools.themes",
    "tui.screens.audit_form", "tui.screens.case_detail", "tui.screens.cases", "tui.screens.actions",
    "tui.screens.concerns", "tui.screens.help", "tui.screens.new_round", "tui.screens.reports",
    "tui.screens.moderation.blind", "tui.screens.moderation.escalations", "tui.screens.moderation.reconcile",
]

# Used by a later step only: migrations and table helpers (sqlite-utils, which brings click
# and pluggy), and the store's aggregates the dashboard does not read, with their rules.
NOT_TO_THE_FIRST_SCREEN = NOT_AT_START_UP + [
    "sqlite_utils", "click", "pluggy",
    "db.cases", "db.samples", "db.reports", "db.packs", "db.holds", "db.redaction", "audit_tools.redaction",
]

# The app as `caseaudit` opens it (tui.app.make_app), run headless until the dashboard
# shows its figures, then the modules loaded by then.
TO_THE_DASHBOARD = """
import asyncio, sys
from datetime import date
from tui.app import make_app

async def main(path, watched):
    app = make_app(path, username="lee", today=date(2024, 3, 1))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = str(app.screen.query_one("#quota").render())
        print(type(app.screen).__name__, "audits this month" in shown)
        print(",".join(sorted(m for m in watched if m in sys.modules)))

asyncio.run(main(sys.argv[1], sys.argv[2].split(",")))
"""


def test_the_dashboard_path_leaves_later_screens_and_writers_unloaded():
    code = (
        "import importlib, sys\n"
        f"for name in {DASHBOARD_PATH!r}: importlib.import_module(name)\n"
        f"print(','.join(sorted(m for m in {NOT_AT_START_UP!r} if m in sys.modules)))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "", f"loaded at start-up: {proc.stdout.strip()}"


def test_a_screen_opened_later_is_still_found():
    """The screens the app imports when first opened exist under the names it uses."""
    code = (
        "from tui.router import OTHER_SCREENS\n"
        "import importlib\n"
        "for module, name, _words, _op in OTHER_SCREENS.values():\n"
        "    getattr(importlib.import_module(module), name)\n"
        "from tui.screens.cases import CasesScreen\n"
        "from tui.screens.actions import ActionsScreen\n"
        "from tui.screens.help import HelpScreen\n"
        "print('ok')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


def test_opening_the_app_to_its_dashboard_figures_loads_nothing_a_later_step_needs(db_path):
    proc = subprocess.run([sys.executable, "-c", TO_THE_DASHBOARD, str(db_path), ",".join(NOT_TO_THE_FIRST_SCREEN)],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    screen, loaded = proc.stdout.splitlines()
    assert screen == "DashboardScreen True"  # the figures were read and shown
    assert loaded == "", f"loaded on the way to the first screen: {loaded}"
