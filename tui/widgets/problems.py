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

    # More problems than this and the heading says the list scrolls (it says so too when
    # fewer, longer ones wrap past the box's height).
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
        self._write(scrolls=len(problems) > self.FITS)
        self.set_class(bool(problems), "shown")
        if not problems:
            self.check = None
        else:
            # Long sentences wrap, so whether the list scrolls is known once it is laid out.
            self.call_after_refresh(self._say_if_it_scrolls)

    def _say_if_it_scrolls(self) -> None:
        if self.problems and self.max_scroll_y > 0 and "scroll" not in self.text.partition("\n")[0]:
            self._write(scrolls=True)

    def _write(self, scrolls: bool) -> None:
        heading = f"{self.heading}: {things(len(self.problems))} to put right"
        if scrolls:
            heading += " (scroll for the rest: tab here, then ↓)"
        text = Text(heading + "\n", style="bold")
        for problem in self.problems:
            text.append(f"• {problem}\n")
        self.text = text.plain
        self.query_one(".problems-text", Static).update(text)
