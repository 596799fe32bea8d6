"""`caseaudit concerns [--open] [--json] [--include-notes]`, and `concerns acknowledge ID` /
`concerns close ID --action TEXT`: thin shells over caseaudit.services.concerns (the same
functions the dashboard calls). The JSON document is the contract of cli.md."""

from __future__ import annotations

import argparse
import json

from audit_tools.calendar import london
from audit_tools.errors import BadInput
from audit_tools.models import User
from caseaudit.cli.moderation import _store
from caseaudit.services import concerns as service
from db.store import Store


def _user(store: Store) -> User:
    user = store.user
    if user is None:
        raise BadInput(f"{store.actor} is not a user of this caseaudit database: ask an admin to add you")
    return user


def _line(concern) -> str:
    state = concern.state.value
    if concern.acknowledged_by and state != "closed":
        state += f" by {concern.acknowledged_by}"
    if state == "closed":
        state += f" by {concern.closed_by}"
    audit = f" (audit {concern.audit_id})" if concern.audit_id else ""
    return (f"{concern.concern_id}  {concern.case_ref}{audit}  raised by {concern.raised_by} "
            f"{london(concern.raised_at):%Y-%m-%d %H:%M}  {state}")


def list_concerns(args: argparse.Namespace) -> int:
    store = _store(args)
    found = service.visible(store, _user(store), open_only=args.open)
    if args.json:
        print(json.dumps([service.as_json(c, args.include_notes) for c in found], ensure_ascii=False))
        return 0
    if not found:
        print("no open safeguarding concerns" if args.open else "no safeguarding concerns")
        return 0
    for concern in found:
        print(_line(concern))
        if args.include_notes:
            print(f"    found: {concern.found}")
            print(f"    should happen now: {concern.should_happen}")
            if concern.action_taken:
                print(f"    action taken: {concern.action_taken}")
    return 0


def acknowledge(args: argparse.Namespace) -> int:
    store = _store(args)
    concern = service.acknowledge(store, args.concern_id)
    print(f"concern {concern.concern_id} acknowledged by {concern.acknowledged_by}")
    return 0


def close(args: argparse.Namespace) -> int:
    store = _store(args)
    concern = service.close(store, args.concern_id, args.action)
    print(f"concern {concern.concern_id} closed by {concern.closed_by}")
    return 0
