"""Every field of one audit on the form, read back as an Audit: a StandardRow per
applicable standard, the grade, the themes and the action plan, with the form's buttons
under them. Each part builds its own values and finds its own boxes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Static

from audit_tools.models import Audit, CheckReport
from tui.widgets.action_plan import ActionPlan
from tui.widgets.form_boxes import FormButton
from tui.widgets.grade_picker import GradePicker
from tui.widgets.question_row import QuestionRow
from tui.widgets.standard_row import StandardRow, read_rows
from tui.widgets.themes_picker import ThemesPicker


class AuditFields(Vertical):
    DEFAULT_CSS = """
    AuditFields { height: auto; }
    """

    def __init__(self, audit: Audit, standards: list, report: CheckReport, users: list,
                 themes: dict[str, str], round=None) -> None:
        super().__init__()
        self.audit = audit  # as opened
        self.round = round  # a thematic round's audit: its questions, and standards and grade only if asked
        # the applicable ones, in catalogue order (none in a round that does not score them)
        self.standards = standards if round is None or round.score_standards else []
        self.report = report
        self.users = users
        self.vocabulary = themes
        self._locked = (False, False)  # as composed: every box on, submit offered

    def compose(self) -> ComposeResult:
        audit = self.audit
        results = {r.standard: r for r in self.report.results}
        if self.round is not None:
            yield Static(f"Questions of the round \u201c{self.round.name}\u201d", classes="section")
            for question in self.round.questions.questions:
                yield QuestionRow(question, audit.answers.get(question.id))
        if self.standards:
            yield Static("Standards", classes="section")
        for standard in self.standards:
            result = results.get(standard.id)
            yield StandardRow(standard, result, audit.scores.get(standard.id, result.status if result else None),
                              reason=audit.override_reasons.get(standard.id, ""),
                              note=audit.notes.get(standard.id, ""), imported=audit.imported,
                              recorded_automatic=audit.automatic.get(standard.id))
        if self.round is None or self.round.grade:
            yield GradePicker(audit.grade)
        if self.round is None:  # themes go to the quarter's themes report, which a round stays out of
            yield ThemesPicker(self.vocabulary, audit.themes)
        yield ActionPlan([(f"{u.display_name} ({u.username})", u.username) for u in self.users],
                         [(s.title, s.id) for s in self.standards], audit.actions)
        yield Horizontal(
            FormButton("Add action (ctrl+n)", id="add-action"),
            FormButton("Save draft (ctrl+s)", id="save-draft"),
            FormButton("Submit (ctrl+r)", id="submit", variant="primary"),
            id="audit-buttons",
        )

    @property
    def plan(self) -> ActionPlan:
        return self.query_one(ActionPlan)

    def read(self, audit: Audit, catalogue_version: str) -> Audit:
        """`audit` with what the fields now show."""
        grades, themes = self.query(GradePicker), self.query(ThemesPicker)
        answers = {}
        for row in self.query(QuestionRow):
            given = row.read()
            if given is not None:
                answers[row.question.id] = given
        return audit.model_copy(update={
            **read_rows(self.query(StandardRow)),
            "grade": grades.first().grade() if grades else None,
            "themes": themes.first().themes() if themes else audit.themes,
            "actions": self.plan.actions(), "answers": answers,
            "catalogue_version": audit.catalogue_version or catalogue_version,
        })

    def widget_for(self, field: str) -> Widget | None:
        """The box of a field of the audit ("notes.cp-visits", "actions[1].owner", "grade")."""
        for part in (*self.query(QuestionRow), *self.query(StandardRow), *self.query(GradePicker),
                     *self.query(ThemesPicker), self.plan):
            widget = part.widget_for(field)
            if widget is not None:
                return widget
        return None

    def set_locked(self, locked: bool, amending: bool) -> None:
        """Read-only: every box off, and no button or hint offers a change that cannot be
        made. Amending: all on but submit and completed actions."""
        self.plan.show_hint(editable=not locked)
        if (locked, amending) == self._locked:
            return  # as it is shown: going over every box again would lay the form out again
        self._locked = (locked, amending)
        for picker in self.query(ThemesPicker):
            picker.show_hint(editable=not locked)
        for widget in self.query("Input, Select, SelectionList, Button"):
            widget.disabled = locked
        self.query_one("#audit-buttons").display = not locked
        submit = self.query_one("#submit", Button)
        submit.display = not amending
        self.query_one("#save-draft", Button).label = "Save amendment (ctrl+s)" if amending else "Save draft (ctrl+s)"
        if amending:
            self.plan.lock_completed()
            submit.disabled = True
