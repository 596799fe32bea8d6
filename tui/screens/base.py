"""What every caseaudit screen shares: the header, the footer, and failures told as sentences."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.screen import ModalScreen, Screen

from tui.first_layout import LaidOutOnce
from tui.workers import WorkerResults

if TYPE_CHECKING:
    from tui.app import CaseauditApp


R = TypeVar("R")


class CaseauditScreen(LaidOutOnce, WorkerResults, Screen[Any]):
    """A screen with the app's header and footer whose workers' results reach their handlers
    (tui/workers.py) and whose failed workers become notifications."""

    BINDINGS = [Binding("escape", "back", "Back", id="back")]

    if TYPE_CHECKING:
        # Every caseaudit screen runs in the caseaudit app: its store, user and today.
        @property
        def app(self) -> CaseauditApp: ...  # type: ignore[override]  # narrower: always the caseaudit app

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    _resumed_before = False

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        """Textual restyles every widget of a screen as it comes into view, the first time
        too, when each was styled as it was mounted a moment before: on the case list, 34
        widgets and every component class of its drop-downs and table, again. A screen
        coming back keeps the restyle (the theme may have changed while it was hidden).
        (Textual calls Screen's own handler after this one, with the same event.)"""
        if not self._resumed_before:
            self._resumed_before = True
            event.refresh_styles = False

    # --- holding the first frame until what the screen shows has loaded ----------------

    # A screen that loads what it shows in a worker may be held: neither laid out nor painted
    # (the screen under it stays on the terminal) until what it is about has loaded, or
    # HOLD_SECONDS have passed, so it is laid out and painted once, with its content, rather
    # than first empty ("Loading…") and again a moment later. Such a screen sets
    # `_holding = True` on its class, calls `_hold_until_loaded` on mounting and
    # `_stop_holding` once its content is in place (or did not load).
    HOLD_SECONDS = 0.2
    _holding = False

    def _hold_until_loaded(self) -> None:
        if self._holding:
            self.set_timer(self.HOLD_SECONDS, self._stop_holding)

    def _stop_holding(self) -> None:
        """Show the screen as it is now: loaded, still loading, or that it could not load."""
        if self._holding:
            self._holding = False
            self._refresh_layout(self.app.size)

    def _compositor_refresh(self) -> None:
        if not self._holding:
            super()._compositor_refresh()

    def _release_hold(self) -> None:
        """What the screen shows is in place: laid out and painted next, with it."""
        self._holding = False
        self.refresh(layout=True)

    def _refresh_layout(self, size: Size | None = None, scroll: bool = False) -> None:
        if self._holding:
            return
        if size is None and not self.outer_size:
            size = self.app.size  # the first layout: the screen has no size of its own yet
        super()._refresh_layout(size, scroll)


class CaseauditDialog(LaidOutOnce, WorkerResults, ModalScreen[R]):
    """A dialog over a screen (a concern, the help), in the caseaudit app as a screen is."""

    if TYPE_CHECKING:
        @property
        def app(self) -> CaseauditApp: ...  # type: ignore[override]  # narrower: always the caseaudit app
