"""`caseaudit` (the terminal application) and `caseaudit demo`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from audit_tools.errors import BadInput
from caseaudit.cli.options import db_path
from caseaudit.services import demo
from caseaudit.services.demo import DEMO_QUARTER, DEMO_SEED, DEMO_TODAY, DEMO_USER, demo_db_path  # noqa: F401
from caseaudit.services.identity import acting


def _run(app) -> int:
    app.run()
    return int(app.return_code or 0)


def build_demo(path: Path, today=DEMO_TODAY) -> Path:
    """The demo database at `path`, built from the sample department in sample_audits/."""
    from sample_audits import load_sample  # lazy: only a demo build reads the sample department

    return demo.build_demo(path, load_sample, today)


def open_tui(args: argparse.Namespace) -> int:
    """Open the configured database as the operating-system user."""
    from tui.app import make_app  # lazy: Textual is loaded only to open the app, not for `demo --path`

    path = db_path(args)
    if not path.exists():
        raise BadInput(
            f"{path}: no caseaudit database here yet; an admin creates it with `caseaudit init`, "
            "or try `caseaudit demo`"
        )
    # The operating-system user on today, unless this is the demo file in their own data folder.
    who = acting(path)
    return _run(make_app(path, username=who.username, catalogue_path=getattr(args, "standards", None),
                         today=who.today, demo=who.demo))


def open_demo(args: argparse.Namespace) -> int:
    """Create the demo database if missing (or --rebuild), then open it as the demo user."""
    from tui.app import make_app  # lazy: Textual is loaded only to open the app, not for `demo --path`

    path = Path(args.db) if getattr(args, "db", None) else demo_db_path()
    only_path = getattr(args, "path", False)
    if getattr(args, "rebuild", False) or not path.exists():
        # With --path, stdout carries the path alone, for $(caseaudit demo --path).
        print(f"caseaudit: building the demo database at {path} …", flush=True,
              file=sys.stderr if only_path else sys.stdout)
        build_demo(path)
    else:
        demo.mark_if_unmarked(path, DEMO_USER.username, DEMO_TODAY)  # one built before the mark
    if only_path:
        print(path)
        return 0
    # `caseaudit demo` opens it as the demo, wherever it is: the demo user, or --as one of its users.
    who = acting(path, opened_as_demo=True, demo_user=getattr(args, "as_user", None))
    app = make_app(path, username=who.username, catalogue_path=getattr(args, "standards", None),
                   today=who.today, demo=True)
    return _run(app)
