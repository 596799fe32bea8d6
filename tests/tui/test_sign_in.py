"""The served app's sign-in screen: no key and no palette gets past it, nothing is read
before it, and the right password opens the app as that user with that user's roles."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from audit_tools.sign_in import REFUSED
from caseaudit.services import sign_in as service
from db import open_store
from db import Store
from db.history import History
from db.session import Aggregate
from tests.tui.keys import settle
from tui.screens.dashboard import DashboardScreen
from tui.screens.sign_in import SignInScreen
from tui.served import make_served_app

PASSWORD = "correct horse battery"

# What the gate may use before a sign-in: who the users are, and the password checks.
GATE_METHODS = {"people.get", "clone", "transaction", "close", "now", "today", "record", "checkpoint"}


@pytest.fixture
def served_db(db_path):
    admin = open_store(db_path, "admin")
    service.set_password(admin, "amy", PASSWORD, PASSWORD)
    admin.close()
    return db_path


@pytest.fixture
def store_reads(monkeypatch, tmp_path):
    """Every public method of the Store and of each of its aggregates called, by name
    ("people.get", "audits.page", "transaction"), in the order called (any thread)."""
    calls: list[str] = []
    probe = open_store(tmp_path / "probe.db", "probe")  # which aggregates a Store is made of
    aggregates = {name: type(part) for name, part in vars(probe).items() if isinstance(part, (Aggregate, History))}
    probe.close()
    assert len(aggregates) >= 8, aggregates  # every part of the Store is watched
    for owner, prefix in [(Store, ""), *((cls, f"{name}.") for name, cls in aggregates.items())]:
        for name, method in list(vars(owner).items()):
            if name.startswith("_") or not callable(method) or isinstance(method, (staticmethod, classmethod)):
                continue

            def spy(self, *args, __name=prefix + name, __method=method, **kwargs):
                calls.append(__name)
                return __method(self, *args, **kwargs)

            monkeypatch.setattr(owner, name, spy)
    return calls


async def sign_in(pilot, username: str, password: str) -> None:
    screen = pilot.app.screen
    screen.query_one("#sign-in-username", Input).focus()
    await pilot.press(*username, "enter")
    assert pilot.app.focused is screen.query_one("#sign-in-password", Input)
    await pilot.press(*password, "enter")
    await settle(pilot)


def no_data_reads(calls: list[str]) -> list[str]:
    return [c for c in calls if c not in GATE_METHODS]


async def test_no_key_and_no_palette_gets_past_the_sign_in_screen(served_db, store_reads):
    app = make_served_app(served_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert app.focused is app.screen.query_one("#sign-in-username", Input)
        app.screen.set_focus(None)  # keys not swallowed by a text field
        for key in ["ctrl+p", "d", "c", "a", "m", "e", "s", "g", "r", "f", "question_mark", "t",
                    "escape", "f5", "n", "enter", "q"]:
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, SignInScreen), key
            assert len(app.screen_stack) == 1, (key, app.screen_stack)
        # The palette, asked for directly, does not open either.
        await app.run_action("command_palette")
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert len(app.screen_stack) == 1 and isinstance(app.screen, SignInScreen)
        await app.run_action("app.dashboard")
        await app.run_action("app.open('moderation')")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert app.store is None and not app.signed_in
        assert no_data_reads(store_reads) == []
        assert app.return_code is None  # nothing quit along the way ("q" is not a way out either)


async def test_a_wrong_password_is_refused_in_words_that_reveal_nothing(served_db, store_reads):
    app = make_served_app(served_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = []
        for username, password in [("amy", "not her password"), ("nobody", PASSWORD), ("wes", PASSWORD)]:
            await sign_in(pilot, username, password)
            assert isinstance(app.screen, SignInScreen)
            shown.append(str(app.screen.query_one("#sign-in-problem").render()))
            assert app.screen.query_one("#sign-in-password", Input).value == ""
            assert app.focused is app.screen.query_one("#sign-in-password", Input)
            app.screen.query_one("#sign-in-username", Input).value = ""
        assert shown == [REFUSED] * 3
        assert app.store is None
    assert no_data_reads(store_reads) == []
    history = open_store(served_db, "admin").history.entries(what="sign-in refused")
    assert [e.details["username"] for e in history] == ["wes", None, "amy"]


async def test_the_right_password_opens_the_app_as_that_user(served_db, store_reads):
    app = make_served_app(served_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot, "amy", PASSWORD)
        assert isinstance(app.screen, DashboardScreen), app.screen
        assert len(app.screen_stack) == 1  # the sign-in screen is gone, not underneath
        assert app.user.username == "amy" and app.store.actor == "amy"
        assert app.sub_title == "Amy Auditor: auditor"
        assert no_data_reads(store_reads)  # the dashboard reads as amy (the spy sees reads)
        # From here the keys are amy's, as at a terminal: cases yes, sampling (QA lead) no.
        await pilot.press("c")
        await settle(pilot)
        assert type(app.screen).__name__ == "CasesScreen"
        assert app.check_action("open", ("sampling",)) is False
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert type(app.screen).__name__ == "CommandPalette"
    assert [e.actor for e in open_store(served_db, "admin").history.entries(what="signed in")] == ["amy"]


async def test_the_browser_app_scores_against_the_councils_stored_catalogue(served_db):
    """As at a terminal: the catalogue the council stored, not the one shipped with caseaudit,
    read only once someone has signed in."""
    from audit_tools.standards.catalogue import default_catalogue_text

    admin = open_store(served_db, "admin")
    council = default_catalogue_text().replace('version = "2024.1"', 'version = "2025.7-council"', 1)
    admin.reference.store_catalogue(council, where="council catalogue")
    admin.close()
    app = make_served_app(served_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.catalogue is None  # nothing read before a sign-in
        await sign_in(pilot, "amy", PASSWORD)
        assert app.catalogue.version == "2025.7-council"
