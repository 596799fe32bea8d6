"""The served app's own keys and the admins' lockout tile, pressed as a person would."""

from __future__ import annotations

from argon2 import PasswordHasher

from audit_tools.sign_in import SignInLocked, SignInRefused
from caseaudit.services import served as sessions
from caseaudit.services import sign_in as sign_in_service
from db import open_store, passwords
from tests.tui.keys import settle
from tests.tui.test_audit_keyboard import open_app
from tests.tui.test_screens import text_of
from tui.served import make_served_app

PASSWORD = "correct horse battery"
QUICK = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def lock_amy(db_path, monkeypatch) -> None:
    monkeypatch.setattr(sign_in_service, "_hasher", QUICK)
    sign_in_service._dummy_hash.cache_clear()
    gate = open_store(db_path, sign_in_service.SIGNING_IN)
    for _ in range(11):
        try:
            sign_in_service.sign_in(gate, "amy", "guess", "10.0.0.1", "test")
        except (SignInRefused, SignInLocked):
            pass
    sign_in_service._dummy_hash.cache_clear()


async def test_lockouts_head_an_admins_dashboard_until_one_acknowledges_them(db_path, monkeypatch):
    lock_amy(db_path, monkeypatch)
    amy_app = open_app(db_path, username="amy")
    async with amy_app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert not amy_app.screen.query_one("#lockouts").display  # not an admin's dashboard
    app = open_app(db_path, username="admin")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        tile = text_of(app.screen, "#lockouts")
        assert app.screen.query_one("#lockouts").display
        assert "1 sign-in lockout" in tile and "amy locked until" in tile
        await pilot.press("k")
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        assert not app.screen.query_one("#lockouts").display
    store = open_store(db_path, "admin")
    assert passwords.open_lockouts(store) == []
    assert [e.actor for e in store.history.entries(what="lockouts acknowledged")] == ["admin"]


async def test_sign_out_ends_the_session_not_only_the_app(db_path, monkeypatch):
    monkeypatch.setattr(sign_in_service, "_hasher", QUICK)
    admin = open_store(db_path, "admin")
    passwords.set_password_hash(admin, "amy", QUICK.hash(PASSWORD))
    gate = open_store(db_path, sign_in_service.SIGNING_IN)
    signed = sign_in_service.sign_in(gate, "amy", PASSWORD, "127.0.0.1", "test")
    token = sessions.issue_app_token(gate, sessions.live(gate, signed.session_id), "caseaudit")
    app = make_served_app(db_path, token, "amy", "caseaudit")
    app.animation_level = "none"
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.user.username == "amy" and "Amy Auditor" in app.sub_title
        from tui.commands import screen_actions

        offered = {description for description, *_ in screen_actions(app.screen)}
        assert {"Sign out", "Change my password"} <= offered  # in the command palette too
        await pilot.press("O")
        await settle(pilot)
    assert sessions.live(gate, signed.session_id) is None
    assert sessions.why_ended(gate, signed.session_id) == "signed out"
    [ended] = gate.history.entries(what="session ended")
    assert ended.details == {"username": "amy", "why": "signed out"}
