"""Moderation as the command line and the screens both do it, over the Store.

Each function combines Store calls with the domain rules (audit_tools.sampling,
assignment, agreement, reconciliation), so `caseaudit sample draw` and the sampling
screen draw, assign and count the same way. No SQL here: the Store does the writing and
records every change in the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from audit_tools import sampling
from audit_tools.agreement import Agreement
from audit_tools.assignment import assign
from audit_tools.errors import BadInput, Refused
from audit_tools.models import Audit, Grade, Moderation, Outcome, Role, SampleDraw
from audit_tools.permissions import Facts, Op
from audit_tools.quarters import Quarter
from audit_tools.reconciliation import Resolution, blind_problems, reconciliation_problems, resolve, settle
from audit_tools.text import Kind, checked, checked_moderation
from audit_tools.themes import ModerationCounts, agreement_from_counts
from caseaudit.services import access
from db.errors import NotFound
from db.store import Store


def _quarter(quarter: Quarter | str) -> Quarter:
    if isinstance(quarter, Quarter):
        return quarter
    try:
        return Quarter.parse(quarter)
    except ValueError as err:
        raise BadInput(f"quarter: {err}") from None


def _quarter_audits(store: Store, quarter: Quarter | str) -> list[Audit]:
    """Submitted audits whose submission date falls in the quarter (for verifying a sample:
    only their auditors are read)."""
    q = _quarter(quarter)
    return store.audits.list(submitted_from=q.start, submitted_to=q.end, status="submitted")


def sample_frame(store: Store, quarter: Quarter | str) -> list[Audit]:
    """What a draw would pick from now: the quarter's unmoderated, unsampled audits.

    Selected in SQL; each frame audit carries only what a draw reads (id, case, auditor, dates).
    """
    access.require(store, Op.read_sampling)
    q = _quarter(quarter)
    # Validated rather than model_construct: pydantic's construct inspects every default
    # factory's signature per call, forty times slower than validating these five fields.
    keys = ("audit_id", "case_ref", "auditor", "as_of", "submitted_on")
    frame = [Audit.model_validate(dict(zip(keys, row))) for row in store.reports.sample_frame(q.start, q.end)]
    return sampling.build_frame(frame, q)


def preview_sample(store: Store, quarter: Quarter | str, rate: object, minimum: object) -> list[sampling.StratumPreview]:
    return sampling.preview(sample_frame(store, quarter), rate, minimum)


def draw_sample(store: Store, quarter: Quarter | str, rate: object = sampling.DEFAULT_RATE,
                minimum: object = sampling.DEFAULT_MIN_PER_AUDITOR, seed: str | None = None,
                again: bool = False) -> SampleDraw:
    """Draw and store a v1 sample for the quarter; returns it with its id, who and when.

    A draw cannot be undone, so a quarter sampled already is refused, naming the earlier
    sample, unless `again` (the person was told and asked for another)."""
    access.require(store, Op.draw_sample)
    q = _quarter(quarter)
    sampling.parse_rate(rate)
    sampling.parse_min_per_auditor(minimum)
    # One write transaction from reading the frame to storing the draw, so two QA leads
    # drawing at once cannot both take the same audits.
    with store.transaction():
        earlier = store.samples.list(q.code)
        if earlier and not again:
            said = "; ".join(f"{s.sample_id} ({len(s.selected)} audits"
                             + (f", drawn by {s.drawn_by} on {s.drawn_at:%d %b %Y}" if s.drawn_by and s.drawn_at else "")
                             + ")" for s in earlier)
            raise BadInput(f"quarter {q.code} ({q.label}) has been sampled already: {said}; a draw cannot "
                           "be undone: give --again to draw another sample from the audits not yet sampled")
        frame = sample_frame(store, q)
        if not frame:
            raise BadInput(
                f"quarter {q.code}: no audits to sample; every audit submitted in {q.label} "
                "is already sampled or moderated, or none was submitted"
            )
        draw = sampling.draw(frame, q, rate, minimum, seed, drawn_by=store.actor,
                             drawn_at=store.now().replace(microsecond=0))
        sample_id = store.samples.save(draw)
    stored = store.samples.get(sample_id)
    assert stored is not None
    return stored


def verify_sample(store: Store, sample_id: str) -> tuple[SampleDraw, bool, list[str]]:
    """Re-derive a stored sample: (the sample, whether it matches, what differs)."""
    access.require(store, Op.verify_sample)
    sample = store.samples.get(sample_id.strip())
    if sample is None:
        raise NotFound(f"sample {sample_id}: not in the database")
    auditors = {a.audit_id: a.auditor for a in _quarter_audits(store, sample.quarter)}
    for audit_id in sample.frame:
        if audit_id not in auditors:
            # Frame audits always belong to the sample's quarter; look up any that do not.
            audit = store.audits.get(audit_id)
            if audit is not None:
                auditors[audit_id] = audit.auditor
    ok, reasons = sampling.verify(sample, auditors)
    return sample, ok, reasons


def quarter_agreement(store: Store, quarter: Quarter | str) -> Agreement:
    """Agreement over the quarter's moderated audits, from pairs grouped in SQL."""
    access.require(store, Op.read_agreement)
    q = _quarter(quarter)
    pairs, by_standard = store.reports.agreement_rows(q.start, q.end)
    return agreement_from_counts(q.code, pairs, by_standard,
                                 min_pairs=store.reference.settings().agreement_min_pairs)


def moderation_figures(store: Store, quarter: Quarter | str) -> ModerationCounts:
    """The quarter's moderation figures (audit_tools.themes.ModerationFigures' counts: sampled,
    moderated, reconciled, sample_moderated), from the one query the themes report reads."""
    access.require(store, Op.read_agreement)
    q = _quarter(quarter)
    sampled, moderated, reconciled, sample_moderated = store.reports.moderation_figures(q.start, q.end)
    return ModerationCounts(sampled, moderated, reconciled, sample_moderated)


def moderators(store: Store) -> list[str]:
    access.require(store, Op.assign_moderators)
    return [u.username for u in store.people.list(role=Role.moderator)]


def open_loads(store: Store) -> dict[str, int]:
    """Assignments each moderator has not yet re-audited."""
    access.require(store, Op.assign_moderators)
    loads: dict[str, int] = {}
    for a in store.moderation.assignments():
        if not a.moderated:
            loads[a.moderator] = loads.get(a.moderator, 0) + 1
    return loads


def sampled_in_quarter(store: Store, quarter: Quarter | str) -> list[str]:
    access.require(store, Op.read_sampling)
    q = _quarter(quarter)
    return sorted({i for s in store.samples.list(q.code) for i in s.selected})


def plan_assignment(store: Store, quarter: Quarter | str) -> dict[str, str]:
    """Audit id -> moderator that `assign_sample` would store now, for every sampled,
    unassigned, unmoderated audit of the quarter; nothing is written (a preview)."""
    access.require(store, Op.assign_moderators)
    assigned = {a.audit_id for a in store.moderation.assignments()}
    moderated = store.moderation.moderated_audit_ids()
    todo = [i for i in sampled_in_quarter(store, quarter) if i not in assigned and i not in moderated]
    pairs = []
    for audit_id in todo:
        audit = store.audits.get(audit_id)
        case = store.cases.get(audit.case_ref) if audit else None
        if audit is None or case is None:
            raise NotFound(f"audit {audit_id}: its audit or case is no longer in the database")
        pairs.append((audit, case))
    return assign(pairs, moderators(store), open_loads(store))


def assign_sample(store: Store, quarter: Quarter | str, expected: dict[str, str] | None = None) -> dict[str, str]:
    """Assign every sampled, unassigned, unmoderated audit of the quarter; all or none.

    With `expected` (a plan the QA lead previewed) nothing is stored unless the plan is
    still exactly that one.
    """
    access.require(store, Op.assign_moderators)
    with store.transaction():
        plan = plan_assignment(store, quarter)
        if expected is not None and plan != expected:
            raise BadInput("the sample or the moderators changed since the preview: nothing was assigned; "
                           "press ctrl+t again to see the assignment as it is now")
        for audit_id, moderator in plan.items():
            store.moderation.assign(audit_id, moderator)
    return plan


def assign_moderator(store: Store, audit_id: str, moderator: str) -> None:
    """Give one sampled audit to `moderator` (or to another one instead)."""
    access.require(store, Op.assign_moderators)
    store.moderation.assign(audit_id, moderator)


@dataclass
class EligibleModerator:
    username: str
    display_name: str
    open_load: int  # assignments not yet re-audited


def eligible_moderators_for(store: Store, audit_id: str) -> list[EligibleModerator]:
    """The moderators who may take the audit (audit_tools.assignment: not its auditor, nor
    the case's worker or line manager), each with the work they have open."""
    from audit_tools.assignment import eligible_moderators

    access.require(store, Op.assign_moderators)
    audit = store.audits.get(audit_id)
    case = store.cases.get(audit.case_ref) if audit else None
    if audit is None or case is None:
        raise NotFound(f"audit {audit_id}: its audit or case is no longer in the database")
    names = {u.username: u.display_name for u in store.people.list(role=Role.moderator)}
    loads = open_loads(store)
    return [EligibleModerator(m, names[m], loads.get(m, 0)) for m in eligible_moderators(audit, case, names)]


@dataclass
class ProgressRow:
    audit_id: str
    case_ref: str
    auditor: str
    moderator: str | None
    # unassigned, assigned (waiting for the blind re-audit), to reconcile (re-audited, no
    # outcome yet), reconciled: one state each, so the four add up to the audits sampled.
    state: str
    outcome: str | None = None
    acknowledged: bool = False
    resolved: bool = False  # an escalation the QA lead has settled


def progress(store: Store, quarter: Quarter | str) -> list[ProgressRow]:
    """Where each sampled audit of the quarter stands (one SQL read for all of them)."""
    access.require(store, Op.read_sampling)
    q = _quarter(quarter)
    rows = []
    for (audit_id, case_ref, auditor, moderator, assignee, grade, outcome, acknowledged_on,
         resolved) in store.reports.sample_progress(q.code):
        if outcome is not None:
            state = "reconciled"
        elif grade is not None:
            state = "to reconcile"
        elif assignee is not None:
            state = "assigned"
        else:
            state = "unassigned"
        rows.append(ProgressRow(
            audit_id=audit_id, case_ref=case_ref, auditor=auditor, moderator=moderator or assignee,
            state=state, outcome=outcome, acknowledged=bool(acknowledged_on), resolved=bool(resolved),
        ))
    return rows


def _assigned_to_me(store: Store, audit_id: str, op: Op = Op.moderate) -> None:
    """The policy's answer for moderating (or reconciling) `audit_id` as the acting user."""
    access.require(store, op, Facts(audit_id=audit_id, moderations=store.moderation.moderating([audit_id])))


def applicable_standards(store: Store, audit: Audit, running_catalogue: Any = None) -> list[str]:
    """The standards a blind re-audit of `audit` scores: those of the catalogue the audit was
    scored against that apply to its case's type. The service works them out; no screen says."""
    from caseaudit.services.moderation_views import audit_catalogue

    case = store.cases.get(audit.case_ref)
    if case is None:
        raise NotFound(f"case {audit.case_ref}: not in the database")
    catalogue = audit_catalogue(store, audit, running_catalogue or store.reference.catalogue_for())
    return [s.id for s in catalogue.applicable(case.case_type)]


def submit_blind(store: Store, audit_id: str, moderation: Moderation, *, running_catalogue: Any = None) -> Moderation:
    """Store the moderator's blind re-audit (scores, notes, own grade), dated today; every
    standard that applies to the case must be scored (the service works out which).

    Once stored the original is shown, so the blind part can never be changed again.
    """
    _assigned_to_me(store, audit_id)
    moderation = checked_moderation(moderation)
    with store.transaction():
        audit = store.audits.get(audit_id)
        if audit is None:
            raise NotFound(f"audit {audit_id}: not in the database")
        applicable = applicable_standards(store, audit, running_catalogue)
        if audit.moderation is not None and audit.moderation.grade is not None:
            raise Refused(
                f"audit {audit_id}: the blind re-audit was already submitted; "
                "it cannot change once the original has been shown"
            )
        problems = blind_problems(moderation, applicable)
        if problems:
            raise BadInput(*problems)
        done = moderation.model_copy(update={
            "moderated_on": store.today(),  # the day of this write, as its history entry records
            "outcome": None, "final_grade": None, "reason": None, "feedback": None,
            "acknowledged_on": None,
        })
        store.moderation.save(audit_id, done)
        store.moderation.drop_blind_draft(audit_id)
    return done


def save_blind_draft(store: Store, audit_id: str, moderation: Moderation) -> None:
    """Keep a half-done blind re-audit so the moderator can come back to it: anything
    scored so far, with no rule checked until it is submitted."""
    _assigned_to_me(store, audit_id)
    store.moderation.save_blind_draft(audit_id, checked_moderation(moderation))


def reconcile(store: Store, audit_id: str, outcome: Outcome | str | None, final_grade: Grade | str | None,
              reason: str | None, feedback: str | None) -> Moderation:
    """Store the outcome of comparing the blind re-audit with the original.

    Only the outcome, final grade, reason and feedback are taken: the blind scores and
    grade stay exactly as they were submitted before the original was shown.
    """
    _assigned_to_me(store, audit_id, Op.reconcile)
    reason = checked(reason, Kind.text, "reason")
    feedback = checked(feedback, Kind.text, "feedback")
    try:
        outcome = Outcome(outcome) if outcome else None
        final_grade = Grade(final_grade) if final_grade else None
    except ValueError as err:
        raise BadInput(str(err)) from None
    with store.transaction():
        audit = store.audits.get(audit_id)
        if audit is None:
            raise NotFound(f"audit {audit_id}: not in the database")
        if audit.moderation is None or audit.moderation.grade is None:
            raise BadInput(f"audit {audit_id}: submit the blind re-audit before reconciling")
        if audit.moderation.outcome is not None:
            # The auditor may have read it, and an escalation may have been resolved on it.
            raise Refused(f"audit {audit_id}: the outcome ({audit.moderation.outcome.value}) is already "
                          "stored; it is not changed afterwards")
        moderation = audit.moderation.model_copy(update={
            "outcome": outcome, "final_grade": final_grade,
            "reason": (reason or "").strip() or None, "feedback": (feedback or "").strip() or None,
            "acknowledged_on": None,
        })
        problems = reconciliation_problems(audit, moderation)
        if problems:
            raise BadInput(*problems)
        done = settle(moderation)
        store.moderation.save(audit_id, done)
    return done


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
