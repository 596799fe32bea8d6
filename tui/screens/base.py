"""What every caseaudit screen shares: the header, the footer, and failures told as sentences."""

from __future__ import annotations

from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState


class CaseauditScreen(Screen):
    """A screen with the app's header and footer whose failed workers become notifications."""

    BINDINGS = [Binding("escape", "back", "Back", id="back")]

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.app.show_problem(event.worker.error)
