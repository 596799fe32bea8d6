"""Moderation as the command line and the screens both do it, over the Store.

Each function combines Store calls with the domain rules (audit_tools.sampling,
assignment, agreement, reconciliation), so `caseaudit sample draw` and the sampling
screen draw, assign and count the same way. No SQL here: the Store does the writing and
records every change in the history.
"""

from __future__ import annotations

from dataclasses import dataclass

from audit_tools import sampling
from audit_tools.agreement import Agreement
from audit_tools.assignment import assign, eligible_moderators
from audit_tools.errors import BadInput
from audit_tools.models import Audit, Grade, Moderation, Outcome, Role, SampleDraw
from audit_tools.moderation import ModerationState, Step, after, state_of, state_of_moderation
from audit_tools.permissions import Facts, Op
from audit_tools.quarters import Quarter
from audit_tools.reconciliation import blind_problems, reconciliation_problems, settle
from audit_tools.standards import Catalogue
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
    """Give one sampled audit to `moderator` (or to another one instead), until its blind
    re-audit is stored: the moderator who scored it reconciles it."""
    access.require(store, Op.assign_moderators)
    with store.transaction():
        audit = store.audits.get(audit_id)
        if audit is not None:  # the store says what is missing otherwise
            after(audit_id, state_of_moderation(audit.moderation), Step.assign)
        store.moderation.assign(audit_id, moderator)


@dataclass
class EligibleModerator:
    username: str
    display_name: str
    open_load: int  # assignments not yet re-audited


def eligible_moderators_for(store: Store, audit_id: str) -> list[EligibleModerator]:
    """The moderators who may take the audit (audit_tools.assignment: not its auditor, nor
    the case's worker or line manager), each with the work they have open."""
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
    # one state each (audit_tools.moderation), so the four add up to the audits sampled
    state: ModerationState
    outcome: Outcome | None = None
    acknowledged: bool = False
    resolved: bool = False  # an escalation the QA lead has settled

    @property
    def escalated(self) -> bool:
        return self.outcome is Outcome.escalated


def progress(store: Store, quarter: Quarter | str) -> list[ProgressRow]:
    """Where each sampled audit of the quarter stands (one SQL read for all of them)."""
    access.require(store, Op.read_sampling)
    q = _quarter(quarter)
    rows = []
    for (audit_id, case_ref, auditor, moderator, assignee, grade, outcome, acknowledged_on,
         resolved) in store.reports.sample_progress(q.code):
        rows.append(ProgressRow(
            audit_id=audit_id, case_ref=case_ref, auditor=auditor, moderator=moderator or assignee,
            state=state_of(assignee is not None, grade is not None, outcome),
            outcome=Outcome(outcome) if outcome is not None else None,
            acknowledged=bool(acknowledged_on), resolved=bool(resolved),
        ))
    return rows


def _assigned_to_me(store: Store, audit_id: str, op: Op = Op.moderate) -> None:
    """The policy's answer for moderating (or reconciling) `audit_id` as the acting user."""
    access.require(store, op, Facts(audit_id=audit_id, moderations=store.moderation.moderating([audit_id])))


def audit_catalogue(store: Store, audit: Audit, running: Catalogue | None = None) -> Catalogue:
    """The catalogue the audit was scored against, so both sides see the same standards: the
    one the app runs when it is that version (`--standards`, not stored), else the stored one.
    A stored catalogue that cannot be read is told as it is, never swapped for another."""
    if running is not None and audit.catalogue_version == running.version:
        return running
    stored: Catalogue = store.reference.catalogue_for(audit)
    return stored


def applicable_standards(store: Store, audit: Audit, running_catalogue: Catalogue | None = None) -> list[str]:
    """The standards a blind re-audit of `audit` scores: those of the catalogue the audit was
    scored against that apply to its case's type. The service works them out; no screen says."""
    case = store.cases.get(audit.case_ref)
    if case is None:
        raise NotFound(f"case {audit.case_ref}: not in the database")
    return [s.id for s in audit_catalogue(store, audit, running_catalogue).applicable(case.case_type)]


def submit_blind(store: Store, audit_id: str, moderation: Moderation, *,
                 running_catalogue: Catalogue | None = None) -> Moderation:
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
        after(audit_id, state_of_moderation(audit.moderation), Step.reaudit)
        problems = blind_problems(moderation, applicable_standards(store, audit, running_catalogue))
        if problems:
            raise BadInput(*(str(p) for p in problems))
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
        # The auditor may have read a stored outcome, and the QA lead resolved an escalation on it.
        after(audit_id, state_of_moderation(audit.moderation), Step.reconcile)
        assert audit.moderation is not None  # re-audited, as the step says
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
