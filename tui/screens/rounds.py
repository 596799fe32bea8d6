"""The QA lead's thematic rounds: every round, and the chosen one's progress (selected,
audited and outstanding per auditor) and its answers as they come in.

The figures are the round report's (caseaudit.services.rounds), so the screen and
`caseaudit round report` never disagree. ctrl+n makes a round (tui/screens/new_round.py),
as `caseaudit round create` does.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Static

from audit_tools.calendar import format_day
from caseaudit.services.rounds import RoundsView, rounds_view
from tui.screens.base import CaseauditScreen
from tui.widgets.footer import KeysFooter
from tui.navigation import OpenNewRound
from tui.workers import result_of


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


class RoundsScreen(CaseauditScreen):
    """Thematic audit rounds and how each is going."""

    AUTO_FOCUS = "#rounds-table"

    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("f5", "reload", "Refresh", id="rounds_refresh"),
        Binding("ctrl+n", "new_round", "New round", id="rounds_new"),
    ]

    DEFAULT_CSS = """
    #rounds-body { height: 1fr; }
    #rounds-table { height: auto; max-height: 8; }
    #round-progress-table { height: auto; }
    #round-answers-table { height: auto; }
    .rounds-words { height: auto; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.view: RoundsView | None = None
        self.shown: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="rounds-body"):
            yield Static("Loading…", id="rounds-title", classes="rounds-words")
            yield DataTable(id="rounds-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="round-progress", classes="rounds-words")
            yield DataTable(id="round-progress-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="round-answers", classes="rounds-words")
            yield DataTable(id="round-answers-table", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.action_reload()

    def on_screen_resume(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self.load(self.shown)

    def action_new_round(self) -> None:
        def made(round_id: str | None) -> None:
            if round_id:
                self.shown = round_id
                self.load(round_id)

        self.post_message(OpenNewRound(made))

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self, round_id: str | None) -> RoundsView:
        return rounds_view(self.app.store, round_id)

    @on(DataTable.RowSelected, "#rounds-table")
    def choose(self, event: DataTable.RowSelected) -> None:
        self.shown = event.row_key.value
        self.load(self.shown)

    @result_of(load)
    def show(self, view: RoundsView) -> None:
        self.view = view
        title = self.query_one("#rounds-title", Static)
        rounds = self.query_one("#rounds-table", DataTable)
        if not view.rounds:
            title.update("No thematic round yet: ctrl+n makes one (or `caseaudit round create`).")
            rounds.display = False
            return
        title.update(Text("Thematic rounds: enter on one shows its progress and answers.", style="bold"))
        rounds.clear(columns=True)
        rounds.add_columns("round", "name", "as at", "size", "selected", "audited")
        for round_id, name, day, size, selected, submitted in view.rounds:
            rounds.add_row(round_id, name, format_day(date.fromisoformat(str(day))), str(size), str(selected), str(submitted), key=round_id)
        if view.progress is None or view.figures is None:  # no round chosen: its progress and report come together
            return
        self.shown = view.progress.made.round_id
        made, progress, figures = view.progress.made, view.progress, view.figures
        words = Text()
        words.append(f"{made.round_id} \u201c{made.name}\u201d as at {format_day(made.date)}: ", style="bold")
        words.append(f"{progress.selected} selected, {progress.audited} audited, {progress.outstanding} outstanding")
        words.append(f"\nfilters: {made.filters.words()}; seed {made.seed}")
        self.query_one("#round-progress", Static).update(words)
        table = self.query_one("#round-progress-table", DataTable)
        table.clear(columns=True)
        table.add_columns("auditor", "selected", "started", "audited", "outstanding")
        for p in progress.by_auditor:
            table.add_row(p.auditor or "(no auditor may take it)", str(p.selected), str(p.started), str(p.audited),
                          str(p.outstanding), key=p.auditor or "-")
        self.query_one("#round-answers", Static).update(Text("Answers so far (submitted round audits)",
                                                             style="bold"))
        answers = self.query_one("#round-answers-table", DataTable)
        answers.clear(columns=True)
        answers.add_columns("question", "answer", "n", "%")
        for q in figures.questions:
            for number, (answer, value) in enumerate(q.answers.items()):
                answers.add_row(q.title if number == 0 else "", answer.replace("_", " "), str(value.n),
                                _pct(value.pct), key=f"{q.id}|{answer}")
