"""What the moderation screens show, read in one call each: the moderator's queue, the blind
re-audit, both audits side by side, and the auditor's feedback to acknowledge.

Every function takes what it needs (the store, the moderator, the catalogue the app runs)
and returns plain data, so a screen or a test calls it without an application around it.

The blind re-audit never receives the original audit's scores, grade or notes: its view
holds only the case, its events and the automatic evidence, so nothing on screen can give
the original away. Only once the moderator's own grade is stored does the side-by-side
view load the original.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from audit_tools.models import Audit, Case, CheckReport, Moderation, Outcome
from audit_tools.moderation import ModerationState, queue_words, require_shown, state_of_moderation
from audit_tools.permissions import Facts, Op
from audit_tools.reconciliation import Resolution
from audit_tools.standards import Catalogue, Standard, evaluate
from caseaudit.services import access
from caseaudit.services.moderation import audit_catalogue
from caseaudit.services.moderation_escalations import feedback_waiting, resolutions
from db.errors import NotFound
from db.store import Store

# --- the queue ----------------------------------------------------------------------


@dataclass
class QueueRow:
    audit_id: str
    case_ref: str
    case_type: str
    submitted_on: date | None
    stage: ModerationState
    outcome: Outcome | None
    draft_saved: bool = False  # to re-audit, with the moderator's half-done re-audit kept

    @property
    def stage_words(self) -> str:
        return queue_words(self.stage, self.draft_saved)

    @property
    def done(self) -> bool:
        return self.stage is ModerationState.reconciled


def moderation_queue(store: Store, moderator: str) -> list[QueueRow]:
    """The audits assigned to `moderator`, the ones still to re-audit first (the acting
    user's own queue; a QA lead may look at anyone's)."""
    user = access.require(store, Op.read_moderation_queue)
    if moderator != user.username:
        access.require(store, Op.read_sampling)  # someone else's queue: the QA lead's view
    drafts = store.moderation.blind_drafts_of(moderator)
    rows = []
    for a in store.moderation.assignments(moderator=moderator):
        audit = store.audits.get(a.audit_id)
        if audit is None:
            continue
        case = store.cases.get(audit.case_ref)
        where = state_of_moderation(audit.moderation)
        rows.append(QueueRow(
            audit_id=audit.audit_id, case_ref=audit.case_ref,
            case_type=case.case_type.value if case else "?",
            submitted_on=audit.submitted_on, stage=where,
            outcome=audit.moderation.outcome if audit.moderation else None,
            draft_saved=where.blind and audit.audit_id in drafts,
        ))
    return sorted(rows, key=lambda r: (r.stage.order, r.audit_id))


def moderation_stage(store: Store, audit_id: str) -> ModerationState | None:
    """The state of one audit's moderation (None when the audit is gone)."""
    access.require(store, Op.read_moderation_queue)
    audit = store.audits.get(audit_id)
    return None if audit is None else state_of_moderation(audit.moderation)


# --- blind re-audit -----------------------------------------------------------------


@dataclass
class BlindView:
    """All the blind re-audit may show: the case, its events and the automatic evidence."""

    audit_id: str
    as_of: date
    case: Case
    report: CheckReport
    standards: list[Standard]  # the applicable ones, in catalogue order
    draft: Moderation | None = None  # the moderator's own re-audit saved so far, if any


def blind_view(store: Store, audit_id: str, running_catalogue: Catalogue | None = None) -> BlindView:
    audit = store.audits.get(audit_id)
    if audit is None:
        raise NotFound(f"audit {audit_id}: not in the database")
    access.require(store, Op.moderate, Facts(audit_id=audit_id, moderations=store.moderation.moderating([audit_id])))
    case = store.cases.get(audit.case_ref)
    if case is None:
        raise NotFound(f"case {audit.case_ref}: not in the database")
    catalogue = audit_catalogue(store, audit, running_catalogue)
    # Built field by field from the case and the engine: the audit's own scores, grade
    # and notes are deliberately left behind here.
    return BlindView(audit_id=audit.audit_id, as_of=audit.as_of, case=case,
                     report=evaluate(case, audit.as_of, catalogue),
                     standards=catalogue.applicable(case.case_type),
                     draft=store.moderation.blind_draft(audit.audit_id, store.actor))


# --- both audits side by side -------------------------------------------------------


@dataclass
class ReconcileView:
    audit: Audit
    case: Case | None
    order: list[str]
    titles: dict[str, str]
    resolution: Resolution | None = None  # the QA lead's, once an escalation is settled


def reconcile_view(store: Store, audit_id: str, running_catalogue: Catalogue | None = None) -> ReconcileView:
    """The original audit beside its blind re-audit; refused until the re-audit is stored,
    and to anyone but its moderator, its auditor and a QA lead."""
    audit = store.audits.get(audit_id)
    if audit is None:
        raise NotFound(f"audit {audit_id}: not in the database")
    access.require_audit(store, audit, Op.read_reconciliation)
    require_shown(audit_id, state_of_moderation(audit.moderation))
    case = store.cases.get(audit.case_ref)
    catalogue = audit_catalogue(store, audit, running_catalogue)
    standards = catalogue.applicable(case.case_type) if case else catalogue.standards
    return ReconcileView(audit=audit, case=case, order=[s.id for s in standards],
                         titles={s.id: s.title for s in catalogue.standards},
                         resolution=resolutions(store, [audit_id]).get(audit_id))


# --- the auditor's side: feedback to acknowledge ------------------------------------


@dataclass
class FeedbackView:
    audits: list[Audit]
    resolutions: dict[str, Resolution]


def feedback_view(store: Store) -> FeedbackView:
    """The store's actor's moderated audits with feedback to acknowledge, and any resolutions."""
    audits = feedback_waiting(store)
    return FeedbackView(audits, resolutions(store, [a.audit_id for a in audits]))
