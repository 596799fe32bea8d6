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
    by the case's allocated worker or line manager. The rule itself lives in
    audit_tools.assignment, so the store, the assignment screen and imports agree.
    """
    from audit_tools.assignment import moderator_conflicts

    if case is None:  # case not known: only the auditor rule can be checked
        case = Case(case_ref=audit.case_ref, case_type="EH", start_date=audit.as_of)
    reasons = moderator_conflicts(moderator, audit.auditor, case)
    return [f"audit {audit.audit_id}: {reason}" for reason in reasons]
