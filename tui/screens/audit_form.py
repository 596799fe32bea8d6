"""The audit form: score one case against the standards, grade it, and plan the actions.

Every evidence standard arrives pre-filled with what the engine found; the auditor
confirms it or changes it with a reason. Drafts save themselves a moment after each
change (with the revision they were loaded at, so a second session never overwrites
silently). Submit asks the domain rules (audit_tools.audit.submission_rule_problems),
lists every unmet rule at once and puts the cursor on the field of the first. A
submitted audit is read-only; corrections are amendments with a reason.

The fields are widgets (tui/widgets/audit_fields.py and the parts it is made of) that
read back their own values; where the form stands is one FormMode. The screen is built in
three layers: what it holds and shows (audit_form_base.py), submitting and amending
(audit_form_submit.py), and here loading, editing, the action plan's keys and saving.
"""

from __future__ import annotations

from typing import Any, Callable, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Button, Header, Input, Select, SelectionList, Static
from textual.worker import Worker, WorkerState

from audit_tools.models import Action, Audit
from caseaudit.services import audits as audit_service
from caseaudit.services.audits import AuditContext
from tui.screens.audit_form_mode import FormMode
from tui.screens.audit_form_submit import AuditFormSubmitting
from tui.widgets.audit_fields import AuditFields
from tui.widgets.footer import KeysFooter
from tui.widgets.problems import ProblemsBox
from tui.widgets.prompts import Confirm

AUTOSAVE_SECONDS = 1.5


class AuditFormScreen(AuditFormSubmitting):
    """One audit of one case: new (case_ref) or an existing one (audit_id)."""

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

    # Nothing takes the focus as the screen opens: the fields, once loaded, give it to the first
    # box (_after_show). Textual's default would give it to the problem list meanwhile, and
    # restyle it as it took the focus and again as it gave it up.
    AUTO_FOCUS = ""

    # --- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the case…", id="audit-header")
        yield ProblemsBox(id="audit-problems")
        yield VerticalScroll(id="audit-form")
        yield Static("", id="save-state")
        yield KeysFooter(keys_later=True)  # built when the case has loaded (or the form stops waiting)

    def on_mount(self) -> None:
        self._hold_until_loaded()
        self.load()

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
                self._stop_holding()
                self.query_one("#audit-header", Static).update(
                    Text("This audit could not be opened. Press escape to go back.", style="bold"))
            self.quit_after_save = None  # not saved: the app stays open, the work on screen
            if worker.group == "save" and audit_service.is_conflict(worker.error):
                self._conflict(worker.error)
                return
            self.close_after_save = False
            if worker.error is not None:
                self.app.show_problem(worker.error)
            return
        if event.state != WorkerState.SUCCESS:
            return
        result: Any = worker.result
        if worker.group == "load":
            await self._show(cast(AuditContext, result))
        elif worker.group == "save":
            self._saved(cast("tuple[Audit, int]", result))
        elif worker.group == "submit":
            self._submitted(cast(Audit, result))
        elif worker.group == "amend":
            audit, amended = cast("tuple[Audit, str]", result)
            self._amended(audit, amended)

    async def _show(self, context: AuditContext) -> None:
        self.case = case = context.case
        self.report = context.report
        self.audit = audit = context.audit
        self.revision = context.revision
        self.users = context.users
        self.themes = context.themes
        self.amended = context.amended
        self.own = context.may_edit
        self._may_amend = context.may_amend
        self.round = context.round
        self.case_ref = case.case_ref
        self.audit_id = audit.audit_id
        form = self.query_one("#audit-form", VerticalScroll)
        # One batch from the old fields to the new ones with the keys they offer: the screen is
        # laid out and painted once they are all there, not for each level of the fields as it
        # is built, and again for the footer's new keys.
        with self.app.batch_update():
            self._holding = False  # laid out and painted once the fields are in place
            await form.remove_children()
            fields = AuditFields(audit, self.app.catalogue.applicable(case.case_type), context.report,
                                 self.users, self.themes, self.round)
            await form.mount(fields)
            self._placing_fields = True
            if self._overflows(fields):
                form.show_vertical_scrollbar = True  # laid out beside its scrollbar from the first pass
            self._refresh_header()
            self._after_show()
            await self.query_one(KeysFooter).update_keys()

    def _overflows(self, fields: AuditFields) -> bool:
        """Whether the fields are sure to be taller than the form's box: each standard takes at
        least four rows (its gap, title, evidence and status) and the grade, the themes and
        the plan ten more. Sure, so the scrollbar shown from the first layout never goes."""
        # Before the first layout the box has no size: the screen's height is more than it.
        box = self.query_one("#audit-form").size.height or self.app.size.height
        return 4 * len(fields.standards) + 10 > box

    def _after_show(self) -> None:
        audit, _case = self.opened()
        self.mode = FormMode.opening(audit.submitted, self.own)
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

    @on(Button.Pressed, "#add-action")
    async def _add_pressed(self) -> None:
        await self.action_add_action()

    @on(Button.Pressed, "#save-draft")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#submit")
    def _submit_pressed(self) -> None:
        self.action_submit()

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
            self.notify(refusal or "", severity="warning")
            return

        def remove(yes: bool | None = True) -> None:
            if yes and number in self.plan.numbers:
                self.plan.remove_row(number)
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

    def keep_before_quitting(self, quit_app: Callable[[], object]) -> None:
        """ctrl+q: a draft with changes is saved first; an amendment's changes are not saved
        without a reason, so the person is asked before they are dropped."""
        if self.mode is FormMode.DRAFT and self.dirty:
            self.quit_after_save = quit_app
            self.save_draft(self.build_audit(), self.revision)
        elif self.mode is FormMode.AMENDING and self.dirty:
            def answered(discard: bool | None) -> None:
                if discard:
                    quit_app()

            self.app.push_screen(Confirm("Quit and discard your changes to this audit? ctrl+s saves them as "
                                         "an amendment instead.", yes="Discard and quit", no="Keep editing"),
                                 answered)
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
    def save_draft(self, audit: Audit, revision: int | None) -> tuple[Audit, int]:
        return audit, audit_service.save_draft(self.app.store, audit, revision)

    def _saved(self, result: tuple[Audit, int]) -> None:
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
