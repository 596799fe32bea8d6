"""Signing in and out, whether a browser's session is still live, and changing one's own
password: the pages and forms of a person's account, each form carrying its CSRF token."""

from __future__ import annotations

import secrets

from aiohttp import web

from audit_tools.errors import BadInput
from audit_tools.sign_in import ENDED_WORDS, SessionsFull, SignInLocked, SignInRefused
from caseaudit.services import served as sessions
from caseaudit.services import sign_in as sign_in_service
from caseaudit.web.base import ServerBase, log, render


class AccountRoutes(ServerBase):
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

