"""The role x operation table of docs/permissions.md, written from the rules."""

from __future__ import annotations

from audit_tools.models import Role
from audit_tools.permissions.rules import AD, RULES, A, M, Q, Rule

COLUMNS = ("auditor", "moderator", "QA lead", "admin", "no role")
_COLUMN_ROLES: dict[str, Role | None] = {"auditor": A, "moderator": M, "QA lead": Q, "admin": AD, "no role": None}


def _cell(rule: Rule, role: Role | None) -> str:
    if role is None:
        holds = not rule.roles
    else:
        holds = not rule.roles or role == AD or role in rule.roles
    if holds:
        return "yes, if" if rule.check is not None else "yes"
    return "only as also" if rule.also is not None else "no"


def policy_table() -> str:
    """The role × operation table of docs/permissions.md, from RULES."""
    lines = ["| operation | " + " | ".join(COLUMNS) + " | conditions |",
             "| --- | " + " | ".join("---" for _ in COLUMNS) + " | --- |"]
    for op, rule in RULES.items():
        cells = [_cell(rule, _COLUMN_ROLES[c]) for c in COLUMNS]
        words = [w for w in (rule.when, rule.also_words and f"also: {rule.also_words}") if w]
        lines.append(f"| `{op.value}` ({rule.doing.format(what=rule.what)}) | " + " | ".join(cells) + " | " + "; ".join(words) + " |")
    return "\n".join(lines) + "\n"

