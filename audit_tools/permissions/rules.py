"""The rule of every operation: the roles that may, who else may, and what must hold of the facts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from audit_tools.audit import auditor_independence
from audit_tools.models import Case, Role, User
from audit_tools.permissions.facts import Facts, Op, Scope

# --- the facts that several rules share ----------------------------------------------


def blind_audits(user: User | None, facts: Facts | None) -> set[str]:
    """The audits among `facts.moderations` the user is re-auditing blind: assigned to them,
    their re-audit not yet submitted. Nothing of these audits' own content reaches them."""
    if user is None or facts is None:
        return set()
    return {m.audit_id for m in facts.moderations if m.moderator == user.username and not m.reaudit_submitted}


def blind_refusal(user: User, facts: Facts) -> str | None:
    hidden = sorted(blind_audits(user, facts))
    if facts.audit_id is not None:  # about one audit: only its own moderation hides it
        hidden = [a for a in hidden if a == facts.audit_id]
    if not hidden:
        return None
    which = ", ".join(hidden)
    return (f"You are moderating {which}: its scores stay hidden (and its grade, notes, themes, actions "
            "and amendments) until your blind re-audit is submitted")


def _is_moderator_of(user: User, facts: Facts) -> bool:
    return any(m.moderator == user.username for m in facts.moderations
               if facts.audit_id is None or m.audit_id == facts.audit_id)


# --- the rules -----------------------------------------------------------------------

Check = Callable[[User, Facts], "str | list[str] | None"]
Also = Callable[[User, Facts], bool]


@dataclass(frozen=True)
class Rule:
    """One operation's rule: the roles that may (any of them; none listed: every user of
    the service), who else may without them (`also`), and what must hold of the facts
    (`check`, giving the refusal). `when` and `also_words` are the conditions in words,
    for docs/permissions.md."""

    doing: str  # "draw moderation samples": the words of "X may not …"
    roles: tuple[Role, ...] = ()
    when: str = ""
    check: Check | None = None
    also: Also | None = None
    also_words: str = ""
    what: str = ""  # the default of "{what}" in `doing`, when the facts name nothing


def _own_audit(user: User, facts: Facts) -> str | None:
    if user.has(Role.admin) or facts.auditor == user.username:
        return None
    return f"{user.username} may not save audit {facts.audit_id}: it is {facts.auditor or 'another auditor'}'s audit"


def _amend(user: User, facts: Facts) -> str | None:
    if user.has(Role.qa_lead) or facts.auditor == user.username:
        return None
    return f"{user.username} may not amend audit {facts.audit_id}: it is {facts.auditor}'s audit"


def _action(user: User, facts: Facts) -> str | None:
    if user.has(Role.qa_lead) or user.username in (facts.owner, facts.auditor):
        return None
    return (f"{user.username} may not record the completion of action {facts.action_id}: "
            f"it belongs to {facts.owner or facts.auditor}")


def _start(user: User, facts: Facts) -> list[str] | None:
    if facts.case_ref is None:
        return None
    # Only the fields the independence rule reads: the case's type and start do not matter to it.
    case = Case.model_construct(case_ref=facts.case_ref, worker=facts.case_worker,  # type: ignore[call-arg]
                                line_manager=facts.case_line_manager)
    return auditor_independence(case, user.username) or None


def _moderate(user: User, facts: Facts) -> str | None:
    if user.has(Role.qa_lead) or _is_moderator_of(user, facts):
        return None
    return f"audit {facts.audit_id}: not assigned to {user.username} for moderation"


def _reconciliation(user: User, facts: Facts) -> str | None:
    blind = blind_refusal(user, facts)
    if blind:
        return blind
    if user.has(Role.qa_lead) or _is_moderator_of(user, facts) or facts.auditor == user.username:
        return None
    return (f"{user.username} may not read the reconciliation of audit {facts.audit_id}: only its moderator, "
            "its auditor or a QA lead may")


def _feedback(user: User, facts: Facts) -> str | None:
    if user.has(Role.admin) or facts.auditor == user.username:
        return None
    return f"{user.username} may not acknowledge feedback on {facts.auditor}'s audit"


def _actions_scope(user: User, facts: Facts) -> str | None:
    if facts.scope == Scope.all and not user.has(Role.qa_lead):
        return f"{user.username} may not list every action: needs the qa_lead role (they may list their own or their team's)"
    if facts.scope == Scope.team and not user.team:
        return f"{user.username} may not list a team's actions: they are in no team"
    return None


def _concerns_scope(user: User, facts: Facts) -> str | None:
    if facts.scope == Scope.all and not user.has(Role.qa_lead):
        return f"{user.username} may not list every concern: needs the qa_lead role"
    return None


def _concern_line_manager(user: User, facts: Facts) -> bool:
    return facts.case_line_manager is not None and facts.case_line_manager == user.username


def _concern_refusal(doing: str) -> Check:
    def check(user: User, facts: Facts) -> str | None:
        if user.has(Role.qa_lead) or _concern_line_manager(user, facts):
            return None
        return (f"{user.username} may not {doing} concern {facts.concern_id}: only the line manager of "
                f"{facts.case_ref} ({facts.case_line_manager or 'none recorded'}) or a QA lead may")
    return check


def _own_account(user: User, facts: Facts) -> bool:
    return facts.target is None or facts.target == user.username


def _password(user: User, facts: Facts) -> str | None:
    if user.has(Role.admin) or _own_account(user, facts):
        return None
    return f"{user.username} may set only their own password; an admin sets {facts.target}'s"


def _sign_in(user: User, facts: Facts) -> str | None:
    if facts.account_disabled:
        return f"{user.username} may not sign in: the account is disabled; an admin enables it again"
    return None


def _pack(user: User, facts: Facts) -> str | None:
    hidden = sorted(blind_audits(user, facts))
    if hidden:
        return (f"You are moderating {', '.join(hidden)} blind: a pack of {facts.case_ref or 'its case'} "
                "waits until your re-audit is submitted")
    return None


ROLE_NAMES = {Role.auditor: "auditor", Role.moderator: "moderator", Role.qa_lead: "qa_lead", Role.admin: "admin"}
NOT_BLIND = "not an audit the user is moderating until their blind re-audit is submitted"
A, M, Q, AD = Role.auditor, Role.moderator, Role.qa_lead, Role.admin
ROLE_HOLDERS = (A, M, Q)  # any role at all (an admin holds every role)

RULES: dict[Op, Rule] = {
    Op.read_dashboard: Rule("open the dashboard"),
    Op.read_cases: Rule("read cases", ROLE_HOLDERS),
    Op.read_audit: Rule("read this audit", ROLE_HOLDERS, NOT_BLIND, check=blind_refusal),
    Op.list_my_audits: Rule("list their audits", (A,)),
    Op.list_actions: Rule("list actions", ROLE_HOLDERS, "every action (scope all): QA lead only; "
                          "the team's: a user in a team", check=_actions_scope,
                          also=lambda u, f: f.scope in (None, Scope.mine),
                          also_words="anyone may list the actions they own"),
    Op.read_moderation_queue: Rule("see a moderation queue", (M, Q)),
    Op.read_reconciliation: Rule("read a reconciliation", ROLE_HOLDERS,
                                 "its moderator (after their blind re-audit), its auditor or a QA lead; "
                                 + NOT_BLIND, check=_reconciliation),
    Op.read_sampling: Rule("see the moderation sampling", (Q,)),
    Op.read_allocation: Rule("see the monthly allocation", (Q,)),
    Op.read_agreement: Rule("see moderation agreement", (Q, M)),
    Op.read_quarter_figures: Rule("see the quarterly reports", (Q,)),
    Op.list_escalations: Rule("see escalated moderations", (Q,)),
    Op.list_concerns: Rule("list safeguarding concerns", when="every concern (scope all): QA lead; "
                           "otherwise those on cases they line-manage or raised", check=_concerns_scope),
    Op.read_history: Rule("read the history", (Q, AD)),
    Op.start_audit: Rule("start audits", (A,), "not the case's allocated worker or line manager",
                         check=_start),
    Op.save_audit: Rule("save audits", (A,), "their own audit (an admin any)", check=_own_audit),
    Op.amend_audit: Rule("amend audits", (A, Q), "an auditor their own audit; a QA lead any", check=_amend),
    Op.record_action: Rule("record the completion of actions", (Q,), "a QA lead any action",
                           check=_action, also=lambda u, f: u.username in (f.owner, f.auditor),
                           also_words="the action's owner or the audit's auditor"),
    Op.draw_sample: Rule("draw moderation samples", (Q,)),
    Op.verify_sample: Rule("verify moderation samples"),
    Op.assign_moderators: Rule("assign moderators", (Q,)),
    Op.moderate: Rule("moderate audits", (M,), "the audit is assigned to them (a moderator who is a QA lead: any)",
                      check=_moderate),
    Op.reconcile: Rule("reconcile moderations", (M,), "the audit is assigned to them (a moderator who is a QA "
                       "lead: any)",
                       check=_moderate),
    Op.acknowledge_feedback: Rule("acknowledge moderation feedback", (A,), "their own audit (an admin any)",
                                  check=_feedback),
    Op.resolve_escalation: Rule("resolve escalated moderations", (Q,)),
    Op.allocate: Rule("allocate audits", (Q,)),
    Op.verify_allocation: Rule("verify allocations"),
    Op.export_themes: Rule("export the quarterly themes report", (Q,),
                           "free text of an audit they moderate blind is left out"),
    Op.create_round: Rule("create thematic rounds", (Q,)),
    Op.report_round: Rule("report on thematic rounds", (Q,),
                          "free text of an audit they moderate blind is left out"),
    Op.verify_round: Rule("verify thematic rounds"),
    Op.make_pack: Rule("make inspection packs", (Q,),
                       "refused for a case with an audit they moderate blind; free text left out likewise",
                       check=_pack),
    Op.raise_concern: Rule("raise a safeguarding concern", ROLE_HOLDERS),
    Op.acknowledge_concern: Rule("acknowledge concerns", (Q,), "a QA lead any concern",
                                 check=_concern_refusal("acknowledge"), also=_concern_line_manager,
                                 also_words="the line manager of the concern's case"),
    Op.close_concern: Rule("close concerns", (Q,), "a QA lead any concern",
                           check=_concern_refusal("close"), also=_concern_line_manager,
                           also_words="the line manager of the concern's case"),
    Op.import_data: Rule("import {what}", (AD,), what="files"),
    Op.manage_users: Rule("manage users", (AD,)),
    Op.manage_standards: Rule("manage the standards catalogue", (AD,)),
    Op.extend_themes: Rule("extend the theme vocabulary", (AD,)),
    Op.change_settings: Rule("change settings", (AD,)),
    Op.mark_demo: Rule("mark the demo database", (AD,)),
    Op.upload_file: Rule("upload files", (AD,)),
    Op.redact: Rule("redact free text", (AD,)),
    Op.hold_case: Rule("hold a case", (AD,)),
    Op.sign_in: Rule("sign in", when="the account is not disabled", check=_sign_in),
    Op.set_password: Rule("set a password", (AD,), "an admin anyone's", check=_password, also=_own_account,
                          also_words="their own"),
    Op.unlock_account: Rule("unlock accounts", (AD,)),
    Op.disable_account: Rule("disable or enable accounts", (AD,)),
}

