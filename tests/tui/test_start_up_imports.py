"""Launch to the dashboard loads what the dashboard needs and nothing a later screen could load.

Proved in a clean interpreter: the app module and the services the dashboard asks for its
figures are imported, and the other screens, the report writers and the libraries only a
later step uses (workbooks, browser sign-in, the web server) are not yet in sys.modules.
"""

import subprocess
import sys

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
