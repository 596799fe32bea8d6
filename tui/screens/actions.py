"""The actions tracker: my actions and my team's, open / overdue / done; mark one complete,
correct a completion date or undo a completion (with a reason the history keeps). The rules
are the store's (audit_tools.amendments.completion_problem) and whose actions a user may list
is the policy's (caseaudit.services.actions): this screen only asks."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Select, Static
from textual.widgets.data_table import ColumnKey

from audit_tools.calendar import format_day
from caseaudit.services import actions as action_service
from tui.screens.base import CaseauditScreen
from tui.widgets.prompts import AskText
from tui.widgets.footer import KeysFooter
from tui.navigation import OpenAudit, OpenCase
from tui.workers import result_of

PAGE = action_service.PAGE
WHOSE = {"mine": "my actions", "team": "my team's actions", "all": "every team's actions (QA lead)"}
STATES = [("open", "open"), ("overdue", "overdue"), ("done", "done"), ("all", "all")]


class ActionsScreen(CaseauditScreen):
    NAVIGATION_KEY = "actions"  # this screen's own key is not offered on it

    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("enter", "complete", "Mark complete", id="complete_action", show=True),
        Binding("o", "state('open')", "Open", id="show_open"),
        Binding("v", "state('overdue')", "Overdue", id="show_overdue"),
        Binding("e", "state('done')", "Done", id="show_done"),
        Binding("w", "toggle_whose", "Mine/team", id="toggle_whose"),
        # Told in the line under the table rather than the footer, which must fit 80 columns.
        Binding("u", "reopen", "Undo completion", id="reopen_action", show=False),
        Binding("k", "open_case", "Open its case", id="open_action_case", show=False),
        Binding("p", "open_audit", "Open its audit", id="open_action_audit", show=False),
    ]

    # The table takes the focus as the screen is composed: Textual's default would give it
    # to the first drop-down, restyled as it took the focus and again as it gave it up.
    AUTO_FOCUS = "#action-table"
    _holding = True  # laid out and painted once the actions are in (CaseauditScreen's hold)
    _asked: tuple[object, object] | None = None  # the lists last loaded: (whose, state)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="action-filters"):
            # The lists the policy lets this user choose between, as the service says.
            self.scopes = [s.value for s in action_service.scopes_for(self.app.store)]
            yield Select([(WHOSE[s], s) for s in self.scopes], value="mine", allow_blank=False, id="whose",
                         compact=True)
            yield Select(STATES, value="open", allow_blank=False, id="state", compact=True)
        yield DataTable(id="action-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="action-status")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.descriptions: dict[str, str] = {}  # action id -> description, for the sentences
        self.completed: dict[str, date] = {}  # action id -> the day it was marked done
        table = self.query_one("#action-table", DataTable)
        table.add_column("due", key="due", width=11)
        table.add_column("action", key="description", width=self._description_width())
        table.add_column("owner", key="owner", width=8)
        table.add_column("case", key="case", width=8)
        table.add_column("done", key="done", width=11)
        self._hold_until_loaded()
        self.reload()

    def _description_width(self) -> int:
        # What the other columns, their padding and the scroll bar leave: every column
        # stays on screen at 80 characters, and a wide terminal shows whole descriptions.
        return max(20, self.app.size.width - (11 + 8 + 8 + 11) - 2 * 5 - 4)

    def on_resize(self) -> None:
        table = self.query_one("#action-table", DataTable)
        column = table.columns.get(ColumnKey("description"))
        if column is not None and column.width != self._description_width():
            column.width = self._description_width()
            table.refresh(layout=True)

    def _lists(self) -> tuple[object, object]:
        return self.query_one("#whose", Select).value, self.query_one("#state", Select).value

    @on(Select.Changed)
    def _lists_changed(self) -> None:
        # A drop-down tells its first value as a change as it mounts: those lists are loading.
        if self._lists() != self._asked:
            self.reload()

    def reload(self) -> None:
        self._asked = whose, state = self._lists()
        self.load(whose, state)

    def action_state(self, state: str) -> None:
        self.query_one("#state", Select).value = state

    def action_toggle_whose(self) -> None:
        select = self.query_one("#whose", Select)
        order = self.scopes
        now = select.value
        select.value = order[(order.index(now) + 1) % len(order) if isinstance(now, str) and now in order else 0]

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load(self, whose: str, state: str) -> list:
        # The most pressing first: overdue, then by due date.
        return action_service.actions_view(self.app.store, whose, state, self.app.today).rows

    @result_of(load)
    async def show(self, rows: list) -> None:
        table = self.query_one("#action-table", DataTable)
        table.clear()
        self.descriptions = {}
        self.completed = {}
        self.origins = {str(row.action_id): (row.case_ref, row.audit_id) for row in rows}
        today = self.app.today
        for row in rows:
            overdue = row.overdue(today)
            due = Text(format_day(row.due) if row.due else "no date", style="bold red" if overdue else "")
            done = format_day(row.completed_on) if row.completed_on else ("OVERDUE" if overdue else "")
            table.add_row(due, row.description, row.owner or "", row.case_ref, done, key=str(row.action_id))
            self.descriptions[str(row.action_id)] = row.description
            if row.completed_on:
                self.completed[str(row.action_id)] = row.completed_on
        words = f"{len(rows)} action{'s' if len(rows) != 1 else ''}"
        if len(rows) >= PAGE:
            words += f" (the first {PAGE})"
        self.query_one("#action-status", Static).update(
            words + ". Enter marks the highlighted one complete (or corrects its date); "
            "u undoes a completion; k opens its case, p its audit.")
        if self._holding:
            # The footer was built before the table took the focus (its enter is the table's
            # own): built again now, not after the first frame, laid out and painted again.
            await self.query_one(KeysFooter).update_keys()
            self._release_hold()  # with the actions in place

    def _highlighted_origin(self) -> tuple[str, str] | None:
        key = self._highlighted()
        return None if key is None else getattr(self, "origins", {}).get(key)

    def action_open_case(self) -> None:
        origin = self._highlighted_origin()
        if origin is not None:
            self.post_message(OpenCase(origin[0]))

    def action_open_audit(self) -> None:
        origin = self._highlighted_origin()
        if origin is not None:
            self.post_message(OpenAudit(audit_id=origin[1]))

    @on(DataTable.RowSelected, "#action-table")
    def _selected(self) -> None:
        self.action_complete()

    def _highlighted(self) -> str | None:
        table = self.query_one("#action-table", DataTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return row_key.value

    def _highlighted_action(self) -> tuple[int, str, date | None] | None:
        """The highlighted action: its id, its words, and the day it was completed (if it was)."""
        key = self._highlighted()
        if key is None:
            return None
        return int(key), self.descriptions.get(key, "The action"), self.completed.get(key)

    def action_complete(self) -> None:
        chosen = self._highlighted_action()
        if chosen is None:
            return
        action_id, what, done = chosen
        if done is None:
            def answered(text: str | None) -> None:
                if text:
                    self.complete(action_id, what, date.fromisoformat(text), None)

            self.app.push_screen(AskText(f"{what}: completed on (e.g. 31/10/2025)",
                                         value=format_day(self.app.today), as_date=True), answered)
            return

        def corrected(text: str | None) -> None:
            if not text:
                return
            on_day = date.fromisoformat(text)

            def why(reason: str | None) -> None:
                if reason:
                    self.complete(action_id, what, on_day, reason)

            self.app.push_screen(AskText(f"Why correct the completion from {format_day(done)} to "
                                         f"{format_day(on_day)}? (kept in its history)",
                                         placeholder="reason for the correction"), why)

        self.app.push_screen(AskText(f"{what}: marked complete on {format_day(done)}. The right date "
                                     "(u undoes the completion instead):",
                                     value=format_day(done), as_date=True), corrected)

    def action_reopen(self) -> None:
        chosen = self._highlighted_action()
        if chosen is None:
            return
        action_id, what, done = chosen
        if done is None:
            self.notify(f"{what}: not completed, so there is nothing to undo.", severity="warning")
            return

        def why(reason: str | None) -> None:
            if reason:
                self.reopen(action_id, what, reason)

        self.app.push_screen(AskText(f"{what}: undo the completion on {format_day(done)}? Say why "
                                     "(kept in its history).", placeholder="reason for undoing it"), why)

    @work(thread=True, exclusive=True, exit_on_error=False, group="complete")
    def complete(self, action_id: int, what: str, on_day: date, reason: str | None) -> str:
        action_service.complete_action(self.app.store, action_id, on_day, reason)
        if reason:
            return f"Completion date corrected to {format_day(on_day)}: {what}"
        return f"Marked complete on {format_day(on_day)}: {what}"

    @work(thread=True, exclusive=True, exit_on_error=False, group="reopen")
    def reopen(self, action_id: int, what: str, reason: str) -> str:
        action_service.reopen_action(self.app.store, action_id, reason)
        return f"Open again (the completion was undone): {what}"

    @result_of(complete, reopen)
    def _done(self, words: str) -> None:
        self.notify(words)
        self.reload()
