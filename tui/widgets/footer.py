"""A Footer that fits the terminal's width and rebuilds only when the keys it shows change.

Every screen shows its own keys first, then the app's (dashboard, cases, help, quit…).
When they do not all fit beside the palette key, the app's keys give way first (help
last), then the screen's own from the end: a key is shown whole or not at all, never cut
("m Moderatio"). Every key stays on the help screen and in the palette either way.

Textual's Footer rebuilds itself on every focus change; on the audit form (a hundred
fields, the same keys whichever has focus) that rebuild and the layout after it were
most of the cost of pressing tab.
"""

from __future__ import annotations

from textual.app import App
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

PALETTE_WIDTH = 14  # "▏ ^p palette " docked on the right


def key_width(key_display: str, description: str) -> int:
    """Columns one key takes in the footer: " key description "."""
    return len(key_display) + len(description) + 3


def shown_keys(screen: Screen) -> tuple:
    return tuple(
        (key, active.binding.action, active.binding.description, active.enabled, active.tooltip)
        for key, active in screen.active_bindings.items()
        if active.binding.show
    )


def fitting_keys(screen: Screen, width: int) -> list:
    """The footer's (node, binding, enabled, tooltip), one per action, that fit in `width`
    columns beside the palette key; the app's keys give way first, help last of them."""
    app = screen.app
    keys, seen = [], set()
    for active in screen.active_bindings.values():
        if active.binding.show and active.binding.action not in seen:
            seen.add(active.binding.action)
            keys.append(active)

    def total() -> int:
        return sum(key_width(app.get_key_display(a.binding), a.binding.description) for a in keys)

    room = width - PALETTE_WIDTH
    while keys and total() > room:
        apps = [a for a in keys if isinstance(a.node, App)]
        others = [a for a in apps if a.binding.action != "help"]
        drop = (others or apps or keys)[-1]
        keys.remove(drop)
    return keys


class KeysFooter(Footer):
    _last_shown: tuple | None = None

    def _width(self) -> int:
        return self.app.size.width

    def compose(self):
        if not self._bindings_ready:
            return
        screen = self.screen
        for active in fitting_keys(screen, self._width()):
            binding = active.binding
            yield FooterKey(binding.key, self.app.get_key_display(binding), binding.description,
                            binding.action, disabled=not active.enabled,
                            tooltip=active.tooltip).data_bind(compact=Footer.compact)
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            try:
                _node, binding, enabled, tooltip = screen.active_bindings[self.app.COMMAND_PALETTE_BINDING]
            except KeyError:
                return
            yield FooterKey(binding.key, self.app.get_key_display(binding), binding.description,
                            binding.action, classes="-command-palette", disabled=not enabled,
                            tooltip=binding.tooltip or binding.description)

    def bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen:
            shown = (shown_keys(screen), self._width())
            if shown == self._last_shown and self._bindings_ready:
                return
            self._last_shown = shown
        super().bindings_changed(screen)

    def on_resize(self) -> None:
        if self._bindings_ready and self._last_shown is not None and self._last_shown[1] != self._width():
            self.bindings_changed(self.screen)
