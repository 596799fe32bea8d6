"""A screen that lists rows: a title above a table, loaded in a worker, and loaded again
on f5 and whenever the screen comes back into view (after an audit it opened is done).

The screen owns the refill: a subclass says what its columns are (`COLUMNS`), how to read
the rows (`fetch`, in the worker's thread), what the title says of them (`title_for`) and
what one row shows (`row_for`). The refill keeps the cursor on the row it was on, so coming
back from an audit does not send the person to the top, and `highlighted()` is the row
under the cursor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.widgets import DataTable, Header, Static

from tui.screens.base import CaseauditScreen
from tui.widgets.footer import KeysFooter
from tui.widgets.tables import repaint_later
from tui.workers import result_of

T = TypeVar("T")


@dataclass(frozen=True)
class Row:
    """One row of the table: its cells, its key (the item's id) and its height in lines."""

    key: str
    cells: tuple[Any, ...]
    height: int = 1


class RowsScreen(CaseauditScreen, Generic[T]):
    LIST = "rows"  # the widgets are #{LIST}-title and #{LIST}-table
    LOADING = "Loading…"
    COLUMNS: tuple[str, ...] = ()
    _holding = True  # laid out and painted once the rows are in (CaseauditScreen's hold)

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, T] = {}  # the rows shown, by key

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.LOADING, id=f"{self.LIST}-title")
        yield DataTable(id=f"{self.LIST}-table", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self._hold_until_loaded()

    def on_screen_resume(self) -> None:
        # On opening too (Textual resumes a screen as it is first shown): the rows are read
        # once, not a second time for mounting.
        self.action_reload()

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load(self) -> list[T]:
        return self.fetch()

    def fetch(self) -> list[T]:
        """The rows, read in the worker's thread (through a service)."""
        raise NotImplementedError

    def title_for(self, items: list[T]) -> Text:
        """The line above the table."""
        raise NotImplementedError

    def row_for(self, item: T) -> Row:
        """What one item shows in the table."""
        raise NotImplementedError

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one(f"#{self.LIST}-table", DataTable)

    @result_of(load)
    def show(self, items: list[T]) -> None:
        self.query_one(f"#{self.LIST}-title", Static).update(self.title_for(items))
        table = self.table
        kept = table.cursor_row if table.row_count else 0  # back from an audit: stay on it
        table.clear(columns=True)
        table.add_columns(*self.COLUMNS)
        self.items = {}
        for item in items:
            row = self.row_for(item)
            self.items[row.key] = item
            table.add_row(*row.cells, height=row.height, key=row.key)
        if table.row_count:
            table.move_cursor(row=min(kept, table.row_count - 1), scroll=True)
        table.focus()
        if self._holding:
            self._release_hold()  # with the rows in place
        else:
            repaint_later(table)

    def highlighted(self) -> T | None:
        """The item under the cursor (None: the list is empty, or still loading)."""
        table = self.table
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return self.items.get(row_key.value) if row_key.value is not None else None
