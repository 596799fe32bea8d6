"""Where a sampled audit's moderation stands, and the words every screen and command uses
for it (product.md "Moderation"). Pure: the states are worked out from what is stored.

A sampled audit's moderation moves one way:

    unassigned --assign--> assigned --blind re-audit--> to reconcile --reconcile--> reconciled

Assigning again gives an assigned audit to another moderator; once the blind re-audit is
stored nothing goes back (the original has been shown), and once the outcome is stored it
is not changed (the auditor may have read it; the QA lead may have settled an escalation).
A new state goes here: the enum, its step in `NEXT`, and its words in each table below.
"""

from __future__ import annotations

from enum import Enum

from audit_tools.errors import BadInput, Refused
from audit_tools.models import Moderation, Outcome


class ModerationState(str, Enum):
    unassigned = "unassigned"  # sampled, no moderator yet
    assigned = "assigned"  # with a moderator, waiting for the blind re-audit
    to_reconcile = "to reconcile"  # the blind re-audit is stored, no outcome yet
    reconciled = "reconciled"  # the outcome is stored

    @property
    def blind(self) -> bool:
        """Still blind: the original audit's scores and grade may not be shown yet."""
        return self in (ModerationState.unassigned, ModerationState.assigned)

    @property
    def order(self) -> int:
        return list(ModerationState).index(self)


class Step(str, Enum):
    assign = "assign"
    reaudit = "blind re-audit"
    reconcile = "reconcile"


# What each step does from each state; a step missing here is refused.
NEXT: dict[ModerationState, dict[Step, ModerationState]] = {
    ModerationState.unassigned: {Step.assign: ModerationState.assigned},
    ModerationState.assigned: {Step.assign: ModerationState.assigned,
                               Step.reaudit: ModerationState.to_reconcile},
    ModerationState.to_reconcile: {Step.reconcile: ModerationState.reconciled},
    ModerationState.reconciled: {},
}


def state_of(assigned: bool, reaudited: bool, outcome: Outcome | str | None) -> ModerationState:
    """The state from what is stored: an assignment, a blind re-audit, an outcome."""
    if outcome is not None:
        return ModerationState.reconciled
    if reaudited:
        return ModerationState.to_reconcile
    return ModerationState.assigned if assigned else ModerationState.unassigned


def state_of_moderation(moderation: Moderation | None, assigned: bool = True) -> ModerationState:
    """The state of an audit's stored moderation (None: no blind re-audit stored yet)."""
    reaudited = moderation is not None and moderation.grade is not None
    return state_of(assigned, reaudited, moderation.outcome if moderation is not None and reaudited else None)


def after(audit_id: str, state: ModerationState, step: Step) -> ModerationState:
    """The state `step` leads to from `state`; refused, saying why, when it may not be taken."""
    found = NEXT[state].get(step)
    if found is not None:
        return found
    if step is Step.reconcile and state.blind:
        raise BadInput(f"audit {audit_id}: submit the blind re-audit before reconciling")
    if step is Step.reconcile:
        raise Refused(f"audit {audit_id}: the outcome is already stored; it is not changed afterwards")
    if step is Step.reaudit and state is ModerationState.unassigned:
        raise Refused(f"audit {audit_id}: not assigned to a moderator yet")
    if step is Step.reaudit:
        raise Refused(f"audit {audit_id}: the blind re-audit was already submitted; "
                      "it cannot change once the original has been shown")
    raise Refused(f"audit {audit_id}: already re-audited by its moderator; it is not assigned again")


def require_shown(audit_id: str, state: ModerationState) -> None:
    """The original and the re-audit side by side only once the re-audit is stored."""
    if state.blind:
        raise Refused(f"audit {audit_id}: submit the blind re-audit first")


# --- words --------------------------------------------------------------------------

OUTCOME_WORDS: dict[Outcome, str] = {
    Outcome.agreed: "agreed",
    Outcome.grade_changed: "grade changed",
    Outcome.escalated: "escalated to the QA lead",
}
# The same in a table's cell, where the QA lead is understood.
OUTCOME_CELL: dict[Outcome, str] = {**OUTCOME_WORDS, Outcome.escalated: "escalated"}

# The QA lead's sampling screen: where each sampled audit stands.
STATE_WORDS: dict[ModerationState, str] = {s: s.value for s in ModerationState}

# The moderator's own queue (only assigned audits are in it).
QUEUE_WORDS: dict[ModerationState, str] = {
    ModerationState.unassigned: "to re-audit",
    ModerationState.assigned: "to re-audit",
    ModerationState.to_reconcile: "to reconcile",
    ModerationState.reconciled: "done",
}


def queue_words(state: ModerationState, draft_saved: bool = False) -> str:
    """The moderator's stage: "to re-audit, draft saved", "to reconcile", "done"."""
    words = QUEUE_WORDS[state]
    return f"{words}, draft saved" if draft_saved and state.blind else words


def auditor_words(state: ModerationState, outcome: Outcome | str | None, *, moderator: str | None = None,
                  acknowledged: bool = False, resolved: bool = False) -> str:
    """Where an audit's moderation stands, for its auditor."""
    if state is ModerationState.reconciled and outcome is not None:
        outcome = Outcome(outcome)
        if outcome is Outcome.escalated:
            return "escalated, settled by the QA lead" if resolved else OUTCOME_WORDS[outcome]
        read = "feedback read" if acknowledged else "feedback to read"
        return f"moderated: {OUTCOME_WORDS[outcome]}, {read}"
    if state is ModerationState.to_reconcile:
        return "re-audited, to reconcile"
    if state is ModerationState.assigned:
        return f"sampled, with {moderator}"
    return "not sampled"
