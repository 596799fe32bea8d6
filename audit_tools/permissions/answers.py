"""Asking the policy: `decide` gives a Decision, `require` raises its refusal, `ever` and
`offered` say what a screen may offer; and the moderator's independence."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from audit_tools.assignment import moderator_conflicts
from audit_tools.errors import Refused
from audit_tools.models import Audit, Case, Role, User
from audit_tools.permissions.facts import ALLOWED, Decision, Facts, Op, refused
from audit_tools.permissions.rules import RULES, ROLE_NAMES

def _needs(roles: tuple[Role, ...]) -> str:
    names = [ROLE_NAMES[r] for r in roles]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _sentences(reason: str | list[str] | None) -> list[str]:
    if not reason:
        return []
    return [reason] if isinstance(reason, str) else list(reason)


def decide(user: User | None, op: Op, facts: Facts | None = None) -> Decision:
    """May `user` do `op`, given `facts`? Allowed, or refused with the sentences to show."""
    rule = RULES[op]
    facts = facts or Facts()
    if rule.what:
        rule = replace(rule, doing=rule.doing.format(what=facts.what or rule.what))
    if user is None:
        return refused(f"you are not a caseaudit user, so you may not {rule.doing}; "
                        "ask an admin to add you to the users list")
    holds = not rule.roles or any(user.has(r) for r in rule.roles)
    if not holds and not (rule.also is not None and rule.also(user, facts)):
        # Someone who could have been let in by the facts hears why not in the rule's words.
        reason = rule.check(user, facts) if rule.check is not None and rule.also is not None else None
        return refused(*_sentences(reason) or [f"{user.username} may not {rule.doing}: needs the "
                                                 f"{_needs(rule.roles)} role"])
    if rule.check is not None:
        reason = rule.check(user, facts)
        if reason:
            return refused(*_sentences(reason))
    return ALLOWED


def allowed(user: User | None, op: Op | Role, facts: Facts | None = None) -> bool:
    """Whether `decide` allows it (a bare Role: whether the user holds it; kept for old callers)."""
    if isinstance(op, Role):
        return user is not None and user.has(op)
    return decide(user, op, facts).allowed


def require(user: User | None, op: Op | Role, facts: Facts | str | None = None) -> None:
    """Raise Refused unless the policy allows `user` to do `op` with `facts`.

    The older form `require(user, Role.X, "doing")` (holds the role, else refused in
    those words) is kept while callers move to operations.
    """
    if isinstance(op, Role):
        doing = facts if isinstance(facts, str) else "do this"
        if user is None:
            raise Refused(f"you are not a caseaudit user, so you may not {doing}; "
                          "ask an admin to add you to the users list")
        if not user.has(op):
            raise Refused(f"{user.username} may not {doing}: needs the {op.value} role")
        return
    assert not isinstance(facts, str)
    decide(user, op, facts).raise_if_refused()


def ever(user: User | None, op: Op) -> Decision:
    """Whether the user may do `op` in some case: a user of the service holding one of its
    roles (or one the rule lets in without them, as an action's owner). Facts may still
    refuse a given case; this is what a key or a tile is offered by, never what lets it through."""
    rule = RULES[op]
    if user is None or (rule.roles and not any(user.has(r) for r in rule.roles) and rule.also is None):
        return decide(user, op)  # refused, in the words of the role it needs
    return ALLOWED


def offered(user: User | None, ops: Iterable[Op]) -> set[Op]:
    """Of `ops`, those the user may do in some case (`ever`): what a screen offers keys for."""
    return {op for op in ops if ever(user, op).allowed}


def moderator_independence(audit: Audit, case: Case | None, moderator: str) -> list[str]:
    """Why `moderator` may not moderate `audit` (empty when they may).

    A moderation is a second, independent look: never by the original auditor, nor
    by the case's allocated worker or line manager. The rule itself lives in
    audit_tools.assignment, so the store, the assignment screen and imports agree.
    """
    if case is None:  # case not known: only the auditor rule can be checked
        case = Case(case_ref=audit.case_ref, case_type="EH", start_date=audit.as_of)
    reasons = moderator_conflicts(moderator, audit.auditor, case)
    return [f"audit {audit.audit_id}: {reason}" for reason in reasons]
