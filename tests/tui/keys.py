"""Driving the app in Pilot tests as a person would: moving through a screen with the
keyboard, opening a screen by its key, and waiting for what a key sets going (a worker, a
scroll after the next refresh) instead of for a fixed time."""

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


async def wait_until(pilot, condition, what: str, tries: int = 100) -> None:
    """Let the app run until `condition()` holds: a scroll or a message lands a refresh or
    two after the key, and how long that takes depends on the machine."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause()
    raise AssertionError(f"never happened: {what}")


async def settle(pilot) -> None:
    """Until no worker is left running: a finished worker may start another (the app's
    safeguarding-concern poll reloads the dashboard when it first reads the counts)."""
    for _ in range(10):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in pilot.app.workers):
            return


async def open_screen(pilot, key: str, screen_type: type):
    """Press a screen's key once the app is settled; the screen it opens, loaded."""
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, screen_type), f"{key} opened {screen!r}, not a {screen_type.__name__}"
    return screen
