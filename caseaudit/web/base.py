"""What every part of caseaudit's web server shares: the options it was started with, the
headers every response carries, the checks every request passes (errors as plain pages,
only through the trusted proxy, only this site's own forms), the sign-in session a
request's cookie names, and the app processes' websockets, so ending a session closes them.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import textual_serve
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from caseaudit.services import served as sessions
from db.store import Store

log = logging.getLogger("caseaudit.serve")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]  # what a middleware passes on to

HERE = Path(__file__).resolve().parent
TEXTUAL_STATIC = Path(textual_serve.__path__[0]).resolve() / "static"
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



class ServerBase:
    """The served app over the database the `gate` store opens (actor SIGNING_IN)."""

    def __init__(self, gate: Store, options: ServeOptions) -> None:
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
        self._sweeper: asyncio.Task[None] | None = None

    def _local_url(self) -> str:
        host = self.options.host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.options.port}"

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
    async def _errors(self, request: web.Request, handler: Handler) -> web.StreamResponse:
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
    async def _only_trusted(self, request: web.Request, handler: Handler) -> web.StreamResponse:
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

    async def _form(self, request: web.Request) -> Any:
        if not self.origin_ok(request, form=True):
            raise web.HTTPForbidden(reason="Refused", text="This form was sent from another site, so it was refused.")
        try:
            return await request.post()
        except web.HTTPRequestEntityTooLarge:
            raise web.HTTPRequestEntityTooLarge(max_size=MAX_FORM_BYTES, actual_size=request.content_length or 0,
                                                text="That form was too large.") from None

    async def _close_others(self, username: str, keep: str) -> None:
        for connection in list(self.connections):
            if connection.session_hash != keep and connection.service is not None \
                    and getattr(connection.service, "username", None) == username:
                await self._close(connection)

    async def _close_session(self, id_hash: str) -> None:
        for connection in [c for c in self.connections if c.session_hash == id_hash]:
            await self._close(connection)

    async def _close(self, connection: Connection) -> None:
        if connection in self.connections:
            self.connections.remove(connection)
        await connection.websocket.close()

