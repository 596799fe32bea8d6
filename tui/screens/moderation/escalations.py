"""The QA lead's side of moderation: every escalated moderation, and the resolution of one
read beside both audits."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Select, Static, TextArea

from audit_tools.models import Grade, Outcome
from audit_tools.reconciliation import Resolution, resolution_problems, resolver_conflict
from audit_tools.moderation import OUTCOME_WORDS
from caseaudit.services.moderation_escalations import Escalation, escalations, resolve_escalation
from caseaudit.services.moderation_views import ReconcileView
from tui.screens.listing import Row, RowsScreen
from tui.screens.moderation.reconcile import SideBySideScreen
from tui.widgets.prompts import Confirm
from tui.words import grade_options, grade_words, resolution_text


class EscalationsScreen(RowsScreen[Escalation]):
    """Every escalated moderation, those still to resolve first (QA lead)."""

    LIST = "escalations"
    LOADING = "Loading escalated moderations…"

    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("f5", "reload", "Refresh", id="refresh_escalations"),
    ]

    DEFAULT_CSS = """
    #escalations-title { height: auto; padding: 0 1; }
    #escalations-table { height: 1fr; }
    """

    def fetch(self) -> list[Escalation]:
        return escalations(self.app.store)

    # State first, the case before the grades; grades spelled out as on every other screen,
    # on two lines when both will not fit in one at 80 columns.
    COLUMNS = ("audit", "state", "auditor", "moderator", "case", "grades: auditor → moderator")

    def title_for(self, rows: list[Escalation]) -> Text:
        todo = sum(not r.resolved for r in rows)
        title = Text()
        title.append("Escalated moderations: ", style="bold")
        if rows:
            title.append(f"{todo} of {len(rows)} to resolve. Enter reads both sides and records the resolution.")
        else:
            title.append("none; a moderator escalates a moderation they cannot settle with the auditor.")
        return title

    def row_for(self, r: Escalation) -> Row:
        a, m = r.audit, r.audit.moderation
        assert m is not None  # an escalation is a stored moderation's outcome
        state = (Text(f"resolved:\n{grade_words(r.resolution.final_grade)}", style="dim") if r.resolution
                 else Text("to resolve", style="bold"))
        grades = f"{grade_words(a.grade)} → {grade_words(m.grade)}"
        two = len(grades) > 27 or r.resolved  # 27: the heading's own width
        if len(grades) > 27:
            grades = f"{grade_words(a.grade)} →\n{grade_words(m.grade)}"
        return Row(a.audit_id, (a.audit_id, state, a.auditor, m.moderator, a.case_ref, grades), height=2 if two else 1)

    @on(DataTable.RowSelected, "#escalations-table")
    def open_escalation(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.app.push_screen(ResolveEscalationScreen(event.row_key.value))


class ResolveEscalationScreen(SideBySideScreen):
    """Both sides of an escalated reconciliation, and the QA lead's resolution."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("ctrl+s", "save", "Save resolution", id="save_resolution"),
    ]

    DEFAULT_CSS = """
    #resolve-form { height: auto; }
    #resolve-feedback { height: 5; }
    #resolve-buttons { height: auto; margin: 1 0; }
    """
    HIDDEN_UNTIL_SHOWN = "#resolve-form"
    SAVED = ("Resolution stored; the auditor will be asked to acknowledge it.", "Resolved")

    @property
    def done(self) -> bool:
        """Nothing to record here: already resolved, not escalated, or not this QA lead's to settle."""
        return self.view is None or not self.query_one("#resolve-form").display

    def compose_form(self) -> ComposeResult:
        with Vertical(id="resolve-form"):
            yield Static("Your resolution", classes="section")
            yield Select(grade_options(), prompt="final grade (required)", compact=True,
                         id="resolve-final-grade")
            yield Input("", placeholder="Reason (required)", compact=True, id="resolve-reason")
            yield Static("Feedback to the auditor", classes="section")
            yield TextArea("", id="resolve-feedback")
            yield Horizontal(Button("Save resolution (ctrl+s)", variant="primary", id="resolve-save",
                                    compact=True), id="resolve-buttons")

    def show(self, view: ReconcileView) -> None:
        self.view = view
        m = view.audit.moderation
        assert m is not None
        notes = self.fill_side_by_side(view, "Escalation")
        extra = Text()
        extra.append(f"\n\nModerator's outcome: {OUTCOME_WORDS[m.outcome] if m.outcome else 'not reconciled yet'}",
                     style="bold")
        extra.append(f"\nModerator's reason: {m.reason or '—'}")
        extra.append(f"\nModerator's feedback to the auditor: {m.feedback or '—'}")
        conflict = resolver_conflict(self.app.user.username, view.audit)
        if view.resolution is None and m.outcome != Outcome.escalated:
            extra.append("\nOnly an escalated moderation is resolved here.", style="italic")
        elif view.resolution is None and conflict:
            extra.append(f"\nYou cannot resolve this one: {conflict}.", style="bold yellow")
        open_ = m.outcome == Outcome.escalated and view.resolution is None and conflict is None
        if open_:
            extra.append("\n\nRead both sides, then tab to your resolution below; ctrl+s saves it.", style="italic")
        self.query_one("#reconcile-notes", Static).update(notes + extra + resolution_text(view.resolution))
        form = self.query_one("#resolve-form")
        form.display = open_
        self.refresh_bindings()
        # The cursor starts at the top, where the reading starts: the form lies below the fold
        # on a small terminal, and a cursor out of sight is a cursor lost.
        self.query_one("#reconcile-table", DataTable).focus()

    @on(Button.Pressed, "#resolve-save")
    def _save_pressed(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        if self.view is None or self.done:
            return
        grade = self.query_one("#resolve-final-grade", Select).value
        final_grade = None if grade == Select.NULL else Grade(grade)
        reason = self.query_one("#resolve-reason", Input).value.strip() or None
        values = dict(final_grade=final_grade, reason=reason,
                      feedback=self.query_one("#resolve-feedback", TextArea).text.strip() or None)
        problems = resolution_problems(final_grade, reason)
        if problems:
            self.app.notify("\n".join(problems), title="Not yet", severity="warning", timeout=10)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.save(values)

        self.app.push_screen(Confirm(
            f"Resolve audit {self.audit_id} at {grade_words(final_grade)}? "
            "The resolution is recorded and not changed afterwards.", yes="Resolve"), answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="save")
    def save(self, values: dict) -> Resolution:
        return resolve_escalation(self.app.store, self.audit_id, **values)
