"""Nothing of the app runs before sign-in: the attacker's view of `caseaudit serve`."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp.test_utils import TestClient, TestServer

from db import open_store
from tests.web.conftest import ORIGIN, PASSWORD, csrf_of, sign_in


async def test_no_session_gets_no_app_page_no_socket_no_static_and_no_process(client):
    server = client.caseaudit
    page = await client.get("/", allow_redirects=False)
    assert page.status == 303 and page.headers["Location"] == "/sign-in"
    for path in ("/static/js/textual.js", "/static/caseaudit/app.js", "/static/fonts/RobotoMono-VariableFont_wght.ttf",
                 "/download/some-key"):
        refused = await client.get(path, allow_redirects=False)
        assert refused.status == 303, path
    with_origin = {"Origin": ORIGIN}
    try:
        await client.ws_connect("/ws", headers=with_origin)
        raise AssertionError("a websocket opened without a session")
    except aiohttp.WSServerHandshakeError as err:
        assert err.status == 401
    assert server.connections == [] and server.starting == 0


async def test_the_sign_in_form_needs_its_csrf_token_and_this_sites_origin(client, db_path):
    page = await client.get("/sign-in")
    token = csrf_of(await page.text())
    form = {"csrf": token, "username": "amy", "password": PASSWORD}
    foreign = await client.post("/sign-in", data=form, headers={"Origin": "https://evil.example"},
                                allow_redirects=False)
    assert foreign.status == 403
    no_origin = await client.post("/sign-in", data=form, allow_redirects=False)
    assert no_origin.status == 403
    cross_site = await client.post("/sign-in", data=form, allow_redirects=False,
                                   headers={"Origin": "null", "Sec-Fetch-Site": "cross-site"})
    assert cross_site.status == 403
    wrong_token = await client.post("/sign-in", data={**form, "csrf": "forged"}, headers={"Origin": ORIGIN},
                                    allow_redirects=False)
    assert wrong_token.status == 403 and "expired" in await wrong_token.text()
    store = open_store(db_path, "admin")
    assert store.history.entries(what="signed in") == []
    right = await client.post("/sign-in", data=form, headers={"Origin": ORIGIN}, allow_redirects=False)
    assert right.status == 303 and right.headers["Location"] == "/"


async def test_the_session_cookie_is_httponly_strict_and_only_its_hash_is_stored(client, db_path):
    response = await sign_in(client)
    assert response.status == 303
    cookie = response.cookies["caseaudit_session"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/"
    store = open_store(db_path, "admin")
    stored = [r[0] for r in store.db.execute("SELECT id_hash FROM served_sessions")]
    assert len(stored) == 1 and cookie.value not in stored
    app_page = await client.get("/")
    assert app_page.status == 200 and "data-session-websocket-url" in await app_page.text()


async def test_a_https_public_url_makes_the_cookie_secure_with_the_host_prefix(make_server):
    server = make_server(public_url="https://caseaudit.example.gov.uk")
    async with TestClient(TestServer(server.make_app())) as client:
        page = await client.get("/sign-in")
        csrf_cookie = page.cookies["__Host-caseaudit_csrf"]
        assert csrf_cookie["secure"] and csrf_cookie["httponly"] and csrf_cookie["samesite"] == "Strict"
        token = csrf_of(await page.text())
        # The test speaks plain HTTP to the server behind the proxy, so it hands the cookie back itself.
        response = await client.post(
            "/sign-in", data={"csrf": token, "username": "amy", "password": PASSWORD},
            headers={"Origin": "https://caseaudit.example.gov.uk", "Cookie": f"__Host-caseaudit_csrf={token}"},
            allow_redirects=False)
        assert response.status == 303
        cookie = response.cookies["__Host-caseaudit_session"]
        assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Strict"
        assert "max-age" in response.headers["Strict-Transport-Security"]


async def test_a_foreign_origin_opens_no_socket_even_with_a_session(client):
    await sign_in(client)
    for origin in ("https://evil.example", "null", ""):
        try:
            await client.ws_connect("/ws", headers={"Origin": origin} if origin else {})
            raise AssertionError(f"a websocket opened from {origin!r}")
        except aiohttp.WSServerHandshakeError as err:
            assert err.status == 403
    assert client.caseaudit.connections == []


async def test_a_signed_in_socket_starts_one_app_with_a_token_for_that_session(client, db_path):
    await sign_in(client)
    socket = await client.ws_connect("/ws", headers={"Origin": ORIGIN})
    for _ in range(50):
        if client.caseaudit.connections:
            break
        await asyncio.sleep(0.05)
    [connection] = client.caseaudit.connections
    assert connection.service.username == "amy" and connection.service.token
    store = open_store(db_path, "admin")
    [(username, used)] = store.db.execute("SELECT username, used_at FROM served_tokens").fetchall()
    assert username == "amy" and used is None  # the tiny app does not redeem it
    await socket.close()


async def test_a_plain_get_of_the_socket_is_a_plain_refusal(client, caplog):
    await sign_in(client)
    response = await client.get("/ws", headers={"Origin": ORIGIN})
    assert response.status == 400
    body = await response.text()
    assert "Traceback" not in body and "<html" in body
    assert "Traceback" not in caplog.text
