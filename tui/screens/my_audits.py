"""An auditor's own submitted audits (where each moderation stands, how often it was
amended), and one audit's amendment trail: who amended it, when, why and what changed."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Static

from audit_tools.calendar import format_day, format_day_time
from caseaudit.services.my_audits import MyAudit, TrailEntry, amendment_trail, my_audits
from tui.screens.base import CaseauditScreen
from tui.screens.listing import Row, RowsScreen
from tui.widgets.footer import KeysFooter
from tui.navigation import OpenAudit
from tui.workers import result_of


class MyAuditsScreen(RowsScreen[MyAudit]):
    """The user's submitted audits, newest first (auditor)."""

    LIST = "my-audits"
    LOADING = "Loading your audits…"

    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("h", "trail", "Amendments", id="amendment_trail"),
        Binding("f5", "reload", "Refresh", id="refresh_my_audits", show=False),
    ]

    DEFAULT_CSS = """
    #my-audits-title { height: auto; padding: 0 1; }
    #my-audits-table { height: 1fr; }
    #my-audits-detail { height: auto; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.LOADING, id="my-audits-title")
        yield DataTable(id="my-audits-table", cursor_type="row", zebra_stripes=True)
        # The highlighted audit's whole state: the table's last column is cut at 80 columns.
        yield Static("", id="my-audits-detail")
        yield KeysFooter()


    def fetch(self) -> list[MyAudit]:
        return my_audits(self.app.store, self.app.user)

    COLUMNS = ("audit", "case", "submitted", "grade", "amended", "moderation")

    def title_for(self, rows: list[MyAudit]) -> Text:
        title = Text()
        title.append("Your submitted audits", style="bold")
        if rows:
            title.append(f": {len(rows)}, newest first. Enter opens one; h shows its amendments.")
        else:
            title.append(": none yet. Drafts are on the dashboard; c opens the case list.")
        return title

    def row_for(self, mine: MyAudit) -> Row:
        row = mine.row
        return Row(row.audit_id, (row.audit_id, row.case_ref, format_day(row.submitted_on) if row.submitted_on else "",
                                  row.final_grade.label if row.final_grade else "", mine.amended or "—", mine.stage))

    @on(DataTable.RowHighlighted, "#my-audits-table")
    def _detail(self, event: DataTable.RowHighlighted) -> None:
        mine = self.items.get(event.row_key.value) if event.row_key.value is not None else None
        if mine is None:
            return
        text = Text()
        text.append(f"{mine.row.audit_id} ({mine.row.case_ref}): ", style="bold")
        text.append(mine.stage)
        text.append(f"; amended {mine.amended}" if mine.amended else "; never amended")
        self.query_one("#my-audits-detail", Static).update(text)

    @on(DataTable.RowSelected, "#my-audits-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        self.post_message(OpenAudit(audit_id=event.row_key.value))

    def action_trail(self) -> None:
        mine = self.highlighted()
        if mine is not None:
            self.app.push_screen(AmendmentTrailScreen(mine.row.audit_id))


def trail_text(audit_id: str, trail: list[TrailEntry]) -> Text:
    text = Text()
    text.append(f"Amendments of audit {audit_id}", style="bold")
    if not trail:
        text.append("\n\nNone: the audit stands as it was submitted.")
        return text
    text.append(f" ({len(trail)}, oldest first; the audit as submitted is kept too)\n")
    for number, entry in enumerate(trail, start=1):
        text.append(f"\n{number}. {format_day_time(entry.at)}, {entry.by_name} ({entry.by})",
                    style="bold")
        text.append(f"\n   why: {entry.reason}")
        for line in entry.changes or ["(no field changed)"]:
            text.append(f"\n   • {line}")
        text.append("\n")
    return text


class AmendmentTrailScreen(CaseauditScreen):
    """Who amended one submitted audit, when, why, and what each amendment changed."""

    BINDINGS = [Binding("escape", "back", "Back", id="back")]

    DEFAULT_CSS = """
    #trail-body { height: 1fr; padding: 0 1; }
    """

    def __init__(self, audit_id: str) -> None:
        super().__init__()
        self.audit_id = audit_id

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="trail-body"):
            yield Static(f"Loading the amendments of {self.audit_id}…", id="trail-text")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#trail-body").focus()
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load(self) -> list[TrailEntry]:
        return amendment_trail(self.app.store, self.app.user, self.audit_id)

    @result_of(load)
    def show(self, trail: list[TrailEntry]) -> None:
        self.query_one("#trail-text", Static).update(trail_text(self.audit_id, trail))
