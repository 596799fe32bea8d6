"""A failure told to the person in words: what the app, a screen or a dialog shows when a
worker fails (the detail of an unexpected one goes to the failure log,
caseaudit.services.failures)."""

from __future__ import annotations

from audit_tools.errors import BadInput


def problem_lines(err: BaseException) -> list[str]:
    """What to tell the user about a failure: the lines of a BadInput, else one sentence."""
    if isinstance(err, BadInput):
        return list(err.lines)
    name = err.__class__.__name__
    if "Conflict" in name:
        return [str(err) or "someone else saved this in the meantime"]
    return [f"Something went wrong ({name}: {err}). Details are in the log."]
