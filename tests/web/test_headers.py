"""What every response carries, and what the pages ask the browser to fetch."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient, TestServer

from tests.web.conftest import ORIGIN, sign_in

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Server": "caseaudit",
}


def check_headers(response, path: str) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (path, name, response.headers.get(name))
    policy = response.headers["Content-Security-Policy"]
    for part in ("default-src 'self'", "script-src 'self';", "style-src 'self' 'unsafe-inline'",
                 "connect-src 'self' ws://127.0.0.1:8230", "frame-ancestors 'none'"):
        assert part in policy, (path, part)
    assert "unsafe-eval" not in policy and "Python" not in response.headers["Server"]


async def test_every_page_and_error_carries_the_headers(client):
    for path in ("/sign-in", "/", "/no-such-page", "/static/js/textual.js", "/session", "/static/"):
        check_headers(await client.get(path, allow_redirects=False), path)
    await sign_in(client)
    for path in ("/", "/account/password", "/no-such-page", "/static/js/textual.js", "/static/css/xterm.css",
                 "/static/caseaudit/app.css", "/static/fonts/RobotoMono-VariableFont_wght.ttf", "/static/",
                 "/static/js/", "/static/../server.py", "/download/nothing", "/ws"):
        response = await client.get(path, allow_redirects=False, headers={"Origin": ORIGIN})
        check_headers(response, path)
        assert "aiohttp" not in await response.text() if response.content_type == "text/html" else True
    assert "Strict-Transport-Security" not in (await client.get("/")).headers  # plain http: none


async def test_no_folder_is_listed_and_nothing_outside_the_static_folders_is_served(client):
    await sign_in(client)
    for path in ("/static/", "/static/js/", "/static/fonts", "/static/caseaudit/", "/static/%2e%2e/server.py",
                 "/static/caseaudit/../../server.py", "/static/caseaudit/%2e%2e/server.py"):
        response = await client.get(path, allow_redirects=False)
        body = await response.text() if response.content_type.startswith("text") else ""
        assert response.status == 404, path
        assert "textual.js" not in body and "Index of" not in body and "import" not in body, path


async def test_an_unexpected_failure_is_a_plain_page_and_one_log_line_without_locals(client, monkeypatch, caplog):
    from caseaudit.services import served

    secret_note = "child seen alone at school"

    def broken(gate, session_id):
        note = secret_note  # a local a traceback-with-locals would print  # noqa: F841
        raise RuntimeError("the database went away")

    monkeypatch.setattr(served, "live", broken)
    response = await client.get("/")
    body = await response.text()
    assert response.status == 500 and "Something went wrong" in body
    assert "Traceback" not in body and "RuntimeError" not in body
    check_headers(response, "/")
    assert secret_note not in caplog.text and "RuntimeError" in caplog.text


async def test_the_pages_fetch_nothing_from_another_host(client):
    await sign_in(client)
    fetched = []
    for path in ("/sign-in", "/"):
        page = await (await client.get(path)).text()
        fetched += re.findall(r'(?:src|href)="([^"]+)"', page)
    stylesheets = [u for u in fetched if u.endswith(".css")]
    assert {"/static/css/xterm.css", "/static/caseaudit/app.css"} <= set(stylesheets)
    for sheet in stylesheets:
        css = await (await client.get(sheet)).text()
        fetched += re.findall(r"url\(\s*['\"]?([^'\")]+)", css)
        assert "@import" not in css
    script = await (await client.get("/static/caseaudit/app.js")).text()
    fetched += re.findall(r'fetch\("([^"]+)"', script)
    assert "/static/fonts/RobotoMono-VariableFont_wght.ttf" in fetched
    for url in fetched:
        assert url.startswith("/") and not url.startswith("//"), url
        if url.startswith("/static/"):
            assert (await client.get(url)).status == 200, url  # every asset is served here
    assert "googleapis" not in " ".join(fetched)


async def test_https_pages_ask_for_hsts_and_secure_sockets(make_server):
    server = make_server(public_url="https://caseaudit.example.gov.uk")
    async with TestClient(TestServer(server.make_app())) as client:
        response = await client.get("/sign-in")
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert "connect-src 'self' wss://caseaudit.example.gov.uk" in response.headers["Content-Security-Policy"]
