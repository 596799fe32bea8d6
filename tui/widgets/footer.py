"""A Footer that rebuilds only when the keys it shows change.

Textual's Footer rebuilds itself on every focus change; on the audit form (a hundred
fields, the same keys whichever has focus) that rebuild and the layout after it were
most of the cost of pressing tab.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


def shown_keys(screen: Screen) -> tuple:
    return tuple(
        (key, active.binding.action, active.binding.description, active.enabled, active.tooltip)
        for key, active in screen.active_bindings.items()
        if active.binding.show
    )


class KeysFooter(Footer):
    _last_shown: tuple | None = None

    def bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen:
            shown = shown_keys(screen)
            if shown == self._last_shown and self._bindings_ready:
                return
            self._last_shown = shown
        super().bindings_changed(screen)
