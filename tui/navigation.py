"""How a screen asks for another to be opened: it posts one of these requests, and the app
answers it (tui/router.py, the one place that knows which screen class opens what). So no
screen imports another to open it, and the screens import in one direction only
(import-linter's "tui" contracts in pyproject.toml).

A request may be posted from a worker's thread (Textual's post_message is thread-safe).
`then`, where a request has one, is called with what the opened screen dismissed with.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.message import Message

from audit_tools.concerns import Concern
from audit_tools.moderation import ModerationState

Then = Callable[[Any], None] | None


class OpenRequest(Message):
    """A screen asks the app to open another; `replace` takes the asking screen's place."""

    def __init__(self, replace: bool = False) -> None:
        super().__init__()
        self.replace = replace


class OpenCase(OpenRequest):
    def __init__(self, case_ref: str) -> None:
        super().__init__()
        self.case_ref = case_ref


class StartAudit(OpenRequest):
    """A new audit of the case: the service says whether the user may start it first."""

    def __init__(self, case_ref: str) -> None:
        super().__init__()
        self.case_ref = case_ref


class OpenAudit(OpenRequest):
    """An audit by its id, or a new one of `case_ref` (in a thematic round: `round_id`)."""

    def __init__(self, audit_id: str | None = None, case_ref: str | None = None,
                 round_id: str | None = None) -> None:
        super().__init__()
        self.audit_id = audit_id
        self.case_ref = case_ref
        self.round_id = round_id


class OpenAmendmentTrail(OpenRequest):
    """Who amended a submitted audit, when, why and what."""

    def __init__(self, audit_id: str) -> None:
        super().__init__()
        self.audit_id = audit_id


class OpenConcern(OpenRequest):
    """One safeguarding concern, to read, acknowledge or close; `then(changed)`."""

    def __init__(self, concern: Concern, then: Then = None) -> None:
        super().__init__()
        self.concern = concern
        self.then = then


class RaiseConcern(OpenRequest):
    """The dialog that raises a safeguarding concern about a case (from an audit or a
    blind re-audit); a case still loading (None) is told to try again in a moment."""

    def __init__(self, case_ref: str | None, audit_id: str | None, source: str = "audit") -> None:
        super().__init__()
        self.case_ref = case_ref
        self.audit_id = audit_id
        self.source = source


class OpenModeration(OpenRequest):
    """A moderation where it stands: the blind re-audit while still blind, the QA lead's
    resolution of a waiting escalation, else both audits side by side."""

    def __init__(self, audit_id: str, state: ModerationState, *, escalated: bool = False,
                 replace: bool = False) -> None:
        super().__init__(replace=replace)
        self.audit_id = audit_id
        self.state = state
        self.escalated = escalated


class OpenEscalations(OpenRequest):
    """Every escalated moderation (the QA lead's list)."""


class OpenNewRound(OpenRequest):
    """The dialog that makes a thematic round; `then(round_id)` (None: cancelled)."""

    def __init__(self, then: Then = None) -> None:
        super().__init__()
        self.then = then
