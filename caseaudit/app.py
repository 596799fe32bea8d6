"""`caseaudit` (the terminal application) and `caseaudit demo`."""

from __future__ import annotations

import argparse
import os
from datetime import date
from pathlib import Path

from audit_tools.errors import BadInput
from audit_tools.models import Role, User
from caseaudit.cli import db_path

DEMO_USER = User(
    username="demo",
    display_name="Demo Manager",
    roles=[Role.auditor, Role.moderator, Role.qa_lead, Role.admin],
    # A team of its own: the demo user is never a case's worker or line manager.
    team="quality-assurance",
)
# The sample department's records run to 30 September 2025; the demo is seen from that day.
DEMO_TODAY = date(2025, 9, 30)


def _run(app) -> int:
    app.run()
    return int(app.return_code or 0)


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


def demo_db_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("caseaudit", appauthor=False)) / "caseaudit-demo.db"


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.remove(f"{path}{suffix}")
        except FileNotFoundError:
            pass


def build_demo(path: Path, today: date = DEMO_TODAY) -> Path:
    """Build the demo database at `path` from sample_audits/, all or nothing.

    It is built in a temporary file beside `path` and renamed into place at the end,
    so an interrupted build never leaves half a demo behind.
    """
    from audit_tools.standards.catalogue import default_catalogue_text
    from db import open_store
    from sample_audits import load_sample

    path.parent.mkdir(parents=True, exist_ok=True)
    building = path.with_name(f".{path.name}.building-{os.getpid()}")
    _remove(building)
    try:
        store = open_store(building, actor=DEMO_USER.username)
        store.ensure_admin(DEMO_USER.display_name)
        store.store_catalogue(default_catalogue_text(), where="default catalogue")
        load_sample(store)
        store.upsert_users([DEMO_USER])
        # Fold the write-ahead log into the file so the rename carries everything.
        store.checkpoint()
        store.close()
        _remove(Path(f"{path}-wal"))
        _remove(Path(f"{path}-shm"))
        os.replace(building, path)
    finally:
        _remove(building)
    return path


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
