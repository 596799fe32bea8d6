"""Cases as the screens show them: the engine's results for a page of cases, and one case
with its report, its audits and which of them the user must not yet see (blind re-audit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from audit_tools.errors import BadInput
from audit_tools.models import Case, CheckReport, User
from audit_tools.permissions import Op, decide
from audit_tools.standards import Catalogue, StatusCounts, evaluate, status_counts
from caseaudit.services import access
from db.rows import AuditRow, CaseRow
from db.store import Store


def case_choices(store: Store) -> tuple[list[str], list[User]]:
    """The teams and the users the case list's filters offer."""
    access.require(store, Op.read_cases)
    return store.people.teams(), store.people.list()


def case_page(store: Store, filters: dict[str, Any], after: str | None,
              limit: int) -> tuple[list[CaseRow], int | None]:
    """A page of the case list (by reference, after `after`) and, for the first page, how
    many cases the filters match. Cases carry no audit content (the last audit's date only)."""
    access.require(store, Op.read_cases)
    rows = store.cases.page(**filters, after=after, limit=limit)
    total = store.cases.count(**filters) if after is None else None
    return rows, total


def failing_counts(store: Store, catalogue: Catalogue, today: date, case_refs: list[str]) -> dict[str, StatusCounts]:
    """Not met, partly met and late now, per case of the visible page only: the same counts
    as the case's own header (case_detail)."""
    access.require(store, Op.read_cases)
    out: dict[str, StatusCounts] = {}
    for ref in case_refs:
        case = store.cases.get(ref)
        if case is None:
            continue
        out[ref] = status_counts(evaluate(case, today, catalogue))
    return out


@dataclass(frozen=True)
class CaseDetail:
    """One case as its screen shows it."""

    case: Case
    report: CheckReport  # the engine's results as at today
    counts: StatusCounts  # not met, partly met and late now: the same as the case list's
    audits: list[AuditRow]  # an audit the user re-audits blind comes without its grades
    blind: dict[str, str]  # audit id -> the policy's sentence to show instead of opening it
    imported: set[str]  # the audits imported from the council's earlier records


def case_detail(store: Store, user: User, catalogue: Catalogue, today: date, case_ref: str) -> CaseDetail:
    """The case, its report as at today and its audits. An audit the user is re-auditing
    blind is listed without its grade, and `blind` holds, for each such audit, the
    policy's sentence to show instead of opening it."""
    access.require(store, Op.read_cases, user=user)
    case = store.cases.get(case_ref)
    if case is None:
        raise BadInput(f"case {case_ref}: not in the database")
    report = evaluate(case, today, catalogue)
    facts = access.case_facts_of(store, case)
    blind: dict[str, str] = {}
    audits: list[AuditRow] = []
    for row in store.audits.page(case_ref=case_ref, limit=50):
        refused = decide(user, Op.read_audit, facts.with_audit(row))
        if not refused:
            blind[row.audit_id] = refused.reason
            row = row.model_copy(update={"grade": None, "final_grade": None})
        audits.append(row)
    # Which of them were imported from the council's earlier records (only submitted ones can be).
    imported = {a.audit_id for a in store.audits.list(case_ref=case_ref, status="submitted") if a.imported}
    return CaseDetail(case=case, report=report, counts=status_counts(report), audits=audits, blind=blind,
                      imported=imported)
