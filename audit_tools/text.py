"""Characters at the door, and the one set of size limits.

Text comes in from files (CSV, XLSX, JSON Lines, Annex A) and from the screens' boxes.
Every kind of field is checked here, by one function, `check_text`:

- **identifiers** (usernames, case references, team names, theme, question and standard
  ids, audit ids): no control character (C0 U+0000–U+001F, U+007F, C1 U+0080–U+009F),
  no U+FEFF, no lone surrogate, no bidirectional mark or control (U+200E, U+200F, U+061C,
  U+202A–U+202E, U+2066–U+2069), no line or paragraph separator (U+2028, U+2029) and no
  zero-width U+200B–U+200D; at most 200 characters;
- **names** (display names, a round's name, a question's title): the same except the
  zero-width characters, which some scripts need; at most 200 characters;
- **multi-line text** (notes, reasons, feedback, descriptions, a concern's texts,
  comments): TAB and line breaks are kept, CR LF and a lone CR become LF and U+2028 /
  U+2029 become LF; every other character above is refused; at most 10,000 characters.

A refusal names the character as `U+001B` with what it is, so a person can find it. On the
way out (terminal, csv, xlsx, md) `printable` writes any such character already stored in
an older database as `[U+001B]`, so an export cannot carry it, nor crash on it.
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BeforeValidator

from audit_tools.errors import BadInput

if TYPE_CHECKING:
    from audit_tools.models import Audit, Moderation

IDENTIFIER_LIMIT = 200
NAME_LIMIT = 200
TEXT_LIMIT = 10_000
ACTIONS_LIMIT = 100


class Kind(str, Enum):
    identifier = "identifier"
    name = "name"
    text = "text"


LIMITS = {Kind.identifier: IDENTIFIER_LIMIT, Kind.name: NAME_LIMIT, Kind.text: TEXT_LIMIT}

_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f"
_ALWAYS = _CONTROLS + "\ufeff\ud800-\udfff\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069"
_BAD = {
    Kind.text: re.compile(f"[{_ALWAYS}]"),
    Kind.name: re.compile(f"[{_ALWAYS}\t\n\r\u2028\u2029]"),
    Kind.identifier: re.compile(f"[{_ALWAYS}\t\n\r\u2028\u2029\u200b-\u200d]"),
}
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029]")
# What never leaves in a file or on a terminal, whatever is stored: line breaks and TAB stay.
_NEVER_OUT = re.compile(f"[{_ALWAYS}\u2028\u2029]")

_NAMES = {0x00: "null", 0x07: "bell", 0x08: "backspace", 0x09: "tab", 0x0A: "line feed",
          0x0D: "carriage return", 0x1B: "escape", 0x7F: "delete", 0x9B: "control sequence introducer",
          0x9D: "operating system command", 0xFEFF: "byte-order mark"}


def describe_character(char: str) -> str:
    """`U+001B (escape, a control character)`: how a refusal names a character."""
    code = ord(char)
    if code <= 0x1F or code == 0x7F:
        what = f"{_NAMES.get(code, 'a')}{', a' if code in _NAMES else ''} control character"
    elif 0x80 <= code <= 0x9F:
        what = f"{_NAMES[code] + ', a ' if code in _NAMES else 'a '}C1 control character"
    elif 0xD800 <= code <= 0xDFFF:
        what = "a lone surrogate, not a character"
    elif code == 0xFEFF:
        what = "a byte-order mark inside the text"
    else:
        name = unicodedata.name(char, "").lower()
        kind = "an invisible character" if code in (0x200B, 0x200C, 0x200D) else (
            "a line break" if code in (0x2028, 0x2029) else "a bidirectional control")
        what = f"{name}, {kind}" if name else kind
    return f"U+{code:04X} ({what})"


def _checker_of(kind: Kind) -> Callable[[str], str]:
    """The check for one kind, with its pattern and limit bound once: it runs on every field
    of every row an import reads, so it is one regular-expression search and a length."""
    search = _BAD[kind].search
    limit = LIMITS[kind]
    multi_line = kind is Kind.text

    def check(value: str) -> str:
        if multi_line and ("\r" in value or "\u2028" in value or "\u2029" in value):
            value = _LINE_BREAKS.sub("\n", value)
        bad = search(value)
        if bad is not None:
            raise ValueError(f"the character {describe_character(bad.group())} is not allowed here")
        if len(value) > limit:
            raise ValueError(f"{len(value):,} characters is too long: at most {limit:,}")
        return value

    return check


_CHECKS = {kind: _checker_of(kind) for kind in Kind}


def check_text(value: str, kind: Kind) -> str:
    """`value` as it may be stored (multi-line text with its line breaks made LF), or
    ValueError naming the first character refused, or the length over the limit."""
    return _CHECKS[kind](value)


def check_optional(value: Any, kind: Kind) -> Any:
    return check_text(value, kind) if isinstance(value, str) else value


def printable(value: str) -> str:
    """`value` with every character that must never leave (controls other than TAB and LF,
    bidirectional controls, U+FEFF, lone surrogates, U+2028/9) written as `[U+001B]`."""
    if not _NEVER_OUT.search(value):
        return value
    return _NEVER_OUT.sub(lambda m: f"[U+{ord(m.group()):04X}]", value)


def one_line(value: str) -> str:
    """`printable`, with line breaks and TABs as spaces too: for a name on a terminal line."""
    return printable(value).replace("\r", " ").replace("\n", " ").replace("\t", " ")


def _checker(kind: Kind) -> BeforeValidator:
    # Before pydantic reads the value as text, so a lone surrogate is named as the rest are;
    # trimmed first, as the models trim text.
    checked_kind = _CHECKS[kind]

    def check(value: Any) -> Any:
        return checked_kind(value.strip()) if isinstance(value, str) else value

    return BeforeValidator(check)


# Field types for the models at the door (the import rows, the screens' inputs).
IdentifierText = Annotated[str, _checker(Kind.identifier)]
NameText = Annotated[str, _checker(Kind.name)]
LongText = Annotated[str, _checker(Kind.text)]


# --- the screens' boxes, through the services ---------------------------------------------


def checked(value: Any, kind: Kind, what: str) -> Any:
    """`value` as it may be stored, or BadInput naming the box (`what`) and the character."""
    if not isinstance(value, str):
        return value
    try:
        return check_text(value, kind)
    except ValueError as err:
        raise BadInput(f"{what}: {err}") from None


def _each(values: dict[str, str], kind: Kind, what: str, problems: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in values.items():
        try:
            check_text(key, Kind.identifier)
            out[key] = check_text(value, kind) if isinstance(value, str) else value
        except ValueError as err:
            problems.append(f"{what} {printable(key)}: {err}")
            out[key] = value
    return out


def _one(value: Any, kind: Kind, what: str, problems: list[str]) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return check_text(value, kind)
    except ValueError as err:
        problems.append(f"{what}: {err}")
        return value


def checked_moderation(moderation: Moderation, problems: list[str] | None = None) -> Moderation:
    """A moderation's typed text (notes, reason, feedback) as it may be stored."""
    own = problems is None
    found: list[str] = [] if problems is None else problems
    done = moderation.model_copy(update={
        "notes": _each(moderation.notes, Kind.text, "moderator's note on", found),
        "reason": _one(moderation.reason, Kind.text, "reason", found),
        "feedback": _one(moderation.feedback, Kind.text, "feedback", found),
    })
    if own and found:
        raise BadInput(*found)
    return done


def checked_audit(audit: Audit) -> Audit:
    """An audit's typed text (notes, override reasons, action descriptions, round comments,
    themes) as it may be stored, or BadInput naming each box and character; at most
    ACTIONS_LIMIT actions."""
    problems: list[str] = []
    if len(audit.actions) > ACTIONS_LIMIT:
        problems.append(f"actions: {len(audit.actions)} is too many for one audit: at most {ACTIONS_LIMIT}")
    for theme in [*audit.themes.strengths, *audit.themes.improvements]:
        _one(theme, Kind.identifier, "theme", problems)
    actions = [action.model_copy(update={
        "description": _one(action.description, Kind.text, f"action {n} description", problems)})
        for n, action in enumerate(audit.actions, start=1)]
    answers = {key: answer.model_copy(update={
        "comment": _one(answer.comment, Kind.text, f"comment on {printable(key)}", problems)})
        for key, answer in audit.answers.items()}
    done = audit.model_copy(update={
        "notes": _each(audit.notes, Kind.text, "note on", problems),
        "override_reasons": _each(audit.override_reasons, Kind.text, "reason for", problems),
        "actions": actions,
        "answers": answers,
        "moderation": checked_moderation(audit.moderation, problems) if audit.moderation else None,
    })
    if problems:
        raise BadInput(*problems)
    return done
