"""An auditor's audit: may they start it, what the form needs, save, submit, amend.

The rules themselves live in audit_tools (independence, the recent-audit warning,
submission) and are enforced again by the store; this module puts them together for
every front end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from audit_tools.amendments import AMENDABLE, changed_fields
from audit_tools.audit import recent_audit_warning
from audit_tools.errors import BadInput, Refused
from audit_tools.models import Audit, Case, CheckReport, User
from audit_tools.permissions import Op, case_facts, decide
from audit_tools.rounds import Round
from audit_tools.standards import Catalogue, evaluate
from audit_tools.text import Kind, checked, checked_audit
from caseaudit.services import access
from caseaudit.services.my_audits import amended_words
from db.errors import DraftConflict
from db.store import Store


def is_conflict(err: BaseException | None) -> bool:
    """Whether a failed save was another person's newer save of the same draft."""
    return isinstance(err, DraftConflict)


class StartCheck(NamedTuple):
    """Whether the user may start an audit of a case today."""

    refusals: list[str]  # the policy's sentences; empty when they may
    warning: str | None  # the recent-audit warning, if the case was audited lately
    blocks: bool  # whether the service refuses on that warning rather than asking


def may_start_audit(store: Store, user: User, today: date, case: Case) -> StartCheck:
    """(refusals, warning, warning blocks) for the user starting an audit of `case` today."""
    access.acting_user(store, user)
    refusals = list(decide(user, Op.start_audit, case_facts(case)).reasons)
    last = store.audits.last_for_case(case.case_ref, before=today)
    settings = store.reference.settings()
    warning = recent_audit_warning(case.case_ref, last, today, settings.independence_window_months)
    blocks = settings.independence_mode == "block"
    return StartCheck(refusals, warning, blocks)


# --- the audit form -----------------------------------------------------------------


def may_start_audit_of(store: Store, user: User, today: date, case_ref: str) -> StartCheck:
    """The same, for a case known by its reference (a refusal when it is not stored)."""
    case = store.cases.get(case_ref)
    if case is None:
        return StartCheck([f"case {case_ref}: not in the database"], None, False)
    return may_start_audit(store, user, today, case)


@dataclass(frozen=True)
class AuditContext:
    """Everything the audit form needs to open an audit."""

    case: Case
    report: CheckReport  # the engine's results as at the audit's date
    audit: Audit
    revision: int | None  # the stored draft's revision; None for an audit not yet saved
    users: list[User]
    themes: dict[str, str]
    round: Round | None  # the thematic round, None outside one
    amended: str  # when a submitted audit was last amended and how often; "" if never
    may_edit: bool  # a draft the user may change (the policy's answer)
    may_amend: bool  # whether they may amend the audit once submitted


def audit_context(store: Store, user: User, catalogue: Catalogue, today: date, case_ref: str | None = None,
                  audit_id: str | None = None, round_id: str | None = None) -> AuditContext:
    """Everything the audit form needs: case, engine report, audit, revision, users, themes,
    and the thematic round (None outside one).

    Without `audit_id` it opens the user's own draft of the case (in `round_id`'s round, or
    outside any round) if there is one, else starts a new audit as at today (refused when the
    user may not audit the case, or the round did not give the case to them).
    An audit the user may not read (one they are re-auditing blind) is refused whole.
    `may_edit` and `may_amend` say what the form may offer: the policy's answers.
    """
    access.require(store, Op.read_cases, user=user)
    audit: Audit | None = None
    revision: int | None = None
    if audit_id is not None:
        audit = store.audits.get(audit_id)
        if audit is None:
            raise BadInput(f"audit {audit_id}: not in the database")
        access.require_audit(store, audit, user=user)
        revision = store.audits.revision(audit_id)
        case_ref = audit.case_ref
    case = store.cases.get(case_ref) if case_ref else None
    if case is None:
        raise BadInput(f"case {case_ref}: not in the database")
    if audit is None:
        refusals, warning, blocks = may_start_audit(store, user, today, case)
        if warning and blocks:
            refusals.append(warning + "; the service does not allow another audit yet")
        if refusals:
            raise Refused(*refusals)
        if round_id is not None:
            store.rounds.refuse_unless_selected(round_id, case.case_ref, user.username)
        for draft in store.audits.page(case_ref=case.case_ref, auditor=user.username, status="draft", limit=50):
            found = store.audits.get(draft.audit_id)
            if found is not None and found.round_id == round_id:
                audit, revision = found, draft.revision
                break
        else:
            audit = Audit(audit_id=store.audits.next_id(), case_ref=case.case_ref,
                          auditor=user.username, as_of=today,
                          catalogue_version=catalogue.version, round_id=round_id)
            revision = None
    made = store.rounds.get(audit.round_id) if audit.round_id is not None else None
    report = evaluate(case, audit.as_of, catalogue)
    facts = access.audit_facts_of(store, audit, case)
    return AuditContext(
        case=case,
        report=report,
        audit=audit,
        revision=revision,
        users=store.people.list(),
        themes=store.reference.themes(),
        round=made,
        amended=amended_summary(store, audit),
        may_edit=decide(user, Op.save_audit, facts).allowed,
        may_amend=decide(user, Op.amend_audit, facts).allowed,
    )


def _may_write(store: Store, audit: Audit) -> None:
    """The policy's answer for saving or submitting `audit` as the acting user (the store
    asks again, with the stored owner too)."""
    case = store.cases.get(audit.case_ref)
    access.require(store, Op.save_audit, access.audit_facts_of(store, audit, case))


def save_draft(store: Store, audit: Audit, revision: int | None) -> int:
    _may_write(store, audit)
    # Saved with its link to this month's allocation of the case, if it was allocated to the
    # auditor; a thematic round's audit is the round's, never the month's allocation.
    audit = checked_audit(audit)  # the characters and sizes every box takes (audit_tools.text)
    with store.transaction():
        saved = store.audits.save_draft(audit, revision)
        if audit.round_id is None:
            store.allocations.link(audit)
    return saved


def submit_audit(store: Store, audit: Audit, revision: int | None) -> Audit:
    """Submit and lock `audit`; the store dates it by its clock, in the same transaction
    as the history entry that records it."""
    _may_write(store, audit)
    audit = checked_audit(audit)
    with store.transaction():
        # A new audit never saved as a draft has nothing to compare against.
        submitted = store.audits.submit(audit, revision if revision is not None else 0)
        if submitted.round_id is None:
            store.allocations.link(submitted)
    return submitted


# What the form may amend: the one list the store also enforces.
AMENDABLE_FIELDS = AMENDABLE


def audit_changes(before: Audit, after: Audit) -> dict[str, Any]:
    """The fields of `after` that differ from `before`, as JSON values (for an amendment)."""
    return changed_fields(before.model_dump(mode="json"), after.model_dump(mode="json"))


def amend_audit(store: Store, audit_id: str, changes: dict[str, Any], reason: str) -> Audit:
    audit = store.audits.get(audit_id)
    if audit is not None:  # the store says "not in the database" otherwise
        access.require_audit(store, audit, Op.amend_audit)
    reason = checked(reason, Kind.text, "reason for the amendment")
    before = store.audits.get(audit_id)
    if before is not None:  # the amended audit's text, checked as every box's is
        checked_audit(Audit.model_validate({**before.model_dump(mode="json"), **changes}))
    return store.amendments.amend(audit_id, changes, reason)


def amended_summary(store: Store, audit: Audit) -> str:
    """"2 Oct 2025 (2)": when a submitted audit was last amended and how often; "" if never."""
    access.require_audit(store, audit)
    if not audit.submitted:
        return ""
    log = store.amendments.list(audit.audit_id)
    return amended_words(len(log), log[-1].at if log else None)
