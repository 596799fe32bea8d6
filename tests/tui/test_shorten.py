"""A standard's title shortened for a table at 80 columns keeps its start and its end, each in
whole words: a manager reads "seen… 10 working days", never "seen eve… 10 working days"."""

from __future__ import annotations

from hypothesis import given, strategies as st

from tui.words import shorten

TITLE = "Child on a protection plan seen every 10 working days"


def test_worked_examples():
    assert shorten(TITLE, 60) == TITLE
    assert shorten(TITLE, 40) == "Child on a protection… 10 working days"
    assert shorten(TITLE, 36) == "Child on a protection… working days"
    assert shorten(TITLE, 20) == "Child on a… days"
    assert shorten("Chronology on file and up to date", 30) == "Chronology on file… up to date"


def test_a_first_word_longer_than_the_room_is_cut_as_nothing_else_would_show():
    assert shorten("Chronology on file and up to date", 12) == "Chrono… date"


words = st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=9), min_size=2, max_size=12)


@given(words, st.integers(min_value=8, max_value=80))
def test_fits_and_cuts_only_between_words(parts, width):
    text = " ".join(parts)
    shown = shorten(text, width)
    assert len(shown) <= width
    if shown == text:
        return
    head, _, tail = shown.partition("…")
    tail = tail.strip()
    assert text.startswith(head) and text.endswith(tail)
    head_words, tail_words = head.split(), tail.split()
    if len(head_words) > 1 or (head_words and head_words[0] == parts[0]):
        assert head_words == parts[: len(head_words)], (text, shown)
    assert tail_words == (parts[-len(tail_words):] if tail_words else [])
