"""Who may do what: the roles gate every operation, from a screen, the command line or an import.

An admin may do everything. The Store calls `require` before each write, so a screen
that forgot to hide a button still cannot let the change through.
"""

from __future__ import annotations

from audit_tools.errors import Refused
from audit_tools.models import Audit, Case, Role, User

# What each kind of change needs, in the words used in refusals.
AUDIT = Role.auditor
MODERATE = Role.moderator
QA = Role.qa_lead
ADMIN = Role.admin


def allowed(user: User | None, role: Role) -> bool:
    return user is not None and user.has(role)


def require(user: User | None, role: Role, doing: str) -> None:
    """Raise Refused unless `user` holds `role` (or is an admin)."""
    if user is None:
        raise Refused(
            f"you are not a caseaudit user, so you may not {doing}; "
            "ask an admin to add you to the users list"
        )
    if not user.has(role):
        raise Refused(f"{user.username} may not {doing}: needs the {role.value} role")


def moderator_independence(audit: Audit, case: Case | None, moderator: str) -> list[str]:
    """Why `moderator` may not moderate `audit` (empty when they may).

    A moderation is a second, independent look: never by the original auditor, nor
    by the case's allocated worker or line manager.
    """
    problems: list[str] = []
    if moderator == audit.auditor:
        problems.append(f"audit {audit.audit_id}: {moderator} audited it and may not moderate it")
    if case is not None and case.worker and moderator == case.worker:
        problems.append(f"audit {audit.audit_id}: {moderator} is the case's allocated worker and may not moderate it")
    if case is not None and case.line_manager and moderator == case.line_manager:
        problems.append(f"audit {audit.audit_id}: {moderator} is the case's line manager and may not moderate it")
    return problems
