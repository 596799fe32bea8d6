"""`caseaudit` (the terminal application) and `caseaudit demo`."""

from __future__ import annotations

import argparse
from pathlib import Path

from audit_tools.errors import BadInput
from caseaudit.cli import db_path
from caseaudit.services import demo
from caseaudit.services.demo import DEMO_QUARTER, DEMO_SEED, DEMO_TODAY, DEMO_USER, demo_db_path  # noqa: F401


def _run(app) -> int:
    app.run()
    return int(app.return_code or 0)


def build_demo(path: Path, today=DEMO_TODAY) -> Path:
    """The demo database at `path`, built from the sample department in sample_audits/."""
    from sample_audits import load_sample

    return demo.build_demo(path, load_sample, today)


def open_tui(args: argparse.Namespace) -> int:
    """Open the configured database as the operating-system user."""
    from tui.app import make_app

    path = db_path(args)
    if not path.exists():
        raise BadInput(
            f"{path}: no caseaudit database here yet; an admin creates it with `caseaudit init`, "
            "or try `caseaudit demo`"
        )
    return _run(make_app(path, catalogue_path=getattr(args, "standards", None)))


def open_demo(args: argparse.Namespace) -> int:
    """Create the demo database if missing (or --rebuild), then open it as the demo user."""
    from tui.app import make_app

    path = Path(args.db) if getattr(args, "db", None) else demo_db_path()
    if getattr(args, "rebuild", False) or not path.exists():
        print(f"caseaudit: building the demo database at {path} …", flush=True)
        build_demo(path)
    app = make_app(path, username=DEMO_USER.username, catalogue_path=getattr(args, "standards", None),
                   today=DEMO_TODAY, demo=True)
    return _run(app)
