"""At 80x24 (a manager over SSH) the header names who is signed in without cutting a word,
and a toast covers two lines of the form for a few seconds, not five lines for ten."""

from __future__ import annotations

from textual.widgets import Header
from textual.widgets._header import HeaderTitle
from textual.widgets._toast import Toast

from tests.tui.keys import settle, wait_until
from tests.tui.test_audit_keyboard import open_app, open_new_audit
from tui.header_words import HEADER_EDGES, Who, fitted


def header_words(app) -> str:
    return str(app.screen.query_one(Header).query_one(HeaderTitle).render())


# --- the fitting rule, worked examples ------------------------------------------------------

WHO = Who("Demo Manager", "auditor, moderator, QA lead, admin", open_concerns=1)


def test_a_wide_header_says_everything():
    assert fitted("caseaudit", WHO.full, WHO, 160) == ("caseaudit", WHO.full)


def test_the_app_name_goes_first_then_the_roles_never_the_concern_or_the_name():
    full = "⚠ 1 open concern · Demo Manager: auditor, moderator, QA lead, admin"
    assert WHO.full == full
    assert fitted("caseaudit", full, WHO, len(full) + HEADER_EDGES) == ("", full)
    assert fitted("caseaudit", full, WHO, len(full) + HEADER_EDGES - 1) == ("", "⚠ 1 open concern · Demo Manager")
    assert fitted("caseaudit", full, WHO, 20) == ("", "⚠ 1 open concern · Demo Manager")


def test_two_concerns_are_plural_and_none_says_nothing():
    assert Who("Ann", "auditor", 2).short == "⚠ 2 open concerns · Ann"
    assert Who("Ann", "auditor").full == "Ann: auditor"


def test_a_sub_title_that_is_not_the_person_is_never_swapped_for_one():
    assert fitted("caseaudit", "something else entirely, long", WHO, 20) == ("", "something else entirely, long")


# --- the real app ---------------------------------------------------------------------------

async def test_the_header_fits_80_columns_and_says_more_at_160(db_path):
    app = open_app(db_path)
    # The figures are set by hand below: the app's own reads of the concerns (none in this
    # database, at start and every 5 s) are kept out, or one landing after them puts the
    # header back to no concern (it did, now and then, on a busy machine).
    app.poll_concerns = lambda: None  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.concern_figures = (3, 3)  # three concerns nobody has acknowledged yet
        app.user = app.user.model_copy(update={"display_name": "Anne-Marie Featherstonehaugh-Whitworth"})
        app.show_who()
        await wait_until(pilot, lambda: "open concern" in header_words(app), "the concern in the header")
        words = header_words(app)
        assert "…" not in words and len(words) <= 80 - HEADER_EDGES, words
        assert words == "⚠ 3 open concerns · Anne-Marie Featherstonehaugh-Whitworth"
        await pilot.resize_terminal(160, 48)
        await wait_until(pilot, lambda: header_words(app).startswith("caseaudit — "), "the app's name once there is room")
        assert header_words(app).endswith(app._who.full)


async def test_a_toast_over_the_form_is_compact_and_brief_in_a_short_terminal(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_new_audit(pilot)
        app.notify("Not submitted: 13 things to put right, listed at the top.", severity="error", timeout=10)
        app.notify("Draft saved.", timeout=10)
        await wait_until(pilot, lambda: len(app.screen.query(Toast)) == 2, "the toasts")
        await settle(pilot)
        assert [t.region.height for t in app.screen.query(Toast)] == [2, 1]
        # A problem stays its ten seconds to be read; word of a save goes after four.
        assert sorted(n.timeout for n in app._notifications) == [4, 10]


async def test_a_tall_terminal_keeps_the_roomy_toast(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        app.notify("Draft saved.", timeout=10)
        await wait_until(pilot, lambda: bool(app.screen.query(Toast)), "the toast")
        await settle(pilot)
        assert app.screen.query_one(Toast).region.height >= 3
        assert any(n.timeout == 10 for n in app._notifications)
