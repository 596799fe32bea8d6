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


def footer_key(binding, key_display: str, enabled: bool, tooltip: str, compact: bool,
               classes: str = "") -> FooterKey:
    """A FooterKey wearing its compact look from the start. Textual's footer binds each key's
    `compact` to its own once mounted, and the key's watcher then adds or removes the
    `-compact` class: every key of the footer restyled twice, each time the keys change."""
    key = FooterKey(binding.key, key_display, binding.description, binding.action,
                    disabled=not enabled, tooltip=tooltip, classes=classes)
    key.set_reactive(FooterKey.compact, compact)
    key.set_class(compact, "-compact", update=False)
    return key


class KeysFooter(Footer):
    _last_shown: tuple | None = None

    def __init__(self, *, keys_later: bool = False) -> None:
        super().__init__()
        # Composed empty, its keys built by update_keys: for a screen that is not shown until
        # what it is about has loaded, when its keys change anyway.
        self._keys_later = keys_later

    def _width(self) -> int:
        return self.app.size.width

    def _shown(self) -> tuple:
        return (shown_keys(self.screen), self._width())

    def compose(self):
        # The keys are there from the first frame: Textual's footer waits for the screen's
        # first bindings signal and builds them all again after it.
        screen = self.screen
        self.set_reactive(Footer._bindings_ready, True)
        if self._keys_later:
            self._keys_later = False
            return
        self._last_shown = self._shown()
        for active in fitting_keys(screen, self._width()):
            binding = active.binding
            yield footer_key(binding, self.app.get_key_display(binding), active.enabled, active.tooltip,
                             self.compact)
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            try:
                _node, binding, enabled, tooltip = screen.active_bindings[self.app.COMMAND_PALETTE_BINDING]
            except KeyError:
                return
            # Textual's palette key keeps its own compact look, whatever the footer's.
            yield footer_key(binding, self.app.get_key_display(binding), enabled,
                             binding.tooltip or binding.description, True, classes="-command-palette")

    def _watch_compact(self, compact: bool) -> None:
        if self.is_mounted:
            self.call_after_refresh(self.recompose)

    def bindings_changed(self, screen: Screen) -> None:
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self.update_keys)

    async def update_keys(self) -> None:
        """Build the keys again if the ones to show have changed (a screen may call this to
        have them right before it is laid out, rather than a frame later)."""
        # A screen under another is not shown: its keys are built again (if they changed) when
        # it is back on top, which tells its footer as any change of bindings does.
        if self.is_attached and self.screen.is_active and self._shown() != self._last_shown:
            await self.recompose()

    def on_resize(self) -> None:
        if self._last_shown is not None and self._last_shown[1] != self._width():
            self.call_after_refresh(self.update_keys)
