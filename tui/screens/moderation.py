"""Moderation from the keyboard: the moderator's queue, the blind re-audit, reconciliation,
and the auditor's acknowledgement of feedback.

The blind re-audit never receives the original audit's scores, grade or notes: its loader
returns only the case, its events and the automatic evidence, so nothing on screen can
give the original away. Only once the moderator's own grade is stored does the
reconciliation screen load the original and show both side by side.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Footer, Header, Input, Select, Static, TextArea
from textual.worker import Worker, WorkerState

from audit_tools.calendar import format_day
from audit_tools.models import Audit, Case, CheckReport, Grade, Moderation, Outcome, Status
from audit_tools.reconciliation import Resolution, grade_step, side_by_side
from tui.screens.audit_form import GRADE_ORDER, STATUS_WORDS, evidence_text, status_options
from tui.screens.base import CaseauditScreen
from tui.widgets.prompts import Confirm

OUTCOME_WORDS = {
    Outcome.agreed: "agreed",
    Outcome.grade_changed: "grade changed",
    Outcome.escalated: "escalated to the QA lead",
}


def _status(status: Status | None) -> str:
    return "—" if status is None else STATUS_WORDS[status]


def _grade(grade: Grade | None) -> str:
    return "—" if grade is None else grade.label


def _short(grade: Grade | None) -> str:
    """A grade in few letters for narrow tables; RI is how practitioners say it."""
    if grade is None:
        return "—"
    return "RI" if grade == Grade.requires_improvement else grade.label


def _catalogue(app: Any, audit: Audit):
    """The catalogue the audit was scored against, so both sides see the same standards."""
    try:
        return app.store.reference.catalogue(audit.catalogue_version)
    except Exception:  # an unreadable stored catalogue: fall back to the one the app runs
        return app.catalogue


def repaint_later(table: DataTable) -> None:
    """Repaint a reloaded table once its column widths are measured.

    A table refilled as its screen comes back (on resume) measures its columns after the
    screen has already been painted, and kept showing cells cut to the old widths.
    """
    table.set_timer(0.05, lambda: table.refresh(layout=True))


def stage(audit: Audit) -> str:
    m = audit.moderation
    if m is None or m.grade is None:
        return "to re-audit"
    if m.outcome is None:
        return "to reconcile"
    return "done"


# --- the queue ----------------------------------------------------------------------


@dataclass
class QueueRow:
    audit_id: str
    case_ref: str
    case_type: str
    submitted_on: date | None
    stage: str
    outcome: str | None


def load_queue(app: Any) -> list[QueueRow]:
    rows = []
    for a in app.store.moderation.assignments(moderator=app.user.username):
        audit = app.store.audits.get(a.audit_id)
        if audit is None:
            continue
        case = app.store.cases.get(audit.case_ref)
        rows.append(QueueRow(
            audit_id=audit.audit_id, case_ref=audit.case_ref,
            case_type=case.case_type.value if case else "?",
            submitted_on=audit.submitted_on, stage=stage(audit),
            outcome=OUTCOME_WORDS[audit.moderation.outcome] if audit.moderation and audit.moderation.outcome else None,
        ))
    order = {"to re-audit": 0, "to reconcile": 1, "done": 2}
    return sorted(rows, key=lambda r: (order[r.stage], r.audit_id))


class ModerationQueueScreen(CaseauditScreen):
    """The audits assigned to me for moderation, the ones still to do first."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("f5", "reload", "Refresh", id="refresh_moderation_queue"),
    ]

    DEFAULT_CSS = """
    #queue-title { height: auto; padding: 0 1; }
    #queue-table { height: 1fr; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading your moderation queue…", id="queue-title")
        yield DataTable(id="queue-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()

    def on_screen_resume(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load(self) -> list[QueueRow]:
        return load_queue(self.app)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.SUCCESS and event.worker.group == "load":
            self.show(event.worker.result)

    def show(self, rows: list[QueueRow]) -> None:
        todo = sum(r.stage != "done" for r in rows)
        title = Text()
        title.append(f"Moderation queue of {self.app.user.display_name}: ", style="bold")
        if rows:
            title.append(f"{todo} of {len(rows)} still to finish. Enter opens the audit.")
        else:
            title.append("nothing assigned to you yet.")
        self.query_one("#queue-title", Static).update(title)
        table = self.query_one("#queue-table", DataTable)
        kept = table.cursor_row if table.row_count else 0  # back from an audit: stay on it
        table.clear(columns=True)
        table.add_columns("audit", "case", "type", "submitted", "stage", "outcome")
        for r in rows:
            stage_text = Text(r.stage, style="bold" if r.stage != "done" else "dim")
            table.add_row(r.audit_id, r.case_ref, r.case_type,
                          format_day(r.submitted_on) if r.submitted_on else "—", stage_text,
                          r.outcome or "", key=r.audit_id)
        if table.row_count:
            table.move_cursor(row=min(kept, table.row_count - 1), scroll=True)
        table.focus()
        repaint_later(table)

    @on(DataTable.RowSelected, "#queue-table")
    def open_audit(self, event: DataTable.RowSelected) -> None:
        self.open_moderation(event.row_key.value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="open")
    def open_moderation(self, audit_id: str) -> None:
        audit = self.app.store.audits.get(audit_id)
        if audit is None:
            return
        screen = BlindReauditScreen(audit_id) if stage(audit) == "to re-audit" else ReconcileScreen(audit_id)
        self.app.call_from_thread(self.app.push_screen, screen)


# --- blind re-audit -----------------------------------------------------------------


@dataclass
class BlindView:
    """All the blind re-audit may show: the case, its events and the automatic evidence."""

    audit_id: str
    as_of: date
    case: Case
    report: CheckReport
    standards: list  # Standard, the applicable ones in catalogue order


def load_blind(app: Any, audit_id: str) -> BlindView:
    from audit_tools.standards import evaluate
    from db.errors import NotFound

    audit = app.store.audits.get(audit_id)
    if audit is None:
        raise NotFound(f"audit {audit_id}: not in the database")
    case = app.store.cases.get(audit.case_ref)
    if case is None:
        raise NotFound(f"case {audit.case_ref}: not in the database")
    catalogue = _catalogue(app, audit)
    # Built field by field from the case and the engine: the audit's own scores, grade
    # and notes are deliberately left behind here.
    return BlindView(audit_id=audit.audit_id, as_of=audit.as_of, case=case,
                     report=evaluate(case, audit.as_of, catalogue),
                     standards=catalogue.applicable(case.case_type))


def event_words(event) -> str:
    parts = []
    if event.kind.value == "visit":
        parts.append("child seen" if event.child_seen else "child not seen")
        if event.seen_alone is True:
            parts.append("alone")
        elif event.seen_alone is False:
            parts.append("not alone" + (f" ({event.reason_not_alone})" if event.reason_not_alone else ""))
    if event.note:
        parts.append(event.note)
    return ", ".join(parts)


class BlindReauditScreen(CaseauditScreen):
    """The moderator scores the case afresh, without the original audit in sight."""

    HOLDS_NAVIGATION = True

    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("ctrl+s", "submit", "Submit re-audit", id="submit_blind_reaudit"),
    ]

    DEFAULT_CSS = """
    #blind-header { height: auto; padding: 0 1; }
    #blind-form { height: 1fr; padding: 0 1; }
    #blind-events { height: auto; max-height: 12; }
    .blind-row { height: auto; margin: 0 0 1 0; }
    .blind-row .evidence { color: $text-muted; }
    #blind-buttons { height: auto; margin: 1 0; }
    """

    def __init__(self, audit_id: str) -> None:
        super().__init__()
        self.audit_id = audit_id
        self.view: BlindView | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the case…", id="blind-header")
        yield VerticalScroll(id="blind-form")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load(self) -> BlindView:
        return load_blind(self.app, self.audit_id)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state == WorkerState.SUCCESS and worker.group == "load":
            self.show(worker.result)
        elif event.state == WorkerState.SUCCESS and worker.group == "submit":
            self.app.notify("Blind re-audit stored. Now compare it with the original.", title="Stored")
            self.app.switch_screen(ReconcileScreen(self.audit_id))

    def show(self, view: BlindView) -> None:
        self.view = view
        case = view.case
        header = Text()
        header.append(f"Blind re-audit of {case.case_ref} ", style="bold")
        header.append(f"({case.case_type.value}, {case.team or 'no team'}, worker {case.worker or '—'}, "
                      f"line manager {case.line_manager or '—'}) as at {format_day(view.as_of)}. ")
        header.append("The original audit is shown after you submit.", style="italic")
        self.query_one("#blind-header", Static).update(header)
        form = self.query_one("#blind-form", VerticalScroll)
        form.remove_children()
        form.mount_all(list(self._widgets(view)))
        self.call_after_refresh(self._fill_events)

    def _widgets(self, view: BlindView):
        yield Static("Case events up to the as-at date, newest first", classes="section")
        yield DataTable(id="blind-events", cursor_type="row", zebra_stripes=True)
        yield Static("Standards", classes="section")
        results = {r.standard: r for r in view.report.results}
        for standard in view.standards:
            result = results.get(standard.id)
            automatic = result.status if result else None
            yield Vertical(
                Static(Text.assemble((standard.title, "bold"), f"  [{standard.id}]")),
                Static(evidence_text(result), classes="evidence"),
                Select(status_options(automatic), prompt="choose a status", compact=True,
                       value=automatic if automatic is not None else Select.NULL,
                       id=f"blind-status-{standard.id}"),
                Input("", compact=True, placeholder="Evidence note (needed for partly met / not met)",
                      id=f"blind-note-{standard.id}"),
                classes="blind-row",
            )
        yield Static("Your grade for the case", classes="section")
        yield Select([(g.label, g) for g in GRADE_ORDER], prompt="choose your grade", compact=True,
                     id="blind-grade")
        yield Horizontal(Button("Submit re-audit (ctrl+s)", variant="primary", id="blind-submit",
                                compact=True), id="blind-buttons")

    def _fill_events(self) -> None:
        view = self.view
        if view is None:
            return
        table = self.query_one("#blind-events", DataTable)
        table.add_columns("date", "event", "detail")
        events = sorted((e for e in view.case.events if e.date <= view.as_of), key=lambda e: e.date,
                        reverse=True)
        for event in events:
            table.add_row(format_day(event.date), event.kind.value.replace("_", " "), event_words(event))
        if not events:
            table.add_row("—", "no events recorded", "")
        first = self.query(".blind-row Select").first() if self.query(".blind-row Select") else None
        (first or self.query_one("#blind-grade")).focus()

    def build(self) -> Moderation:
        scores: dict[str, Status] = {}
        notes: dict[str, str] = {}
        for standard in self.view.standards if self.view else []:
            value = self.query_one(f"#blind-status-{standard.id}", Select).value
            if value != Select.NULL:
                scores[standard.id] = value
            note = self.query_one(f"#blind-note-{standard.id}", Input).value.strip()
            if note:
                notes[standard.id] = note
        grade = self.query_one("#blind-grade", Select).value
        return Moderation(moderator=self.app.user.username, scores=scores, notes=notes,
                          grade=None if grade == Select.NULL else grade, moderated_on=self.app.today)

    def action_submit(self) -> None:
        if self.view is None:
            return
        from audit_tools.reconciliation import blind_problems

        moderation = self.build()
        problems = blind_problems(moderation, [s.id for s in self.view.standards])
        if problems:
            self.app.notify("\n".join(problems), title="Not yet", severity="warning", timeout=10)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.submit(moderation)

        self.app.push_screen(
            Confirm("Submit your re-audit? It cannot change once the original audit is shown."),
            answered)

    def action_back(self) -> None:
        # Nothing of a blind re-audit is kept until it is submitted: ask before dropping it.
        if self.view is None or self.build() == Moderation(moderator=self.app.user.username,
                                                           moderated_on=self.app.today,
                                                           scores=self._automatic()):
            super().action_back()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                super(BlindReauditScreen, self).action_back()

        self.app.push_screen(Confirm("Leave the re-audit? What you have scored is not kept.",
                                     yes="Leave", no="Stay"), answered)

    def _automatic(self) -> dict[str, Status]:
        return {r.standard: r.status for r in self.view.report.results
                if r.status is not None and r.standard in {s.id for s in self.view.standards}}

    @on(Button.Pressed, "#blind-submit")
    def _submit_pressed(self) -> None:
        self.action_submit()

    @work(thread=True, exclusive=True, exit_on_error=False, group="submit")
    def submit(self, moderation: Moderation) -> Moderation:
        from caseaudit.services.moderation import submit_blind

        return submit_blind(self.app.store, self.audit_id, moderation, [s.id for s in self.view.standards])


# --- reconciliation -----------------------------------------------------------------


@dataclass
class ReconcileView:
    audit: Audit
    case: Case | None
    order: list[str]
    titles: dict[str, str]
    resolution: Resolution | None = None  # the QA lead's, once an escalation is settled


def load_reconcile(app: Any, audit_id: str) -> ReconcileView:
    from db.errors import NotFound

    audit = app.store.audits.get(audit_id)
    if audit is None:
        raise NotFound(f"audit {audit_id}: not in the database")
    if audit.moderation is None or audit.moderation.grade is None:
        from audit_tools.errors import Refused

        raise Refused(f"audit {audit_id}: submit the blind re-audit first")
    case = app.store.cases.get(audit.case_ref)
    catalogue = _catalogue(app, audit)
    standards = catalogue.applicable(case.case_type) if case else catalogue.standards
    from caseaudit.services.moderation import resolutions

    return ReconcileView(audit=audit, case=case, order=[s.id for s in standards],
                         titles={s.id: s.title for s in catalogue.standards},
                         resolution=resolutions(app.store, [audit_id]).get(audit_id))


def resolution_text(resolution: Resolution | None) -> Text:
    """The QA lead's resolution in words (empty when there is none)."""
    text = Text()
    if resolution is None:
        return text
    text.append(f"\nResolved by QA lead {resolution.resolved_by} on {format_day(resolution.resolved_at.date())}: ",
                style="bold")
    text.append("final grade ")
    text.append(_grade(resolution.final_grade), style="bold")
    text.append(f".\nReason: {resolution.reason}")
    if resolution.feedback:
        text.append(f"\nFeedback from the QA lead: {resolution.feedback}")
    return text


def fill_side_by_side(screen: Any, view: ReconcileView, title: str) -> Text:
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
    screen.query_one("#reconcile-header", Static).update(header)

    rows = side_by_side(audit, m, view.order)
    table = screen.query_one("#reconcile-table", DataTable)
    table.clear(columns=True)
    table.add_columns("standard", "auditor", "moderator", "")
    for row in rows:
        style = "bold yellow" if row.differs else ""
        table.add_row(Text(row.standard, style=style), Text(_status(row.auditor), style=style),
                      Text(_status(row.moderator), style=style),
                      Text("differs", style="bold yellow") if row.differs else Text("same", style="dim"),
                      key=row.standard)
    differing = sum(r.differs for r in rows)

    grades = Text()
    grades.append(f"{differing} of {len(rows)} standards differ. ", style="bold")
    grades.append("Grade: auditor ")
    grades.append(_grade(audit.grade), style="bold")
    grades.append(", moderator ")
    grades.append(_grade(m.grade), style="bold")
    step = grade_step(audit.grade, m.grade)
    grades.append(f" — {step}", style="bold yellow" if audit.grade != m.grade else "")
    screen.query_one("#reconcile-grades", Static).update(grades)

    notes = Text()
    for row in rows:
        if not row.differs:
            continue
        mine, theirs = audit.notes.get(row.standard), m.notes.get(row.standard)
        if mine or theirs:
            notes.append(f"\n{row.standard}", style="bold")
            notes.append(f"\n  auditor: {mine or '—'}\n  moderator: {theirs or '—'}")
    return notes


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
        yield Footer()

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
        return load_reconcile(self.app, self.audit_id)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state == WorkerState.SUCCESS and worker.group == "load":
            self.show(worker.result)
        elif event.state == WorkerState.SUCCESS and worker.group == "save":
            notice, title = self.SAVED
            self.app.notify(notice, title=title)
            self.load()

    def show(self, view: ReconcileView) -> None:
        raise NotImplementedError


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
            yield Select([(g.label, g) for g in GRADE_ORDER], prompt="final grade", compact=True,
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
        notes = fill_side_by_side(self, view, "Reconciliation")
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
        (table if m.outcome else outcome).focus()

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
        from audit_tools.reconciliation import reconciliation_problems

        outcome = self.query_one("#reconcile-outcome", Select).value
        final = self.query_one("#reconcile-final-grade", Select).value
        values = dict(
            outcome=None if outcome == Select.NULL else outcome,
            final_grade=None if final == Select.NULL or outcome != Outcome.grade_changed else final,
            reason=self.query_one("#reconcile-reason", Input).value.strip() or None,
            feedback=self.query_one("#reconcile-feedback", TextArea).text.strip() or None,
        )
        problems = reconciliation_problems(self.view.audit, self.view.audit.moderation.model_copy(update=values))
        if problems:
            self.app.notify("\n".join(problems), title="Not yet", severity="warning", timeout=10)
            return
        self.save(values)

    @work(thread=True, exclusive=True, exit_on_error=False, group="save")
    def save(self, values: dict) -> Moderation:
        from caseaudit.services.moderation import reconcile

        return reconcile(self.app.store, self.audit_id, **values)


# --- the QA lead's side: escalations -------------------------------------------------


def load_escalations(app: Any) -> list:
    from caseaudit.services.moderation import escalations

    return escalations(app.store)


class EscalationsScreen(CaseauditScreen):
    """Every escalated moderation, those still to resolve first (QA lead)."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("f5", "reload", "Refresh", id="refresh_escalations"),
    ]

    DEFAULT_CSS = """
    #escalations-title { height: auto; padding: 0 1; }
    #escalations-table { height: 1fr; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading escalated moderations…", id="escalations-title")
        yield DataTable(id="escalations-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()

    def on_screen_resume(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load(self) -> list:
        return load_escalations(self.app)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.SUCCESS and event.worker.group == "load":
            self.show(event.worker.result)

    def show(self, rows: list) -> None:
        todo = sum(not r.resolved for r in rows)
        title = Text()
        title.append("Escalated moderations: ", style="bold")
        if rows:
            title.append(f"{todo} of {len(rows)} to resolve. Enter reads both sides and records the resolution.")
        else:
            title.append("none; a moderator escalates a moderation they cannot settle with the auditor.")
        self.query_one("#escalations-title", Static).update(title)
        table = self.query_one("#escalations-table", DataTable)
        kept = table.cursor_row if table.row_count else 0  # back from an audit: stay on it
        table.clear(columns=True)
        # State first and grades in short words, so nothing that matters is cut at 80 columns.
        table.add_columns("audit", "state", "auditor", "moderator", "grades: auditor → moderator", "case")
        for r in rows:
            a, m = r.audit, r.audit.moderation
            state = (Text(f"resolved: {_short(r.resolution.final_grade)}", style="dim") if r.resolved
                     else Text("to resolve", style="bold"))
            table.add_row(a.audit_id, state, a.auditor, m.moderator,
                          f"{_short(a.grade)} → {_short(m.grade)}", a.case_ref, key=a.audit_id)
        if table.row_count:
            table.move_cursor(row=min(kept, table.row_count - 1), scroll=True)
        table.focus()
        repaint_later(table)

    @on(DataTable.RowSelected, "#escalations-table")
    def open_escalation(self, event: DataTable.RowSelected) -> None:
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
            yield Select([(g.label, g) for g in GRADE_ORDER], prompt="final grade (required)", compact=True,
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
        notes = fill_side_by_side(self, view, "Escalation")
        extra = Text()
        extra.append(f"\n\nModerator's outcome: {OUTCOME_WORDS[m.outcome] if m.outcome else 'not reconciled yet'}",
                     style="bold")
        extra.append(f"\nModerator's reason: {m.reason or '—'}")
        extra.append(f"\nModerator's feedback to the auditor: {m.feedback or '—'}")
        from audit_tools.reconciliation import resolver_conflict

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
        from audit_tools.reconciliation import resolution_problems

        grade = self.query_one("#resolve-final-grade", Select).value
        values = dict(
            final_grade=None if grade == Select.NULL else grade,
            reason=self.query_one("#resolve-reason", Input).value.strip() or None,
            feedback=self.query_one("#resolve-feedback", TextArea).text.strip() or None,
        )
        problems = resolution_problems(values["final_grade"], values["reason"])
        if problems:
            self.app.notify("\n".join(problems), title="Not yet", severity="warning", timeout=10)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.save(values)

        self.app.push_screen(Confirm(
            f"Resolve audit {self.audit_id} at {_grade(values['final_grade'])}? "
            "The resolution is recorded and not changed afterwards.", yes="Resolve"), answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="save")
    def save(self, values: dict) -> Resolution:
        from caseaudit.services.moderation import resolve_escalation

        return resolve_escalation(self.app.store, self.audit_id, **values)


# --- the auditor's side: feedback to acknowledge ------------------------------------


def load_feedback(app: Any) -> tuple[list[Audit], dict[str, Resolution]]:
    from caseaudit.services.moderation import feedback_waiting, resolutions

    audits = feedback_waiting(app.store)
    return audits, resolutions(app.store, [a.audit_id for a in audits])


class FeedbackScreen(CaseauditScreen):
    """Moderation feedback on my audits that I have not yet acknowledged."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("f", "acknowledge", "Acknowledge", id="acknowledge_feedback"),
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
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load(self) -> tuple[list[Audit], dict[str, Resolution]]:
        return load_feedback(self.app)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state == WorkerState.SUCCESS and worker.group == "load":
            self.show(*worker.result)
        elif event.state == WorkerState.SUCCESS and worker.group == "acknowledge":
            self.app.notify("Feedback acknowledged.", title="Thank you")
            self.load()

    def show(self, audits: list[Audit], resolutions: dict[str, Resolution] | None = None) -> None:
        self.audits = {a.audit_id: a for a in audits}
        self.resolutions = resolutions or {}
        title = Text()
        pieces = "1 piece" if len(audits) == 1 else f"{len(audits)} pieces"
        title.append(f"{pieces} of moderation feedback to acknowledge", style="bold")
        if audits:
            title.append(". Read it below, then press f to acknowledge.")
        self.query_one("#feedback-title", Static).update(title)
        table = self.query_one("#feedback-table", DataTable)
        table.clear(columns=True)
        table.add_columns("audit", "case", "moderator", "outcome", "your grade", "final grade")
        for a in audits:
            m = a.moderation
            # Short words in the table so the final grade shows at 80 columns; the detail says it in full.
            outcome = m.outcome.value.replace("_", " ")
            if a.audit_id in self.resolutions:
                outcome += ", resolved"
            table.add_row(a.audit_id, a.case_ref, m.moderator, outcome, _short(a.grade),
                          _short(a.final_grade), key=a.audit_id)
        self._detail()
        self.refresh_bindings()
        table.focus()

    def _current(self) -> Audit | None:
        table = self.query_one("#feedback-table", DataTable)
        if not self.audits or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.audits.get(key)

    @on(DataTable.RowHighlighted, "#feedback-table")
    def _detail(self) -> None:
        audit = self._current()
        text = Text()
        if audit is not None:
            m = audit.moderation
            text.append(f"{audit.audit_id} ({audit.case_ref}), moderated by {m.moderator}", style="bold")
            if m.moderated_on:
                text.append(f" on {format_day(m.moderated_on)}")
            text.append(f"\nOutcome: {OUTCOME_WORDS[m.outcome]}. Your grade {_grade(audit.grade)}; "
                        f"moderator's blind grade {_grade(m.grade)}; final grade {_grade(audit.final_grade)}.")
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
        from caseaudit.services.moderation import acknowledge

        acknowledge(self.app.store, audit_id, self.app.today)
