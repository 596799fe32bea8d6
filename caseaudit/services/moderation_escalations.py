"""The auditor's side of a moderation and the QA lead's: feedback to acknowledge, and
escalations to resolve, over the Store (the moderator's side is caseaudit.services.moderation).

A resolution is kept apart from the moderation, so both sides' grades and scores and the
moderator's words stay as they were recorded; the auditor acknowledges the settled outcome.
"""

from __future__ import annotations

from dataclasses import dataclass

from audit_tools.models import Audit, Grade
from audit_tools.permissions import Op
from audit_tools.reconciliation import Resolution, resolve
from audit_tools.text import Kind, checked
from caseaudit.services import access
from db.errors import NotFound
from db.store import Store


def acknowledge(store: Store, audit_id: str) -> None:
    """The auditor has read the moderator's feedback, and the QA lead's resolution if any
    (dated by the store, as its history entry is)."""
    audit = store.audits.get(audit_id)
    if audit is not None:  # the store says what is missing otherwise
        access.require_audit(store, audit, Op.acknowledge_feedback)
    store.moderation.acknowledge(audit_id)


def feedback_waiting(store: Store) -> list[Audit]:
    """The actor's moderated audits whose feedback (or resolution) they have not acknowledged
    yet: the same selection the dashboard counts."""
    access.require(store, Op.read_dashboard)
    return store.moderation.feedback_waiting(store.actor, limit=None)


def resolutions(store: Store, audit_ids: list[str] | None = None) -> dict[str, Resolution]:
    """The QA lead's resolutions of escalated moderations, by audit id: every one for a QA
    lead, otherwise those of the given audits the user may read the reconciliation of
    (their own audit's, one they moderated)."""
    user = access.require(store, Op.read_dashboard)
    if audit_ids is None:
        access.require(store, Op.list_escalations)
    found = store.moderation.resolutions(audit_ids)
    if access.may(store, Op.list_escalations):
        return found
    readable = {}
    for audit_id, resolution in found.items():
        audit = store.audits.get(audit_id)
        if audit is not None and access.decide_for(store, Op.read_reconciliation,
                                                   access.audit_facts_of(store, audit), user).allowed:
            readable[audit_id] = resolution
    return readable


@dataclass
class Escalation:
    audit: Audit
    resolution: Resolution | None

    @property
    def resolved(self) -> bool:
        return self.resolution is not None


def escalations(store: Store) -> list[Escalation]:
    """Every escalated moderation, the ones still to resolve first (QA lead)."""
    access.require(store, Op.list_escalations)
    ids = store.moderation.escalated_audit_ids()
    settled = store.moderation.resolutions(ids)
    found = [Escalation(audit, settled.get(audit_id)) for audit_id in ids
             if (audit := store.audits.get(audit_id)) is not None]
    return sorted(found, key=lambda e: (e.resolved, e.audit.audit_id))


def escalation(store: Store, audit_id: str) -> Escalation:
    """One escalated moderation with its resolution, if any (QA lead)."""
    access.require(store, Op.list_escalations)
    audit = store.audits.get(audit_id)
    if audit is None:
        raise NotFound(f"audit {audit_id}: not in the database")
    access.require_audit(store, audit)
    return Escalation(audit, store.moderation.resolution(audit_id))


def resolve_escalation(store: Store, audit_id: str, final_grade: Grade | str | None, reason: str | None,
                       feedback: str | None) -> Resolution:
    """The QA lead settles an escalated moderation: final grade and reason required.

    The auditor's and the moderator's grades and scores are left as they are; the audit's
    final grade becomes the resolution's, and the auditor is asked to acknowledge it.
    """
    access.require(store, Op.resolve_escalation)
    reason = checked(reason, Kind.text, "reason")
    feedback = checked(feedback, Kind.text, "feedback")
    with store.transaction():
        audit = store.audits.get(audit_id)
        if audit is None:
            raise NotFound(f"audit {audit_id}: not in the database")
        resolution = resolve(store.user, audit, final_grade, reason, feedback,
                             at=store.now().replace(microsecond=0),
                             resolved=store.moderation.resolution(audit_id))
        store.moderation.resolve(audit, resolution)
    return resolution
