"""Moving through a screen with the keyboard in Pilot tests, as a person would."""

from __future__ import annotations


def tab_direction(screen, focused, widget_id: str) -> str:
    """tab, or shift+tab when the field is nearer back up the form: the way a person would
    go. A field not yet in the focus chain (a box shown by an earlier answer) is looked for
    forwards."""
    chain = list(screen.focus_chain)
    ids = [widget.id for widget in chain]
    if focused not in chain or widget_id not in ids:
        return "tab"
    here, there = chain.index(focused), ids.index(widget_id)
    return "tab" if (there - here) % len(chain) <= (here - there) % len(chain) else "shift+tab"


async def tab_to(pilot, widget_id: str, limit: int = 120) -> None:
    """Press tab (or shift+tab, whichever is nearer) until the field is focused, as a person
    moving through the form with the keyboard would."""
    app = pilot.app
    key = tab_direction(app.screen, app.focused, widget_id)
    for _ in range(limit):
        if app.focused is not None and app.focused.id == widget_id:
            return
        await pilot.press(key)
    raise AssertionError(f"{key} never reached {widget_id}; stuck on {app.focused!r}")
