"""The moderator's queue: the audits assigned to them, the ones still to do first."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.widgets import DataTable

from audit_tools.calendar import format_day
from audit_tools.moderation import OUTCOME_WORDS
from caseaudit.services.moderation_views import QueueRow, moderation_queue, moderation_stage
from tui.screens.listing import Row, RowsScreen
from tui.navigation import OpenModeration


class ModerationQueueScreen(RowsScreen[QueueRow]):
    """The audits assigned to me for moderation, the ones still to do first."""

    LIST = "queue"
    LOADING = "Loading your moderation queue…"

    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("f5", "reload", "Refresh", id="refresh_moderation_queue"),
    ]

    DEFAULT_CSS = """
    #queue-title { height: auto; padding: 0 1; }
    #queue-table { height: 1fr; }
    """

    def fetch(self) -> list[QueueRow]:
        return moderation_queue(self.app.store, self.app.user.username)

    COLUMNS = ("audit", "case", "type", "submitted", "stage", "outcome")

    def title_for(self, rows: list[QueueRow]) -> Text:
        todo = sum(not r.done for r in rows)
        title = Text()
        title.append(f"Moderation queue of {self.app.user.display_name}: ", style="bold")
        if rows:
            title.append(f"{todo} of {len(rows)} still to finish. Enter opens the audit.")
        else:
            title.append("nothing assigned to you yet.")
        return title

    def row_for(self, r: QueueRow) -> Row:
        return Row(r.audit_id, (r.audit_id, r.case_ref, r.case_type,
                                format_day(r.submitted_on) if r.submitted_on else "—",
                                Text(r.stage_words, style="dim" if r.done else "bold"),
                                OUTCOME_WORDS[r.outcome] if r.outcome else ""))

    @on(DataTable.RowSelected, "#queue-table")
    def open_audit(self, event: DataTable.RowSelected) -> None:
        self.open_moderation(event.row_key.value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="open")
    def open_moderation(self, audit_id: str) -> None:
        stage = moderation_stage(self.app.store, audit_id)
        if stage is None:
            return
        self.post_message(OpenModeration(audit_id, stage))  # from the worker's thread: post_message is thread-safe
