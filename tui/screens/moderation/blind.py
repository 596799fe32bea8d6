"""The blind re-audit: the moderator scores the case afresh, without the original in sight.

Its view (caseaudit.services.moderation_views.blind_view) holds only the case, its events
and the automatic evidence, so nothing here can give the original audit away.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Header, Input, Select, Static
from textual.worker import Worker, WorkerState

from audit_tools.calendar import format_day
from audit_tools.models import Moderation, Status
from audit_tools.reconciliation import blind_problems
from caseaudit.services.moderation import submit_blind
from caseaudit.services.moderation_views import BlindView, blind_view
from tui.screens.base import CaseauditScreen
from tui.screens.moderation.reconcile import ReconcileScreen
from tui.widgets.footer import KeysFooter
from tui.widgets.prompts import Confirm
from tui.words import evidence_text, grade_options, status_options


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
        yield KeysFooter()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load(self) -> BlindView:
        return blind_view(self.app.store, self.audit_id, self.app.catalogue)

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
        yield Select(grade_options(), prompt="choose your grade", compact=True,
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
        return submit_blind(self.app.store, self.audit_id, moderation, [s.id for s in self.view.standards])
