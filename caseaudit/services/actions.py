"""The actions tracker: whose actions a user may list (their own, their team's, every
team's), and recording, correcting or undoing an action's completion. The policy decides
who may; the completion rules are audit_tools.amendments', enforced by the store.

An action belongs to its audit: while a user re-audits an audit blind, its actions are
left out of every list they are shown, whoever's list it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from audit_tools.permissions import Facts, Op, Scope, decide
from caseaudit.services import access
from db.rows import ActionRow
from db.store import Store

PAGE = 100
SCOPE_WORDS = {Scope.mine: "my actions", Scope.team: "my team's actions", Scope.all: "every team's actions"}


@dataclass
class ActionsView:
    scope: Scope
    rows: list[ActionRow]  # the most pressing first
    scopes: list[Scope] = field(default_factory=list)  # the lists this user may choose between
    hidden: int = 0  # actions left out because the user re-audits their audit blind


def scopes_for(store: Store) -> list[Scope]:
    """The lists of actions the acting user may choose between, in order."""
    return [s for s in Scope if decide(store.user, Op.list_actions, Facts(scope=s)).allowed]


def actions_view(store: Store, scope: Scope | str, state: str, today: date, limit: int = PAGE) -> ActionsView:
    """The acting user's list of actions: `scope` mine, team or all; `state` open, overdue,
    done or all; the most pressing first."""
    scope = Scope(scope)
    user = access.require(store, Op.list_actions, Facts(scope=scope))
    # Every team's (no filter), the user's team's, or the user's own.
    team = user.team if scope is Scope.team else None
    owner = user.username if scope is Scope.mine else None
    rows = store.amendments.actions(owner=owner, team=team, state=None if state == "all" else state, today=today,
                                    limit=limit, order="urgency")
    blind = access.blind_to(store, user, {row.audit_id for row in rows})
    shown = [row for row in rows if row.audit_id not in blind]
    return ActionsView(scope=scope, rows=shown, scopes=scopes_for(store), hidden=len(rows) - len(shown))


def _action_facts(store: Store, action_id: int) -> Facts:
    found = store.amendments.action_owner(action_id)
    if found is None:
        return Facts(action_id=action_id)  # the store says it is not there
    owner, auditor, audit_id = found
    return Facts(action_id=action_id, owner=owner, auditor=auditor, audit_id=audit_id,
                 moderations=store.moderation.moderating([audit_id]))


def complete_action(store: Store, action_id: int, on: date, reason: str | None = None) -> None:
    """Record (or, with a reason, correct) the day an action was completed."""
    access.require(store, Op.record_action, _action_facts(store, action_id))
    store.amendments.complete_action(action_id, on, reason)


def reopen_action(store: Store, action_id: int, reason: str) -> None:
    """Undo an action's completion, with the reason the history keeps."""
    access.require(store, Op.record_action, _action_facts(store, action_id))
    store.amendments.reopen_action(action_id, reason)
