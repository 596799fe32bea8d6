"""An admin's uploads into `serve --files`: a new file, the owner's only, never over
another or through a link, no larger than the service's limit, recorded in the history."""

from __future__ import annotations

import hashlib
import os
import secrets

from aiohttp import BodyPartReader, web

from audit_tools.errors import BadInput, Refused
from caseaudit.services import served as sessions
from caseaudit.services import uploads
from caseaudit.web.base import ServerBase, render


class UploadRoutes(ServerBase):
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
        if not isinstance(part, BodyPartReader) or part.name != "csrf" or \
                not secrets.compare_digest((await part.text())[:200], session.csrf):
            return self._upload_form(session, problem="The page had expired; try again.", status=403)
        part = await reader.next()
        if not isinstance(part, BodyPartReader) or part.name != "file":  # nor a nested multipart
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

