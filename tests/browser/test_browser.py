"""`caseaudit serve` in a real browser: Debian's chromium, driven by Playwright.

A manager opens the page, signs in on the sign-in page, completes and submits an audit
with the keyboard; the audit is stored under the signed-in user. A wrong password is
refused and recorded.
Screenshots (1280x800) are kept in artifacts/browser/ (or $CASEAUDIT_ARTIFACTS), with
the measured time from loading the page to the dashboard.

What the app draws reaches the page as terminal output over the websocket; the page
keeps a copy of it as text (an init script), so the test waits for words a person would
see rather than for fixed pauses.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from audit_tools.models import Case, Grade, Role, Status, User
from caseaudit.services import sign_in as sign_in_service
from db import open_store

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASSWORD = "correct horse battery"
ARTIFACTS = Path(os.environ.get("CASEAUDIT_ARTIFACTS", Path(__file__).resolve().parents[2] / "artifacts")) / "browser"
WAIT_MS = 60_000  # a busy two-core machine starts a Python app per session

USERS = [
    User(username="admin", display_name="Ada Admin", roles=[Role.admin], team="qa"),
    User(username="amy", display_name="Amy Auditor", roles=[Role.auditor], team="qa"),
    User(username="max", display_name="Max Manager", roles=[Role.auditor], team="north"),
    User(username="wes", display_name="Wes Worker", roles=[], team="north"),
]

# Keeps the terminal output the page receives as text, escape sequences removed on reading.
RECORD_SCREEN = """
window.__screen = "";
(() => {
  const Original = window.WebSocket;
  const decoder = new TextDecoder();
  function Recorded(url, protocols) {
    const socket = protocols === undefined ? new Original(url) : new Original(url, protocols);
    socket.addEventListener("message", async (event) => {
      let data = event.data;
      if (data instanceof Blob) data = await data.arrayBuffer();
      window.__screen += typeof data === "string" ? data : decoder.decode(data, {stream: true});
    });
    return socket;
  }
  Recorded.prototype = Original.prototype;
  Object.assign(Recorded, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
  window.WebSocket = Recorded;
})();
"""
SCREEN_TEXT = r"""(after) => window.__screen.slice(after).replace(/\x1b\[[0-9;?]*[ -\/]*[@-~]/g, "")"""


def require_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser test drives Debian's chromium. Install it with "
                    "`apt-get update && apt-get install -y chromium` (.ci/run does this in CI).")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_db(path: Path) -> None:
    store = open_store(path, "admin")
    store.people.ensure_admin("Ada Admin")
    store.people.upsert(USERS)
    # An early help case: two judgement standards and one that is not applicable.
    store.cases.upsert([Case(case_ref="E-1", case_type="EH", start_date=date(2024, 1, 2), team="north",
                             worker="wes", line_manager="max")])
    for username in ("amy", "max"):
        sign_in_service.set_password(store, username, PASSWORD, PASSWORD)
    store.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`caseaudit serve` on a free loopback port over a small database; yields (url, db path)."""
    require_chromium()
    folder = tmp_path_factory.mktemp("served")
    path = folder / "caseaudit.db"
    build_db(path)
    with serving(path, folder) as url:
        yield url, path


@contextmanager
def serving(path: Path, folder: Path, program: str = "caseaudit", env: dict[str, str] | None = None) -> Iterator[str]:
    """`caseaudit serve` on a free loopback port over `path`, its log in `folder`; yields the URL.
    `program` is the module run as `python -m` (tests/browser/quick_sessions.py steers it)."""
    port = free_port()
    log = (folder / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", program, "--db", str(path), "serve", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, **(env or {})},
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                log.close()
                pytest.fail(f"caseaudit serve did not start: {(folder / 'serve.log').read_text()}")
            time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        # The server and the app sessions it started share its own process group.
        os.killpg(server.pid, 15)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)
            server.wait()
        log.close()


def chromium_browser() -> Iterator[object]:
    """Debian's chromium under Playwright, for a module's `browser` fixture."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def browser():
    yield from chromium_browser()


class Session:
    """One browser tab on the served app, typed into as a person would."""

    def __init__(self, browser, url: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page = browser.new_page(viewport={"width": 1280, "height": 800})
        self.page.add_init_script(RECORD_SCREEN)
        self.url = url
        self.mark = 0

    def open(self) -> None:
        """Go to the address; without a session that is the sign-in page."""
        self.page.goto(self.url)
        self.page.wait_for_selector("#sign-in, body.-first-byte", timeout=WAIT_MS)

    def in_app(self) -> None:
        self.page.wait_for_selector("body.-first-byte", timeout=WAIT_MS)
        self.page.locator(".xterm-helper-textarea").focus()  # where the terminal takes keys

    def text(self) -> str:
        return self.page.evaluate(SCREEN_TEXT, self.mark)

    def expect(self, words: str) -> None:
        """Wait until the app draws `words` (since the last expect), then look only after them."""
        self._expect(f"(a) => ({SCREEN_TEXT})(a.after).includes(a.words)", {"words": words}, repr(words))

    def expect_drop_down(self, words: str, arrow: str, row: int | None = None) -> int:
        """Wait until the app draws a drop-down's line showing `words` then `arrow` (up while
        its list is open, down when closed), on screen row `row` or any; return its row.

        Read from the output as sent, where each line drawn starts by putting the cursor at
        its row: a form redrawn whole repeats the other drop-downs' lines too, and one of them
        may show the same words."""
        row_pattern = r"(\d+)" if row is None else f"({row})"
        pattern = (rf"\x1b\[{row_pattern};\d+H(?:\x1b\[[0-9;]*m|[ \u2588])*{words}"
                   rf"(?:\x1b\[[0-9;]*m| )*{arrow}")
        found = "(a) => window.__screen.slice(a.after).match(new RegExp(a.pattern))"
        self._expect(f"(a) => ({found})(a) !== null", {"pattern": pattern}, f"{words!r} then {arrow}", keep_mark=True)
        drawn = self.page.evaluate(f"(a) => ({found})(a)[1]", {"after": self.mark, "pattern": pattern})
        self.mark = self.page.evaluate("() => window.__screen.length")
        return int(drawn)

    def _expect(self, test: str, arg: dict, shown: str, keep_mark: bool = False) -> None:
        try:
            self.page.wait_for_function(test, arg={"after": self.mark, **arg}, timeout=WAIT_MS)
        except Exception:
            self.shot("failed")
            raise AssertionError(f"the page never showed {shown}; last drawn: {self.text()[-800:]!r}")
        if not keep_mark:
            self.mark = self.page.evaluate("() => window.__screen.length")

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def shot(self, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path

    def sign_in(self, username: str, password: str) -> None:
        """Fill in the sign-in page's form and send it, as a person does."""
        self.page.fill("#username", username)
        self.page.fill("#password", password)
        self.page.click("#sign-in")


def choose(session: Session, prompt: str, downs: int, chosen: str) -> None:
    """Tab to the next drop-down (one still showing `prompt`), open it, move down `downs`
    options and take the one that shows `chosen`.

    Each key waits for what only its outcome draws, never for a time. The app hands a key
    to whatever has the focus when the key arrives; an opened list takes the focus only once
    it is built and shown, so arrows sent earlier would go to the closed drop-down and be lost.
    - Tab, then Enter: the opened line shows the prompt with the arrow pointing up. Enter's
      action is looked up after Tab's has moved the focus (both go the same way through the
      app), so a list opened on the wrong drop-down would show that one's value instead.
    - the arrows and Enter: that same line, closed, shows the chosen option, arrow down. The
      drop-down gives the focus back to itself before it draws that, so the next Tab starts
      from it. (Another drop-down's line may show the same words when the form is redrawn
      whole: only this one's row counts.)"""
    session.keys("Tab", "Enter")
    row = session.expect_drop_down(prompt, "\u25b2")
    session.keys(*["ArrowDown"] * downs, "Enter")
    session.expect_drop_down(chosen, "\u25bc", row)


def test_sign_in_complete_and_submit_an_audit_in_the_browser(served, browser):
    url, path = served
    session = Session(browser, url)
    started = time.monotonic()
    session.open()
    assert session.page.title() == "caseaudit: sign in"
    sign_in_shown = time.monotonic()
    session.shot("1-sign-in")

    typed = time.monotonic()
    session.sign_in("amy", PASSWORD)
    session.in_app()
    session.expect("No drafts in progress")
    at_dashboard = time.monotonic()
    session.shot("2-dashboard")
    timings = (f"page load to sign-in screen: {sign_in_shown - started:.2f} s\n"
               f"sign-in form to dashboard: {at_dashboard - typed:.2f} s\n"
               f"page load to dashboard (with typing): {at_dashboard - started:.2f} s\n")
    (ARTIFACTS / "timings.txt").write_text(timings)
    print(timings)

    session.keys("c")
    session.expect("E-1")  # the case list, its row drawn
    session.keys("Enter")
    session.expect("n starts an audit")  # the case's page (the list shows E-1 too)
    session.keys("n")
    # The form is painted in one piece once its fields are in place and the first of them has
    # been given the focus (the case's page names the standards too, the form alone the grade).
    session.expect("choose a grade")
    # Focus starts on the first standard (return interview: automatic, not applicable).
    choose(session, "choose a status", 1, "met")  # voice of the child: met
    choose(session, "choose a status", 1, "met")  # management oversight: met
    choose(session, "choose a grade", 2, "Good")  # grade: good
    session.shot("3-audit-form")
    session.keys("Control+r")
    session.expect("read-only now")
    session.shot("4-submitted")

    store = open_store(path, "admin")
    [audit] = store.audits.list()
    assert (audit.case_ref, audit.auditor) == ("E-1", "amy")
    assert audit.submitted_on is not None and audit.grade == Grade.good
    assert audit.scores["voice-of-child"] == Status.met
    assert audit.scores["management-oversight"] == Status.met
    assert [e.actor for e in store.history.entries(what="signed in")] == ["amy"]
    submitted = [e for e in store.history.entries() if e.actor == "amy" and "submit" in e.what]
    assert submitted, [(e.actor, e.what) for e in store.history.entries()]
    session.page.close()


def test_a_wrong_password_is_refused_and_recorded(served, browser):
    url, path = served
    session = Session(browser, url)
    session.open()
    session.sign_in("max", "not his password")
    assert "do not match" in session.page.inner_text("#problem")
    session.shot("5-refused")
    assert session.page.title() == "caseaudit: sign in"  # still at the sign-in page, not signed in
    store = open_store(path, "admin")
    [refused] = store.history.entries(what="sign-in refused")
    assert (refused.details["username"], refused.details["failures_in_a_row"]) == ("max", 1)
    assert "127.0.0.1" not in str(refused.details)  # the address only as a salted hash
    assert not [e for e in store.history.entries(what="signed in") if e.details["username"] == "max"]
    session.page.close()


def test_the_page_does_not_name_the_database_or_the_command(served, browser):
    url, path = served
    session = Session(browser, url)
    session.page.goto(url)
    html = session.page.content()
    assert str(path) not in html and "serve-session" not in html
    assert "caseaudit" in html
    session.page.close()
