"""The box at the top of a form that lists every problem to put right at once."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from audit_tools.audit import Problem


def things(n: int) -> str:
    return "1 thing" if n == 1 else f"{n} things"


class ProblemsBox(Static):
    """Hidden while there is nothing to put right (app.tcss shows it with the `shown` class)."""

    def show(self, problems: list[Problem], heading: str) -> None:
        text = Text(f"{heading}: {things(len(problems))} to put right\n", style="bold")
        for problem in problems:
            text.append(f"• {problem}\n")
        self.update(text)
        self.set_class(bool(problems), "shown")
