"""The audit form: score one case against the standards, grade it, and plan the actions.

Every evidence standard arrives pre-filled with what the engine found; the auditor
confirms it or changes it with a reason. Drafts save themselves a moment after each
change (with the revision they were loaded at, so a second session never overwrites
silently). Submit asks the domain rules (audit_tools.audit.submission_problems) and
lists every unmet rule at once. A submitted audit is read-only; corrections are
amendments with a reason.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Header, Input, Select, SelectionList, Static
from textual.worker import Worker, WorkerState

from audit_tools.audit import submission_problems
from audit_tools.calendar import format_day
from audit_tools.errors import BadInput
from audit_tools.models import Action, Audit, Case, Grade, Role, Status, Themes
from audit_tools.vocabulary import GRADE_DESCRIPTIONS
from caseaudit.services import audits as audit_service
from tui.screens.base import CaseauditScreen
from tui.widgets.prompts import AskText
from tui.widgets.footer import KeysFooter

STATUS_WORDS = {
    Status.met: "met",
    Status.partly_met: "partly met",
    Status.not_met: "not met",
    Status.not_applicable: "not applicable",
}
NEEDS_NOTE = (Status.partly_met, Status.not_met)
GRADE_ORDER = [Grade.outstanding, Grade.good, Grade.requires_improvement, Grade.inadequate]
AUTOSAVE_SECONDS = 1.5


def status_options(automatic: Status | None) -> list[tuple[str, Status]]:
    options = []
    for status, words in STATUS_WORDS.items():
        label = f"{words}  (automatic)" if status == automatic else words
        options.append((label, status))
    return options


def evidence_text(result) -> Text:
    """The engine's evidence in a line or two, with each late one spelled out."""
    text = Text()
    if result is None:
        return text
    if result.status is None:
        text.append("Your judgement: no automatic status.", style="italic")
        return text
    text.append(f"Automatic: {STATUS_WORDS[result.status]}. ", style="bold")
    # The engine's evidence already names each late one with its due and actual dates.
    text.append(result.evidence, style="bold" if result.late else "")
    return text


def things(n: int) -> str:
    return "1 thing" if n == 1 else f"{n} things"


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
    ]

    def __init__(self, case_ref: str | None = None, audit_id: str | None = None) -> None:
        super().__init__()
        self.case_ref = case_ref
        self.audit_id = audit_id
        self.case: Case | None = None
        self.report = None
        self.audit: Audit | None = None
        self.revision: Any = None
        self.users: list = []
        self.themes: dict[str, str] = {}
        self.loaded = False
        self.dirty = False
        self.conflicted = False
        self.amending = False
        self.close_after_save = False
        self.action_numbers: list[int] = []
        # The stored action each row was opened from (a row added since has none), so a
        # completion date stays with its action when rows above it are removed.
        self.action_origin: dict[int, Action] = {}
        self._next_action = 0
        self._autosave = None

    # --- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the case…", id="audit-header")
        yield Static("", id="audit-problems")
        yield VerticalScroll(id="audit-form")
        yield Static("", id="save-state")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.load()

    @property
    def read_only(self) -> bool:
        if self.audit is not None and not self.own:
            return not (self.audit.submitted and self.amending)
        return bool(self.audit and self.audit.submitted and not self.amending)

    @property
    def own(self) -> bool:
        """The user's own audit (an admin may work on anyone's, as the store allows)."""
        user = self.app.user
        return self.audit is None or self.audit.auditor == user.username or user.has(Role.admin)

    @property
    def may_amend(self) -> bool:
        # The store lets the auditor, or a QA lead, amend a submitted audit.
        return bool(self.audit and self.audit.submitted and (self.own or self.app.user.has(Role.qa_lead)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.loaded:
            return action == "back"
        # False hides a key from the footer where it cannot apply.
        if action in ("save", "add_action", "remove_action"):
            # Amending may correct the action plan too (a completed action stays as it is).
            return self.amending or not self.read_only
        if action == "submit":
            return self.own and not (self.audit and self.audit.submitted)
        if action == "amend":
            return self.read_only and self.may_amend
        return True

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load(self) -> dict:
        return audit_service.audit_context(self.app.store, self.app.user, self.app.catalogue, self.app.today,
                                           case_ref=self.case_ref, audit_id=self.audit_id)

    async def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state == WorkerState.ERROR:
            # Told here, so CaseauditScreen's handler (which Textual would call next) must not
            # tell it a second time.
            event.prevent_default()
            if worker.group == "load":
                self.query_one("#audit-header", Static).update(
                    Text("This audit could not be opened. Press escape to go back.", style="bold"))
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
            self._amended(worker.result)

    async def _show(self, context: dict) -> None:
        self.case = context["case"]
        self.report = context["report"]
        self.audit = context["audit"]
        self.revision = context["revision"]
        self.users = context["users"]
        self.themes = context["themes"]
        self.case_ref = self.case.case_ref
        self.audit_id = self.audit.audit_id
        form = self.query_one("#audit-form", VerticalScroll)
        await form.remove_children()
        self.action_numbers, self.action_origin = [], {}
        await form.mount_all(list(self._form_widgets()))
        for action in self.audit.actions:
            number, row = self._action_row_for(action)
            await self.query_one("#action-plan", Vertical).mount(row)
            self.action_numbers.append(number)
            self.action_origin[number] = action
        self._update_action_hint()
        self._refresh_header()
        self._after_show()

    def _after_show(self) -> None:
        for standard in self._standards():
            self._update_row(standard.id)
        if not self.read_only:
            # What the form shows now (automatic statuses filled in) is the starting point:
            # only the auditor's own changes count as unsaved work.
            self.audit = self.build_audit()
        self._apply_read_only()
        self.loaded = True
        self.refresh_bindings()
        first = self.query(".standard-row Select").first() if self.query(".standard-row Select") else None
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
            if self.amending:
                text.append(" — amending", style="bold")
        else:
            text.append(" — draft")
        self.query_one("#audit-header", Static).update(text)

    def _standards(self):
        return self.app.catalogue.applicable(self.case.case_type)

    def _result(self, standard_id: str):
        for result in self.report.results:
            if result.standard == standard_id:
                return result
        return None

    def _form_widgets(self):
        audit = self.audit
        yield Static("Standards", classes="section")
        for standard in self._standards():
            result = self._result(standard.id)
            automatic = result.status if result else None
            classes = "standard-row"
            if result is not None and result.status is None:
                classes += " judgement"
            elif result is not None and result.late:
                classes += " late"
            value = audit.scores.get(standard.id, automatic)
            row = Vertical(
                Static(Text.assemble((standard.title, "bold"), f"  [{standard.id}]")),
                Static(evidence_text(result), classes="evidence"),
                Select(status_options(automatic), prompt="choose a status", compact=True,
                       value=value if value is not None else Select.NULL,
                       id=f"status-{standard.id}"),
                Input(audit.override_reasons.get(standard.id, ""), compact=True,
                      placeholder="Why you changed the automatic status (needed)",
                      id=f"reason-{standard.id}"),
                Input(audit.notes.get(standard.id, ""), compact=True,
                      placeholder="Evidence note: what is missing or late (needed)",
                      id=f"note-{standard.id}"),
                classes=classes, id=f"row-{standard.id}",
            )
            yield row
        yield Static("Overall grade", classes="section")
        descriptions = Text()
        for grade in GRADE_ORDER:
            descriptions.append(f"{grade.label}: ", style="bold")
            descriptions.append(GRADE_DESCRIPTIONS[grade.value] + "\n")
        yield Static(descriptions, id="grade-description")
        yield Select([(g.label, g) for g in GRADE_ORDER], prompt="choose a grade", compact=True,
                     value=audit.grade if audit.grade else Select.NULL, id="grade-select")
        yield Static("Strengths (space to tick)", classes="section")
        yield SelectionList(*[(label, theme, theme in audit.themes.strengths)
                              for theme, label in self.themes.items()],
                            id="strengths", classes="theme-list", compact=True)
        yield Static("Areas for improvement (space to tick)", classes="section")
        yield SelectionList(*[(label, theme, theme in audit.themes.improvements)
                              for theme, label in self.themes.items()],
                            id="improvements", classes="theme-list", compact=True)
        yield Static("Action plan", classes="section")
        yield Vertical(id="action-plan")
        yield Static("", id="action-plan-empty", classes="muted")
        yield Horizontal(
            Button("Add action (ctrl+n)", id="add-action", compact=True),
            Button("Save draft (ctrl+s)", id="save-draft", compact=True),
            Button("Submit (ctrl+r)", id="submit", variant="primary", compact=True),
            id="audit-buttons",
        )

    def _action_row(self, number: int, action: Action) -> Vertical:
        owners = [(f"{u.display_name} ({u.username})", u.username) for u in self.users]
        standards = [(s.id, s.id) for s in self._standards()]
        return Vertical(
            Input(action.description, placeholder=f"Action {number}: what must be done", compact=True,
                  id=f"action-description-{number}"),
            Horizontal(
                Select(owners, prompt="owner", compact=True, id=f"action-owner-{number}",
                       value=action.owner if action.owner in {u.username for u in self.users} else Select.NULL),
                Input(action.due.isoformat() if action.due else "", placeholder="due YYYY-MM-DD",
                      compact=True, id=f"action-due-{number}"),
                Select(standards, prompt="linked standard", compact=True, id=f"action-standard-{number}",
                       value=action.standard if action.standard in dict(standards) else Select.NULL),
            ),
            classes="action-row", id=f"action-{number}",
        )

    def _action_row_for(self, action: Action) -> tuple[int, Vertical]:
        self._next_action += 1
        return self._next_action, self._action_row(self._next_action, action)

    def _update_action_hint(self) -> None:
        hint = self.query_one("#action-plan-empty", Static)
        if self.read_only:
            words = "" if self.action_numbers else "No actions."
        elif self.action_numbers:
            words = "ctrl+y removes the action you are in; ctrl+n adds another."
        else:
            words = "No actions yet: ctrl+n adds one."
        hint.update(words)
        hint.display = bool(words)

    # --- reading the form ------------------------------------------------------------

    def _value(self, selector: str):
        widget = self.query_one(selector)
        if isinstance(widget, Select):
            return None if widget.value == Select.NULL else widget.value
        return widget.value

    def build_audit(self) -> Audit:
        """The audit as the form now shows it."""
        audit = self.audit
        scores: dict[str, Status] = {}
        notes: dict[str, str] = {}
        reasons: dict[str, str] = {}
        automatic: dict[str, Status | None] = {}
        for standard in self._standards():
            sid = standard.id
            result = self._result(sid)
            automatic[sid] = result.status if result else None
            status = self._value(f"#status-{sid}")
            if status is not None:
                scores[sid] = status
            note = self.query_one(f"#note-{sid}", Input).value.strip()
            if note:
                notes[sid] = note
            reason = self.query_one(f"#reason-{sid}", Input).value.strip()
            if reason and status is not None and status != automatic[sid]:
                reasons[sid] = reason
        actions = []
        for number in self.action_numbers:
            due_text = self.query_one(f"#action-due-{number}", Input).value.strip()
            try:
                due = date.fromisoformat(due_text) if due_text else None
            except ValueError:
                due = None
            previous = self._previous_action(number)
            actions.append(Action(
                description=self.query_one(f"#action-description-{number}", Input).value.strip(),
                owner=self._value(f"#action-owner-{number}"),
                due=due,
                standard=self._value(f"#action-standard-{number}"),
                completed_on=previous.completed_on if previous else None,
            ))
        themes = Themes(
            strengths=list(self.query_one("#strengths", SelectionList).selected),
            improvements=list(self.query_one("#improvements", SelectionList).selected),
        )
        return audit.model_copy(update={
            "scores": scores, "notes": notes, "override_reasons": reasons, "automatic": automatic,
            "grade": self._value("#grade-select"), "themes": themes, "actions": actions,
            "catalogue_version": audit.catalogue_version or self.app.catalogue.version,
        })

    def _previous_action(self, number: int) -> Action | None:
        return self.action_origin.get(number)

    def _rows_now_stored(self, audit: Audit) -> None:
        """After a save, submit or amendment the rows stand for the actions as stored."""
        self.action_origin = dict(zip(self.action_numbers, audit.actions))

    def _bad_due_dates(self) -> list[str]:
        problems = []
        for position, number in enumerate(self.action_numbers, start=1):
            text = self.query_one(f"#action-due-{number}", Input).value.strip()
            if text:
                try:
                    date.fromisoformat(text)
                except ValueError:
                    problems.append(f"action {position}: due {text!r} is not a date; write YYYY-MM-DD")
        return problems

    # --- reacting to changes ---------------------------------------------------------

    def _update_row(self, standard_id: str) -> None:
        result = self._result(standard_id)
        automatic = result.status if result else None
        status = self._value(f"#status-{standard_id}")
        reason = self.query_one(f"#reason-{standard_id}", Input)
        note = self.query_one(f"#note-{standard_id}", Input)
        reason.display = automatic is not None and status is not None and status != automatic
        note.display = status in NEEDS_NOTE or bool(note.value.strip())

    def _changed(self) -> None:
        if not self.loaded or self.read_only:
            return
        if not self.dirty and self.build_audit() == self.audit:
            return  # widgets settling after mount, not the auditor's change
        self.dirty = True
        if self.amending:
            self._set_state("Amending: ctrl+s saves the amendment with a reason.")
            return
        if self.conflicted:
            return
        self._set_state("Unsaved changes…")
        if self._autosave is not None:
            self._autosave.stop()
        self._autosave = self.set_timer(AUTOSAVE_SECONDS, self._autosave_now)

    def _autosave_now(self) -> None:
        self._autosave = None
        if self.dirty and not self.conflicted and not self.read_only and not self.amending:
            self.save_draft(self.build_audit(), self.revision)

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        widget_id = event.select.id or ""
        if widget_id.startswith("status-"):
            self._update_row(widget_id.removeprefix("status-"))
        self._changed()

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        self._changed()

    @on(SelectionList.SelectedChanged)
    def _themes_changed(self, event: SelectionList.SelectedChanged) -> None:
        self._changed()

    @on(Button.Pressed, "#add-action")
    def _add_pressed(self) -> None:
        self.action_add_action()

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
        if self.read_only:
            return
        number, row = self._action_row_for(Action())
        await self.query_one("#action-plan", Vertical).mount(row)
        # Counted only once mounted: the form is read back from its widgets.
        self.action_numbers.append(number)
        self._update_action_hint()
        self._changed()
        # Once laid out, so the new row is scrolled into view with its first box focused.
        self.call_after_refresh(row.query_one(Input).focus)

    def action_remove_action(self) -> None:
        focused = self.focused
        row = None
        node = focused
        while node is not None:
            if isinstance(node, Vertical) and (node.id or "").startswith("action-") and "action-row" in node.classes:
                row = node
                break
            node = node.parent
        if row is None:
            self.notify("Move to the action you want to remove first (tab into it).", severity="warning")
            return
        number = int(row.id.removeprefix("action-"))
        previous = self._previous_action(number)
        if previous is not None and previous.completed_on is not None:
            self.notify(f"This action was completed on {format_day(previous.completed_on)}; "
                        "its record stays in the plan.", severity="warning")
            return
        self.action_numbers.remove(number)
        self.action_origin.pop(number, None)
        row.remove()
        self._update_action_hint()
        self._changed()

    def action_save(self) -> None:
        if self.amending:
            self._ask_amendment()
            return
        if self.read_only:
            return
        if self.conflicted:
            self._conflict(None)
            return
        bad = self._bad_due_dates()
        if bad:
            self._show_problems(bad)
        self.save_draft(self.build_audit(), self.revision)

    def action_back(self) -> None:
        if self.loaded and self.dirty and not self.conflicted and not self.read_only and not self.amending:
            self.close_after_save = True
            self.save_draft(self.build_audit(), self.revision)
            return
        if self.amending and self.dirty:
            # Put the form back as stored, so what is on screen is never an unsaved correction.
            self.notify("Amendment dropped: nothing was changed. The audit shows as stored; "
                        "escape again leaves it.", severity="warning")
            self.amending = False
            self.dirty = False
            self.loaded = False
            self.load()
            return
        self.app.pop_screen()

    @work(thread=True, exclusive=True, exit_on_error=False, group="save")
    def save_draft(self, audit: Audit, revision: Any) -> tuple[Audit, Any]:
        return audit, audit_service.save_draft(self.app.store, audit, revision)

    def _saved(self, result: tuple[Audit, Any]) -> None:
        audit, revision = result
        self.audit = audit
        self._rows_now_stored(audit)
        self.revision = revision
        self.dirty = False
        self._set_state(f"Draft saved (revision {revision}).")
        if self.close_after_save:
            self.close_after_save = False
            self.app.pop_screen()

    def _conflict(self, err: BaseException | None) -> None:
        self.conflicted = True
        self.close_after_save = False
        words = ("Someone else saved this draft since you opened it, so your changes here were NOT "
                 "saved (nothing was overwritten). Note what you changed, press escape, and reopen "
                 "the audit to see their version.")
        self._set_state("Not saved: someone else changed this draft. Reopen it.", style="bold red")
        self.notify(words, title="Draft conflict", severity="error", timeout=15)

    # --- submitting ------------------------------------------------------------------

    def _show_problems(self, problems: list[str], heading: str = "Not submitted") -> None:
        box = self.query_one("#audit-problems", Static)
        text = Text(f"{heading}: {things(len(problems))} to put right\n", style="bold")
        for line in problems:
            text.append(f"• {line}\n")
        box.update(text)
        box.set_class(bool(problems), "shown")

    def _widget_for(self, problem: str) -> Widget | None:
        """The field a submission problem is about, so the first one can be focused."""
        where, _, what = problem.partition(":")
        where = where.strip()
        try:
            if where.startswith("action "):
                position = int(where.split()[1])
                number = self.action_numbers[position - 1]
                if "owner" in what:
                    return self.query_one(f"#action-owner-{number}")
                if "due" in what:
                    return self.query_one(f"#action-due-{number}")
                if "linked" in what:
                    return self.query_one(f"#action-standard-{number}")
                return self.query_one(f"#action-description-{number}")
            if where == "grade":
                if "action" in what:
                    return self.query_one("#add-action")
                return self.query_one("#grade-select")
            if where.startswith("themes."):
                return self.query_one("#" + where.removeprefix("themes."))
            if self.app.catalogue.get(where) is not None:
                if "action" in what:
                    return self.query_one("#add-action")
                if "evidence note" in what:
                    return self.query_one(f"#note-{where}")
                if "needs a reason" in what:
                    return self.query_one(f"#reason-{where}")
                return self.query_one(f"#status-{where}")
        except Exception:
            return None
        return None

    def _rule_problems(self, audit: Audit) -> list[str]:
        known = [u.username for u in self.users]
        return self._bad_due_dates() + submission_problems(
            audit, self.case, self.app.catalogue, known, self.themes.keys())

    def _refuse(self, problems: list[str], heading: str) -> None:
        """List every problem at the top and take the auditor to the first."""
        self._show_problems(problems, heading)
        self.notify(f"{heading}: {things(len(problems))} to put right, listed at the top.",
                    severity="error")
        target = self._widget_for(problems[0])
        if target is not None:
            if not target.display:
                target.display = True
            target.focus()
            self.call_after_refresh(target.scroll_visible)

    def action_submit(self) -> None:
        if not self.loaded or self.read_only or (self.audit and self.audit.submitted):
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
        return audit_service.submit_audit(self.app.store, self.app.today, audit, revision)

    def _submitted(self, audit: Audit) -> None:
        self.audit = audit
        self._rows_now_stored(audit)
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
        self._update_action_hint()
        for widget in self.query("#audit-form Input, #audit-form Select, #audit-form SelectionList, "
                                 "#audit-form Button"):
            widget.disabled = locked
        if self.amending:
            # A completed action's record stays as it is; the rest of the plan may be corrected.
            for number in self.action_numbers:
                previous = self._previous_action(number)
                if previous is not None and previous.completed_on is not None:
                    for widget in self.query(f"#action-{number} Input, #action-{number} Select"):
                        widget.disabled = True
            self.query_one("#submit", Button).disabled = True
        if locked and not self.audit.submitted:
            self._set_state(f"{self.audit.auditor}'s draft: you can read it, not change it.")
        elif locked and self.may_amend:
            self._set_state("Submitted: read-only. ctrl+e amends it (a reason is required).")
        elif locked:
            self._set_state("Submitted: read-only.")

    def action_amend(self) -> None:
        if not self.read_only or not self.may_amend:
            return
        self.amending = True
        self.dirty = False
        self._apply_read_only()
        self.query_one("#submit", Button).disabled = True
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
    def amend(self, changes: dict, reason: str) -> Audit:
        return audit_service.amend_audit(self.app.store, self.audit.audit_id, changes, reason)

    def _amended(self, audit: Audit) -> None:
        self.audit = audit
        self._rows_now_stored(audit)
        self.amending = False
        self.dirty = False
        self._refresh_header()
        self._apply_read_only()
        self.refresh_bindings()
        self.notify("Amendment saved with its reason.", title="Amended")
