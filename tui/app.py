"""The caseaudit terminal application: the shell every screen lives in.

`make_app` opens the database as a user and returns the app; the app holds the store,
the user and the standards catalogue, and reads "today" from the store's clock whenever
a screen asks (injectable so tests and snapshots are deterministic; an app left open past
midnight moves on with it). Screens reach them through `self.app`.
"""

from __future__ import annotations

import gc
import logging
from datetime import date
from pathlib import Path
from typing import Any, TYPE_CHECKING

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.content import Content
from textual.widgets import Header, Select
from textual.widgets._header import HeaderTitle

from audit_tools.errors import BadInput
from audit_tools.models import Role, User
from audit_tools.permissions import Op
from audit_tools.standards import load_catalogue
from audit_tools.text import one_line, printable
from caseaudit.services import access
from caseaudit.services.concerns import waiting_figures
from caseaudit.services.failures import log_failure
from db import open_store
from db.clock import Clock, fixed_clock
from db.identity import current_username
from tui import plain_text
from tui import preferences as kept
from tui.commands import ScreenActionsProvider
from tui.failures import problem_lines
from tui.header_words import Who, fitted
from tui.router import OTHER_SCREENS, Router
from tui.screens.dashboard import DashboardScreen
from tui.styles import MatchCachedStylesheet

if TYPE_CHECKING:
    from textual.driver import Driver

    from db.store import Store
    from tui.terminal import TerminalGone

log = logging.getLogger("caseaudit.tui")

ROLE_WORDS = {
    Role.auditor: "auditor",
    Role.moderator: "moderator",
    Role.qa_lead: "QA lead",
    Role.admin: "admin",
}


# Python's cyclic garbage collector, tuned for a screen of a hundred long-lived widgets. At
# the default thresholds (a young collection every 700 new objects) the audit form set off
# several collections a key press, and every few keys a full one that walked every widget
# on the screen: a tenth of a second's pause now and then while typing, and a fifth of the
# time the form took to open. A young collection every 10,000 objects keeps the memory the
# same to within a few megabytes and makes full collections rare.
GC_THRESHOLDS = (10_000, 10, 10)


def tune_garbage_collection() -> None:
    gc.set_threshold(*GC_THRESHOLDS)


plain_text.install()  # every table's text cells plain, never markup


SHORT_TERMINAL = 30  # rows: below this, toasts are compact and brief
SHORT_TOAST_SECONDS = 4.0


class CaseauditApp(Router):
    """The auditor's, moderator's and QA lead's terminal application."""

    CSS_PATH = "app.tcss"
    TITLE = "caseaudit"
    COMMANDS = App.COMMANDS | {ScreenActionsProvider}

    BINDINGS = [
        Binding("d", "dashboard", "Dashboard", id="dashboard"),
        Binding("c", "cases", "Cases", id="cases"),
        Binding("a", "actions", "Actions", id="actions"),
        Binding("m", "open('moderation')", "Moderation", id="moderation"),
        Binding("s", "open('sampling')", "Sample", id="sampling", show=False),
        Binding("l", "open('allocation')", "Allocate", id="allocation", show=False),
        Binding("g", "open('agreement')", "Agreement", id="agreement", show=False),
        Binding("r", "open('reports')", "Reports", id="reports", show=False),
        Binding("f", "open('feedback')", "Feedback", id="feedback", show=False),
        Binding("y", "open('my_audits')", "My audits", id="my_audits", show=False),
        Binding("e", "open('escalations')", "Escalations", id="escalations", show=False),
        Binding("i", "open('annex_a')", "Annex A import", id="annex_a_import", show=False),
        Binding("o", "open('rounds')", "Rounds", id="rounds", show=False),
        Binding("p", "open('pack')", "Inspection pack", id="inspection_pack", show=False),
        Binding("question_mark", "help", "Help", id="help", key_display="?"),
        Binding("t", "toggle_dark", "Light/dark", id="toggle_theme", show=False),
        Binding("q", "quit", "Quit", id="quit"),
        # ctrl+q quits from anywhere, a form included: a form with unsaved work saves it first
        # (or asks, for an amendment), so a person who reaches for it loses nothing.
        Binding("ctrl+q", "leave_app", "Quit", id="quit_anywhere", show=False, priority=True),
    ]

    # Whether the theme chosen is kept for the next run (in the user config folder). The
    # browser app runs as the server's user for everyone, so it keeps nothing.
    REMEMBERS_PREFERENCES = True
    # A browser session (tui/served.py) sends reports and refused rows as downloads and
    # offers import files from the served folder: nothing is typed as a path on the server.
    DELIVERS_FILES = False
    files: Path | None = None  # a browser session's import folder (`serve --files DIR`)

    # Keys that leave the current screen: a screen that must not be left by accident
    # (an audit form with unsaved work) sets HOLDS_NAVIGATION.
    NAVIGATION = {"dashboard", "cases", "actions", "open", "quit"}

    def __init__(
        self,
        store: Store,
        user: User,
        catalogue: Any,
        demo: bool = False,
        preferences: Path | None = None,
    ) -> None:
        super().__init__()
        # Textual's stylesheet, each place's matching rules worked out once (tui/styles.py).
        self.stylesheet = MatchCachedStylesheet(variables=self.get_css_variables())
        tune_garbage_collection()
        self.store = store
        self.user = user
        self.catalogue = catalogue
        self.demo = demo
        self.concern_figures: tuple[int, int] | None = None  # (unacknowledged, not closed) last seen
        self.show_who()
        # The theme the person chose last time (from the palette or with t), if they did.
        self.preferences = preferences
        if self.REMEMBERS_PREFERENCES and self.preferences is None:
            self.preferences = kept.default_path()
        chosen = None
        if self.preferences is not None:
            chosen = kept.load(self.preferences).get("theme")
        self.theme = chosen if chosen in self.available_themes else "textual-dark"

    @property
    def today(self) -> date:
        """Today in Europe/London by the store's clock, read now: never kept from start-up."""
        return self.store.today()

    def _remember_theme(self, theme: Any) -> None:
        if self.preferences is None:
            return  # nothing is kept (a browser session)
        try:
            if kept.load(self.preferences).get("theme") != theme.name:
                kept.remember(self.preferences, theme=theme.name)
        except OSError as err:
            log.warning("theme not remembered: %s", err)
            self.notify(f"The theme could not be remembered for next time ({err}).", severity="warning")

    # --- who is signed in, and safeguarding concerns waiting for them ------------------

    CONCERN_POLL_SECONDS = 5.0  # another program on the same file may raise one at any time

    def show_who(self) -> None:
        """The header's sub-title: who is at the keyboard, and any concern nobody has acknowledged
        (first, so a narrow terminal never cuts it off: tui/header_words.py fits the rest)."""
        user = self.user
        roles = ", ".join(ROLE_WORDS[r] for r in user.roles) or "no role"
        waiting = self.concern_figures[0] if self.concern_figures else 0
        self._who = Who(one_line(user.display_name), roles, waiting)
        self.sub_title = self._who.full

    def on_resize(self, event: events.Resize) -> None:
        """A header fitted to the old width is fitted again to the new one; a short terminal
        gets compact toasts (tui/app.tcss)."""
        self.set_class(event.size.height < SHORT_TERMINAL, "-short")
        self.call_later(self._fit_header)  # once Textual's own handler has taken the new size

    def _fit_header(self) -> None:
        for header in self.screen.query(Header):
            for words in header.query(HeaderTitle):  # none before the header has composed
                fitted_words = header.format_title()
                if str(fitted_words) != str(words.render()):  # else no layout for nothing
                    words.update(fitted_words)

    def on_mount(self) -> None:
        self.set_class(self.size.height < SHORT_TERMINAL, "-short")
        if self.preferences is not None:
            self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.poll_concerns()
        self.set_interval(self.CONCERN_POLL_SECONDS, self.poll_concerns, name="concern poll")

    def poll_concerns(self) -> None:
        """Read the counts off the UI thread (a count over an index: cheap enough to poll)."""
        if self.store is None:
            return  # a browser session not signed in yet
        self.run_worker(self._read_concerns, thread=True, exclusive=True, group="concern poll",
                        exit_on_error=False)

    def _read_concerns(self) -> None:
        figures = waiting_figures(self.store, self.user)
        self.call_from_thread(self._concerns_read, figures)

    def _concerns_read(self, figures: tuple[int, int]) -> None:
        if figures == self.concern_figures:
            return
        first = self.concern_figures is None
        self.concern_figures = figures
        self.show_who()
        reload = getattr(self.screen, "concerns_changed", None)
        if reload is not None and not first:
            reload()

    def get_default_screen(self) -> Screen:
        return DashboardScreen()

    def _handle_exception(self, error: Exception) -> None:
        """An unexpected failure: keep the detail in the log and tell the user in a sentence.

        Textual stops the failing screen's messages after an error, so the app closes
        either way; a person at a terminal sees what happened and where the detail is,
        never a traceback. Headless (tests), Textual's own handling re-raises the error.
        """
        if self.is_headless:
            super()._handle_exception(error)
            return
        where = log_failure(error)
        self._return_code = 70
        message = f"caseaudit: unexpected error ({error.__class__.__name__}: {error})."
        if where:
            message += f" Details were written to {where}. Drafts are saved as you go."
        self.exit(return_code=70, message=message)

    # --- helpers every screen uses ---------------------------------------------------

    def notify(self, message: str, *, title: str = "", severity: Any = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """A toast whose words are shown as written (tui/plain_text.py): caseaudit writes no
        markup, and a name or reference in a message must never be read as some."""
        if self.size.height < SHORT_TERMINAL and severity != "error":  # a problem stays to be read
            timeout = min(timeout or self.NOTIFICATION_TIMEOUT, SHORT_TOAST_SECONDS)
        super().notify(printable(message), title=printable(title), severity=severity, timeout=timeout,
                       markup=markup)

    def format_title(self, title: str, sub_title: str) -> Any:
        # The header names who is at the keyboard: shown plain, whatever an older database holds.
        title, sub_title = fitted(one_line(title), one_line(sub_title), getattr(self, "_who", None),
                                  self.size.width)
        if not title:
            return Content(sub_title)
        return super().format_title(title, sub_title)

    def show_problem(self, err: BaseException, title: str = "Not done") -> None:
        if not isinstance(err, BadInput):
            log_failure(err)
        self.notify("\n".join(problem_lines(err)), title=title, severity="error", timeout=10)

    def may(self, op: Op) -> bool:
        """Whether the service's policy offers the user `op` at all (read once per person: a
        served session has nobody signed in until its sign-in screen is passed)."""
        if self.store is None:
            return False
        if getattr(self, "_offered_to", None) != self.user.username:
            self._offered = access.offered(self.store, list(Op))
            self._offered_to = self.user.username
        return op in self._offered

    # --- navigation ------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.NAVIGATION and getattr(self.screen, "HOLDS_NAVIGATION", False):
            return False
        if action == "open" and parameters and parameters[0] in OTHER_SCREENS:
            # Keys for screens the user's roles do not open are not offered at all.
            return self.may(OTHER_SCREENS[parameters[0]][3])
        if action == getattr(self.screen, "NAVIGATION_KEY", None):
            return False  # the screen the user is on: its key would only crowd the footer
        if action == "cases":
            return self.may(Op.read_cases)
        return True

    async def on_event(self, event: events.Event) -> None:
        # q quits wherever Help says so, an open drop-down included: its list would take
        # the q as the start of an option to jump to, and quitting looked broken. Where
        # the screen holds navigation (a form being filled in) the q is the list's.
        if isinstance(event, events.Key) and event.key == "q" and not event.is_forwarded:
            select = self.focused.parent if self.focused is not None else None
            if isinstance(select, Select) and select.expanded and self.check_action("quit", ()):
                select.expanded = False
                await self.run_action("quit")
                return
        await super().on_event(event)

    # --- the terminal gone (tui/terminal.py) ------------------------------------------

    # How long a form has to save its draft before the app ends anyway: an amendment asks
    # before dropping its changes, and with the terminal gone nobody can answer.
    HANG_UP_GRACE_SECONDS = 10.0

    def get_driver_class(self) -> type[Driver]:
        chosen = super().get_driver_class()
        if chosen.__module__ == "textual.drivers.linux_driver":
            # Here, not at the top: only where Textual picked its Linux and macOS driver (termios)
            from tui.terminal import TerminalDriver

            return TerminalDriver
        return chosen

    def on_terminal_gone(self, message: TerminalGone) -> None:
        """The terminal hung up: keep what ctrl+q keeps (a draft with changes is saved) and end."""
        if getattr(self, "_terminal_gone", False):
            return
        self._terminal_gone = True
        log.warning("the terminal has gone (%s): saving and quitting", message.why)
        self.set_timer(self.HANG_UP_GRACE_SECONDS, self.exit)
        self.action_leave_app()

    def action_leave_app(self) -> None:
        keep = getattr(self.screen, "keep_before_quitting", None)
        if keep is None:
            self.exit()
        else:
            keep(self.exit)

    def action_help_quit(self) -> None:
        # ctrl+c: in a text box it copies; elsewhere it says how to quit, whatever the screen.
        self.notify("Press ctrl+q to quit (a form saves your work first).", title="Do you want to quit?")

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"


def make_app(
    db_path: str | Path,
    username: str | None = None,
    catalogue_path: str | Path | None = None,
    today: date | None = None,
    demo: bool = False,
    clock: Clock | None = None,
) -> CaseauditApp:
    """Open the database as `username` (default: the operating-system user) and build the app.

    The app's today is its store's: `clock` (the system clock if None), or a clock standing
    on `today` (the demo's day, a test's).
    Raises BadInput when the user is not known, so the command line can say what to do.
    """
    if username is None:
        username = current_username()
    if today is not None:
        clock = fixed_clock(today)
    store = open_store(db_path, actor=username, clock=clock)
    user = store.people.get(username)
    if user is None:
        raise BadInput(
            f"{username} is not a user of this caseaudit database ({db_path}): "
            "ask an admin to add you (caseaudit import users), or try `caseaudit demo`"
        )
    # The council's stored catalogue, as the store and the command line use, unless --standards names one.
    catalogue = load_catalogue(catalogue_path) if catalogue_path is not None else store.reference.catalogue_for()
    return CaseauditApp(store=store, user=user, catalogue=catalogue, demo=demo)
