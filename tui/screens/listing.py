"""A screen that lists rows: a title above a table, loaded in a worker, and loaded again
on f5 and whenever the screen comes back into view (after an audit it opened is done)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.widgets import DataTable, Header, Static
from textual.worker import Worker, WorkerState

from tui.screens.base import CaseauditScreen
from tui.widgets.footer import KeysFooter


class RowsScreen(CaseauditScreen):
    LIST = "rows"  # the widgets are #{LIST}-title and #{LIST}-table
    LOADING = "Loading…"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.LOADING, id=f"{self.LIST}-title")
        yield DataTable(id=f"{self.LIST}-table", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.action_reload()

    def on_screen_resume(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load(self) -> list:
        return self.fetch()

    def fetch(self) -> list:
        """The rows, read in the worker's thread (through a service)."""
        raise NotImplementedError

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.SUCCESS and event.worker.group == "load":
            self.show(event.worker.result)

    def show(self, rows: list) -> None:
        raise NotImplementedError
