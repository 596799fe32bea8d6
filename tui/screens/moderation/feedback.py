"""The auditor's side of moderation: feedback on their audits (and any QA lead's resolution)
to read and acknowledge."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Static

from audit_tools.calendar import format_day
from audit_tools.models import Audit
from audit_tools.reconciliation import Resolution
from audit_tools.moderation import OUTCOME_CELL, OUTCOME_WORDS
from caseaudit.services.moderation_escalations import acknowledge as acknowledge_feedback
from caseaudit.services.moderation_views import FeedbackView, feedback_view
from tui.screens.base import CaseauditScreen
from tui.words import grade_words, resolution_text
from tui.widgets.footer import KeysFooter
from tui.workers import result_of


class FeedbackScreen(CaseauditScreen):
    """Moderation feedback on my audits that I have not yet acknowledged."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        # Not f, the key that opens this screen: pressed twice, it acknowledged feedback unread.
        Binding("k", "acknowledge", "Acknowledge", id="acknowledge_feedback"),
        Binding("f5", "reload", "Refresh", id="refresh_feedback"),
    ]

    DEFAULT_CSS = """
    #feedback-title { height: auto; padding: 0 1; }
    #feedback-table { height: auto; max-height: 12; }
    #feedback-detail { height: 1fr; padding: 1 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.audits: dict[str, Audit] = {}
        self.resolutions: dict[str, Resolution] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading moderation feedback…", id="feedback-title")
        yield DataTable(id="feedback-table", cursor_type="row", zebra_stripes=True)
        yield VerticalScroll(Static("", id="feedback-text"), id="feedback-detail")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load(self) -> FeedbackView:
        return feedback_view(self.app.store)

    @result_of(load)
    def _loaded(self, view: FeedbackView) -> None:
        self.show(view.audits, view.resolutions)

    def show(self, audits: list[Audit], resolutions: dict[str, Resolution] | None = None) -> None:
        self.audits = {a.audit_id: a for a in audits}
        self.resolutions = resolutions or {}
        title = Text()
        pieces = "1 piece" if len(audits) == 1 else f"{len(audits)} pieces"
        title.append(f"{pieces} of moderation feedback to acknowledge", style="bold")
        if audits:
            title.append(". Read it below, then press k to acknowledge.")
        self.query_one("#feedback-title", Static).update(title)
        table = self.query_one("#feedback-table", DataTable)
        table.clear(columns=True)
        table.add_columns("audit", "case", "moderator", "outcome", "your grade", "final grade")
        for a in audits:
            m = a.moderation
            if m is None:
                continue  # feedback waits only on a moderated audit
            # Short words in the table so the final grade shows at 80 columns; the detail says it in full.
            outcome = OUTCOME_CELL[m.outcome] if m.outcome else ""
            if a.audit_id in self.resolutions:
                outcome += ", resolved"
            table.add_row(a.audit_id, a.case_ref, m.moderator, outcome, grade_words(a.grade),
                          grade_words(a.final_grade), key=a.audit_id)
        self._detail()
        self.refresh_bindings()
        table.focus()

    def _current(self) -> Audit | None:
        table = self.query_one("#feedback-table", DataTable)
        if not self.audits or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.audits.get(key) if key is not None else None

    @on(DataTable.RowHighlighted, "#feedback-table")
    def _detail(self) -> None:
        audit = self._current()
        text = Text()
        m = audit.moderation if audit is not None else None
        if audit is not None and m is not None:
            text.append(f"{audit.audit_id} ({audit.case_ref}), moderated by {m.moderator}", style="bold")
            if m.moderated_on:
                text.append(f" on {format_day(m.moderated_on)}")
            text.append(f"\nOutcome: {OUTCOME_WORDS[m.outcome] if m.outcome else '—'}. Your grade {grade_words(audit.grade)}; "
                        f"moderator's blind grade {grade_words(m.grade)}; "
                        f"final grade {grade_words(audit.final_grade)}.")
            if m.reason:
                text.append(f"\nReason: {m.reason}")
            text.append("\n\nFeedback\n", style="bold")
            text.append(m.feedback or "—")
            resolution = self.resolutions.get(audit.audit_id)
            if resolution is not None:
                text.append("\n")
                text.append(resolution_text(resolution))
        self.query_one("#feedback-text", Static).update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "acknowledge":
            return bool(self.audits)
        return True

    def action_acknowledge(self) -> None:
        audit = self._current()
        if audit is not None:
            self.acknowledge(audit.audit_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="acknowledge")
    def acknowledge(self, audit_id: str) -> None:
        acknowledge_feedback(self.app.store, audit_id)

    @result_of(acknowledge)
    def _acknowledged(self, _: None) -> None:
        self.app.notify("Feedback acknowledged.", title="Thank you")
        self.load()
