"""The case list: paged from SQLite a screenful at a time, filtered in SQL.

Only the rows on screen are ever loaded (keyset paging on case_ref); the count of
standards failing now is worked out by the engine for the loaded rows only, in a worker.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Input, Select, Static

from audit_tools.calendar import format_day
from audit_tools.models import CaseType
from caseaudit.services import cases as case_service
from tui.screens.base import CaseauditScreen
from tui.widgets.filters import FilterSelect, SearchBox
from tui.widgets.footer import KeysFooter
from tui.words import COUNT_STYLE, COUNT_WORDS
from tui.navigation import OpenCase, StartAudit
from tui.workers import failure_of, result_of

PAGE = 50
TYPE_WORDS = {
    CaseType.EH: "early help",
    CaseType.CIN: "child in need",
    CaseType.CP: "child protection",
    CaseType.CLA: "looked after",
    CaseType.CL: "care leaver",
}


class CasesScreen(CaseauditScreen):
    NAVIGATION_KEY = "cases"  # this screen's own key is not offered on it

    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("slash", "search", "Search", id="search_cases", key_display="/"),
        Binding("f", "filters", "Filters", id="case_filters"),
        Binding("n", "new_audit", "New audit", id="new_audit_from_list"),
        Binding("pagedown", "more", "More", id="more_cases", show=False),
        Binding("x", "clear_filters", "Clear filters", id="clear_case_filters"),
    ]

    # The table takes the focus as the screen is composed: Textual's default would give it
    # to the search box first, restyled as it took the focus and again as it gave it up.
    AUTO_FOCUS = "#case-table"
    _holding = True  # laid out and painted once the first page is in (CaseauditScreen's hold)

    def __init__(self) -> None:
        super().__init__()
        self.last_ref: str | None = None
        self.exhausted = False
        # A page is being fetched. Not Textual's `loading`, which would cover the whole screen
        # with a loading indicator, mounted and taken down again (two layouts) for every page.
        self.fetching = False
        self.generation = 0
        self.total: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="case-filters"):
            yield SearchBox(placeholder="/ search reference", id="case-search", compact=True)
            yield FilterSelect([], prompt="any team", id="team-filter", compact=True)
            yield FilterSelect([(f"{t.value} {TYPE_WORDS[t]}", t.value) for t in CaseType],
                               prompt="any type", id="type-filter", compact=True)
            yield FilterSelect([], prompt="any worker", id="worker-filter", compact=True)
        yield DataTable(id="case-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="case-status")
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one("#case-table", DataTable)
        table.add_column("case", key="case")
        table.add_column("type", key="type")
        table.add_column("team", key="team")
        table.add_column("worker", key="worker")
        table.add_column("start", key="start")
        table.add_column("last audit", key="last")
        # The case header's counts, under the same words (tui.words.COUNT_WORDS), each in a
        # narrow column of fixed width so the counts arriving never widen the table.
        for field, words in COUNT_WORDS.items():
            table.add_column(words, key=field, width=len(words))
        # Scrolling with the mouse wheel near the end loads the next page too.
        self.watch(table, "scroll_y", self._scrolled, init=False)
        self._hold_until_loaded()
        self.load_choices()
        self.reload()

    # --- filters ---------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="choices")
    def load_choices(self) -> tuple[list[str], list]:
        return case_service.case_choices(self.app.store)

    @result_of(load_choices)
    def _choices(self, found: tuple[list[str], list]) -> None:
        teams, users = found
        self.query_one("#team-filter", Select).set_options([(t, t) for t in teams])
        self.query_one("#worker-filter", Select).set_options([(u.username, u.username) for u in users])

    def _filters(self) -> dict:
        def value(selector: str):
            v = self.query_one(selector, Select).value
            return None if v == Select.NULL else v

        search = self.query_one("#case-search", Input).value.strip()
        return {
            "team": value("#team-filter"),
            "case_type": value("#type-filter"),
            "worker": value("#worker-filter"),
            "search": search or None,
        }

    @on(Input.Changed, "#case-search")
    @on(Select.Changed)
    def _filter_changed(self) -> None:
        self.reload()

    @on(Input.Submitted, "#case-search")
    def _search_done(self) -> None:
        self.query_one("#case-table").focus()

    def action_search(self) -> None:
        # Focus at once, so the reference typed straight after "/" lands in the box.
        self.set_focus(self.query_one("#case-search", Input))

    def action_filters(self) -> None:
        self.query_one("#team-filter", Select).focus()

    def action_clear_filters(self) -> None:
        with self.prevent(Input.Changed, Select.Changed):
            self.query_one("#case-search", Input).value = ""
            for select in self.query(Select):
                select.clear()
        self.reload()

    # --- paging ----------------------------------------------------------------------

    def reload(self) -> None:
        self.generation += 1
        self.last_ref = None
        self.exhausted = False
        self.total = None
        self.fetching = True
        self.query_one("#case-table", DataTable).clear()
        self.fetch(self.generation, self._filters(), None)

    def action_more(self) -> None:
        if not self.exhausted and not self.fetching:
            self.fetching = True  # at once: key repeats must not fetch the same page twice
            self.fetch(self.generation, self._filters(), self.last_ref)

    @work(thread=True, exit_on_error=False, group="page")
    def fetch(self, generation: int, filters: dict, after: str | None) -> tuple[int, list, int | None]:
        rows, total = case_service.case_page(self.app.store, filters, after, PAGE)
        return generation, rows, total

    @result_of(fetch)
    def _fetched(self, page: tuple[int, list, int | None]) -> None:
        if page[0] == self.generation:
            self.fetching = False
        self._add_page(*page)
        if page[0] == self.generation and self._holding:
            self._release_hold()  # with the first page in place

    @failure_of(fetch)
    def _not_fetched(self, error: BaseException) -> None:
        self.fetching = False
        self._stop_holding()
        self.app.show_problem(error)

    def _add_page(self, generation: int, rows: list, total: int | None) -> None:
        if generation != self.generation:
            return  # the filters changed while this page was loading
        table = self.query_one("#case-table", DataTable)
        rows = [r for r in rows if r.case_ref not in table.rows]
        if total is not None:
            self.total = total
        for row in rows:
            table.add_row(
                row.case_ref, row.case_type.value, row.team or "", row.worker or "",
                format_day(row.start_date), format_day(row.last_audit) if row.last_audit else "never",
                *(Text("…", style="dim") for _ in COUNT_WORDS), key=row.case_ref,
            )
        if rows:
            self.last_ref = rows[-1].case_ref
        self.exhausted = len(rows) < PAGE
        shown = table.row_count
        if shown == 0 and self.exhausted:
            self.query_one("#case-status", Static).update(Text(self._nothing_words()))
            return
        status = f"{shown} of {self.total} cases" if self.total is not None else f"{shown} cases"
        if not self.exhausted:
            status += " — scroll down or PageDown for more"
        status += ". Enter opens a case."
        self.query_one("#case-status", Static).update(status)
        if rows:
            self.count_failing(generation, [r.case_ref for r in rows])

    def _nothing_words(self) -> str:
        """An empty list says what found nothing and how to see the cases again."""
        filters = self._filters()
        said = [f'matches "{filters["search"]}"'] if filters["search"] else []
        said += [f"{what} {getattr(filters[key], 'value', filters[key])}" for key, what in (("team", "in team"), ("case_type", "of type"),
                                                             ("worker", "with worker")) if filters[key]]
        if not said:
            return "No cases yet: an admin imports them (caseaudit import cases, or i for Annex A)."
        return f"No case {' and '.join(said)}. x clears the search and filters."

    @work(thread=True, exit_on_error=False, group="failing")
    def count_failing(self, generation: int, refs: list[str]) -> tuple[int, dict]:
        return generation, case_service.failing_counts(self.app.store, self.app.catalogue, self.app.today, refs)

    @result_of(count_failing)
    def _failing(self, found: tuple[int, dict]) -> None:
        generation, counts = found
        if generation == self.generation:
            self._show_failing(counts)

    def _show_failing(self, counts: dict) -> None:
        table = self.query_one("#case-table", DataTable)
        for ref, found in counts.items():
            try:
                for field in COUNT_WORDS:
                    n = getattr(found, field)
                    table.update_cell(ref, field, Text(str(n), style=COUNT_STYLE[field] if n else "green"))
            except Exception:
                pass  # the row left the table (filters changed)

    def _scrolled(self, scroll_y: float) -> None:
        table = self.query_one("#case-table", DataTable)
        if table.max_scroll_y - scroll_y < 5:
            self.action_more()

    @on(DataTable.RowHighlighted, "#case-table")
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        table = event.data_table
        if event.cursor_row >= table.row_count - 5:
            self.action_more()

    # --- opening ---------------------------------------------------------------------

    def _current_ref(self) -> str | None:
        table = self.query_one("#case-table", DataTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return row_key.value

    @on(DataTable.RowSelected, "#case-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.post_message(OpenCase(event.row_key.value))

    def action_new_audit(self) -> None:
        ref = self._current_ref()
        if ref is not None:
            self.post_message(StartAudit(ref))
