"""The command palette offers every action of the current screen and of the app.

It reads the bindings themselves, so a key added to a screen appears in the palette
with the same words as in the footer and on the help screen.
"""

from __future__ import annotations

from functools import partial

from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen


TEXTUAL_OWN = {"app.focus_next", "app.focus_previous", "screen.copy_text"}


def screen_actions(screen: Screen) -> list[tuple[str, str, object, str]]:
    """(description, key shown, node, action) for the screen's and the app's own keys.

    Textual's own moving and copying keys are left out: they are the same on every screen.
    """
    found: list[tuple[str, str, object, str]] = []
    seen: set[tuple[str, object]] = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not isinstance(active.node, (Screen, App)) or not binding.description or binding.system:
            continue
        if binding.action in TEXTUAL_OWN or (isinstance(active.node, App) and binding.id is None):
            continue
        if not active.enabled or (binding.action, active.node) in seen:
            continue
        seen.add((binding.action, active.node))
        shown = binding.key_display or screen.app.get_key_display(binding)
        found.append((binding.description, shown, active.node, binding.action))
    return found


class ScreenActionsProvider(Provider):
    """Every key of the current screen (and the app's navigation), by what it does."""

    async def _run(self, node, action: str) -> None:
        await self.app.run_action(action, node)

    async def discover(self) -> Hits:
        for description, shown, node, action in screen_actions(self.screen):
            yield DiscoveryHit(description, partial(self._run, node, action), help=f"key {shown}")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for description, shown, node, action in screen_actions(self.screen):
            score = matcher.match(description)
            if score > 0:
                yield Hit(score, matcher.highlight(description), partial(self._run, node, action),
                          help=f"key {shown}")
