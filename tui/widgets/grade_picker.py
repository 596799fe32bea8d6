"""The audit form's overall grade: what each grade means, and the choice of one."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Select, Static

from audit_tools.models import Grade
from audit_tools.vocabulary import GRADE_DESCRIPTIONS
from tui.widgets.form_boxes import FormSelect
from tui.words import GRADE_ORDER, grade_options


class GradePicker(Vertical):
    DEFAULT_CSS = """
    GradePicker { height: auto; }
    """

    def __init__(self, grade: Grade | None) -> None:
        super().__init__()
        self._start = grade

    def compose(self) -> ComposeResult:
        yield Static("Overall grade", classes="section")
        descriptions = Text()
        for grade in GRADE_ORDER:
            descriptions.append(f"{grade.label}: ", style="bold")
            descriptions.append(GRADE_DESCRIPTIONS[grade.value] + "\n")
        yield Static(descriptions, id="grade-description")
        yield FormSelect(grade_options(), prompt="choose a grade", compact=True,
                     value=self._start if self._start else Select.NULL, id="grade-select")

    def grade(self) -> Grade | None:
        value = self.query_one("#grade-select", Select).value
        return value if isinstance(value, Grade) else None

    def widget_for(self, field: str) -> Widget | None:
        return self.query_one("#grade-select") if field == "grade" else None
