"""The upload page: signed in, an admin's only, size-limited, stored 0600 in --files,
never a path, never over another file."""

from __future__ import annotations

import stat

import aiohttp
from aiohttp.test_utils import TestClient, TestServer

from db import open_store
from tests.web.conftest import ORIGIN, csrf_of, sign_in


def form(token: str, name: str, data: bytes) -> aiohttp.FormData:
    body = aiohttp.FormData()
    body.add_field("csrf", token)
    body.add_field("file", data, filename=name, content_type="text/csv")
    return body


async def upload(client, name: str, data: bytes, origin: str = ORIGIN, token: str | None = None):
    if token is None:
        token = csrf_of(await (await client.get("/upload")).text())
    return await client.post("/upload", data=form(token, name, data), headers={"Origin": origin})


async def test_an_admin_uploads_a_file_stored_owner_only_and_recorded(make_server, tmp_path, db_path):
    folder = tmp_path / "files"
    folder.mkdir()
    server = make_server(files=folder)
    async with TestClient(TestServer(server.make_app())) as client:
        await sign_in(client, "admin")
        response = await upload(client, "users.csv", b"username,display_name\nzoe,Zoe\n")
        assert response.status == 200 and "users.csv is uploaded" in await response.text()
        stored = folder / "users.csv"
        assert stored.read_bytes() == b"username,display_name\nzoe,Zoe\n"
        assert stat.S_IMODE(stored.stat().st_mode) == 0o600
        again = await upload(client, "users.csv", b"other")
        assert again.status == 409 and stored.read_bytes().startswith(b"username")
    [entry] = open_store(db_path, "admin").history.entries(what="file uploaded")
    assert entry.actor == "admin" and entry.details["name"] == "users.csv" and entry.details["bytes"] == 30


async def test_uploading_is_refused_without_a_session_to_others_and_from_another_site(make_server, tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    server = make_server(files=folder)
    async with TestClient(TestServer(server.make_app())) as client:
        assert (await client.get("/upload", allow_redirects=False)).status == 303
        await sign_in(client, "amy")
        page = await client.get("/upload")
        assert page.status == 403 and "amy may not upload files" in await page.text()
        refused = await upload(client, "users.csv", b"x", token="anything")
        assert refused.status == 403
    async with TestClient(TestServer(server.make_app())) as admin:
        await sign_in(admin, "admin")
        token = csrf_of(await (await admin.get("/upload")).text())
        assert (await upload(admin, "users.csv", b"x", origin="https://evil.example", token=token)).status == 403
        assert (await upload(admin, "users.csv", b"x", token="forged")).status == 403
    assert list(folder.iterdir()) == []


async def test_a_path_a_strange_name_or_a_large_file_is_refused(make_server, tmp_path, db_path):
    folder = tmp_path / "files"
    folder.mkdir()
    (tmp_path / "outside.csv").write_text("keep")
    open_store(db_path, "admin").reference.set_setting("upload_limit_mb", 1)
    server = make_server(files=folder)
    async with TestClient(TestServer(server.make_app())) as client:
        await sign_in(client, "admin")
        for name in ("../outside.csv", "/etc/passwd.csv", ".hidden.csv", "run.sh", "caseaudit.db"):
            response = await upload(client, name, b"x")
            assert response.status in (400, 409), name
        assert (tmp_path / "outside.csv").read_text() == "keep"
        assert [p.name for p in folder.iterdir()] in ([], ["outside.csv"])  # only the base name, if any
        big = await upload(client, "big.csv", b"x" * (1024 * 1024 + 10))
        assert big.status == 413 and not (folder / "big.csv").exists()
