"""The audit form: score one case against the standards, grade it, and plan the actions.

Every evidence standard arrives pre-filled with what the engine found; the auditor
confirms it or changes it with a reason. Drafts save themselves a moment after each
change (with the revision they were loaded at, so a second session never overwrites
silently). Submit asks the domain rules (audit_tools.audit.submission_rule_problems),
lists every unmet rule at once and puts the cursor on the field of the first. A
submitted audit is read-only; corrections are amendments with a reason.

The fields are widgets (tui/widgets/audit_fields.py and the parts it is made of) that
read back their own values; where the form stands is one FormMode.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Button, Header, Input, Select, SelectionList, Static
from textual.worker import Worker, WorkerState

from audit_tools.audit import Problem, submission_rule_problems
from audit_tools.calendar import format_day
from audit_tools.models import Action, Audit, Case
from caseaudit.services import audits as audit_service
from caseaudit.services.audits import AuditContext
from tui.screens.audit_form_mode import FormMode
from tui.screens.base import CaseauditScreen
from tui.widgets.action_plan import ActionPlan
from tui.widgets.audit_fields import AuditFields
from tui.widgets.footer import KeysFooter
from tui.widgets.problems import ProblemsBox, things
from tui.widgets.prompts import AskText, Confirm

AUTOSAVE_SECONDS = 1.5
IMPORTED_WORDS = ("Imported from the council's earlier records: scored outside caseaudit; "
                  "the automatic status is shown beside each score for comparison.")


class AuditFormScreen(CaseauditScreen):
    """One audit of one case: new (case_ref) or an existing one (audit_id)."""

    HOLDS_NAVIGATION = True

    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("ctrl+s", "save", "Save", id="save_draft"),
        Binding("ctrl+n", "add_action", "Add action", id="add_action"),
        # Not ctrl+d: in a text box that deletes a character.
        # Told beside the action plan rather than in the footer, which must fit 80 columns.
        Binding("ctrl+y", "remove_action", "Remove action", id="remove_action", show=False),
        Binding("ctrl+r", "submit", "Submit", id="submit_audit"),
        Binding("ctrl+e", "amend", "Amend", id="amend_audit"),
        # Any time, whatever the form's mode: a child may be at risk now (tui/screens/concerns.py).
        Binding("ctrl+g", "raise_concern", "Concern", id="raise_concern"),
        # Offered once the audit has been amended; the header says so beside the date.
        Binding("ctrl+l", "amendment_trail", "Amendments", id="amendment_trail_of_audit", show=False),
    ]

    def __init__(self, case_ref: str | None = None, audit_id: str | None = None,
                 round_id: str | None = None) -> None:
        super().__init__()
        self.case_ref = case_ref
        self.audit_id = audit_id
        self.round_id = round_id  # starting a thematic round's audit of the case
        self.round = None  # the round of a round audit (audit_tools.rounds.Round), once loaded
        self.case: Case | None = None
        self.report = None
        self.audit: Audit | None = None
        self.revision: Any = None
        self.users: list = []
        self.themes: dict[str, str] = {}
        self.amended = ""  # "2 Oct 2025 (2)" once the submitted audit has been amended
        self.mode = FormMode.LOADING
        # Changes not yet saved: in a draft, a conflicted draft or an amendment alike.
        self.dirty = False
        self.close_after_save = False
        self.quit_after_save = None  # ctrl+q waiting for the draft to be saved
        self._autosave = None

    # --- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the case…", id="audit-header")
        yield ProblemsBox(id="audit-problems")
        yield VerticalScroll(id="audit-form")
        yield Static("", id="save-state")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.load()

    @property
    def read_only(self) -> bool:
        return self.mode.read_only

    # What the service's policy said when the audit opened: whether the user may change
    # this draft, and amend the audit once it is submitted. The form decides neither.
    own = False
    _may_amend = False

    @property
    def may_amend(self) -> bool:
        return bool(self.audit and self.audit.submitted and self._may_amend)

    @property
    def plan(self) -> ActionPlan:
        return self.query_one(AuditFields).plan

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "amendment_trail":
            return bool(self.amended)
        return self.mode.offers(action, self.may_amend)

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load(self) -> AuditContext:
        return audit_service.audit_context(self.app.store, self.app.user, self.app.catalogue, self.app.today,
                                           case_ref=self.case_ref, audit_id=self.audit_id,
                                           round_id=self.round_id)

    async def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state == WorkerState.ERROR:
            # Told here, so CaseauditScreen's handler (which Textual would call next) must not
            # tell it a second time.
            event.prevent_default()
            if worker.group == "load":
                self.query_one("#audit-header", Static).update(
                    Text("This audit could not be opened. Press escape to go back.", style="bold"))
            self.quit_after_save = None  # not saved: the app stays open, the work on screen
            if worker.group == "save" and audit_service.is_conflict(worker.error):
                self._conflict(worker.error)
                return
            self.close_after_save = False
            self.app.show_problem(worker.error)
            return
        if event.state != WorkerState.SUCCESS:
            return
        if worker.group == "load":
            await self._show(worker.result)
        elif worker.group == "save":
            self._saved(worker.result)
        elif worker.group == "submit":
            self._submitted(worker.result)
        elif worker.group == "amend":
            self._amended(*worker.result)

    async def _show(self, context: AuditContext) -> None:
        self.case = context.case
        self.report = context.report
        self.audit = context.audit
        self.revision = context.revision
        self.users = context.users
        self.themes = context.themes
        self.amended = context.amended
        self.own = context.may_edit
        self._may_amend = context.may_amend
        self.round = context.round
        self.case_ref = self.case.case_ref
        self.audit_id = self.audit.audit_id
        form = self.query_one("#audit-form", VerticalScroll)
        await form.remove_children()
        await form.mount(AuditFields(self.audit, self.app.catalogue.applicable(self.case.case_type), self.report,
                                     self.users, self.themes, self.round))
        self._refresh_header()
        self._after_show()

    def _after_show(self) -> None:
        self.mode = FormMode.opening(self.audit.submitted, self.own)
        if not self.read_only:
            # What the form shows now (automatic statuses filled in) is the starting point:
            # only the auditor's own changes count as unsaved work.
            self.audit = self.build_audit()
        self._apply_read_only()
        self.refresh_bindings()
        boxes = self.query(".question-row Select") or self.query(".standard-row Select")
        first = boxes.first() if boxes else None
        if first is not None and not self.read_only:
            first.focus()
        else:
            self.query_one("#audit-form").focus()

    def _refresh_header(self) -> None:
        audit, case = self.audit, self.case
        text = Text()
        text.append(f"Audit {audit.audit_id} of {case.case_ref} ", style="bold")
        text.append(f"({case.case_type.value}, {case.team or 'no team'}, worker {case.worker or '—'}) ")
        text.append(f"as at {format_day(audit.as_of)}")
        if audit.submitted:
            text.append(f" — submitted {format_day(audit.submitted_on)}", style="bold")
            if self.amended:
                text.append(f" · amended {self.amended}", style="bold")
            if self.mode is FormMode.AMENDING:
                text.append(" — amending", style="bold")
        else:
            text.append(" — draft")
        if audit.imported:
            text.append(f"\n{IMPORTED_WORDS}", style="italic")
        if self.round is not None:
            scored = "the standards scored too" if self.round.score_standards else "the standards not scored"
            text.append(f"\nThematic round {self.round.round_id} \u201c{self.round.name}\u201d: answer every "
                        f"question; {scored}. It counts in its round, not toward your monthly quota.",
                        style="italic")
        self.query_one("#audit-header", Static).update(text)

    # --- reading the form ------------------------------------------------------------

    def build_audit(self) -> Audit:
        """The audit as the form now shows it."""
        return self.query_one(AuditFields).read(self.audit, self.app.catalogue.version)

    # --- reacting to changes ---------------------------------------------------------

    def _changed(self) -> None:
        if not self.mode.editable:
            return
        if not self.dirty and self.build_audit() == self.audit:
            return  # widgets settling after mount, not the auditor's change
        self.dirty = True
        if self.mode is FormMode.AMENDING:
            self._set_state("Amending: ctrl+s saves the amendment with a reason.")
            return
        if self.mode is FormMode.CONFLICTED:
            return
        self._set_state("Unsaved changes…")
        if self._autosave is not None:
            self._autosave.stop()
        self._autosave = self.set_timer(AUTOSAVE_SECONDS, self._autosave_now)

    def _autosave_now(self) -> None:
        self._autosave = None
        if self.dirty and self.mode is FormMode.DRAFT:
            self.save_draft(self.build_audit(), self.revision)

    @on(Select.Changed)
    @on(Input.Changed)
    @on(SelectionList.SelectedChanged)
    def _field_changed(self) -> None:
        self._changed()
        self._recheck_problems()

    def _recheck_problems(self) -> None:
        # The list of what to put right shrinks as each thing is put right.
        if self.mode.editable:
            self.query_one(ProblemsBox).recheck()

    @on(Button.Pressed, "#add-action")
    async def _add_pressed(self) -> None:
        await self.action_add_action()

    @on(Button.Pressed, "#save-draft")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#submit")
    def _submit_pressed(self) -> None:
        self.action_submit()

    def _set_state(self, words: str, style: str = "") -> None:
        # Only when it changes: an update lays the screen out again, and this runs per keystroke.
        if getattr(self, "_state_shown", None) != (words, style):
            self._state_shown = (words, style)
            self.query_one("#save-state", Static).update(Text(words, style=style))

    # --- actions (keys) --------------------------------------------------------------

    async def action_add_action(self) -> None:
        if not self.mode.editable:
            return
        row = await self.plan.add(Action())
        self.plan.show_hint(editable=True)
        self._changed()
        self._recheck_problems()
        # Its first box takes the focus at once (a key pressed next goes there); once laid
        # out, the form shows its end: the new row (the plan's last), its hint and the buttons.
        row.query_one(Input).focus(scroll_visible=False)
        self.call_after_refresh(self.query_one("#audit-form", VerticalScroll).scroll_end, animate=False)

    def action_remove_action(self) -> None:
        number, refusal = self.plan.row_of(self.focused)
        if number is None:
            self.notify(refusal, severity="warning")
            return

        def remove(yes: bool | None = True) -> None:
            if yes and number in self.plan.numbers:
                self.plan.remove(number)
                self.plan.show_hint(editable=not self.read_only)
                self._changed()
                self._recheck_problems()

        what = self.plan.describe(number)
        if what is None:
            remove()  # an empty row loses nothing
            return
        self.app.push_screen(Confirm(f"Remove {what}? What it says is lost.", yes="Remove",
                                     no="Keep it"), remove)

    def action_save(self) -> None:
        if self.mode is FormMode.AMENDING:
            self._ask_amendment()
        elif self.mode is FormMode.CONFLICTED:
            self._conflict(None)
        elif self.mode is FormMode.DRAFT:
            bad = self.plan.bad_due_dates()
            if bad:
                self._show_problems(bad, "Saved, but not yet right", check=self.plan.bad_due_dates)
            self.save_draft(self.build_audit(), self.revision)

    def action_back(self) -> None:
        if self.mode is FormMode.DRAFT and self.dirty:
            self.close_after_save = True
            self.save_draft(self.build_audit(), self.revision)
            return
        if self.mode is FormMode.AMENDING and self.dirty:
            self.app.push_screen(
                Confirm("Discard your changes? They are not saved: ctrl+s saves them as an amendment, "
                        "with a reason.", yes="Discard", no="Keep editing"),
                self._discard_amendment)
            return
        self.app.pop_screen()

    def keep_before_quitting(self, quit_app) -> None:
        """ctrl+q: a draft with changes is saved first; an amendment's changes are not saved
        without a reason, so the person is asked before they are dropped."""
        if self.mode is FormMode.DRAFT and self.dirty:
            self.quit_after_save = quit_app
            self.save_draft(self.build_audit(), self.revision)
        elif self.mode is FormMode.AMENDING and self.dirty:
            self.app.push_screen(Confirm("Quit and discard your changes to this audit? ctrl+s saves them as "
                                         "an amendment instead.", yes="Discard and quit", no="Keep editing"),
                                 lambda yes: quit_app() if yes else None)
        else:
            quit_app()

    def _discard_amendment(self, discard: bool | None) -> None:
        if not discard or self.mode is not FormMode.AMENDING:
            return
        # Put the form back as stored, so what is on screen is never an unsaved correction.
        self.notify("Changes discarded: the audit shows as stored; escape again leaves it.")
        self.mode = FormMode.LOADING
        self.dirty = False
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="save")
    def save_draft(self, audit: Audit, revision: Any) -> tuple[Audit, Any]:
        return audit, audit_service.save_draft(self.app.store, audit, revision)

    def _saved(self, result: tuple[Audit, Any]) -> None:
        audit, revision = result
        self.audit = audit
        self.plan.now_stored(audit.actions)
        self.revision = revision
        self.dirty = False
        self._set_state(f"Draft saved (revision {revision}).")
        if self.quit_after_save is not None:
            self.quit_after_save()
            return
        if self.close_after_save:
            self.close_after_save = False
            self.app.pop_screen()

    def _conflict(self, err: BaseException | None) -> None:
        self.mode = FormMode.CONFLICTED
        self.close_after_save = False
        words = ("Someone else saved this draft since you opened it, so your changes here were NOT "
                 "saved (nothing was overwritten). Note what you changed, press escape, and reopen "
                 "the audit to see their version.")
        self._set_state("Not saved: someone else changed this draft. Reopen it.", style="bold red")
        self.notify(words, title="Draft conflict", severity="error", timeout=15)

    # --- submitting ------------------------------------------------------------------

    def _show_problems(self, problems: list[Problem], heading: str = "Not submitted", check=None) -> None:
        catalogue = self.app.catalogue
        titled = None if check is None else (lambda: [p.titled(catalogue) for p in check()])
        self.query_one(ProblemsBox).show([p.titled(catalogue) for p in problems], heading, titled)

    def _rule_problems(self, audit: Audit) -> list[Problem]:
        known = [u.username for u in self.users]
        # A due date typed that is not a date reads as none: one sentence for that box, not two.
        bad = self.plan.bad_due_dates()
        said = {problem.field for problem in bad}
        return bad + [problem for problem in submission_rule_problems(
            audit, self.case, self.app.catalogue, known, self.themes.keys(), round=self.round)
            if problem.field not in said]

    def _refuse(self, problems: list[Problem], heading: str) -> None:
        """List every problem at the top and take the auditor to the first."""
        self._show_problems(problems, heading, check=lambda: self._rule_problems(self.build_audit()))
        self.notify(f"{heading}: {things(len(problems))} to put right, listed at the top.",
                    severity="error")
        target = self.query_one(AuditFields).widget_for(problems[0].field)
        if target is not None:
            if not target.display:
                target.display = True
            target.focus()
            self.call_after_refresh(target.scroll_visible)

    def action_submit(self) -> None:
        if not self.mode.submittable:
            return
        audit = self.build_audit()
        problems = self._rule_problems(audit)
        if problems:
            self._refuse(problems, "Not submitted")
            return
        self._show_problems([])
        if self._autosave is not None:
            self._autosave.stop()
            self._autosave = None
        self.submit(audit, self.revision)

    @work(thread=True, exclusive=True, exit_on_error=False, group="submit")
    def submit(self, audit: Audit, revision: Any) -> Audit:
        return audit_service.submit_audit(self.app.store, audit, revision)

    def _submitted(self, audit: Audit) -> None:
        self.audit = audit
        self.plan.now_stored(audit.actions)
        self.mode = FormMode.SUBMITTED
        self.dirty = False
        self._refresh_header()
        self._apply_read_only()
        self.refresh_bindings()
        self._set_state(f"Submitted {format_day(audit.submitted_on)}: read-only now; "
                        "ctrl+e amends it with a reason.")
        self.notify(f"Audit {audit.audit_id} submitted.", title="Submitted")

    # --- read-only and amendments ----------------------------------------------------

    def _apply_read_only(self) -> None:
        locked = self.read_only
        self.query_one(AuditFields).set_locked(locked, amending=self.mode is FormMode.AMENDING)
        words = self.mode.locked_words(self.audit.auditor, self.may_amend)
        if words:
            self._set_state(words)

    def action_raise_concern(self) -> None:
        from tui.screens.concerns import raise_from

        raise_from(self, self.case.case_ref if self.case else None, self.audit_id)

    def action_amend(self) -> None:
        if self.mode is not FormMode.SUBMITTED or not self.may_amend:
            return
        self.mode = FormMode.AMENDING
        self.dirty = False
        self._apply_read_only()
        self._refresh_header()
        self.refresh_bindings()
        self._set_state("Amending: change what needs correcting, then ctrl+s to save with a reason.")

    def _ask_amendment(self) -> None:
        after = self.build_audit()
        changes = audit_service.audit_changes(self.audit, after)
        if not changes:
            self.notify("Nothing has changed yet, so there is nothing to amend.", severity="warning")
            return
        # The amended audit must still be one submission would accept.
        problems = self._rule_problems(after)
        if problems:
            self._refuse(problems, "Not amended")
            return
        self._show_problems([])

        def answered(reason: str | None) -> None:
            if reason:
                self.amend(changes, reason)

        self.app.push_screen(AskText("Why are you amending this submitted audit? (kept in its history)",
                                     placeholder="reason for the amendment"), answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="amend")
    def amend(self, changes: dict, reason: str) -> tuple[Audit, str]:
        audit = audit_service.amend_audit(self.app.store, self.audit.audit_id, changes, reason)
        return audit, audit_service.amended_summary(self.app.store, audit)

    def _amended(self, audit: Audit, amended: str) -> None:
        self.audit = audit
        self.amended = amended
        self.plan.now_stored(audit.actions)
        self.mode = FormMode.SUBMITTED
        self.dirty = False
        self._refresh_header()
        self._apply_read_only()
        self.refresh_bindings()
        self.notify("Amendment saved with its reason; ctrl+l shows every amendment.", title="Amended")

    def action_amendment_trail(self) -> None:
        from tui.screens.my_audits import AmendmentTrailScreen

        if self.amended and self.audit is not None:
            self.app.push_screen(AmendmentTrailScreen(self.audit.audit_id))
