"""Sessions end: idle, too old, signed out, and when an admin disables the account, sets
its password or changes its roles (the server's sweep closes the app within a minute)."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp.test_utils import TestClient

from audit_tools.models import Role, User
from caseaudit.services import sign_in as sign_in_service
from caseaudit.web.server import ServeOptions
from db import open_store
from tests.web.conftest import ORIGIN, PASSWORD, csrf_of, sign_in

NEW_PASSWORD = "lantern orchard velvet"


async def ended_why(client) -> str | None:
    state = await (await client.get("/session")).json()
    return None if state["live"] else state["why"]


async def connected(client, server):
    socket = await client.ws_connect("/ws", headers={"Origin": ORIGIN})
    for _ in range(100):
        if server.connections:
            break
        await asyncio.sleep(0.05)
    return socket


async def test_an_idle_session_ends_after_thirty_minutes(client, clock, db_path):
    await sign_in(client)
    clock.forward(minutes=29)
    assert (await client.get("/", allow_redirects=False)).status == 200  # a page asked for: active again
    clock.forward(minutes=29)
    assert await ended_why(client) is None
    clock.forward(minutes=1)
    assert await ended_why(client) == "idle"
    page = await client.get("/", allow_redirects=False)
    assert page.status == 303 and page.headers["Location"] == "/sign-in"
    sign_in_page = await (await client.get("/sign-in")).text()
    assert "a time with nothing typed" in sign_in_page
    ended = open_store(db_path, "admin").history.entries(what="session ended")
    assert [e.details for e in ended] == [{"username": "amy", "why": "idle"}]


async def test_a_session_ends_at_its_lifetime_however_busy(client, clock):
    await sign_in(client)
    for _ in range(24):  # active all day: 11 h 36 min
        clock.forward(minutes=29)
        await client.get("/")
    assert await ended_why(client) is None
    clock.forward(minutes=29)
    assert await ended_why(client) == "lifetime"


async def test_a_shorter_idle_setting_is_read_at_once(client, clock, db_path):
    await sign_in(client)
    open_store(db_path, "admin", clock).reference.set_setting("idle_timeout_minutes", 1)
    clock.forward(seconds=61)
    assert await ended_why(client) == "idle"


async def test_disabling_the_account_closes_its_open_app_at_the_next_sweep(client, db_path, clock):
    server = client.caseaudit
    await sign_in(client)
    socket = await connected(client, server)
    assert len(server.connections) == 1
    sign_in_service.set_disabled(open_store(db_path, "admin", clock), "amy", True)
    await server.sweep()
    message = await socket.receive(timeout=5)
    assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
    assert server.connections == []
    assert await ended_why(client) == "disabled"
    # The sweep runs every 15 seconds unless told otherwise: well within a minute.
    assert ServeOptions(command="x").sweep_seconds <= 60


async def test_an_admin_setting_the_password_or_changing_roles_ends_the_session(make_server, db_path, clock):
    server = make_server()
    admin = open_store(db_path, "admin", clock)
    async with TestClient(__import__("aiohttp.test_utils").test_utils.TestServer(server.make_app())) as amy:
        await sign_in(amy, "amy")
        sign_in_service.set_password(admin, "amy", NEW_PASSWORD, NEW_PASSWORD)
        assert await ended_why(amy) == "password changed"
        await sign_in(amy, "amy", NEW_PASSWORD)
        assert await ended_why(amy) is None
        admin.people.upsert([User(username="amy", display_name="Amy Auditor", roles=[], team="qa")])
        assert await ended_why(amy) == "roles changed"
        await server.sweep()
        assert (await amy.get("/", allow_redirects=False)).status == 303


async def test_changing_ones_own_password_ends_the_other_sessions_not_this_one(make_server, db_path):
    server = make_server()
    app = __import__("aiohttp.test_utils").test_utils.TestServer(server.make_app())
    async with TestClient(app) as here:
        other = TestClient(here.server, cookie_jar=aiohttp.CookieJar(unsafe=True))
        await other.start_server()
        try:
            await sign_in(here, "amy")
            await sign_in(other, "amy")
            form_page = await here.get("/account/password")
            token = csrf_of(await form_page.text())
            wrong = await here.post("/account/password", headers={"Origin": ORIGIN}, data={
                "csrf": token, "current": "not it at all", "new": NEW_PASSWORD, "again": NEW_PASSWORD})
            assert wrong.status == 400 and "current password is not right" in await wrong.text()
            weak = await here.post("/account/password", headers={"Origin": ORIGIN}, data={
                "csrf": token, "current": PASSWORD, "new": "amyamyamyamy1", "again": "amyamyamyamy1"})
            assert weak.status == 400 and "contains the username" in await weak.text()
            assert await ended_why(other) is None
            forged = await here.post("/account/password", headers={"Origin": "https://evil.example"}, data={
                "csrf": token, "current": PASSWORD, "new": NEW_PASSWORD, "again": NEW_PASSWORD})
            assert forged.status == 403
            done = await here.post("/account/password", headers={"Origin": ORIGIN}, data={
                "csrf": token, "current": PASSWORD, "new": NEW_PASSWORD, "again": NEW_PASSWORD})
            assert done.status == 200 and "Your password is changed" in await done.text()
            assert await ended_why(here) is None
            assert await ended_why(other) == "password changed"
        finally:
            await other.close()
    gate = open_store(db_path, sign_in_service.SIGNING_IN)
    assert sign_in_service.sign_in(gate, "amy", NEW_PASSWORD, "127.0.0.1", "t").user.username == "amy"


async def test_signing_out_needs_the_sessions_token_and_the_back_button_finds_the_sign_in_page(client):
    await sign_in(client)
    app_page = await client.get("/")
    assert app_page.headers["Cache-Control"] == "no-store"
    token = csrf_of(await app_page.text())
    forged = await client.post("/sign-out", data={"csrf": "forged"}, headers={"Origin": ORIGIN},
                               allow_redirects=False)
    assert forged.status == 403 and await ended_why(client) is None
    out = await client.post("/sign-out", data={"csrf": token}, headers={"Origin": ORIGIN}, allow_redirects=False)
    assert out.status == 303 and out.headers["Location"].startswith("/sign-in")
    back = await client.get("/", allow_redirects=False)
    assert back.status == 303 and back.headers["Location"] == "/sign-in"


async def test_guessing_the_current_password_on_the_change_page_locks_the_account(client, db_path):
    await sign_in(client)
    token = csrf_of(await (await client.get("/account/password")).text())
    statuses = []
    for n in range(11):
        response = await client.post("/account/password", headers={"Origin": ORIGIN}, data={
            "csrf": token, "current": f"guess {n}", "new": NEW_PASSWORD, "again": NEW_PASSWORD})
        statuses.append((response.status, "locked until" in await response.text()))
    assert statuses[:10] == [(400, False)] * 10 and statuses[10] == (400, True)
    from db import passwords

    assert [lo.username for lo in passwords.open_lockouts(open_store(db_path, "admin"))] == ["amy"]
