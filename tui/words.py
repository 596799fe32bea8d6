"""How the screens say statuses and grades, and offer them in drop-downs: the same words on
the audit form and in the moderator's blind re-audit; and the QA lead's resolution, as the
moderation screens say it. An outcome's and a moderation state's words are the domain's
(audit_tools.moderation)."""

from __future__ import annotations

from rich.text import Text

from audit_tools.calendar import format_day
from audit_tools.models import Grade, Status
from audit_tools.reconciliation import Resolution

STATUS_WORDS = {
    Status.met: "met",
    Status.partly_met: "partly met",
    Status.not_met: "not met",
    Status.not_applicable: "not applicable",
}
# A case's counts (audit_tools.standards.status_counts): the case list's column headings and
# the case header's words, so both say the same thing.
COUNT_WORDS = {"not_met": "not met", "partly_met": "partly met"}
COUNT_STYLE = {"not_met": "bold red", "partly_met": "bold dark_orange3"}


def counts_text(counts) -> Text:
    """ "0 not met, 2 partly met; 1 standard with late events", the first two coloured and
    worded as the case list's columns."""
    text = Text()
    for i, (field, words) in enumerate(COUNT_WORDS.items()):
        n = getattr(counts, field)
        if i:
            text.append(", ")
        text.append(f"{n} {words}", style=COUNT_STYLE[field] if n else "green")
    late = counts.late
    text.append(f"; {late} standard{'' if late == 1 else 's'} with late events", style="bold red" if late else "")
    return text


def shorten(text: str, width: int) -> str:
    """`text` in `width` characters, its middle left out: a standard's title in a table whose
    other columns must stay on screen at 80 columns. The start and the end both stay, since
    titles that begin alike differ at the end ("Child on a protection plan seen alone"), and
    both are whole words: "Child on a protection plan seen… 10 working days", never "seen eve…"."""
    if len(text) <= width:
        return text
    words = text.split()
    budget = (width - 1) * 2 // 5
    end: list[str] = []
    while len(end) < len(words) - 1 and len(" ".join([words[-len(end) - 1], *end])) <= budget:
        end.insert(0, words[-len(end) - 1])
    tail = " ".join(end)
    head = whole_words(text, width - 1 - len(tail) - (1 if tail else 0))
    return f"{head}…{' ' if tail else ''}{tail}"


def whole_words(text: str, room: int) -> str:
    """The start of `text` in at most `room` characters, ending at a word's end where one
    fits (a first word longer than the room is cut, as nothing else would show)."""
    cut = text[:room]
    if len(text) > room and not text[room].isspace() and not cut[-1:].isspace() and " " in cut.strip():
        cut = cut[: cut.rstrip().rindex(" ")]
    return cut.rstrip()


GRADE_ORDER = [Grade.outstanding, Grade.good, Grade.requires_improvement, Grade.inadequate]


def status_options(automatic: Status | None) -> list[tuple[str, Status]]:
    options = []
    for status, words in STATUS_WORDS.items():
        label = f"{words}  (automatic)" if status == automatic else words
        options.append((label, status))
    return options


def grade_options() -> list[tuple[str, Grade]]:
    return [(g.label, g) for g in GRADE_ORDER]


def evidence_text(result) -> Text:
    """The engine's evidence in a line or two, with each late one spelled out."""
    text = Text()
    if result is None:
        return text
    if result.status is None:
        text.append("Your judgement: no automatic status.", style="italic")
        return text
    text.append(f"Automatic: {STATUS_WORDS[result.status]}. ", style="bold")
    # The engine's evidence already names each late one with its due and actual dates.
    text.append(result.evidence, style="bold" if result.late else "")
    return text


# --- the moderation screens: a dash for none, and the QA lead's resolution ---------------


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
