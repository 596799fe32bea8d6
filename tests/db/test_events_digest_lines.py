"""The "events imported" digest (db.cases.EVENTS_DIGEST) is written line by line without the
JSON encoder for speed; it must stay byte for byte what the encoder writes, since `verify`
and anyone checking an entry recompute it the documented way."""

from __future__ import annotations

import hashlib
import json

import pytest

from db import free_text
from db.cases import _digest_values

TEXTS = [None, "", "plain", 'a "quoted" word', "back\\slash", "tab\tand\nnewline", "\x07bell", "é ü ß ✓ 👶",
         "\u2028sep", "[redacted 2025-01-01: erasure]", "</script>"]
REFS = ["C-1001", 'C-"1"', "C\\1", "Ç-1"]


def _documented(values, salt: str) -> str:
    """EVENTS_DIGEST as its definition reads: each event's JSON array and a newline."""
    digest = hashlib.sha256()
    encoder = json.JSONEncoder(ensure_ascii=False)
    for v in values:
        shown = [*v[:5], *(free_text.digest(salt, t) if isinstance(t, str) and t else t for t in v[5:])]
        digest.update(encoder.encode(shown).encode("utf-8") + b"\n")
    return digest.hexdigest()


@pytest.mark.parametrize("ref", REFS)
def test_the_digest_is_the_documented_one_whatever_the_text(ref):
    values = [(ref, "visit", "2024-01-02", seen, alone, reason, note)
              for seen in (0, 1) for alone in (None, 0, 1) for reason in TEXTS for note in TEXTS[:4]]
    digest = hashlib.sha256()
    _digest_values(digest, values, "salt")
    assert digest.hexdigest() == _documented(values, "salt")


def test_a_value_of_another_kind_is_left_to_the_encoder():
    values = [("C-1", "visit", "2024-01-02", True, 1.5, None, None)]  # not what the writer gives, but exact
    digest = hashlib.sha256()
    _digest_values(digest, values, "salt")
    assert digest.hexdigest() == _documented(values, "salt")


def test_no_events_digest_nothing():
    digest = hashlib.sha256()
    _digest_values(digest, [], "salt")
    assert digest.hexdigest() == hashlib.sha256().hexdigest()
