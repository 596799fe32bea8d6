"""How far moderators agree with auditors, for one quarter: the figures of `caseaudit stats
agreement`, with Landis–Koch words, the number of pairs beside every kappa, and the
auditors whose grades moderators mostly moved down."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Header, Static
from textual.worker import Worker, WorkerState

from audit_tools.agreement import FLAG_WORDS, Agreement
from audit_tools.quarters import Quarter
from audit_tools.wording import kappa_words, percent
from tui.screens.base import CaseauditScreen
from tui.widgets.footer import KeysFooter


class AgreementScreen(CaseauditScreen):
    """Moderation agreement for a quarter, overall, by auditor and by standard."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("left_square_bracket", "quarter(-1)", "Previous quarter", id="agreement_previous_quarter",
                key_display="["),
        Binding("right_square_bracket", "quarter(1)", "Next quarter", id="agreement_next_quarter",
                key_display="]"),
        Binding("f5", "reload", "Refresh", id="refresh_agreement"),
    ]

    DEFAULT_CSS = """
    #agreement-summary { height: auto; padding: 0 1; }
    #agreement-tables { height: 1fr; }
    #agreement-tables Vertical { width: 1fr; height: 1fr; }
    .agreement-caption { height: auto; padding: 0 1; text-style: bold; }
    #agreement-auditors, #agreement-standards { height: 1fr; }
    """

    def __init__(self, quarter: Quarter | None = None) -> None:
        super().__init__()
        self.quarter = quarter

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="agreement-summary")
        with Horizontal(id="agreement-tables"):
            with Vertical():
                yield Static("By auditor", classes="agreement-caption")
                yield DataTable(id="agreement-auditors", cursor_type="row", zebra_stripes=True)
            with Vertical():
                yield Static("By standard (both scored)", classes="agreement-caption")
                yield DataTable(id="agreement-standards", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        if self.quarter is None:
            self.quarter = Quarter.of(self.app.today)
        self.action_reload()

    def action_reload(self) -> None:
        self.load(self.quarter)

    def action_quarter(self, step: int) -> None:
        self.quarter = self.quarter.next() if step > 0 else self.quarter.previous()
        self.action_reload()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load(self, quarter: Quarter) -> Agreement:
        from caseaudit.services.moderation import quarter_agreement

        return quarter_agreement(self.app.store, quarter)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.SUCCESS and event.worker.group == "load":
            self.show(event.worker.result)

    def show(self, figures: Agreement) -> None:
        label = Quarter.parse(figures.quarter).label
        n = figures.pairs
        text = Text()
        text.append(f"Moderation agreement, {label}", style="bold")
        text.append("   ([ and ] change quarter)\n", style="dim")
        if n == 0:
            text.append("No moderated audits submitted in this quarter yet.")
        else:
            text.append(f"{n} pairs (auditor's grade and the moderator's blind grade). ")
            text.append(f"Exact agreement {percent(figures.exact_agreement)}, within one grade "
                        f"{percent(figures.within_one)}.\n")
            text.append("Cohen's kappa ")
            text.append(kappa_words(figures.kappa, n), style="bold")
            text.append("; quadratic-weighted kappa ")
            text.append(kappa_words(figures.kappa_quadratic, n), style="bold")
            text.append(".\n")
            text.append(f"Moderators moved {figures.moved_down} grades down (auditor more generous) "
                        f"and {figures.moved_up} up.")
            flagged = figures.flagged_auditors
            if flagged:
                text.append(f"\n{FLAG_WORDS.capitalize()}: {', '.join(flagged)} "
                            "(⚑: moderators moved most of their grades down).", style="bold red")
        self.query_one("#agreement-summary", Static).update(text)

        auditors = self.query_one("#agreement-auditors", DataTable)
        auditors.clear(columns=True)
        auditors.add_columns("auditor", "pairs", "exact", "down", "up", "flag")
        for name, row in figures.by_auditor.items():
            # The summary spells the flag out; the table keeps it short enough for 80 columns.
            flag = Text("⚑", style="bold red") if row.flagged else Text("")
            auditors.add_row(name, str(row.pairs), percent(row.exact_agreement), str(row.moved_down),
                             str(row.moved_up), flag, key=name)

        standards = self.query_one("#agreement-standards", DataTable)
        standards.clear(columns=True)
        # "agreed", not "agreement": the longest catalogue ids leave no more room at 80 columns.
        standards.add_columns("standard", "pairs", "agreed")
        for sid, row in figures.by_standard.items():
            low = row.agreement is not None and row.agreement < 0.8
            standards.add_row(sid, str(row.pairs), Text(percent(row.agreement), style="bold yellow" if low else ""),
                              key=sid)
