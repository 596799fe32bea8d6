"""The audit form's themes: the strengths and the areas for improvement, ticked from the
service's theme vocabulary."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import SelectionList, Static

from audit_tools.models import Themes
from tui.widgets.ticks import TickList


class ThemesPicker(Vertical):
    """Two lists of the vocabulary's themes: strengths, then areas for improvement."""

    DEFAULT_CSS = """
    ThemesPicker { height: auto; }
    """

    STRENGTHS = "Strengths"
    IMPROVEMENTS = "Areas for improvement"
    TICK = " (space to tick)"

    def __init__(self, vocabulary: dict[str, str], chosen: Themes) -> None:
        super().__init__()
        self.vocabulary = vocabulary  # theme id: what the list shows
        self.chosen = chosen

    def compose(self) -> ComposeResult:
        yield Static(self.STRENGTHS + self.TICK, classes="section", id="strengths-heading")
        yield TickList(*[(label, theme, theme in self.chosen.strengths)
                              for theme, label in self.vocabulary.items()],
                            id="strengths", classes="theme-list", compact=True)
        yield Static(self.IMPROVEMENTS + self.TICK, classes="section", id="improvements-heading")
        yield TickList(*[(label, theme, theme in self.chosen.improvements)
                              for theme, label in self.vocabulary.items()],
                            id="improvements", classes="theme-list", compact=True)

    def show_hint(self, editable: bool) -> None:
        """The headings say how to tick only where ticking is possible."""
        tick = self.TICK if editable else ""
        self.query_one("#strengths-heading", Static).update(self.STRENGTHS + tick)
        self.query_one("#improvements-heading", Static).update(self.IMPROVEMENTS + tick)

    def themes(self) -> Themes:
        return Themes(
            strengths=list(self.query_one("#strengths", SelectionList).selected),
            improvements=list(self.query_one("#improvements", SelectionList).selected),
        )

    def widget_for(self, field: str) -> Widget | None:
        """The list for "themes.strengths" or "themes.improvements"."""
        if field in ("themes.strengths", "themes.improvements"):
            return self.query_one("#" + field.removeprefix("themes."))
        return None
