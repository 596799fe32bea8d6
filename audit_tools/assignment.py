"""Who may moderate a sampled audit, and a fair share of the sample for each moderator.

A moderator must be independent of the audit: never its auditor, the case's allocated
worker or the case's line manager. The same check serves automatic assignment, manual
reassignment in the screens, and moderation records brought in by `import audits`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from audit_tools.errors import BadInput, Refused
from audit_tools.models import Audit, Case


def moderator_conflicts(moderator: str, auditor: str, case: Case) -> list[str]:
    """Why `moderator` may not moderate `auditor`'s audit of `case` (empty when they may)."""
    reasons: list[str] = []
    if moderator == auditor:
        reasons.append(f"{moderator} is the original auditor and may not moderate their own audit")
    if case.worker and moderator == case.worker:
        reasons.append(f"{moderator} is the allocated worker of case {case.case_ref}")
    if case.line_manager and moderator == case.line_manager:
        reasons.append(f"{moderator} is the line manager of case {case.case_ref}")
    return reasons


def check_moderator(moderator: str, audit: Audit, case: Case) -> None:
    """Refuse a manual (re)assignment that breaks independence, naming every reason."""
    reasons = moderator_conflicts(moderator, audit.auditor, case)
    if reasons:
        raise Refused(*(f"audit {audit.audit_id}: {reason}" for reason in reasons))


def eligible_moderators(audit: Audit, case: Case, moderators: Iterable[str]) -> list[str]:
    return sorted(m for m in set(moderators) if not moderator_conflicts(m, audit.auditor, case))


def assign(
    sampled: Iterable[tuple[Audit, Case]],
    moderators: Iterable[str],
    loads: Mapping[str, int] | None = None,
) -> dict[str, str]:
    """Audit id -> moderator for each sampled audit, spreading the work evenly.

    Each audit goes to the eligible moderator with the fewest assignments so far (their
    current `loads` plus this round), ties broken by username so the result is the same
    every time. Audits with the fewest eligible moderators are placed first, so the
    flexible ones can even out the load. Nothing is assigned unless every audit can be:
    BadInput names each audit that has no eligible moderator.
    """
    pool = sorted(set(moderators))
    load = {m: int((loads or {}).get(m, 0)) for m in pool}
    options: list[tuple[Audit, list[str]]] = []
    stuck: list[str] = []
    for audit, case in sampled:
        if audit.case_ref != case.case_ref:
            raise BadInput(f"audit {audit.audit_id} is of case {audit.case_ref}, not {case.case_ref}")
        eligible = eligible_moderators(audit, case, pool)
        if not eligible:
            stuck.append(
                f"audit {audit.audit_id} (case {case.case_ref}, auditor {audit.auditor}): "
                "no eligible moderator; every moderator is its auditor, the case's worker or "
                "its line manager — add a moderator from outside the line"
                if pool
                else f"audit {audit.audit_id}: no moderators to assign; give someone the moderator role"
            )
        options.append((audit, eligible))
    if stuck:
        raise BadInput(*stuck)
    plan: dict[str, str] = {}
    for audit, eligible in sorted(options, key=lambda item: (len(item[1]), item[0].audit_id)):
        if audit.audit_id in plan:
            raise BadInput(f"audit {audit.audit_id} is listed twice")
        chosen = min(eligible, key=lambda m: (load[m], m))
        plan[audit.audit_id] = chosen
        load[chosen] += 1
    return dict(sorted(plan.items()))
