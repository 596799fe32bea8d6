"""The boxes of a filter row above a table that reloads as they change.

When a filter changes, the table below is cleared and refilled, and Textual can lay the
screen out for a frame without the row above it. The Hide it sends then blurs the box
the person is using and Textual moves the focus to the box before it: a search box lost
its cursor mid-reference, and after choosing a value in a drop-down the first tab went
back to that same drop-down, so enter re-opened it and down+enter silently changed the
filter. These boxes keep the focus through that frame (a screen on top keeps its own
focus anyway).
"""

from __future__ import annotations

from textual.widgets import Input, Select


class _KeepsFocusWhenHidden:
    def _on_hide(self, event) -> None:
        event.prevent_default()


class SearchBox(_KeepsFocusWhenHidden, Input):
    """A filter row's search box."""


class FilterSelect(_KeepsFocusWhenHidden, Select):
    """A filter row's drop-down."""
