"""Who caseaudit works as, and on which day: the one place that decides it.

Nothing in a database file can choose its own user. At a terminal the person is the
operating-system login (`db.identity.current_username`, never `$USER`) on today's date,
whatever the file's rows say. The only exceptions:

- the demo, when it is opened as the demo: by `caseaudit demo` (`how="demo"`), or the
  demo file in the person's own data folder (`caseaudit-demo.db`, owned by them and
  readable by nobody else), which works as the demo user on the demo's day so the
  README's commands run there as they read. The `demo` settings row says which user and
  day; it is read only from such a file, so a row planted in a council's database does
  nothing;
- a served session's app process (`caseaudit serve-session`), which runs as the person
  who signed in, and only by redeeming the single-use token the server wrote for it:
  `caseaudit.services.served.redeem_app_token` does that and refuses to start without a
  valid token. It is the one other door, and it is there, beside the sessions it belongs
  to; nothing else chooses who acts.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from caseaudit.services.locations import demo_db_path
from db import open_store
from db.identity import current_username


@dataclass(frozen=True)
class Acting:
    """The person a command or the app acts as, and the day (None: today by the clock)."""

    username: str
    today: date | None = None
    how: str = "login"  # login | demo | served

    @property
    def demo(self) -> bool:
        return self.how == "demo"


def _own_private_file(path: Path) -> bool:
    """The file belongs to the person running caseaudit and nobody else can read or write it."""
    try:
        info = os.stat(path)
    except OSError:
        return False
    return info.st_uid == os.getuid() and not (stat.S_IMODE(info.st_mode) & 0o077)


def is_own_demo_file(path: Path) -> bool:
    """`path` is the demo file in the person's own data folder, owner-only."""
    try:
        same = Path(path).resolve() == demo_db_path().resolve()
    except OSError:
        return False
    return same and _own_private_file(Path(path))


def _demo_mark(path: Path, username: str) -> tuple[str, date] | None:
    store = open_store(path, actor=username)
    try:
        return store.reference.demo()
    finally:
        store.close()


def acting(path: Path, *, opened_as_demo: bool = False, demo_user: str | None = None) -> Acting:
    """Who works on the database at `path`, and on which day.

    `opened_as_demo` is True only for `caseaudit demo` (`demo_user`: its `--as`, one of the
    demo's users). Otherwise the demo file in the person's own data folder is the demo;
    every other file is worked on by the operating-system user on today's date, whatever
    its settings say.
    """
    login = current_username()
    if opened_as_demo:
        # lazy: the demo's builder (its audits, rounds and moderation services) loads only for
        # the demo, not for every command that opens a council's database
        from caseaudit.services.demo import DEMO_TODAY, DEMO_USER, demo_as

        mark = _demo_mark(path, login) if Path(path).exists() else None
        user, day = mark if mark is not None else (DEMO_USER.username, DEMO_TODAY)
        if demo_user:
            user = demo_as(Path(path), demo_user)
        return Acting(user, day, "demo")
    if is_own_demo_file(Path(path)):
        mark = _demo_mark(path, login)
        if mark is not None:
            return Acting(mark[0], mark[1], "demo")
    return Acting(login)

