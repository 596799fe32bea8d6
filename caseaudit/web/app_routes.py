"""The app itself: its page, the terminal's static files, downloads, and one app process
per websocket (started with a single-use token for the session, within the process cap);
and the sweep that ends idle sessions and closes their apps."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import WSMsgType, web

from caseaudit.services import served as sessions
from caseaudit.web.base import OWN_STATIC, TEXTUAL_STATIC, Connection, ServerBase, log, render


class AppRoutes(ServerBase):
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

