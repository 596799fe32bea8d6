"""What every caseaudit screen shares: the header, the footer, and failures told as sentences."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from textual.binding import Binding
from textual.screen import ModalScreen, Screen

from tui.workers import WorkerResults

if TYPE_CHECKING:
    from tui.app import CaseauditApp


R = TypeVar("R")


class CaseauditScreen(WorkerResults, Screen[Any]):
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


class CaseauditDialog(WorkerResults, ModalScreen[R]):
    """A dialog over a screen (a concern, the help), in the caseaudit app as a screen is."""

    if TYPE_CHECKING:
        @property
        def app(self) -> CaseauditApp: ...  # type: ignore[override]  # narrower: always the caseaudit app
