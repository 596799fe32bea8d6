"""Helpers for the data tables the list screens refill."""

from __future__ import annotations

from textual.widgets import DataTable

# How often, and for how long, a refilled table is looked at to see whether its columns are
# measured yet.
CHECK_SECONDS = 0.05
GIVE_UP_AFTER = 40  # checks: two seconds


def columns_measured(table: DataTable) -> bool:
    """Whether the table has measured its columns for the rows last added. DataTable does
    that when its messages run out (on idle); until then it paints cells at the old widths."""
    return not getattr(table, "_require_update_dimensions", False) and not getattr(table, "_new_rows", None)


def repaint_later(table: DataTable) -> None:
    """Repaint a reloaded table once its column widths are measured.

    A table refilled as its screen comes back measures its columns only when it next goes
    idle, after the screen has been painted. When the refill gives the table the same size
    as before, nothing asks for a repaint, and the terminal kept showing every cell, the
    header too, cut to the old widths ("A-000", "to re") until a key was pressed. A fixed
    wait was not enough: coming back from the blind re-audit, taking its hundred widgets
    down kept the table busy past it. So the table is looked at until it has measured.
    """
    checks = 0

    def check() -> None:
        nonlocal checks
        checks += 1
        if columns_measured(table) or checks >= GIVE_UP_AFTER:
            timer.stop()
            table.refresh(layout=True)

    timer = table.set_interval(CHECK_SECONDS, check)
