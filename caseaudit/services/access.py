"""Asking the one policy (audit_tools.permissions) from the services: the facts each
question needs, worked out from the store, never taken from a screen or a command.

Every service entry point calls `require` (or `decide`) here before it reads or writes;
the store asks the same policy again before each write. What a screen offers comes from
`offered`, so a screen reads flags and decides nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from audit_tools.errors import Refused
from audit_tools.models import Audit, Case, User
from audit_tools.permissions import Decision, Facts, Op, audit_facts, blind_audits, case_facts, decide, ever
from audit_tools.permissions import offered as _offered
from db.store import Store

__all__ = ["Op", "Facts", "acting_user", "require", "decide_for", "audit_facts_of", "case_facts_of",
           "blind_to", "require_audit", "offered", "refusal", "may"]


def acting_user(store: Store, user: User | None = None) -> User | None:
    """The person the store acts as. A service given a user checks it is that person: a
    front end cannot ask on someone else's behalf."""
    actor = store.user
    if user is not None and (actor is None or user.username != actor.username):
        raise Refused(f"{user.username} is not the person this session acts as ({store.actor}); "
                      "nothing was read or written")
    return actor


def decide_for(store: Store, op: Op, facts: Facts | None = None, user: User | None = None) -> Decision:
    return decide(acting_user(store, user), op, facts)


def require(store: Store, op: Op, facts: Facts | None = None, user: User | None = None) -> User:
    """The acting user, once the policy allows them `op` with `facts`; Refused otherwise."""
    actor = acting_user(store, user)
    decide(actor, op, facts).raise_if_refused()
    assert actor is not None
    return actor


def may(store: Store, op: Op, facts: Facts | None = None) -> bool:
    """Whether the acting user may do `op` (a flag for a view)."""
    return decide(store.user, op, facts).allowed


def audit_facts_of(store: Store, audit: Audit, case: Case | None = None, **more: Any) -> Facts:
    """An audit's facts: its auditor, its case and who moderates it, from the store."""
    return audit_facts(audit, store.moderation.moderating([audit.audit_id]), case, **more)


def case_facts_of(store: Store, case: Case | None, **more: Any) -> Facts:
    """A case's facts with the moderation of every audit of it (a pack, the case detail)."""
    moderations = store.moderation.moderating(case_ref=case.case_ref) if case is not None else ()
    return case_facts(case, moderations=moderations, **more)


def blind_to(store: Store, user: User | None, audit_ids: Iterable[str] | None = None) -> set[str]:
    """The audits (of `audit_ids`, or any) that `user` is re-auditing blind."""
    if user is None:
        return set()
    ids = list(audit_ids) if audit_ids is not None else None
    return blind_audits(user, Facts(moderations=store.moderation.moderating(ids, moderator=user.username)))


def require_audit(store: Store, audit: Audit, op: Op = Op.read_audit, user: User | None = None,
                  **more: Any) -> User:
    """The acting user, once the policy lets them `op` this audit (read it, by default)."""
    return require(store, op, audit_facts_of(store, audit, **more), user)


def offered(store: Store, ops: Iterable[Op]) -> set[Op]:
    """Of `ops`, those the acting user may ever do: the keys and screens a front end offers."""
    return _offered(store.user, ops)


def refusal(store: Store, op: Op) -> str | None:
    """Why the acting user may never do `op` (None when they may): for a key pressed anyway."""
    decision = ever(store.user, op)
    return None if decision.allowed else decision.reason
