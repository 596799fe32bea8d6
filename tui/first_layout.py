"""A screen laid out once as it opens: shared by the caseaudit screens and dialogs
(tui/screens/base.py) and the small questions (tui/widgets/prompts.py)."""

from __future__ import annotations

from typing import Any, cast

from textual.geometry import Size
from textual.screen import Screen


class LaidOutOnce:
    """Mixed in before a Screen or ModalScreen: the screen is laid out once as it opens.
    Textual sends a screen a Resize when its first layout gives it its size, and lays the
    whole screen out and paints it again for it: a second pass that moves nothing (a widget
    that did change in the first, a scrollbar come, asks for its own layout). Not a DOMNode,
    so Textual's CSS still reads a prompt as a ModalScreen (it follows the first DOMNode base)."""

    def _screen_resized(self, size: Size) -> None:
        if size and size == cast(Screen[Any], self)._compositor.size:
            return
        super()._screen_resized(size)  # type: ignore[misc]  # a mixin: the Screen's, next in the bases
