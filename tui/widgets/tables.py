"""Helpers for the data tables the list screens refill."""

from __future__ import annotations

from textual.widgets import DataTable


def repaint_later(table: DataTable) -> None:
    """Repaint a reloaded table once its column widths are measured.

    A table refilled as its screen comes back (on resume) measures its columns after the
    screen has already been painted, and kept showing cells cut to the old widths.
    """
    table.set_timer(0.05, lambda: table.refresh(layout=True))
