"""What the policy is asked about: the operations, the facts of the matter and its answer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from audit_tools.errors import Refused
from audit_tools.models import Audit, Case

class Op(StrEnum):
    """Every operation the policy answers for (the value is the id used in docs and tests)."""

    # reading
    read_dashboard = "read_dashboard"
    read_cases = "read_cases"
    read_audit = "read_audit"
    list_my_audits = "list_my_audits"
    list_actions = "list_actions"
    read_moderation_queue = "read_moderation_queue"
    read_reconciliation = "read_reconciliation"
    read_sampling = "read_sampling"
    read_allocation = "read_allocation"
    read_agreement = "read_agreement"
    read_quarter_figures = "read_quarter_figures"
    list_escalations = "list_escalations"
    list_concerns = "list_concerns"
    read_history = "read_history"
    # auditing
    start_audit = "start_audit"
    save_audit = "save_audit"
    amend_audit = "amend_audit"
    record_action = "record_action"
    # moderation
    draw_sample = "draw_sample"
    verify_sample = "verify_sample"
    assign_moderators = "assign_moderators"
    moderate = "moderate"
    reconcile = "reconcile"
    acknowledge_feedback = "acknowledge_feedback"
    resolve_escalation = "resolve_escalation"
    # allocation
    allocate = "allocate"
    verify_allocation = "verify_allocation"
    # reports
    export_themes = "export_themes"
    create_round = "create_round"
    report_round = "report_round"
    verify_round = "verify_round"
    make_pack = "make_pack"
    # safeguarding concerns
    raise_concern = "raise_concern"
    acknowledge_concern = "acknowledge_concern"
    close_concern = "close_concern"
    # administration
    import_data = "import_data"
    manage_users = "manage_users"
    manage_standards = "manage_standards"
    extend_themes = "extend_themes"
    change_settings = "change_settings"
    mark_demo = "mark_demo"
    upload_file = "upload_file"
    redact = "redact"
    hold_case = "hold_case"
    # accounts and signing in
    sign_in = "sign_in"
    set_password = "set_password"
    unlock_account = "unlock_account"
    disable_account = "disable_account"


class Scope(StrEnum):
    """Whose actions (or concerns) a list shows."""

    mine = "mine"
    team = "team"
    all = "all"


@dataclass(frozen=True)
class Moderating:
    """One audit's moderation assignment: who re-audits it, and whether their blind
    re-audit is submitted (until then the original stays hidden from them)."""

    audit_id: str
    moderator: str
    reaudit_submitted: bool = False


@dataclass(frozen=True)
class Facts:
    """What the policy needs to know besides the user: pure data the service works out.

    Every field is optional; a rule that needs a fact it was not given refuses rather than
    guesses (an audit's owner unknown is nobody's audit).
    """

    audit_id: str | None = None
    auditor: str | None = None  # the audit's auditor
    moderations: tuple[Moderating, ...] = ()  # the assignments of every audit concerned
    case_ref: str | None = None
    case_worker: str | None = None
    case_line_manager: str | None = None
    case_team: str | None = None
    owner: str | None = None  # an action's owner
    action_id: int | None = None
    scope: Scope | None = None  # whose actions or concerns a list shows
    target: str | None = None  # the account a password, unlock or disable is about
    concern_id: str | None = None
    account_disabled: bool = False  # signing in to a disabled account
    what: str | None = None  # what is imported ("cases", "users"), for the refusal's words

    def with_audit(self, audit: Any, moderations: Iterable[Moderating] = ()) -> Facts:
        """These facts plus one audit's (an Audit, or a row with the same three fields):
        its id, auditor and case reference."""
        return replace(self, audit_id=audit.audit_id, auditor=audit.auditor, case_ref=audit.case_ref,
                       moderations=self.moderations + tuple(moderations))


def case_facts(case: Case | None, **more: Any) -> Facts:
    """The facts of a case: its reference, worker, line manager and team."""
    if case is None:
        return Facts(**more)
    return Facts(case_ref=case.case_ref, case_worker=case.worker, case_line_manager=case.line_manager,
                 case_team=case.team, **more)


def audit_facts(audit: Audit, moderations: Iterable[Moderating] = (), case: Case | None = None,
                **more: Any) -> Facts:
    """The facts of an audit (and its case, when known) for the policy."""
    return case_facts(case, **more).with_audit(audit, moderations)


@dataclass(frozen=True)
class Decision:
    """The policy's answer: allowed, or refused with the sentences the user reads."""

    allowed: bool
    reasons: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.allowed

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)

    def raise_if_refused(self) -> None:
        if not self.allowed:
            raise Refused(*self.reasons)


ALLOWED = Decision(True)


def refused(*reasons: str) -> Decision:
    return Decision(False, tuple(reasons))

