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

from audit_tools.agreement import Agreement, flag_words
from audit_tools.quarters import Quarter
from audit_tools.themes import ModerationCounts
from audit_tools.wording import kappa_words, percent
from caseaudit.services.moderation import moderation_figures, quarter_agreement
from tui.screens.base import CaseauditScreen
from tui.widgets.footer import KeysFooter
from tui.words import shorten
from tui.workers import result_of


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
    /* Below 120 columns the tables stack, so standards' titles have the width. */
    #agreement-tables.narrow { layout: vertical; }
    """

    def __init__(self, quarter: Quarter | None = None) -> None:
        super().__init__()
        self.quarter = quarter  # None: the quarter of today, read when the screen opens

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

    def on_resize(self, event) -> None:
        self.query_one("#agreement-tables").set_class(event.size.width < 120, "narrow")

    def action_reload(self) -> None:
        if self.quarter is not None:
            self.load(self.quarter)

    def action_quarter(self, step: int) -> None:
        if self.quarter is None:
            return  # still opening
        self.quarter = self.quarter.next() if step > 0 else self.quarter.previous()
        self.action_reload()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load(self, quarter: Quarter) -> tuple[Agreement, ModerationCounts]:
        return quarter_agreement(self.app.store, quarter), moderation_figures(self.app.store, quarter)

    @result_of(load)
    def _loaded(self, found: tuple[Agreement, ModerationCounts]) -> None:
        self.show(*found)

    def show(self, figures: Agreement, counts: ModerationCounts) -> None:
        label = Quarter.parse(figures.quarter).label if figures.quarter else ""
        n = figures.pairs
        text = Text()
        text.append(f"Moderation agreement, {label}", style="bold")
        text.append("   ([ and ] change quarter)\n", style="dim")
        text.append(f"Moderation this quarter: {counts.words}.\n")
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
                text.append(f"\n⚑ {flag_words(figures.min_pairs).capitalize()}: {', '.join(flagged)}.",
                            style="bold red")
            few = [f"{name} ({row.pairs})" for name, row in figures.by_auditor.items() if row.too_few_to_flag]
            if few:
                text.append(f"\nMostly moved down but under {figures.min_pairs} pairs, so not flagged: "
                            f"{', '.join(few)}.", style="yellow")
        self.query_one("#agreement-summary", Static).update(text)

        auditors = self.query_one("#agreement-auditors", DataTable)
        auditors.clear(columns=True)
        auditors.add_columns("auditor", "pairs", "exact", "down", "up", "flag")
        for name, row in figures.by_auditor.items():
            # The summary spells the flag out; the table keeps it short enough for 80 columns.
            flag = (Text("⚑", style="bold red") if row.flagged
                    else Text(f"n<{figures.min_pairs}", style="yellow") if row.too_few_to_flag else Text(""))
            auditors.add_row(name, str(row.pairs), percent(row.exact_agreement), str(row.moved_down),
                             str(row.moved_up), flag, key=name)

        standards = self.query_one("#agreement-standards", DataTable)
        standards.clear(columns=True)
        # Standards by title, shortened to the room the table has (the full title is in the catalogue).
        standards.add_columns("standard", "pairs", "agreed")
        width = self.size.width if self.size.width < 120 else self.size.width // 2
        room = max(20, width - 24)
        # In catalogue order, as the audit form and the reports list them.
        known = [s.id for s in self.app.catalogue.standards if s.id in figures.by_standard]
        for sid in known + [sid for sid in figures.by_standard if sid not in known]:
            pair = figures.by_standard[sid]
            low = pair.agreement is not None and pair.agreement < 0.8
            found = self.app.catalogue.get(sid)
            title = shorten(found.title if found is not None else sid, room)
            standards.add_row(title, str(pair.pairs), Text(percent(pair.agreement), style="bold yellow" if low else ""),
                              key=sid)
