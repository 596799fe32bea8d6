"""A horizontal bar chart drawn in text: one row per item, this quarter's bar with the
previous quarter's value marked on it, labels in their own column and the legend on its own
line above, so nothing covers a bar and nothing straddles two rows at any terminal width.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widget import Widget

from tui.words import shorten

NOW_STYLE_RICH = "bold cyan"
THEN_STYLE = "bold yellow"
BAR, THEN_MARK, TRACK = "█", "┃", "·"


@dataclass
class BarRow:
    label: str  # a standard's title, a grade in words
    now: float | None
    then: float | None
    now_text: str  # the value as a person reads it: "75.0%", "12"
    then_text: str


def chart_lines(rows: list[BarRow], width: int, maximum: float, now_label: str, then_label: str) -> list[Text]:
    """The chart as lines of at most `width` characters: a legend, then one line per row."""
    # Labels take up to nearly half the width: a title cut short must still tell standards apart.
    label_width = min(max((len(r.label) for r in rows), default=8), max(12, width * 45 // 100))
    value_width = max((len(f"{r.now_text} ({r.then_text})") for r in rows), default=8)
    bar_width = max(width - label_width - value_width - 4, 6)
    legend = Text()
    legend.append(f"{BAR}{BAR} {now_label}", style=NOW_STYLE_RICH)
    legend.append("   ")
    legend.append(f"{THEN_MARK} {then_label}", style=THEN_STYLE)
    legend.append("   figures: now (then)", style="dim")
    lines = [legend]
    for r in rows:
        filled = 0 if r.now is None or maximum <= 0 else round(bar_width * min(r.now, maximum) / maximum)
        mark = None
        if r.then is not None and maximum > 0:
            mark = min(round(bar_width * min(r.then, maximum) / maximum), bar_width - 1)
        line = Text()
        line.append(shorten(r.label, label_width).ljust(label_width) + " ")
        for i in range(bar_width):
            if i == mark:
                line.append(THEN_MARK, style=THEN_STYLE)
            elif i < filled:
                line.append(BAR, style=NOW_STYLE_RICH)
            else:
                line.append(TRACK, style="dim")
        line.append(f" {r.now_text} ({r.then_text})".ljust(value_width + 2))
        lines.append(line)
    return lines


class BarChart(Widget):
    """The chart at the widget's own width; redrawn when the terminal is resized."""

    DEFAULT_CSS = """
    BarChart { height: auto; width: 1fr; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title = ""
        self.rows: list[BarRow] = []
        self.maximum = 1.0
        self.labels = ("", "")

    def show(self, title: str, rows: list[BarRow], maximum: float, now_label: str, then_label: str) -> None:
        self.title, self.rows, self.maximum, self.labels = title, rows, maximum, (now_label, then_label)
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self.rows) + 2

    def render(self) -> Text:
        width = max(self.content_region.width, 20)
        text = Text(self.title, style="bold")
        for line in chart_lines(self.rows, width, self.maximum, *self.labels):
            text.append("\n")
            text.append_text(line)
        text.no_wrap = True
        text.overflow = "ellipsis"
        return text
