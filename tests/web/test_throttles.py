"""Guessing from outside, as an attacker would: parallel clients, sprayed names, unknown
names, and more connections than the server will start apps for."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp.test_utils import TestClient, TestServer

from audit_tools.models import Role, User
from db import open_store, passwords
from tests.web.conftest import ORIGIN, PASSWORD, QUICK, csrf_of, sign_in


async def guess(client, username: str, password: str) -> int:
    response = await sign_in(client, username, password)
    return response.status


async def test_twenty_parallel_wrong_passwords_from_four_clients_lock_the_account(make_server, db_path, clock):
    server = make_server()
    async with TestClient(TestServer(server.make_app())) as first:
        clients = [first]
        for _ in range(3):  # three more clients with their own cookies, to the same server
            other = TestClient(first.server, cookie_jar=aiohttp.CookieJar(unsafe=True))
            await other.start_server()
            clients.append(other)
        try:
            statuses = await asyncio.gather(*[guess(clients[n % 4], "amy", f"guess {n}") for n in range(20)])
            assert set(statuses) <= {401, 429} and statuses.count(401) <= 10
            # The right password is now refused, from any client, until the lock runs out.
            assert await guess(clients[2], "amy", PASSWORD) == 429
            clock.forward(minutes=14)
            assert await guess(clients[3], "amy", PASSWORD) == 429
            clock.forward(minutes=1, seconds=1)
            assert await guess(clients[1], "amy", PASSWORD) == 303
        finally:
            for other in clients[1:]:
                await other.close()
    store = open_store(db_path, "admin")
    refused = store.history.entries(what="sign-in refused", limit=100)
    assert len(refused) <= 10  # at most ten passwords were ever checked
    assert [lo.username for lo in passwords.open_lockouts(store)] == ["amy"]


async def test_an_unlock_lets_the_right_password_in_at_once(client, db_path):
    for n in range(10):
        assert await guess(client, "amy", f"guess {n}") == 401
    assert await guess(client, "amy", PASSWORD) == 429
    from caseaudit.services import sign_in as service

    service.unlock(open_store(db_path, "admin"), "amy")
    assert await guess(client, "amy", PASSWORD) == 303


async def test_an_unknown_name_locks_like_a_real_one_in_the_same_words(client):
    pages = {}
    for name in ("ben", "nobody-here"):
        said = []
        for n in range(11):
            response = await sign_in(client, name, f"guess {n}")
            text = (await response.text()).replace(name, "NAME")
            said.append((response.status, text[text.find('id="problem"'):]))
        pages[name] = said
    assert pages["ben"] == pages["nobody-here"]
    assert pages["ben"][-1][0] == 429 and "locked until" in pages["ben"][-1][1]


async def test_spraying_five_names_from_one_address_is_slowed(client, waits):
    names = ["amy", "ben", "admin", "cat", "dan"]
    for n in range(20):
        assert await guess(client, names[n % 5], "guess") == 401
    assert waits.seconds == []
    assert await guess(client, "amy", "guess") == 401
    assert waits.seconds == [5.0]
    # The address is the proxy's X-Forwarded-For only from a trusted proxy: a client naming
    # another address for itself is still slowed.
    await sign_in(client, "ben", "guess", headers={"X-Forwarded-For": "10.9.9.9"})
    assert len(waits.seconds) == 2 and waits.seconds[-1] >= 5.0


async def test_a_trusted_proxys_forwarded_address_is_the_client(make_server, waits):
    server = make_server(trusted_proxies=("127.0.0.1",))
    async with TestClient(TestServer(server.make_app())) as client:
        for n in range(20):
            await sign_in(client, ["amy", "ben"][n % 2], "guess", headers={"X-Forwarded-For": "10.0.0.7"})
        await sign_in(client, "amy", "guess", headers={"X-Forwarded-For": "10.0.0.8"})  # another person
        assert waits.seconds == []
        await sign_in(client, "amy", "guess", headers={"X-Forwarded-For": "10.0.0.8, 10.0.0.7"})
        assert waits.seconds == [5.0]  # the last address the proxy added is the client


async def test_the_process_cap_holds_under_sixty_signed_in_connections(make_server, db_path):
    store = open_store(db_path, "admin")
    users = [User(username=f"user{n:02}", display_name=f"User {n}", roles=[Role.auditor], team="qa")
             for n in range(20)]
    store.people.upsert(users)
    hashed = QUICK.hash(PASSWORD)
    for user in users:
        passwords.set_password_hash(store, user.username, hashed)
    server = make_server()
    async with TestClient(TestServer(server.make_app())) as first:
        clients = []
        for n in range(60):  # 20 users, 3 sessions each, each its own cookie jar
            client = TestClient(first.server, cookie_jar=aiohttp.CookieJar(unsafe=True))
            await client.start_server()
            clients.append(client)
            assert (await sign_in(client, users[n % 20].username)).status == 303
        try:
            async def connect(client):
                try:
                    return await client.ws_connect("/ws", headers={"Origin": ORIGIN})
                except aiohttp.WSServerHandshakeError as err:
                    return err.status

            results = await asyncio.gather(*[connect(c) for c in clients])
            opened = [r for r in results if not isinstance(r, int)]
            assert len(opened) == 50 and [r for r in results if isinstance(r, int)] == [503] * 10
            assert len(server.connections) + server.starting == 50
            for _ in range(200):  # the last processes are still being started
                if len(server.connections) == 50:
                    break
                await asyncio.sleep(0.05)
            assert len(server.connections) == 50
            assert len({c.service._process.pid for c in server.connections}) == 50  # real processes
            page = await clients[0].get("/")
            assert page.status == 503 and "caseaudit is full" in await page.text()
            for socket in opened:
                await socket.close()
        finally:
            for client in clients:
                await client.close()


async def test_a_fourth_session_gets_a_page_saying_where_the_other_three_are(make_server):
    server = make_server()
    async with TestClient(TestServer(server.make_app())) as first:
        clients = []
        try:
            for n in range(4):
                client = TestClient(first.server, cookie_jar=aiohttp.CookieJar(unsafe=True))
                await client.start_server()
                clients.append(client)
                response = await sign_in(client, "amy", headers={"User-Agent": f"Mozilla/5.0 (X11; Linux) Firefox/{n}"})
            assert response.status == 409
            page = await response.text()
            assert "You already have 3 caseaudit sessions open" in page
            assert page.count("Firefox on Linux from 127.0.0.1") == 3
        finally:
            for client in clients:
                await client.close()


async def test_a_form_too_large_is_refused_plainly(client):
    page = await client.get("/sign-in")
    token = csrf_of(await page.text())
    response = await client.post("/sign-in", data={"csrf": token, "username": "amy", "password": "x" * 40_000},
                                 headers={"Origin": ORIGIN})
    assert response.status == 413 and "Traceback" not in await response.text()
