"""Files an admin brings to a served caseaudit through the browser (the upload page of
`caseaudit serve --files DIR`): who may, what a file may be called, and the record kept.
The app then imports from a list of that folder's files, so nobody types a server path."""

from __future__ import annotations

import re

from audit_tools.errors import BadInput
from audit_tools.permissions import Op, require
from db.store import Store

KINDS = (".csv", ".xlsx", ".json", ".jsonl", ".toml")  # users and cases lists, Annex A, catalogues
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$")


def may_upload(store: Store) -> None:
    require(store.user, Op.upload_file)


def upload_name(typed: str) -> str:
    """The name a file is stored under: the browser's own name, checked, never a path."""
    name = typed.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name:
        raise BadInput("choose a file to upload first")
    if not NAME.match(name) or ".." in name:
        raise BadInput(f"{name}: rename the file to letters, digits, spaces, dots, dashes and "
                       "underscores (at most 100) and upload it again")
    if not name.lower().endswith(KINDS):
        raise BadInput(f"{name}: caseaudit imports {', '.join(KINDS)} files; this is not one")
    return name


def record_upload(store: Store, name: str, size: int, sha256: str) -> None:
    may_upload(store)
    store.record("file uploaded", {"name": name, "bytes": size, "sha256": sha256})
