"""A drop-down on the audit form shows a long choice (a standard's title) cut after a whole
word, with an ellipsis, never in the middle of a word."""

from __future__ import annotations

from textual.content import Content

from tests.tui.test_audit_keyboard import open_app, open_new_audit
from tui.widgets.form_boxes import FormSelect, cut_at_word

TITLE = "Child on a protection plan seen every 10 working days"


def test_a_long_choice_is_cut_after_a_whole_word():
    assert cut_at_word(Content(TITLE), 30).plain == "Child on a protection plan…"
    assert cut_at_word(Content(TITLE), 20).plain == "Child on a…"
    assert cut_at_word(Content(TITLE), len(TITLE)).plain == TITLE


def test_a_first_word_longer_than_the_room_is_cut_where_the_room_ends():
    assert cut_at_word(Content("Safeguarding-and-wellbeing review"), 10).plain == "Safeguard…"


async def test_the_linked_standard_of_an_action_shows_whole_words(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_new_audit(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        linked = screen.query_one("#action-standard-1", FormSelect)
        linked.value = "cp-visits"
        await pilot.pause()
        line = "".join(segment.text for segment in linked.render_lines(linked.region.reset_offset)[0])
        shown = line.replace("\u25bc", "").strip()
        assert shown.endswith("\u2026") and TITLE.startswith(shown[:-1])
        assert TITLE[len(shown) - 1] == " ", f"cut inside a word: {shown!r}"
        # Opened, the list still offers the whole title.
        await pilot.click(linked)
        await pilot.pause()
        assert linked.expanded and linked.value == "cp-visits"
