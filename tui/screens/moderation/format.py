"""Words the moderation screens share: statuses and grades (a dash for none), and the QA
lead's resolution. An outcome's and a state's words are the domain's (audit_tools.moderation)."""

from __future__ import annotations

from rich.text import Text

from audit_tools.calendar import format_day
from audit_tools.models import Grade, Status
from audit_tools.reconciliation import Resolution
from tui.words import STATUS_WORDS

def status_words(status: Status | None) -> str:
    return "—" if status is None else STATUS_WORDS[status]


def grade_words(grade: Grade | None) -> str:
    return "—" if grade is None else grade.label


def resolution_text(resolution: Resolution | None) -> Text:
    """The QA lead's resolution in words (empty when there is none)."""
    text = Text()
    if resolution is None:
        return text
    text.append(f"\nResolved by QA lead {resolution.resolved_by} on {format_day(resolution.resolved_at.date())}: ",
                style="bold")
    text.append("final grade ")
    text.append(grade_words(resolution.final_grade), style="bold")
    text.append(f".\nReason: {resolution.reason}")
    if resolution.feedback:
        text.append(f"\nFeedback from the QA lead: {resolution.feedback}")
    return text
