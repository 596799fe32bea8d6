"""The list at the top of a form of every problem to put right, shared by the audit form
and the blind re-audit.

Every problem is listed: the box scrolls (with the mouse, or tab to it and use the
arrow keys) when there are more than fit, and, once shown, it is checked again as the
form changes, so it shrinks as things are put right and goes when none is left.
"""

from __future__ import annotations

from typing import Callable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from audit_tools.audit import Problem

Check = Callable[[], Sequence[Problem | str]]


def things(n: int) -> str:
    return "1 thing" if n == 1 else f"{n} things"


class ProblemsBox(VerticalScroll, can_focus=True):
    """Hidden while there is nothing to put right."""

    DEFAULT_CSS = """
    ProblemsBox {
        height: auto;
        max-height: 8;
        color: $error;
        padding: 0 1;
        display: none;
    }
    ProblemsBox.shown { display: block; }
    ProblemsBox > Static { height: auto; color: $error; }
    ProblemsBox:focus { background: $boost; }
    """

    # More lines than this and the heading says the list scrolls.
    FITS = 7

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.heading = ""
        self.check: Check | None = None
        self.problems: list[Problem | str] = []
        self.text = ""  # what the box says, as plain text

    def compose(self) -> ComposeResult:
        yield Static("", classes="problems-text")

    def show(self, problems: Sequence[Problem | str], heading: str = "", check: Check | None = None) -> None:
        """List `problems` under `heading`; `check` gives them again as the form changes."""
        self.heading = heading
        self.check = check
        self._list(list(problems))

    def recheck(self) -> None:
        """The form changed: list what is still wrong (nothing: the box goes)."""
        if self.check is not None and self.problems:
            self._list(list(self.check()))

    def _list(self, problems: list[Problem | str]) -> None:
        self.problems = problems
        heading = f"{self.heading}: {things(len(problems))} to put right"
        if len(problems) > self.FITS:
            heading += " (every one below: scroll, or tab here and use ↑/↓)"
        text = Text(heading + "\n", style="bold")
        for problem in problems:
            text.append(f"• {problem}\n")
        self.text = text.plain
        self.query_one(".problems-text", Static).update(text)
        self.set_class(bool(problems), "shown")
        if not problems:
            self.check = None
