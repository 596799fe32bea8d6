"""A screen's workers hand their results to the methods marked for them (tui/workers.py), and
a screen asks for another through a request the app's router answers (tui/navigation.py)."""

from __future__ import annotations

import inspect
import threading

from textual import work
from textual.app import ComposeResult
from textual.widgets import Static

from audit_tools.errors import BadInput
from tests.tui.keys import settle
from tests.tui.test_audit_keyboard import open_app
from tui import navigation
from tui.router import Router
from tui.screens.base import CaseauditScreen
from tui.screens.case_detail import CaseDetailScreen
from tui.workers import failure_of, result_of


class Probe(CaseauditScreen):
    def __init__(self) -> None:
        super().__init__()
        self.got: list[object] = []
        self.failed: list[str] = []
        self.hold = threading.Event()

    def compose(self) -> ComposeResult:
        yield Static("probe")

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self, value: str, wait: bool = False) -> str:
        if wait:
            self.hold.wait(timeout=10)
        return value

    @result_of(load)
    def show(self, value: str) -> None:
        self.got.append(value)

    @work(thread=True, exit_on_error=False)
    def save(self) -> None:
        raise BadInput("the draft was not saved")

    @failure_of(save)
    def not_saved(self, error: BaseException) -> None:
        self.failed.append(str(error))

    @work(thread=True, exit_on_error=False)
    def count(self) -> None:
        raise BadInput("the count could not be read")


class LaterProbe(Probe):
    async def show(self, value: str) -> None:  # an override, asynchronous, takes the result
        self.got.append(("later", value))


def told(app, words: str) -> int:
    return sum(words in n.message for n in app._notifications)


async def test_a_result_reaches_its_handler_and_a_failure_is_told_once(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        probe = Probe()
        await app.push_screen(probe)
        probe.load("figures")
        probe.save()
        probe.count()
        await settle(pilot)
        assert probe.got == ["figures"]
        # the screen's own failure handler says it in place; the app does not say it too
        assert probe.failed == ["the draft was not saved"] and told(app, "the draft was not saved") == 0
        assert told(app, "the count could not be read") == 1  # no handler: the app tells it, once


async def test_a_cancelled_worker_hands_nothing_on(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        probe = Probe()
        await app.push_screen(probe)
        probe.load("stale", wait=True)
        probe.load("fresh")  # exclusive: the first is cancelled, though its thread runs on
        probe.hold.set()
        await settle(pilot)
        assert probe.got == ["fresh"]


async def test_a_subclass_override_takes_the_result(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        probe = LaterProbe()
        await app.push_screen(probe)
        probe.load("figures")
        await settle(pilot)
        assert probe.got == [("later", "figures")]


def test_every_request_a_screen_may_post_is_answered_by_the_router():
    requests = {cls for _, cls in inspect.getmembers(navigation, inspect.isclass)
                if issubclass(cls, navigation.OpenRequest) and cls is not navigation.OpenRequest}
    answered = set(Router._decorated_handlers)
    assert requests and requests <= answered, requests - answered


async def test_a_request_from_a_screen_opens_the_screen_it_names(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.post_message(navigation.OpenCase("C-1"))
        await settle(pilot)
        assert isinstance(app.screen, CaseDetailScreen) and app.screen.case_ref == "C-1"
