"""Served sessions in Debian's chromium: signing out (and the back button), changing one's
own password, an idle session ending, and an account disabled by an admin mid-session.

The server runs with the idle timeout set to one minute (the shortest setting). It is the
real `caseaudit serve` steered by tests/browser/quick_sessions.py: its sweep looks at every
session ten times a second rather than every 15 s, and its clock can be put ahead, so a test
lets a minute of idleness pass at once and waits for the sweeps that saw it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from audit_tools.models import Role, User
from caseaudit.services import sign_in as sign_in_service
from db import current_username, open_store
from tests.browser import quick_sessions
from tests.browser.test_browser import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    PASSWORD,
    RECORD_SCREEN,
    Session,
    build_db,
    chromium_browser,
    require_chromium,
    serving,
)

NEW_PASSWORD = "lantern orchard velvet"
MORE = [User(username=name, display_name=f"{name.title()} Auditor", roles=[Role.auditor], team="qa")
        for name in ("ann", "bea", "cal")]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    require_chromium()
    folder = tmp_path_factory.mktemp("sessions")
    path = folder / "caseaudit.db"
    build_db(path)
    store = open_store(path, "admin")
    # Whoever runs the tests is an admin too, to run `caseaudit passwd --disable` as one would.
    store.people.upsert([*MORE, User(username=current_username(), display_name="Test Admin", roles=[Role.admin])])
    for user in MORE:
        sign_in_service.set_password(store, user.username, PASSWORD, PASSWORD)
    store.reference.set_setting("idle_timeout_minutes", 1)
    store.close()
    server = QuickServer(folder)
    with serving(path, folder, "tests.browser.quick_sessions", server.env) as url:
        yield url, path, server


class QuickServer:
    """Steers the served test server: how far ahead its clock is, how many sweeps it has made."""

    def __init__(self, folder) -> None:
        self.ahead_file = folder / "clock-ahead"
        self.sweeps_file = folder / "sweeps"
        self.env = {quick_sessions.AHEAD_VARIABLE: str(self.ahead_file),
                    quick_sessions.SWEEPS_VARIABLE: str(self.sweeps_file)}

    def sweeps(self) -> int:
        try:
            return int(self.sweeps_file.read_text())
        except FileNotFoundError:
            return 0

    def after_sweeps(self, count: int = 2) -> None:
        """Wait until `count` more sweeps are done: the later ones began after this call."""
        target = self.sweeps() + count
        deadline = time.monotonic() + 60
        while self.sweeps() < target:
            assert time.monotonic() < deadline, f"the server made no sweep in a minute ({self.sweeps()})"
            time.sleep(0.02)

    def put_ahead(self, seconds: float) -> None:
        """From now on the server's clock reads `seconds` later than the real one."""
        new = self.ahead_file.with_suffix(".new")
        new.write_text(str(seconds))
        new.replace(self.ahead_file)


@pytest.fixture(scope="module")
def browser():
    yield from chromium_browser()


class Tab(Session):
    """A tab in its own browser context, so each has its own cookies (its own session)."""

    def __init__(self, browser, url: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.context = browser.new_context(viewport={"width": 1280, "height": 800})
        self.page = self.context.new_page()
        self.page.add_init_script(RECORD_SCREEN)
        self.url = url
        self.mark = 0

    def signed_in(self, username: str, password: str = PASSWORD) -> None:
        self.signing_in(username, password)
        self.at_dashboard()

    def signing_in(self, username: str, password: str = PASSWORD) -> None:
        """Send the sign-in form and go on at once: the server starts the app meanwhile."""
        self.open()
        self.page.fill("#username", username)
        self.page.fill("#password", password)
        self.page.click("#sign-in", no_wait_after=True)

    def at_dashboard(self) -> None:
        self.in_app()
        self.expect("audits this month")

    def at_sign_in_page(self, words: str, within_ms: int = 75_000) -> None:
        self.page.wait_for_selector("#sign-in", timeout=within_ms)
        assert words in self.page.inner_text("main"), self.page.inner_text("main")

    def close(self) -> None:
        self.context.close()


def test_sign_in_work_sign_out_and_the_back_button_does_not_return(served, browser):
    url, path, _ = served
    tab = Tab(browser, url)
    requested: list[str] = []
    tab.page.on("request", lambda request: requested.append(request.url))
    tab.signed_in("ann")
    tab.keys("c")
    tab.expect("E-1")  # working: the case list
    tab.keys("O")  # sign out
    tab.at_sign_in_page("You have signed out.", within_ms=30_000)
    tab.shot("6-signed-out")
    tab.page.go_back()
    tab.page.wait_for_load_state()
    assert tab.page.title() == "caseaudit: sign in"  # the app page is asked for again and refused
    assert tab.page.locator("#terminal").count() == 0
    # Every request the pages made (the font, scripts, stylesheets, the socket) went to caseaudit.
    assert requested and all(u.startswith(url) or u.startswith(url.replace("http", "ws")) for u in requested), \
        sorted(set(requested))
    assert any(u.endswith("RobotoMono-VariableFont_wght.ttf") for u in requested)
    [ended] = open_store(path, "admin").history.entries(what="session ended")
    assert ended.details == {"username": "ann", "why": "signed out"}
    tab.close()


def test_changing_ones_own_password_ends_the_other_session_not_this_one(served, browser):
    url, path, _ = served
    here, there = Tab(browser, url), Tab(browser, url)
    # Both tabs sign in at once: two sessions of one user, their apps started side by side.
    here.signing_in("bea")
    there.signing_in("bea")
    here.at_dashboard()
    there.at_dashboard()
    here.keys("W")  # the password page, in this tab
    here.page.wait_for_selector("#current", timeout=30_000)
    here.page.fill("#current", PASSWORD)
    here.page.fill("#new", NEW_PASSWORD)
    here.page.fill("#again", NEW_PASSWORD)
    here.page.click("#change")
    here.page.wait_for_selector("text=Your password is changed", timeout=30_000)
    here.shot("7-password-changed")
    there.at_sign_in_page("because your password was changed", within_ms=30_000)
    here.page.click("text=Back to caseaudit")  # this session carries on
    here.in_app()
    here.mark = 0
    here.expect("audits this month")
    gate = open_store(path, sign_in_service.SIGNING_IN)
    assert sign_in_service.sign_in(gate, "bea", NEW_PASSWORD, "127.0.0.1", "test").user.username == "bea"
    here.close()
    there.close()


def test_a_session_ends_within_a_minute_of_passwd_disable(served, browser):
    url, path, _ = served
    tab = Tab(browser, url)
    tab.signed_in("cal")
    disabled_at = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "caseaudit", "--db", str(path), "passwd", "cal", "--disable"],
                            capture_output=True, text=True, env={**os.environ})
    assert result.returncode == 0, result.stderr
    tab.at_sign_in_page("stopped by an admin", within_ms=60_000)
    assert time.monotonic() - disabled_at < 60
    tab.shot("8-disabled")
    tab.sign_in("cal", PASSWORD)
    assert "do not match" in tab.page.inner_text("#problem")
    tab.close()


def test_an_idle_session_ends_with_the_short_setting(served, browser):
    url, path, server = served
    tab = Tab(browser, url)
    tab.signed_in("amy")
    server.after_sweeps()  # anything the page sent while the app started is counted as typed by now

    def ended_idle() -> bool:
        return any(e.details == {"username": "amy", "why": "idle"}
                   for e in open_store(path, "admin").history.entries(what="session ended"))

    # 50 seconds with nothing typed, short of the minute: sweeps that see it leave the session be.
    server.put_ahead(50)
    server.after_sweeps()
    assert not ended_idle()
    assert tab.page.locator("#terminal").count() == 1 and tab.page.title() != "caseaudit: sign in"
    # Past the minute: the next sweep ends it and the page says why.
    server.put_ahead(61)
    tab.at_sign_in_page("a time with nothing typed", within_ms=30_000)
    tab.shot("9-idle")
    assert ended_idle()
    tab.close()
