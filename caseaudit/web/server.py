"""The web server of `caseaudit serve`: a sign-in page first, then the app.

Nothing of the app runs for a request without a live session: the sign-in page (a form
with a CSRF token, checked with argon2 and the database's throttles) opens a server-side
session whose random id is in an HttpOnly, SameSite=Strict cookie (Secure, with the
`__Host-` prefix, when the public URL is https). Only a live session gets the app page,
the websocket, `/static` and `/download`. For each websocket the server writes a
single-use token for that session to the database and starts the app process with it;
the process redeems it to start signed in (`caseaudit serve-session`).

textual-serve 1.1.3 (pinned) provides the app process plumbing (AppService, the
download manager, the terminal's script and font); the routes, the page template, the
headers and the checks are caseaudit's own.
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import json
import logging
import os
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from audit_tools.errors import BadInput, Refused
from audit_tools.sign_in import ENDED_WORDS, SessionsFull, SignInLocked, SignInRefused
from caseaudit.services import served as sessions
from caseaudit.services import sign_in as sign_in_service
from caseaudit.services import uploads

log = logging.getLogger("caseaudit.serve")

HERE = Path(__file__).resolve().parent
TEXTUAL_STATIC = Path(__import__("textual_serve").__file__).resolve().parent / "static"
OWN_STATIC = HERE / "static"

SESSION_COOKIE = "caseaudit_session"
CSRF_COOKIE = "caseaudit_csrf"
TOKEN_VARIABLE = sessions.TOKEN_VARIABLE
USER_VARIABLE = sessions.USER_VARIABLE

MAX_FORM_BYTES = 16 * 1024  # a sign-in or password form is tiny; anything bigger is refused

_templates = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                                autoescape=jinja2.select_autoescape(["html"]))


def render(name: str, **context: Any) -> str:
    return _templates.get_template(name).render(**context)


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return address.lower() in {"localhost", "localhost.localdomain", "ip6-localhost"}


class SessionAppService(AppService):
    """textual-serve's AppService, started with the session's single-use token."""

    def __init__(self, command: str, *, token: str, username: str, session_hash: str, **kwargs: Any) -> None:
        super().__init__(command, **kwargs)
        self.token = token
        self.username = username
        self.session_hash = session_hash

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width, height)
        environment[TOKEN_VARIABLE] = self.token
        environment[USER_VARIABLE] = self.username
        return environment


@dataclass
class Connection:
    """One websocket and the app process it drives."""

    websocket: web.WebSocketResponse
    session_hash: str
    service: AppService | None = None
    typed: bool = False  # something was typed since the sweep last looked


@dataclass
class ServeOptions:
    command: str
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None
    trusted_proxies: tuple[str, ...] = ()
    os_user: str = ""
    sweep_seconds: float = 15.0
    service_class: type = SessionAppService
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    title: str = "caseaudit"
    files: Path | None = None  # `serve --files DIR`: where uploads go and imports are chosen from
    extra: dict[str, Any] = field(default_factory=dict)


class CaseauditServer:
    """The served app over the database the `gate` store opens (actor SIGNING_IN)."""

    def __init__(self, gate: Any, options: ServeOptions) -> None:
        self.gate = gate
        self.options = options
        self.public_url = (options.public_url or self._local_url()).rstrip("/")
        parts = urlsplit(self.public_url)
        self.https = parts.scheme == "https"
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.ws_origin = f"{'wss' if self.https else 'ws'}://{parts.netloc}"
        self.allowed_origins = {self.origin}
        if options.public_url is None:  # serving this machine only: its loopback names too
            for name in ("127.0.0.1", "localhost", "[::1]"):
                self.allowed_origins.add(f"http://{name}:{options.port}")
        self.cookie_name = f"__Host-{SESSION_COOKIE}" if self.https else SESSION_COOKIE
        self.csrf_cookie_name = f"__Host-{CSRF_COOKIE}" if self.https else CSRF_COOKIE
        self.connections: list[Connection] = []
        self.starting = 0  # app processes being started (counted against the cap at once)
        self.download_manager = DownloadManager()
        self._sweeper: asyncio.Task | None = None

    def _local_url(self) -> str:
        host = self.options.host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.options.port}"

    # -- the aiohttp application ---------------------------------------------------------

    def make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._errors, self._only_trusted], client_max_size=MAX_FORM_BYTES)
        app.add_routes([
            web.get("/", self.handle_index),
            web.get("/sign-in", self.handle_sign_in_page),
            web.post("/sign-in", self.handle_sign_in),
            web.post("/sign-out", self.handle_sign_out),
            web.get("/session", self.handle_session_state),
            web.get("/ws", self.handle_websocket),
            web.get("/static/{path:.+}", self.handle_static),
            web.get("/download/{key}", self.handle_download),
            web.get("/account/password", self.handle_password_page),
            web.post("/account/password", self.handle_password_change),
            web.get("/upload", self.handle_upload_page),
            web.post("/upload", self.handle_upload),
        ])
        app.on_response_prepare.append(self._headers)
        app.on_startup.append(self._start_sweeping)
        app.on_shutdown.append(self._stop)
        return app

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Database work off the event loop (argon2 and SQLite block)."""
        return await asyncio.get_running_loop().run_in_executor(None, fn, *args)

    # -- what every response carries ------------------------------------------------------

    def content_security_policy(self) -> str:
        return ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                f"font-src 'self'; connect-src 'self' {self.ws_origin}; frame-ancestors 'none'; "
                "form-action 'self'; base-uri 'none'; object-src 'none'")

    async def _headers(self, request: web.Request, response: web.StreamResponse) -> None:
        headers = response.headers
        headers["Server"] = "caseaudit"
        headers["Content-Security-Policy"] = self.content_security_policy()
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "no-referrer"
        headers["X-Frame-Options"] = "DENY"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if self.https:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if not request.path.startswith("/static/"):
            headers["Cache-Control"] = "no-store"  # the back button after sign-out asks again

    @web.middleware
    async def _errors(self, request: web.Request, handler: Callable) -> web.StreamResponse:
        """Errors reach the client as a plain page; the log keeps one line, never locals."""
        try:
            return await handler(request)
        except web.HTTPException as err:
            if err.status < 400:
                raise
            return self.page(err.reason, err.text if err.text and not err.text.startswith(f"{err.status}:")
                             else "That page is not available.", status=err.status)
        except asyncio.CancelledError:
            raise
        except Exception as err:  # anything unexpected: a plain page and one log line
            log.error("unexpected %s answering %s %s", type(err).__name__, request.method, request.path,
                      exc_info=err)
            return self.page("Something went wrong", "Something went wrong on the server; try again in a "
                             "moment. If it goes on, tell whoever looks after caseaudit.", status=500)

    @web.middleware
    async def _only_trusted(self, request: web.Request, handler: Callable) -> web.StreamResponse:
        """With --trusted-proxy, connections come only from those proxies (and this machine)."""
        proxies = self.options.trusted_proxies
        remote = request.remote or ""
        if proxies and remote not in proxies and not _is_loopback(remote):
            raise web.HTTPForbidden(reason="Not through the proxy",
                                    text="caseaudit is reached through the council's web address, not directly.")
        return await handler(request)

    def client_address(self, request: web.Request) -> str:
        """The client: the peer, or (only from a --trusted-proxy) the last address the proxy added."""
        remote = request.remote or "unknown"
        if remote in self.options.trusted_proxies:
            forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",") if a.strip()]
            for address in reversed(forwarded):
                if address not in self.options.trusted_proxies:
                    return address[:64]
        return remote

    def origin_ok(self, request: web.Request, *, form: bool = False) -> bool:
        """Only this site's own pages may send a form or open the app's socket.

        Under `Referrer-Policy: no-referrer` a browser sends a same-site form with
        `Origin: null`; then its `Sec-Fetch-Site` must say the form is this site's own."""
        origin = request.headers.get("Origin", "")
        if origin and origin != "null":
            return origin in self.allowed_origins
        return form and request.headers.get("Sec-Fetch-Site") == "same-origin"

    def page(self, title: str, words: str, *, status: int = 200, links: list[tuple[str, str]] | None = None,
             lines: list[str] | None = None) -> web.Response:
        body = render("message.html", title=title, words=words, links=links or [], lines=lines or [])
        return web.Response(text=body, status=status, content_type="text/html")

    # -- sessions from cookies -------------------------------------------------------------

    def _session_id(self, request: web.Request) -> str | None:
        return request.cookies.get(self.cookie_name)

    async def live_session(self, request: web.Request) -> sessions.LiveSession | None:
        return await self.run(sessions.live, self.gate, self._session_id(request))

    async def _require_session(self, request: web.Request) -> sessions.LiveSession:
        session = await self.live_session(request)
        if session is None:
            raise web.HTTPSeeOther("/sign-in")
        return session

    # -- sign-in ---------------------------------------------------------------------------

    def _sign_in_form(self, request: web.Request, *, problem: str = "", note: str = "", status: int = 200,
                      username: str = "") -> web.Response:
        token = request.cookies.get(self.csrf_cookie_name) or secrets.token_urlsafe(32)
        body = render("sign_in.html", csrf=token, problem=problem, note=note, username=username)
        response = web.Response(text=body, status=status, content_type="text/html")
        response.set_cookie(self.csrf_cookie_name, token, httponly=True, samesite="Strict", secure=self.https,
                            path="/")
        return response

    async def handle_sign_in_page(self, request: web.Request) -> web.StreamResponse:
        if await self.live_session(request) is not None:
            raise web.HTTPSeeOther("/")
        why = request.query.get("why", "")
        note = ENDED_WORDS.get(why, "")
        if not note and self._session_id(request):
            ended = await self.run(sessions.why_ended, self.gate, self._session_id(request))
            note = ENDED_WORDS.get(ended or "", "")
        return self._sign_in_form(request, note=note)

    async def _form(self, request: web.Request) -> Any:
        if not self.origin_ok(request, form=True):
            raise web.HTTPForbidden(reason="Refused", text="This form was sent from another site, so it was refused.")
        try:
            return await request.post()
        except web.HTTPRequestEntityTooLarge:
            raise web.HTTPRequestEntityTooLarge(max_size=MAX_FORM_BYTES, actual_size=request.content_length or 0,
                                                text="That form was too large.") from None

    async def handle_sign_in(self, request: web.Request) -> web.StreamResponse:
        form = await self._form(request)
        cookie_token = request.cookies.get(self.csrf_cookie_name, "")
        if not cookie_token or not secrets.compare_digest(str(form.get("csrf", "")), cookie_token):
            return self._sign_in_form(request, problem="The page had expired; sign in again.", status=403)
        username = str(form.get("username", ""))[:200]
        password = str(form.get("password", ""))[:1000]
        if not username.strip():
            return self._sign_in_form(request, problem="Type your username first.", status=400)
        address = self.client_address(request)
        browser = request.headers.get("User-Agent", "")[:200]
        delay = await self.run(sign_in_service.address_delay, self.gate, address)
        if delay > 0:
            await self.options.sleep(delay)
        try:
            signed = await self.run(sign_in_service.sign_in, self.gate, username, password, address, browser)
        except SignInRefused as err:
            return self._sign_in_form(request, problem=str(err), status=401, username=username)
        except SignInLocked as err:
            return self._sign_in_form(request, problem=str(err), status=429, username=username)
        except SessionsFull as err:
            return self.page("Too many sessions", str(err), status=409, lines=err.where,
                             links=[("/sign-in", "Back to sign in")])
        log.info("signed in: %s", signed.user.username)
        response = web.HTTPSeeOther("/")
        response.set_cookie(self.cookie_name, signed.session_id, httponly=True, samesite="Strict",
                            secure=self.https, path="/")
        raise response

    async def handle_sign_out(self, request: web.Request) -> web.StreamResponse:
        form = await self._form(request)
        session = await self.live_session(request)
        if session is not None:
            if not secrets.compare_digest(str(form.get("csrf", "")), session.csrf):
                raise web.HTTPForbidden(reason="Refused", text="The page had expired; sign out again from a fresh page.")
            await self.run(sessions.sign_out_hash, self.gate, session.id_hash)
            await self._close_session(session.id_hash)
        response = web.HTTPSeeOther("/sign-in?why=signed+out")
        response.del_cookie(self.cookie_name, path="/")
        raise response

    async def handle_session_state(self, request: web.Request) -> web.StreamResponse:
        """Whether this browser's session is still live (the app page asks once its socket closes)."""
        session = await self.live_session(request)
        why = None if session else await self.run(sessions.why_ended, self.gate, self._session_id(request))
        return web.json_response({"live": session is not None, "why": why})

    # -- the person's own password ----------------------------------------------------------

    def _password_form(self, session: sessions.LiveSession, *, problem: str = "", status: int = 200) -> web.Response:
        body = render("password.html", csrf=session.csrf, username=session.user.username, problem=problem)
        return web.Response(text=body, status=status, content_type="text/html")

    async def handle_password_page(self, request: web.Request) -> web.StreamResponse:
        session = await self._require_session(request)
        return self._password_form(session)

    async def handle_password_change(self, request: web.Request) -> web.StreamResponse:
        form = await self._form(request)
        session = await self._require_session(request)
        if not secrets.compare_digest(str(form.get("csrf", "")), session.csrf):
            return self._password_form(session, problem="The page had expired; try again.", status=403)
        current, new, again = (str(form.get(k, ""))[:1000] for k in ("current", "new", "again"))
        store = self.gate.clone(actor=session.user.username)
        try:
            await self.run(sign_in_service.change_own_password, store, session.id_hash, current, new, again)
        except BadInput as err:
            return self._password_form(session, problem=" ".join(err.lines).capitalize(), status=400)
        await self._close_others(session.user.username, keep=session.id_hash)
        return self.page("Password changed", "Your password is changed. Your other caseaudit sessions have "
                         "ended; this one carries on.", links=[("/", "Back to caseaudit")])

    async def _close_others(self, username: str, keep: str) -> None:
        for connection in list(self.connections):
            if connection.session_hash != keep and connection.service is not None \
                    and getattr(connection.service, "username", None) == username:
                await self._close(connection)

    # -- uploads (an admin's, into --files) -------------------------------------------------

    async def _uploader(self, request: web.Request) -> sessions.LiveSession:
        session = await self._require_session(request)
        if self.options.files is None:
            raise web.HTTPNotFound(reason="No upload folder",
                                   text="This caseaudit was started without --files, so nothing can be uploaded.")
        try:
            uploads.may_upload(self.gate.clone(actor=session.user.username))
        except Refused as err:
            raise web.HTTPForbidden(reason="Not yours", text=" ".join(err.lines)) from None
        return session

    def _upload_form(self, session: sessions.LiveSession, *, problem: str = "", done: str = "",
                     status: int = 200) -> web.Response:
        folder = self.options.files
        names = sorted(p.name for p in folder.iterdir() if p.is_file()) if folder and folder.is_dir() else []
        limit = self.gate.reference.settings().upload_limit_mb
        body = render("upload.html", csrf=session.csrf, problem=problem, done=done, names=names, limit=limit,
                      kinds=", ".join(uploads.KINDS))
        return web.Response(text=body, status=status, content_type="text/html")

    async def handle_upload_page(self, request: web.Request) -> web.StreamResponse:
        return self._upload_form(await self._uploader(request))

    async def handle_upload(self, request: web.Request) -> web.StreamResponse:
        if not self.origin_ok(request, form=True):
            raise web.HTTPForbidden(reason="Refused", text="This form was sent from another site, so it was refused.")
        session = await self._uploader(request)
        limit = (await self.run(lambda: self.gate.reference.settings().upload_limit_mb)) * 1024 * 1024
        if request.content_length is not None and request.content_length > limit + 64 * 1024:
            return self._upload_form(session, problem=f"That file is larger than {limit // 2**20} MB.", status=413)
        reader = await request.multipart()
        part = await reader.next()
        if part is None or getattr(part, "name", None) != "csrf" or \
                not secrets.compare_digest((await part.text())[:200], session.csrf):
            return self._upload_form(session, problem="The page had expired; try again.", status=403)
        part = await reader.next()
        if part is None or getattr(part, "name", None) != "file":
            return self._upload_form(session, problem="Choose a file to upload first.", status=400)
        try:
            name = uploads.upload_name(part.filename or "")
        except BadInput as err:
            return self._upload_form(session, problem=" ".join(err.lines), status=400)
        assert self.options.files is not None
        target = self.options.files / name
        try:  # a new file, the owner's only, never through a link, never over another
            handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except FileExistsError:
            return self._upload_form(session, problem=f"{name} is already in the folder; rename the file "
                                     "and upload it again.", status=409)
        digest, size = hashlib.sha256(), 0
        try:
            with os.fdopen(handle, "wb") as out:
                while chunk := await part.read_chunk(64 * 1024):
                    size += len(chunk)
                    if size > limit:
                        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=size)
                    digest.update(chunk)
                    out.write(chunk)
            os.chmod(target, 0o600)
        except web.HTTPRequestEntityTooLarge:
            target.unlink(missing_ok=True)
            return self._upload_form(session, problem=f"That file is larger than {limit // 2**20} MB.", status=413)
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        store = self.gate.clone(actor=session.user.username)
        await self.run(uploads.record_upload, store, name, size, digest.hexdigest())
        return self._upload_form(session, done=f"{name} is uploaded ({size:,} bytes): import it from the app.")

    # -- the app ---------------------------------------------------------------------------

    def _cap(self) -> int:
        return self.gate.reference.settings().app_process_cap

    async def _full(self) -> bool:
        cap = await self.run(self._cap)
        return len([c for c in self.connections if c.service is not None]) + self.starting >= cap

    def _full_page(self) -> web.Response:
        return self.page("caseaudit is full", "caseaudit has as many people working as this server allows. "
                         "Try again in a few minutes.", status=503, links=[("/", "Try again")])

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        session = await self._require_session(request)
        await self.run(sessions.touch, self.gate, session.id_hash)
        if await self._full():
            return self._full_page()
        font_size = request.query.get("fontsize", "16")
        body = render("app.html", title=self.options.title, websocket_url=f"{self.ws_origin}/ws",
                      font_size=int(font_size) if font_size.isdigit() and 6 <= int(font_size) <= 48 else 16,
                      csrf=session.csrf, username=session.user.username)
        return web.Response(text=body, content_type="text/html")

    async def handle_static(self, request: web.Request) -> web.StreamResponse:
        await self._require_session(request)
        wanted = request.match_info["path"]
        root, rest = (OWN_STATIC, wanted[len("caseaudit/"):]) if wanted.startswith("caseaudit/") \
            else (TEXTUAL_STATIC, wanted)
        path = (root / rest).resolve()
        if not path.is_relative_to(root) or not path.is_file():  # no folders, nothing outside
            raise web.HTTPNotFound(reason="Not found")
        return web.FileResponse(path, headers={"Cache-Control": "private, max-age=3600"})

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        session = await self._require_session(request)
        key = request.match_info["key"]
        try:
            meta = await self.download_manager.get_download_metadata(key)
        except KeyError:
            raise web.HTTPNotFound(reason="Not found") from None
        if getattr(meta.app_service, "session_hash", None) != session.id_hash:  # another session's file
            raise web.HTTPNotFound(reason="Not found")
        response = web.StreamResponse()
        content_type = meta.mime_type + (f"; charset={meta.encoding}" if meta.encoding else "")
        response.headers["Content-Type"] = content_type
        disposition = "inline" if meta.open_method == "browser" else "attachment"
        safe_name = "".join(c for c in meta.file_name if c.isalnum() or c in "._- ")[:120] or "download"
        response.headers["Content-Disposition"] = f'{disposition}; filename="{safe_name}"'
        await response.prepare(request)
        async for chunk in self.download_manager.download(key):
            await response.write(chunk)
        await response.write_eof()
        return response

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        if not self.origin_ok(request):
            raise web.HTTPForbidden(reason="Refused", text="Connections from another site are refused.")
        session = await self.live_session(request)
        if session is None:
            raise web.HTTPUnauthorized(reason="Not signed in", text="Sign in first.")
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=64 * 1024)
        if not websocket.can_prepare(request).ok:
            raise web.HTTPBadRequest(reason="Not a websocket", text="This address is for the app's own connection.")
        if await self._full():
            raise web.HTTPServiceUnavailable(reason="Full", text="caseaudit is full; try again in a few minutes.")
        self.starting += 1
        connection = Connection(websocket, session.id_hash)
        try:
            token = await self.run(sessions.issue_app_token, self.gate, session, self.options.os_user)
            await websocket.prepare(request)
            width = _number(request.query.get("width"), 80)
            height = _number(request.query.get("height"), 24)
            service = self.options.service_class(
                self.options.command, token=token, username=session.user.username, session_hash=session.id_hash,
                write_bytes=websocket.send_bytes, write_str=websocket.send_str, close=websocket.close,
                download_manager=self.download_manager)
            await service.start(width, height)
            connection.service = service
            self.connections.append(connection)
        finally:
            self.starting -= 1
        try:
            await self._messages(connection)
        except asyncio.CancelledError:
            await websocket.close()
        finally:
            if connection in self.connections:
                self.connections.remove(connection)
            await service.stop()
        return websocket

    async def _messages(self, connection: Connection) -> None:
        service = connection.service
        assert service is not None
        async for message in connection.websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
                kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
            except (ValueError, TypeError, IndexError, KeyError):
                continue  # not the page's own message: ignored
            if kind == "stdin" and isinstance(data, str):
                connection.typed = True
                await service.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                await service.set_terminal_size(_number(data.get("width"), 80), _number(data.get("height"), 24))
            elif kind == "ping":
                await connection.websocket.send_json(["pong", data])
            elif kind == "blur":
                await service.blur()
            elif kind == "focus":
                await service.focus()

    # -- ending sessions ----------------------------------------------------------------------

    async def sweep(self) -> None:
        """Refresh the idle time of sessions typed in, end what is no longer live, close its apps."""
        typed = {c.session_hash for c in self.connections if c.typed}
        for connection in self.connections:
            connection.typed = False
        for id_hash in typed:
            await self.run(sessions.touch, self.gate, id_hash)
        await self.run(sessions.sweep, self.gate)
        for connection in list(self.connections):
            if await self.run(sessions.live_by_hash, self.gate, connection.session_hash) is None:
                await self._close(connection)

    async def _close_session(self, id_hash: str) -> None:
        for connection in [c for c in self.connections if c.session_hash == id_hash]:
            await self._close(connection)

    async def _close(self, connection: Connection) -> None:
        if connection in self.connections:
            self.connections.remove(connection)
        await connection.websocket.close()

    async def _start_sweeping(self, app: web.Application) -> None:
        async def sweeping() -> None:
            while True:
                await asyncio.sleep(self.options.sweep_seconds)
                try:
                    await self.sweep()
                except Exception as err:  # one bad sweep must not stop the next
                    log.error("the session sweep failed: %s", type(err).__name__, exc_info=err)

        self._sweeper = asyncio.create_task(sweeping())

    async def _stop(self, app: web.Application) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
        for connection in list(self.connections):
            await self._close(connection)


def _number(value: Any, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if 1 <= number <= 1000 else default


def serve(server: CaseauditServer) -> None:
    """Run until interrupted; the log has plain lines (no rich tracebacks, no local variables)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    web.run_app(server.make_app(), host=server.options.host, port=server.options.port, access_log=None,
                print=lambda *args: None)


