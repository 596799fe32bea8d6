"""The one policy: who may see and do what in caseaudit, given the facts of the matter.

Every question of the kind "may this user see / do this" is answered here and nowhere
else (Datasette's single `permission_allowed()` is the model): `decide(user, op, facts)`
gives a `Decision`, allowed or refused with the sentence the user reads, and `require`
raises that refusal as `Refused`. The services ask it on every read and write and work
out the facts themselves (whose audit, who moderates it and whether their blind re-audit
is in, whose case); the store asks the same policy for its own guard. Screens and
commands never decide: they read flags from a service's view.

An admin holds every role. `docs/permissions.md` is the table of this module
(`policy_table()`); a test keeps the page and the module the same.
"""

from __future__ import annotations
from audit_tools.permissions.answers import allowed, decide, ever, moderator_independence, offered, require
from audit_tools.permissions.facts import (
    ALLOWED, Decision, Facts, Moderating, Op, Scope, audit_facts, case_facts,
)
from audit_tools.permissions.rules import NOT_BLIND, ROLE_HOLDERS, ROLE_NAMES, RULES, Also, Check, Rule, blind_audits
from audit_tools.permissions.table import COLUMNS, policy_table

__all__ = [
    "ALLOWED", "COLUMNS", "NOT_BLIND", "ROLE_HOLDERS", "ROLE_NAMES", "RULES", "Also", "Check", "Decision",
    "Facts", "Moderating", "Op", "Rule", "Scope", "allowed", "audit_facts", "blind_audits", "case_facts",
    "decide", "ever", "moderator_independence", "offered", "policy_table", "require",
]
