"""`caseaudit settings [KEY [VALUE]]`: list, read or set the service's settings (an admin)."""

from __future__ import annotations

import argparse
import json

from audit_tools.errors import BadInput
from caseaudit.cli.options import db_path, open_as_user
from caseaudit.services import settings as settings_service


def settings(args: argparse.Namespace) -> int:
    path = db_path(args)
    if not path.exists():
        raise BadInput(f"{path}: no caseaudit database here yet; an admin creates it with `caseaudit init`")
    store = open_as_user(path)
    if args.value is not None:
        line = settings_service.change(store, args.key, args.value)
        lines = [line]
    else:
        lines = settings_service.listing(store, args.key)
    if args.json:
        print(json.dumps({line.key: line.value for line in lines}, sort_keys=True))
        return 0
    if args.value is not None:
        print(f"{lines[0].key} is now {lines[0].value}")
        return 0
    if args.key is not None:
        print(lines[0].value)
        return 0
    width = max(len(line.key) for line in lines)
    for line in lines:
        default = "" if line.value == line.default else f" (default {line.default})"
        print(f"{line.key.ljust(width)}  {line.value}{default}  {line.what}")
    return 0
