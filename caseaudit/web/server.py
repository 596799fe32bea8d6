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

The server is put together from its parts: `base` (options, headers, request checks,
sessions from cookies), `accounts` (sign-in, sign-out, one's own password), `upload` and
`app_routes` (the app page, static files, downloads, websockets and the sweep).
"""

from __future__ import annotations

import logging

from aiohttp import web

from caseaudit.web.accounts import AccountRoutes
from caseaudit.web.app_routes import AppRoutes
from caseaudit.web.base import (  # noqa: F401  (importable from here as before)
    CSRF_COOKIE, MAX_FORM_BYTES, SESSION_COOKIE, TOKEN_VARIABLE, USER_VARIABLE, Connection, ServeOptions,
    SessionAppService, render,
)
from caseaudit.web.upload import UploadRoutes


class CaseauditServer(AccountRoutes, UploadRoutes, AppRoutes):
    """The served app over the database the `gate` store opens (actor SIGNING_IN)."""

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


def serve(server: CaseauditServer) -> None:
    """Run until interrupted; the log has plain lines (no rich tracebacks, no local variables)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    web.run_app(server.make_app(), host=server.options.host, port=server.options.port, access_log=None,
                print=lambda *args: None)


