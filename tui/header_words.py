"""What the header says about who is at the keyboard, fitted to the terminal's width.

At 80 columns "caseaudit — ⚠ 1 open concern · Demo Manager: auditor, moderator, QA lead,
admin" was cut mid-word. The header gives up words from the least needed first: the app's
own name, then the roles (the help screen lists them), never the open concerns or the name.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len

# Textual's header keeps 8 columns for its icon on the left and 10 for the clock's space on
# the right; the title is centred between them.
HEADER_EDGES = 18
JOIN = " — "


@dataclass(frozen=True)
class Who:
    """The header's words about the person signed in, longest first."""

    name: str
    roles: str
    open_concerns: int = 0

    @property
    def lead(self) -> str:
        n = self.open_concerns
        return f"⚠ {n} open concern{'' if n == 1 else 's'} · " if n else ""

    @property
    def full(self) -> str:
        return f"{self.lead}{self.name}: {self.roles}"

    @property
    def short(self) -> str:
        return f"{self.lead}{self.name}"


def fitted(title: str, sub_title: str, who: Who | None, width: int) -> tuple[str, str]:
    """(title, sub-title) to show in a header `width` columns wide: the first of the choices
    that fits, or the shortest. An empty title means the sub-title is shown alone."""
    room = width - HEADER_EDGES
    choices = [(title, sub_title), ("", sub_title)]
    if who is not None and sub_title == who.full:
        choices.append(("", who.short))
    for choice in choices:
        shown = choice[0] + JOIN + choice[1] if choice[0] and choice[1] else choice[0] or choice[1]
        if cell_len(shown) <= room:
            return choice
    return choices[-1]
