"""The blind re-audit: the moderator scores the case afresh, without the original in sight.

Its view (caseaudit.services.moderation_views.blind_view) holds only the case, its events,
the automatic evidence and the moderator's own draft, so nothing here can give the original
audit away. The keys are the audit form's: the draft saves itself a moment after each change (as an audit does, so
a dropped connection loses nothing), ctrl+s saves at once, leaving saves what is left,
ctrl+r submits; what is still missing is listed at the top
in the same problem list as the audit form's, shrinking as it is put right.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.timer import Timer
from textual.widget import Widget
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Header, Input, Select, Static

from audit_tools.audit import Problem
from audit_tools.calendar import format_day
from audit_tools.models import Moderation, Status
from audit_tools.moderation import ModerationState
from audit_tools.reconciliation import blind_problems
from caseaudit.services.moderation import save_blind_draft, submit_blind
from caseaudit.services.moderation_views import BlindView, blind_view
from tui.screens.audit_form import AUTOSAVE_SECONDS
from tui.screens.base import CaseauditScreen
from tui.widgets.footer import KeysFooter
from tui.widgets.problems import ProblemsBox, things
from tui.widgets.prompts import Confirm
from tui.words import evidence_text, grade_options, status_options
from tui.navigation import OpenModeration, RaiseConcern
from tui.workers import failure_of, result_of


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
        Binding("ctrl+s", "save", "Save draft", id="save_blind_draft"),
        Binding("ctrl+r", "submit", "Submit re-audit", id="submit_blind_reaudit"),
        Binding("ctrl+g", "raise_concern", "Concern", id="raise_concern_blind"),
    ]

    DEFAULT_CSS = """
    #blind-header { height: auto; padding: 0 1; }
    #blind-form { height: 1fr; padding: 0 1; }
    #blind-events { height: auto; max-height: 12; }
    .blind-row { height: auto; margin: 0 0 1 0; }
    .blind-row .evidence { color: $text-muted; }
    #blind-buttons { height: auto; margin: 1 0; }
    #blind-state { height: auto; padding: 0 1; }
    """

    def __init__(self, audit_id: str) -> None:
        super().__init__()
        self.audit_id = audit_id
        self.view: BlindView | None = None
        self.saved: Moderation | None = None  # as last saved (or as opened)
        self.close_after_save = False
        self.quit_after_save: Callable[[], object] | None = None  # ctrl+q waiting for the draft to be saved
        self._autosave: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the case…", id="blind-header")
        yield ProblemsBox(id="blind-problems")
        yield VerticalScroll(id="blind-form")
        yield Static("", id="blind-state")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load(self) -> BlindView:
        return blind_view(self.app.store, self.audit_id, self.app.catalogue)

    @result_of(load)
    async def show(self, view: BlindView) -> None:
        self.view = view
        case = view.case
        header = Text()
        header.append(f"Blind re-audit of {case.case_ref} ", style="bold")
        header.append(f"({case.case_type.value}, {case.team or 'no team'}, worker {case.worker or '—'}, "
                      f"line manager {case.line_manager or '—'}) as at {format_day(view.as_of)}. ")
        header.append("The original audit is shown after you submit.", style="italic")
        self.query_one("#blind-header", Static).update(header)
        form = self.query_one("#blind-form", VerticalScroll)
        await form.remove_children()
        # Awaited: the form is read back (as the starting point) once the rows are there.
        await form.mount_all(list(self._widgets(view)))
        self.call_after_refresh(self._fill_events)
        if view.draft is not None:
            self.query_one("#blind-state", Static).update(
                "Your draft as saved: carry on where you left off.")

    def _widgets(self, view: BlindView):
        yield Static("Case events up to the as-at date, newest first", classes="section")
        yield DataTable(id="blind-events", cursor_type="row", zebra_stripes=True)
        yield Static("Standards", classes="section")
        results = {r.standard: r for r in view.report.results}
        draft = view.draft
        for standard in view.standards:
            result = results.get(standard.id)
            automatic = result.status if result else None
            chosen = draft.scores.get(standard.id) if draft is not None else automatic
            yield Vertical(
                Static(Text.assemble((standard.title, "bold"), f"  [{standard.id}]")),
                Static(evidence_text(result), classes="evidence"),
                Select(status_options(automatic), prompt="choose a status", compact=True,
                       value=chosen if chosen is not None else Select.NULL,
                       id=f"blind-status-{standard.id}"),
                Input(draft.notes.get(standard.id, "") if draft is not None else "", compact=True,
                      placeholder="Evidence note (needed for partly met / not met)",
                      id=f"blind-note-{standard.id}"),
                classes="blind-row",
            )
        yield Static("Your grade for the case", classes="section")
        grade = draft.grade if draft is not None else None
        yield Select(grade_options(), prompt="choose your grade", compact=True,
                     value=grade if grade is not None else Select.NULL, id="blind-grade")
        yield Horizontal(Button("Save draft (ctrl+s)", id="blind-save", compact=True),
                         Button("Submit re-audit (ctrl+r)", variant="primary", id="blind-submit",
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
        # What the form shows now (the automatic statuses, or the draft) is the starting point.
        self.saved = self.build()

    def build(self) -> Moderation:
        scores: dict[str, Status] = {}
        notes: dict[str, str] = {}
        for standard in self.view.standards if self.view else []:
            value = self.query_one(f"#blind-status-{standard.id}", Select).value
            if value != Select.NULL:
                scores[standard.id] = Status(value)
            note = self.query_one(f"#blind-note-{standard.id}", Input).value.strip()
            if note:
                notes[standard.id] = note
        grade = self.query_one("#blind-grade", Select).value
        return Moderation(moderator=self.app.user.username, scores=scores, notes=notes,
                          grade=None if grade == Select.NULL else grade)

    def action_raise_concern(self) -> None:
        self.post_message(RaiseConcern(self.view.case.case_ref if self.view else None, self.audit_id,
                                       source="blind re-audit"))

    def _problems(self) -> list[Problem]:
        """What is still missing, each standard named by its title as the audit form names it
        ("Chronology on file: choose a status"), not by its id."""
        if not self.view:
            return []
        titles = {s.id: s.title for s in self.view.standards}
        return [replace(p, label=titles.get(p.label, p.label)) for p in blind_problems(self.build(), list(titles))]

    def _field_for(self, problem: Problem) -> Widget | None:
        """The box a problem is about, from the field it names ("scores.chronology",
        "notes.chronology", "grade")."""
        kind, _, standard = problem.field.partition(".")
        box = {"scores": f"#blind-status-{standard}", "notes": f"#blind-note-{standard}",
               "grade": "#blind-grade"}.get(kind)
        found = self.query(box) if box else None
        return found.first() if found else None

    @on(Select.Changed)
    @on(Input.Changed)
    def _changed(self) -> None:
        self.query_one(ProblemsBox).recheck()
        if self.view is None or self.saved is None or self.build() == self.saved:
            return  # still loading, or the boxes settling: nothing of the moderator's yet
        self.query_one("#blind-state", Static).update("Unsaved changes…")
        self._stop_autosave()
        self._autosave = self.set_timer(AUTOSAVE_SECONDS, self._autosave_now)

    def _autosave_now(self) -> None:
        self._autosave = None
        if self.view is not None and self.saved is not None and self.build() != self.saved:
            self.save_draft(self.build())

    def _stop_autosave(self) -> None:
        if self._autosave is not None:
            self._autosave.stop()
            self._autosave = None

    def action_submit(self) -> None:
        if self.view is None:
            return
        moderation = self.build()
        problems = self._problems()
        box = self.query_one(ProblemsBox)
        if problems:
            box.show(problems, "Not submitted", check=self._problems)
            self.notify(f"Not submitted: {things(len(problems))} to put right, listed at the top.",
                        severity="warning")
            target = self._field_for(problems[0])
            if target is not None:
                target.focus()
                self.call_after_refresh(target.scroll_visible)
            return
        box.show([])
        self._stop_autosave()

        def answered(yes: bool | None) -> None:
            if yes:
                self.submit(moderation)

        self.app.push_screen(
            Confirm("Submit your re-audit? It cannot change once the original audit is shown."),
            answered)

    def action_save(self) -> None:
        if self.view is not None:
            self._stop_autosave()
            self.save_draft(self.build())

    def keep_before_quitting(self, quit_app) -> None:
        """ctrl+q: the re-audit so far is saved first, then the app quits."""
        if self.view is None or self.saved is None or self.build() == self.saved:
            quit_app()
            return
        self._stop_autosave()
        self.quit_after_save = quit_app
        self.save_draft(self.build())

    def action_back(self) -> None:
        # A half-done re-audit is kept as a draft, as an audit is, never dropped.
        if self.view is None or self.saved is None or self.build() == self.saved:
            super().action_back()
            return
        self._stop_autosave()
        self.close_after_save = True
        self.save_draft(self.build())

    @work(thread=True, exclusive=True, exit_on_error=False, group="save")
    def save_draft(self, moderation: Moderation) -> Moderation:
        save_blind_draft(self.app.store, self.audit_id, moderation)
        return moderation

    @result_of(save_draft)
    def _draft_saved(self, moderation: Moderation) -> None:
        self.saved = moderation
        self.query_one("#blind-state", Static).update("Draft saved: it is here when you come back.")
        if self.quit_after_save is not None:
            self.quit_after_save()
            return
        if self.close_after_save:
            self.app.notify("Your re-audit so far is kept as a draft.", title="Draft saved")
            super().action_back()

    @failure_of(save_draft)
    def _draft_not_saved(self, error: BaseException) -> None:
        self.close_after_save = False
        self.quit_after_save = None  # not saved: the app stays open, the work on screen
        self.app.show_problem(error)

    @on(Button.Pressed, "#blind-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#blind-submit")
    def _submit_pressed(self) -> None:
        self.action_submit()

    @work(thread=True, exclusive=True, exit_on_error=False, group="submit")
    def submit(self, moderation: Moderation) -> Moderation:
        return submit_blind(self.app.store, self.audit_id, moderation, running_catalogue=self.app.catalogue)

    @result_of(submit)
    def _submitted(self, _: Moderation) -> None:
        self.app.notify("Blind re-audit stored. Now compare it with the original.", title="Stored")
        self.post_message(OpenModeration(self.audit_id, ModerationState.to_reconcile, replace=True))
