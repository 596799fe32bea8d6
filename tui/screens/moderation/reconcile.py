"""Both audits of a moderation side by side: the frame the moderator's reconciliation and
the QA lead's resolution of an escalation share, and the reconciliation itself.

The original audit is loaded only once the moderator's blind grade is stored
(caseaudit.services.moderation_views.reconcile_view refuses it before).
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Header, Input, Select, Static, TextArea

from audit_tools.calendar import format_day
from audit_tools.models import Moderation, Outcome
from audit_tools.reconciliation import grade_step, reconciliation_problems, side_by_side
from audit_tools.moderation import OUTCOME_WORDS
from caseaudit.services.moderation import reconcile
from caseaudit.services.moderation_views import ReconcileView, reconcile_view
from tui.screens.base import CaseauditScreen
from tui.widgets.footer import KeysFooter
from tui.words import grade_options, grade_words, resolution_text, shorten, status_words
from tui.workers import result_of


class SideBySideScreen(CaseauditScreen):
    """Both audits of a moderation side by side with a form below: the frame shared by the
    moderator's reconciliation and the QA lead's resolution of an escalation."""

    HOLDS_NAVIGATION = True
    HIDDEN_UNTIL_SHOWN = ""  # a part of the form shown only once the audits are loaded
    SAVED = ("", "")  # what to say, and its title, once the form is stored

    DEFAULT_CSS = """
    #reconcile-header { height: auto; padding: 0 1; }
    #reconcile-body { height: 1fr; padding: 0 1; }
    #reconcile-table { height: auto; max-height: 24; }
    #reconcile-grades { height: auto; margin: 1 0 0 0; }
    #reconcile-notes { height: auto; }
    """

    def __init__(self, audit_id: str) -> None:
        super().__init__()
        self.audit_id = audit_id
        self.view: ReconcileView | None = None

    @property
    def done(self) -> bool:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading both audits…", id="reconcile-header")
        with VerticalScroll(id="reconcile-body"):
            yield DataTable(id="reconcile-table", cursor_type="row", zebra_stripes=False)
            yield Static("", id="reconcile-grades")
            yield Static("", id="reconcile-notes")
            yield from self.compose_form()
        yield KeysFooter()

    def compose_form(self) -> ComposeResult:
        raise NotImplementedError

    def on_mount(self) -> None:
        self.query_one(self.HIDDEN_UNTIL_SHOWN).display = False
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save":
            return self.view is not None and not self.done
        return True

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load(self) -> ReconcileView:
        return reconcile_view(self.app.store, self.audit_id, self.app.catalogue)

    @result_of(load)
    def show(self, view: ReconcileView) -> None:
        raise NotImplementedError

    def save(self, values: dict) -> object:
        """Each side-by-side screen's own worker storing what its form holds."""
        raise NotImplementedError

    @result_of(save)
    def _saved(self, _stored: object) -> None:
        notice, title = self.SAVED
        self.app.notify(notice, title=title)
        self.load()

    def fill_side_by_side(self, view: ReconcileView, title: str) -> Text:
        """Header, the standards table and the grades, as the reconciliation shows them.

        Returns the differing notes, for the screen to add its own lines under.
        """
        audit, m = view.audit, view.audit.moderation
        assert m is not None
        header = Text()
        header.append(f"{title} of audit {audit.audit_id} ({audit.case_ref}) ", style="bold")
        header.append(f"by {audit.auditor}, moderated by {m.moderator}")
        if m.moderated_on:
            header.append(f" on {format_day(m.moderated_on)}")
        self.query_one("#reconcile-header", Static).update(header)

        rows = side_by_side(audit, m, view.order)
        table = self.query_one("#reconcile-table", DataTable)
        table.clear(columns=True)
        table.add_columns("standard", "auditor", "moderator", "")
        for row in rows:
            style = "bold yellow" if row.differs else ""
            # Both statuses and "differs" stay on screen at 80 columns: a long title is shortened.
            title = shorten(view.titles.get(row.standard, row.standard), max(24, self.size.width - 48))
            table.add_row(Text(title, style=style),
                          Text(status_words(row.auditor), style=style),
                          Text(status_words(row.moderator), style=style),
                          Text("differs", style="bold yellow") if row.differs else Text("same", style="dim"),
                          key=row.standard)
        differing = sum(r.differs for r in rows)

        grades = Text()
        grades.append(f"{differing} of {len(rows)} standards differ. ", style="bold")
        grades.append("Grade: auditor ")
        grades.append(grade_words(audit.grade), style="bold")
        grades.append(", moderator ")
        grades.append(grade_words(m.grade), style="bold")
        step = grade_step(audit.grade, m.grade)
        grades.append(f" — {step}", style="bold yellow" if audit.grade != m.grade else "")
        self.query_one("#reconcile-grades", Static).update(grades)

        notes = Text()
        for row in rows:
            if not row.differs:
                continue
            mine, theirs = audit.notes.get(row.standard), m.notes.get(row.standard)
            if mine or theirs:
                notes.append(f"\n{view.titles.get(row.standard, row.standard)}", style="bold")
                notes.append(f"\n  auditor: {mine or '—'}\n  moderator: {theirs or '—'}")
        return notes


class ReconcileScreen(SideBySideScreen):
    """The original audit beside the blind re-audit: every difference, then the outcome."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("ctrl+s", "save", "Save outcome", id="save_reconciliation"),
    ]

    DEFAULT_CSS = """
    #reconcile-outcome-form { height: auto; }
    #reconcile-feedback { height: 5; }
    #reconcile-buttons { height: auto; margin: 1 0; }
    """
    HIDDEN_UNTIL_SHOWN = "#reconcile-final-grade"
    SAVED = ("Outcome and feedback stored; the auditor will see the feedback.", "Stored")

    @property
    def done(self) -> bool:
        m = self.view.audit.moderation if self.view else None
        return bool(m and m.outcome)

    def compose_form(self) -> ComposeResult:
        with Vertical(id="reconcile-outcome-form"):
            yield Static("Outcome", classes="section")
            yield Select([(words, o) for o, words in OUTCOME_WORDS.items()], prompt="choose the outcome",
                         compact=True, id="reconcile-outcome")
            yield Select(grade_options(), prompt="final grade", compact=True,
                         id="reconcile-final-grade")
            yield Input("", placeholder="Reason (needed when the grade changes or is escalated)",
                        compact=True, id="reconcile-reason")
            yield Static("Feedback to the auditor", classes="section")
            yield TextArea("", id="reconcile-feedback")
            yield Horizontal(Button("Save outcome (ctrl+s)", variant="primary", id="reconcile-save",
                                    compact=True), id="reconcile-buttons")

    def show(self, view: ReconcileView) -> None:
        self.view = view
        m = view.audit.moderation
        assert m is not None
        table = self.query_one("#reconcile-table", DataTable)
        notes = self.fill_side_by_side(view, "Reconciliation")
        self.query_one("#reconcile-notes", Static).update(notes)

        outcome = self.query_one("#reconcile-outcome", Select)
        final = self.query_one("#reconcile-final-grade", Select)
        reason = self.query_one("#reconcile-reason", Input)
        feedback = self.query_one("#reconcile-feedback", TextArea)
        if m.outcome:
            outcome.value = m.outcome
            if m.final_grade:
                final.value = m.final_grade
            reason.value = m.reason or ""
            feedback.text = m.feedback or ""
            for widget in (outcome, final, reason, feedback):
                widget.disabled = True
            self.query_one("#reconcile-buttons").display = False
            done = Text(f"\nOutcome: {OUTCOME_WORDS[m.outcome]}", style="bold")
            if m.acknowledged_on:
                done.append(f"; the auditor acknowledged the feedback on {format_day(m.acknowledged_on)}.")
            else:
                done.append("; the auditor has not acknowledged the feedback yet.")
            if m.outcome == Outcome.escalated and view.resolution is None:
                done.append("\nThe QA lead has not resolved it yet.")
            self.query_one("#reconcile-notes", Static).update(notes + done + resolution_text(view.resolution))
        self._show_final_grade()
        self.refresh_bindings()
        # The comparison stays in view from its top: the outcome, below it, is chosen after
        # reading it (scrolling to the focus could land either way, by when layout came).
        (table if m.outcome else outcome).focus(scroll_visible=False)

    @on(Select.Changed, "#reconcile-outcome")
    def _show_final_grade(self) -> None:
        outcome = self.query_one("#reconcile-outcome", Select).value
        self.query_one("#reconcile-final-grade").display = outcome == Outcome.grade_changed

    @on(Button.Pressed, "#reconcile-save")
    def _save_pressed(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        if self.view is None or self.done:
            return
        outcome = self.query_one("#reconcile-outcome", Select).value
        final = self.query_one("#reconcile-final-grade", Select).value
        values = dict(
            outcome=None if outcome == Select.NULL else outcome,
            final_grade=None if final == Select.NULL or outcome != Outcome.grade_changed else final,
            reason=self.query_one("#reconcile-reason", Input).value.strip() or None,
            feedback=self.query_one("#reconcile-feedback", TextArea).text.strip() or None,
        )
        stored = self.view.audit.moderation
        if stored is None:
            return  # not re-audited: the view refuses it before this
        problems = reconciliation_problems(self.view.audit, stored.model_copy(update=values))
        if problems:
            self.app.notify("\n".join(problems), title="Not yet", severity="warning", timeout=10)
            return
        self.save(values)

    @work(thread=True, exclusive=True, exit_on_error=False, group="save")
    def save(self, values: dict) -> Moderation:
        return reconcile(self.app.store, self.audit_id, **values)
