"""Errors the Store raises that a person can act on."""

from __future__ import annotations

from datetime import datetime

from audit_tools.calendar import format_moment
from audit_tools.errors import BadInput, Refused


class DraftConflict(BadInput):
    """Someone else saved the draft since it was opened: reopen, never overwrite.

    Carries who saved and when (`saved_at`, an aware datetime) for a screen to show.
    """

    def __init__(self, *lines: str, audit_id: str | None = None, saved_by: str | None = None,
                 saved_at: datetime | None = None) -> None:
        super().__init__(*lines)
        self.audit_id, self.saved_by, self.saved_at = audit_id, saved_by, saved_at

    @classmethod
    def changed(cls, audit_id: str, saved_by: str | None, saved_at: datetime | None, now: datetime) -> DraftConflict:
        return cls(f"audit {audit_id} was changed by {saved_by} at {format_moment(saved_at, now)} since you "
                   "opened it; reopen it to see their changes",
                   audit_id=audit_id, saved_by=saved_by, saved_at=saved_at)


class NotFound(BadInput):
    """A case, audit, user or sample that is not in the database."""


__all__ = ["BadInput", "Refused", "DraftConflict", "NotFound"]
