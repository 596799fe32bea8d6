"""Cases as the screens show them: the engine's results for a page of cases, and one case
with its report, its audits and which of them the user must not yet see (blind re-audit)."""

from __future__ import annotations

from datetime import date

from audit_tools.errors import BadInput
from audit_tools.models import Role, User
from audit_tools.standards import StatusCounts, evaluate, status_counts


def failing_counts(store, catalogue, today: date, case_refs: list[str]) -> dict[str, StatusCounts]:
    """Not met, partly met and late now, per case of the visible page only: the same counts
    as the case's own header (case_detail)."""
    out: dict[str, StatusCounts] = {}
    for ref in case_refs:
        case = store.cases.get(ref)
        if case is None:
            continue
        out[ref] = status_counts(evaluate(case, today, catalogue))
    return out


def case_detail(store, user: User, catalogue, today: date, case_ref: str) -> dict:
    case = store.cases.get(case_ref)
    if case is None:
        raise BadInput(f"case {case_ref}: not in the database")
    report = evaluate(case, today, catalogue)
    audits = store.audits.page(case_ref=case_ref, limit=50)
    # A moderator re-audits blind: the original scores stay closed until they have moderated.
    blind = set()
    if user.has(Role.moderator):
        blind = {a.audit_id for a in store.moderation.assignments(moderator=user.username) if not a.moderated}
    # Which of them were imported from the council's earlier records (only submitted ones can be).
    imported = {a.audit_id for a in store.audits.list(case_ref=case_ref, status="submitted") if a.imported}
    return {"case": case, "report": report, "counts": status_counts(report), "audits": audits,
            "blind": blind, "imported": imported}
