"""Holds on cases (`caseaudit hold`): a legal or safeguarding hold keeps a case's words
through any redaction until an admin releases it. The policy (Op.hold_case) is asked here
and again by the store (db/holds.py), which records both in the history."""

from __future__ import annotations

from audit_tools.permissions import Op
from audit_tools.text import Kind, checked
from caseaudit.services import access
from db.holds import Hold
from db.store import Store

__all__ = ["Hold", "hold_case", "release_case", "holds"]


def hold_case(store: Store, case_ref: str, reason: str) -> Hold:
    access.require(store, Op.hold_case)
    return store.holds.hold(case_ref, checked(reason, Kind.text, "--reason"))


def release_case(store: Store, case_ref: str) -> Hold:
    access.require(store, Op.hold_case)
    return store.holds.release(case_ref)


def holds(store: Store) -> list[Hold]:
    """Every case on hold, by case reference."""
    access.require(store, Op.hold_case)
    return store.holds.all()
