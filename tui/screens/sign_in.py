"""The first screen of a session served to a web browser: username and password, nothing else.

Nothing of the service's data is read until the password is proved; then the app opens
as that user, with that user's roles, exactly as at a terminal. The check runs in a
thread worker because a name that has failed before waits before its next try.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Middle, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static
from textual.worker import Worker, WorkerState

from audit_tools.sign_in import REFUSED, SignInRefused
from caseaudit.services import sign_in as sign_in_service
from tui.widgets.footer import KeysFooter

# The only keys the sign-in screen answers: moving between the fields, and leaving.
SCREEN_ACTIONS = {"leave", "focus_next", "focus_previous", "app.focus_next", "app.focus_previous"}


class SignInScreen(Screen):
    """Sign in with a caseaudit username and the password set with `caseaudit passwd`."""

    AUTO_FOCUS = "#sign-in-username"

    BINDINGS = [Binding("ctrl+q", "leave", "Quit", id="sign_in_quit", priority=True)]

    DEFAULT_CSS = """
    SignInScreen { align: center middle; }
    #sign-in-box {
        width: 60; height: auto; padding: 1 2;
        border: tall $primary; background: $surface;
    }
    #sign-in-title { text-style: bold; color: $text; margin-bottom: 1; }
    #sign-in-box Label { margin-top: 1; color: $text; }
    #sign-in-box Input { width: 100%; }
    #sign-in-button { margin-top: 1; width: 100%; }
    #sign-in-problem { margin-top: 1; color: $text-error; height: auto; }
    #sign-in-problem.-checking { color: $text-muted; }
    """

    def compose(self) -> ComposeResult:
        with Middle(), Center(), Vertical(id="sign-in-box"):
            yield Static("caseaudit: sign in", id="sign-in-title")
            yield Static("Your caseaudit username and the password set with caseaudit passwd.",
                         id="sign-in-help")
            yield Label("Username", id="sign-in-username-label")
            yield Input(id="sign-in-username", placeholder="username")
            yield Label("Password", id="sign-in-password-label")
            yield Input(id="sign-in-password", password=True, placeholder="password")
            yield Button("Sign in", id="sign-in-button", variant="primary")
            yield Static("", id="sign-in-problem")
        yield KeysFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action in SCREEN_ACTIONS

    def action_leave(self) -> None:
        self.app.exit()

    @on(Input.Submitted, "#sign-in-username")
    def _to_password(self) -> None:
        self.query_one("#sign-in-password", Input).focus()

    @on(Input.Submitted, "#sign-in-password")
    @on(Button.Pressed, "#sign-in-button")
    def _sign_in(self) -> None:
        username = self.query_one("#sign-in-username", Input).value
        password_input = self.query_one("#sign-in-password", Input)
        password = password_input.value
        if not username.strip():
            self._say("Type your username first.")
            self.query_one("#sign-in-username", Input).focus()
            return
        password_input.value = ""  # the password is not kept on the screen while it is checked
        self._busy(True)
        self._say("Checking…", checking=True)
        self._check(username, password)

    @work(thread=True, exclusive=True, exit_on_error=False, group="sign-in")
    def _check(self, username: str, password: str):
        """(store, user) once signed in; None when refused (an expected answer, not a failure)."""
        try:
            return sign_in_service.sign_in(self.app.gate, username, password)
        except SignInRefused:
            return None

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "sign-in" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        if event.state == WorkerState.SUCCESS and event.worker.result is not None:
            store, user = event.worker.result
            self.app.start_as(store, user)
            return
        self._busy(False)
        if event.state == WorkerState.SUCCESS:
            self._say(REFUSED)
        else:
            self._say("Signing in did not work this time; try again in a moment.")
            self.app.show_problem(event.worker.error, title="Not signed in")
        self.query_one("#sign-in-password", Input).focus()

    def _busy(self, busy: bool) -> None:
        for widget_id in ("#sign-in-username", "#sign-in-password", "#sign-in-button"):
            self.query_one(widget_id).disabled = busy

    def _say(self, words: str, checking: bool = False) -> None:
        problem = self.query_one("#sign-in-problem", Static)
        problem.update(words)
        problem.set_class(checking, "-checking")
