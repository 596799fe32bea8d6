"""The app as served to a web browser (`caseaudit serve`): sign-in first, then the same app.

One process per browser session. It opens the database only as a gate for the sign-in
(users, password hashes, failed sign-ins and their history); once a password is proved
the app runs as that user with that user's roles, exactly as `caseaudit` at a terminal.
Until then no key, and not the command palette, reaches anything else.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from textual.screen import Screen

from audit_tools.models import User
from tui.app import CaseauditApp

# Before sign-in only the fields can be moved between (the sign-in screen adds ctrl+q).
SIGN_IN_APP_ACTIONS = {"focus_next", "focus_previous"}

NOBODY = User(username="(not signed in)", display_name="Not signed in")


def _sign_in_screen() -> Screen:
    from tui.screens.sign_in import SignInScreen

    return SignInScreen()


def _dashboard() -> Screen:
    from tui.screens.dashboard import DashboardScreen

    return DashboardScreen()


class ServedApp(CaseauditApp):
    """CaseauditApp that starts at the sign-in screen with no user and no store.

    The sign-in screen and the app are two modes, each with its own screen stack: once
    signed in, the app's stack starts at the dashboard as at a terminal, and the sign-in
    mode is removed, so no "back" leads to it.
    """

    MODES = {"sign-in": _sign_in_screen, "caseaudit": _dashboard}
    DEFAULT_MODE = "sign-in"
    REMEMBERS_PREFERENCES = False  # one server user for every browser: no one's theme to keep
    DELIVERS_FILES = True  # reports and refused rows go to the browser; nothing is written here

    def __init__(self, gate: Any, catalogue: Any, today: date | None = None) -> None:
        super().__init__(store=None, user=NOBODY, catalogue=catalogue, today=today or gate.today())
        self.gate = gate  # reads users and password hashes only, to check a sign-in
        self.signed_in = False
        self.use_command_palette = False
        self.sub_title = "sign in"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.signed_in:
            return action in SIGN_IN_APP_ACTIONS
        return super().check_action(action, parameters)

    def action_command_palette(self) -> None:
        if self.signed_in:
            super().action_command_palette()

    def start_as(self, store: Any, user: User) -> None:
        """The password is proved: from now on this session is `user`, at the dashboard."""
        self.store = store
        self.user = user
        self.signed_in = True
        self.use_command_palette = True
        self.show_who()
        self.poll_concerns()  # the header's concern indicator, polled from now on
        self.call_later(self._enter_app)

    async def _enter_app(self) -> None:
        await self.switch_mode("caseaudit")
        await self.remove_mode("sign-in")


def make_served_app(db_path: str | Path, catalogue_path: str | Path | None = None) -> ServedApp:
    """The served app over the database at `db_path`, waiting at the sign-in screen."""
    from audit_tools.standards import load_catalogue
    from caseaudit.services.sign_in import SIGNING_IN
    from db import open_store

    gate = open_store(db_path, actor=SIGNING_IN)
    return ServedApp(gate=gate, catalogue=load_catalogue(catalogue_path))
