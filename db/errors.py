"""Errors the Store raises that a person can act on."""

from __future__ import annotations

from audit_tools.errors import BadInput, Refused


class DraftConflict(BadInput):
    """Someone else saved the draft since it was opened: reopen, never overwrite."""


class NotFound(BadInput):
    """A case, audit, user or sample that is not in the database."""


__all__ = ["BadInput", "Refused", "DraftConflict", "NotFound"]
