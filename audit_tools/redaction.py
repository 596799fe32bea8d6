"""Redaction: what erasing free text from the record means, as pure data and rules.

A redaction replaces the words a person wrote (notes, reasons, feedback, descriptions,
concerns' words, events' notes) with one mark, `[redacted YYYY-MM-DD: REASON]`; figures,
grades, statuses and dates stay. It reaches one record, or a retention schedule's records
older than a date; open concerns, open actions and cases on hold are never reached
(docs/security.md, "Redaction").
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from audit_tools.errors import BadInput


def mark(day: date, reason: str) -> str:
    """The text every redacted value becomes."""
    return f"[redacted {day.isoformat()}: {reason}]"


class Selection(BaseModel):
    """Which records to redact: exactly one of them."""

    audit: str | None = None
    event: int | None = None
    action: int | None = None
    concern: str | None = None
    older_than: date | None = None

    def check(self) -> None:
        given = [name for name, value in self.model_dump().items() if value is not None]
        if len(given) != 1:
            raise BadInput("redact: choose exactly one of --audit ID, --event ID, --action ID, --concern ID "
                           f"or --older-than D (given: {', '.join('--' + g.replace('_', '-') for g in given) or 'none'})")


class Reach(BaseModel):
    """What a redaction reaches (each kind's keys) and what it leaves, and why."""

    audits: list[str] = Field(default_factory=list)
    events: list[int] = Field(default_factory=list)
    actions: list[int] = Field(default_factory=list)
    concerns: list[str] = Field(default_factory=list)
    moderations: list[str] = Field(default_factory=list)  # audit ids: moderation, resolution, re-audit draft
    amendments: list[int] = Field(default_factory=list)
    on_hold: int = 0  # records left because their case is on hold
    open_concerns: int = 0  # concerns left because they are not closed
    open_actions: int = 0  # actions left because they are not completed
    dry_run: bool = False
    replacement: str = ""
    checkpointed: bool = True  # whether the freed pages left the file at once (no other reader held them)

    def as_json(self) -> dict[str, object]:
        """The document `caseaudit redact --json` prints (docs/cli.md)."""
        return {
            "redacted": {kind: len(getattr(self, kind)) for kind in
                         ("audits", "events", "actions", "concerns", "moderations", "amendments")},
            "held_back": {"on_hold": self.on_hold, "open_concerns": self.open_concerns,
                          "open_actions": self.open_actions},
            "dry_run": self.dry_run,
        }
