"""What the audit form holds and shows, shared by its parts (tui/screens/audit_form.py and
audit_form_submit.py): the audit and case it opened, where it stands (one FormMode), its
header, reading the fields back as an Audit, and listing what must be put right.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.geometry import Size
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static

from audit_tools.audit import Problem, submission_rule_problems
from audit_tools.calendar import format_day
from audit_tools.models import Audit, Case, CheckReport, User
from audit_tools.rounds import Round
from tui.screens.audit_form_mode import FormMode
from tui.screens.base import CaseauditScreen
from tui.widgets.action_plan import ActionPlan
from tui.widgets.audit_fields import AuditFields
from tui.widgets.footer import KeysFooter
from tui.widgets.problems import Check, ProblemsBox, things

IMPORTED_WORDS = ("Imported from the council's earlier records: scored outside caseaudit; "
                  "the automatic status is shown beside each score for comparison.")


class AuditFormBase(CaseauditScreen):
    """One audit of one case: new (case_ref) or an existing one (audit_id)."""

    HOLDS_NAVIGATION = True

    def __init__(self, case_ref: str | None = None, audit_id: str | None = None,
                 round_id: str | None = None) -> None:
        super().__init__()
        self.case_ref = case_ref
        self.audit_id = audit_id
        self.round_id = round_id  # starting a thematic round's audit of the case
        self.round: Round | None = None  # the round of a round audit, once loaded
        self.case: Case | None = None
        self.report: CheckReport | None = None
        self.audit: Audit | None = None
        self.revision: int | None = None
        self.users: list[User] = []
        self.themes: dict[str, str] = {}
        self.amended = ""  # "2 Oct 2025 (2)" once the submitted audit has been amended
        self.mode = FormMode.LOADING
        # Changes not yet saved: in a draft, a conflicted draft or an amendment alike.
        self.dirty = False
        self.close_after_save = False
        self.quit_after_save: Any = None  # ctrl+q waiting for the draft to be saved
        self._autosave: Timer | None = None

    # What the service's policy said when the audit opened: whether the user may change
    # this draft, and amend the audit once it is submitted. The form decides neither.
    own = False
    _may_amend = False

    @property
    def read_only(self) -> bool:
        return self.mode.read_only

    @property
    def may_amend(self) -> bool:
        return bool(self.audit and self.audit.submitted and self._may_amend)

    @property
    def plan(self) -> ActionPlan:
        return self.query_one(AuditFields).plan

    def opened(self) -> tuple[Audit, Case]:
        """The audit and its case, once loaded (the form's fields exist only then)."""
        if self.audit is None or self.case is None:
            raise RuntimeError("the audit form has not loaded its audit yet")
        return self.audit, self.case

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "amendment_trail":
            return bool(self.amended)
        return self.mode.offers(action, self.may_amend)

    def _refresh_header(self) -> None:
        audit, case = self.opened()
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

    # --- laying out -------------------------------------------------------------------

    # Set as the fields are mounted: the next layout is the first to place them.
    _placing_fields = False
    # Until the case has loaded (or HOLD_SECONDS have passed), the screen is neither laid out
    # nor painted (CaseauditScreen's hold): a case that loads at once is shown with its fields
    # in the first frame, not a "Loading the case…" frame first that is replaced a moment later.
    _holding = True

    def _stop_holding(self) -> None:
        """Show the screen as it is: loading, or that it could not be opened."""
        if self._holding:
            super()._stop_holding()
            self.call_next(self.query_one(KeysFooter).update_keys)

    def _refresh_layout(self, size: Size | None = None, scroll: bool = False) -> None:
        """Nothing while the screen is held (CaseauditScreen's). Otherwise as Textual's, but:
        Textual lays a screen out again after placing a widget for the first time, as its virtual size goes
        from nothing to what the layout just gave it: on the form, a second pass over every
        field that moves nothing. After the layout that first places the fields, those
        requests are dropped, unless a scrollbar came or went in that layout (its width is
        taken from what is beside it, which must then be laid out again)."""
        if self._holding:
            return
        if not self._placing_fields:
            super()._refresh_layout(size, scroll)
            return
        self._placing_fields = False
        widgets = list(self.walk_children(Widget))
        waiting = {widget for widget in widgets if widget._layout_required}
        bars = [(w.show_vertical_scrollbar, w.show_horizontal_scrollbar) for w in widgets]
        super()._refresh_layout(size, scroll)
        if bars != [(w.show_vertical_scrollbar, w.show_horizontal_scrollbar) for w in widgets]:
            return
        for widget in widgets:
            if widget not in waiting:
                widget._layout_required = False

    # --- reading the form ------------------------------------------------------------

    def build_audit(self) -> Audit:
        """The audit as the form now shows it."""
        audit, _case = self.opened()
        return self.query_one(AuditFields).read(audit, self.app.catalogue.version)

    def _set_state(self, words: str, style: str = "") -> None:
        # Only when it changes: an update lays the screen out again, and this runs per keystroke.
        if getattr(self, "_state_shown", None) != (words, style):
            self._state_shown = (words, style)
            self.query_one("#save-state", Static).update(Text(words, style=style))

    def _apply_read_only(self) -> None:
        audit, _case = self.opened()
        self.query_one(AuditFields).set_locked(self.read_only, amending=self.mode is FormMode.AMENDING)
        words = self.mode.locked_words(audit.auditor, self.may_amend)
        if words:
            self._set_state(words)

    # --- what must be put right ------------------------------------------------------

    def _recheck_problems(self) -> None:
        # The list of what to put right shrinks as each thing is put right.
        if self.mode.editable:
            self.query_one(ProblemsBox).recheck()

    def _show_problems(self, problems: list[Problem], heading: str = "Not submitted",
                       check: Check | None = None) -> None:
        catalogue = self.app.catalogue
        titled: Check | None = None
        if check is not None:
            def titled() -> list[Problem | str]:
                return [p.titled(catalogue) if isinstance(p, Problem) else p for p in check()]
        self.query_one(ProblemsBox).show([p.titled(catalogue) for p in problems], heading, titled)

    def _rule_problems(self, audit: Audit) -> list[Problem]:
        _opened, case = self.opened()
        known = [u.username for u in self.users]
        # A due date typed that is not a date reads as none: one sentence for that box, not two.
        bad = self.plan.bad_due_dates()
        said = {problem.field for problem in bad}
        return bad + [problem for problem in submission_rule_problems(
            audit, case, self.app.catalogue, known, self.themes.keys(), round=self.round)
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
