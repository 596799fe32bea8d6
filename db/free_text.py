"""Free text kept out of the history: a salted SHA-256 in the entry, the words only in their table.

A history entry is append-only and copied into every backup, so words written into it
(a child's name in an event's note, an autosaved draft's notes) could never be erased or
corrected. Entries written through `conceal` carry instead, for each free-text value,
`sha256:` and the SHA-256 of the entry's own random salt (`text_salt`, in the entry)
followed by the text: enough to show that a given text is the one recorded, nothing to read
back. The text itself lives only in its table, whose rows the record digests tie to the
chain (db/coverage.py), so the chain still proves it unchanged.

A salted hash of a short text can be confirmed by someone who guesses the text exactly; it
cannot be read. docs/security.md says what this does and does not remove.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

# The keys that hold words a person wrote, wherever they appear in an entry's details:
# notes and override reasons (per standard), an action's description, a moderation's or a
# resolution's reason and feedback, a concern's texts and the action taken, an event's note
# and why a child was not seen alone, a round answer's comment.
FREE_TEXT_KEYS = frozenset({
    "note", "notes", "override_reasons", "description", "reason", "feedback", "found", "should_happen",
    "action_taken", "reason_not_alone", "comment",
})
PREFIX = "sha256:"


def digest(salt: str, text: str) -> str:
    return PREFIX + hashlib.sha256((salt + text).encode("utf-8")).hexdigest()


def _hashed(value: object, salt: str) -> object:
    if isinstance(value, str):
        return digest(salt, value) if value else value
    if isinstance(value, dict):
        return {k: _hashed(v, salt) for k, v in value.items()}
    if isinstance(value, list):
        return [_hashed(v, salt) for v in value]
    return value


def _walk(value: object, salt: str) -> object:
    if isinstance(value, dict):
        return {k: (_hashed(v, salt) if k in FREE_TEXT_KEYS else _walk(v, salt)) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, salt) for v in value]
    return value


def conceal(details: dict[str, Any], salt: str | None = None) -> dict[str, Any]:
    """`details` (JSON values) with every free-text value replaced by its salted SHA-256, and
    the salt added as `text_salt`."""
    salt = salt or secrets.token_hex(16)
    walked = _walk(details, salt)
    assert isinstance(walked, dict)  # a dict walks to a dict
    return {**walked, "text_salt": salt}


def matches(recorded: str, salt: str, text: str) -> bool:
    """Whether `text` is the one a concealed entry recorded as `recorded`."""
    return secrets.compare_digest(recorded, digest(salt, text))


def hide(value: object, salt: str) -> object:
    """`value` (JSON values) with the free text under FREE_TEXT_KEYS hashed as `conceal` does,
    without adding the salt: how verify puts a stored value beside a concealed entry's."""
    return _walk(value, salt)


BLIND = "<text>"


def blind(value: object, in_text: bool = False) -> object:
    """`value` with every non-empty free-text string (under FREE_TEXT_KEYS) replaced by one
    mark: for comparing records whose words the history holds only as hashes (the words are
    proven by the record digests instead)."""
    if in_text and isinstance(value, str):
        return BLIND if value else value
    if isinstance(value, dict):
        return {k: blind(v, in_text or k in FREE_TEXT_KEYS) for k, v in value.items()}
    if isinstance(value, list):
        return [blind(v, in_text) for v in value]
    return value


def blind_text(text: object) -> object:
    """One free-text column's value as `blind` marks it."""
    return BLIND if isinstance(text, str) and text else text


def same(recorded: object, stored: object, salt: str | None, allowed: frozenset[str] = frozenset(),
         in_text: bool = False) -> bool:
    """Whether `stored` (words) is what an entry `recorded`: equal, with each free-text string
    compared through its salted hash when the entry concealed it (`salt`), and accepted as
    one of the `allowed` redacted forms where a redaction entry names the record."""
    if in_text and isinstance(stored, str) and isinstance(recorded, str):
        if stored in allowed:
            return True
        if salt is None or not recorded.startswith(PREFIX):
            return recorded == stored
        return matches(recorded, salt, stored)
    if isinstance(recorded, dict) and isinstance(stored, dict):
        return recorded.keys() == stored.keys() and all(
            same(recorded[k], stored[k], salt, allowed, in_text or k in FREE_TEXT_KEYS) for k in recorded)
    if isinstance(recorded, list) and isinstance(stored, list):
        return len(recorded) == len(stored) and all(
            same(r, s, salt, allowed, in_text) for r, s in zip(recorded, stored))
    return recorded == stored


REDACTED_PREFIX = "[redacted "


def is_redacted(text: object) -> bool:
    """Already a redaction's mark (as SQL's LIKE '[redacted %' sees it: any case)."""
    return isinstance(text, str) and text[:len(REDACTED_PREFIX)].lower() == REDACTED_PREFIX


def redact_text(text: object, replacement: str, keep: frozenset[str] = frozenset(),
                only: frozenset[str] | None = None) -> object:
    """One free-text value as a redaction leaves it: `replacement` for words, as it was when
    empty, already redacted, one of `keep` (an open action's description) or, given `only`,
    not one of those."""
    if not isinstance(text, str) or not text or is_redacted(text) or text in keep:
        return text
    if only is not None and text not in only:
        return text
    return replacement


def redact_value(value: object, replacement: str, keep: frozenset[str] = frozenset(),
                 only: frozenset[str] | None = None, in_text: bool = False) -> object:
    """`value` (JSON values) with every free-text string under FREE_TEXT_KEYS redacted."""
    if in_text and isinstance(value, str):
        return redact_text(value, replacement, keep, only)
    if isinstance(value, dict):
        return {k: redact_value(v, replacement, keep, only, in_text or k in FREE_TEXT_KEYS) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_value(v, replacement, keep, only, in_text) for v in value]
    return value
