"""A served caseaudit on aiohttp's test server: a small database, a clock the test moves,
waits recorded instead of slept, and app processes that are real but tiny."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from argon2 import PasswordHasher
from aiohttp.test_utils import TestClient, TestServer

from audit_tools.models import Role, User
from caseaudit.services import sign_in as sign_in_service
from caseaudit.web.server import CaseauditServer, ServeOptions
from db import open_store, passwords

PASSWORD = "correct horse battery"
ORIGIN = "http://127.0.0.1:8230"
# Each app process is a real one that stays until the server stops it (it ends on the
# first byte it is sent, the server's "quit"), so processes can be counted cheaply.
TINY_APP = "head -c 1 >/dev/null"

USERS = [
    User(username="admin", display_name="Ada Admin", roles=[Role.admin], team="qa"),
    User(username="amy", display_name="Amy Auditor", roles=[Role.auditor], team="qa"),
    User(username="ben", display_name="Ben Auditor", roles=[Role.auditor], team="north"),
]


class MovingClock:
    def __init__(self) -> None:
        self.moment = datetime(2025, 9, 30, 9, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.moment

    def forward(self, **kwargs: float) -> None:
        self.moment += timedelta(**kwargs)


class Waits:
    """Stands in for asyncio.sleep: records each wait the server asks for."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


# argon2 at the library's defaults is slow on purpose; the tests run the same code at the
# least work argon2 allows, or twenty parallel sign-ins take minutes on a small machine.
QUICK = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    monkeypatch.setattr(sign_in_service, "_hasher", QUICK)
    sign_in_service._dummy_hash.cache_clear()
    yield
    sign_in_service._dummy_hash.cache_clear()


@pytest.fixture
def clock():
    return MovingClock()


@pytest.fixture
def db_path(tmp_path, clock):
    path = tmp_path / "ca.db"
    store = open_store(path, "admin", clock)
    store.people.ensure_admin("Ada Admin")
    store.people.upsert(USERS)
    for user in USERS:
        passwords.set_password_hash(store, user.username, QUICK.hash(PASSWORD))
    store.close()
    return path


@pytest.fixture
def waits():
    return Waits()


@pytest.fixture
def make_server(db_path, clock, waits):
    made = []

    def make(**options) -> CaseauditServer:
        gate = open_store(db_path, sign_in_service.SIGNING_IN, clock)
        settings = dict(command=TINY_APP, port=8230, os_user="caseaudit", sleep=waits, sweep_seconds=3600)
        settings.update(options)
        server = CaseauditServer(gate, ServeOptions(**settings))
        made.append(server)
        return server

    return make


@pytest.fixture
async def client(make_server):
    server = make_server()
    async with TestClient(TestServer(server.make_app())) as test_client:
        test_client.caseaudit = server
        yield test_client


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


async def sign_in(client, username: str = "amy", password: str = PASSWORD, origin: str = ORIGIN,
                  headers: dict | None = None):
    """Open the sign-in page and send the form, as a browser does; returns the response."""
    page = await client.get("/sign-in")
    token = csrf_of(await page.text())
    return await client.post("/sign-in", data={"csrf": token, "username": username, "password": password},
                             headers={"Origin": origin, **(headers or {})}, allow_redirects=False)
