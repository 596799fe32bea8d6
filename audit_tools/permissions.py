"""The one policy: who may see and do what in caseaudit, given the facts of the matter.

Every question of the kind "may this user see / do this" is answered here and nowhere
else (Datasette's single `permission_allowed()` is the model): `decide(user, op, facts)`
gives a `Decision`, allowed or refused with the sentence the user reads, and `require`
raises that refusal as `Refused`. The services ask it on every read and write and work
out the facts themselves (whose audit, who moderates it and whether their blind re-audit
is in, whose case); the store asks the same policy for its own guard. Screens and
commands never decide: they read flags from a service's view.

An admin holds every role. `docs/permissions.md` is the table of this module
(`policy_table()`); a test keeps the page and the module the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from audit_tools.errors import Refused
from audit_tools.models import Audit, Case, Role, User


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


def case_facts(case: Case | None, **more) -> Facts:
    """The facts of a case: its reference, worker, line manager and team."""
    if case is None:
        return Facts(**more)
    return Facts(case_ref=case.case_ref, case_worker=case.worker, case_line_manager=case.line_manager,
                 case_team=case.team, **more)


def audit_facts(audit: Audit, moderations: Iterable[Moderating] = (), case: Case | None = None, **more) -> Facts:
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


def _refused(*reasons: str) -> Decision:
    return Decision(False, tuple(reasons))


# --- the facts that several rules share ----------------------------------------------


def blind_audits(user: User | None, facts: Facts | None) -> set[str]:
    """The audits among `facts.moderations` the user is re-auditing blind: assigned to them,
    their re-audit not yet submitted. Nothing of these audits' own content reaches them."""
    if user is None or facts is None:
        return set()
    return {m.audit_id for m in facts.moderations if m.moderator == user.username and not m.reaudit_submitted}


def _blind(user: User, facts: Facts) -> str | None:
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


def _start(user: User, facts: Facts) -> str | None:
    from audit_tools.audit import auditor_independence

    if facts.case_ref is None:
        return None
    case = Case.model_construct(case_ref=facts.case_ref, worker=facts.case_worker,
                                line_manager=facts.case_line_manager)
    return auditor_independence(case, user.username) or None


def _moderate(user: User, facts: Facts) -> str | None:
    if user.has(Role.qa_lead) or _is_moderator_of(user, facts):
        return None
    return f"audit {facts.audit_id}: not assigned to {user.username} for moderation"


def _reconciliation(user: User, facts: Facts) -> str | None:
    blind = _blind(user, facts)
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
    Op.read_audit: Rule("read this audit", ROLE_HOLDERS, NOT_BLIND, check=_blind),
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


def _needs(roles: tuple[Role, ...]) -> str:
    names = [ROLE_NAMES[r] for r in roles]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _sentences(reason: str | list[str] | None) -> list[str]:
    if not reason:
        return []
    return [reason] if isinstance(reason, str) else list(reason)


def decide(user: User | None, op: Op, facts: Facts | None = None) -> Decision:
    """May `user` do `op`, given `facts`? Allowed, or refused with the sentences to show."""
    rule = RULES[op]
    facts = facts or Facts()
    if rule.what:
        rule = replace(rule, doing=rule.doing.format(what=facts.what or rule.what))
    if user is None:
        return _refused(f"you are not a caseaudit user, so you may not {rule.doing}; "
                        "ask an admin to add you to the users list")
    holds = not rule.roles or any(user.has(r) for r in rule.roles)
    if not holds and not (rule.also is not None and rule.also(user, facts)):
        # Someone who could have been let in by the facts hears why not in the rule's words.
        reason = rule.check(user, facts) if rule.check is not None and rule.also is not None else None
        return _refused(*_sentences(reason) or [f"{user.username} may not {rule.doing}: needs the "
                                                 f"{_needs(rule.roles)} role"])
    if rule.check is not None:
        reason = rule.check(user, facts)
        if reason:
            return _refused(*_sentences(reason))
    return ALLOWED


def allowed(user: User | None, op: Op | Role, facts: Facts | None = None) -> bool:
    """Whether `decide` allows it (a bare Role: whether the user holds it; kept for old callers)."""
    if isinstance(op, Role):
        return user is not None and user.has(op)
    return decide(user, op, facts).allowed


def require(user: User | None, op: Op | Role, facts: Facts | str | None = None) -> None:
    """Raise Refused unless the policy allows `user` to do `op` with `facts`.

    The older form `require(user, Role.X, "doing")` (holds the role, else refused in
    those words) is kept while callers move to operations.
    """
    if isinstance(op, Role):
        doing = facts if isinstance(facts, str) else "do this"
        if user is None:
            raise Refused(f"you are not a caseaudit user, so you may not {doing}; "
                          "ask an admin to add you to the users list")
        if not user.has(op):
            raise Refused(f"{user.username} may not {doing}: needs the {op.value} role")
        return
    assert not isinstance(facts, str)
    decide(user, op, facts).raise_if_refused()


def ever(user: User | None, op: Op) -> Decision:
    """Whether the user may do `op` in some case: a user of the service holding one of its
    roles (or one the rule lets in without them, as an action's owner). Facts may still
    refuse a given case; this is what a key or a tile is offered by, never what lets it through."""
    rule = RULES[op]
    if user is None or (rule.roles and not any(user.has(r) for r in rule.roles) and rule.also is None):
        return decide(user, op)  # refused, in the words of the role it needs
    return ALLOWED


def offered(user: User | None, ops: Iterable[Op]) -> set[Op]:
    """Of `ops`, those the user may do in some case (`ever`): what a screen offers keys for."""
    return {op for op in ops if ever(user, op).allowed}


# --- the table in docs/permissions.md ------------------------------------------------

COLUMNS = ("auditor", "moderator", "QA lead", "admin", "no role")
_COLUMN_ROLES: dict[str, Role | None] = {"auditor": A, "moderator": M, "QA lead": Q, "admin": AD, "no role": None}


def _cell(rule: Rule, role: Role | None) -> str:
    if role is None:
        holds = not rule.roles
    else:
        holds = not rule.roles or role == AD or role in rule.roles
    if holds:
        return "yes, if" if rule.check is not None else "yes"
    return "only as also" if rule.also is not None else "no"


def policy_table() -> str:
    """The role × operation table of docs/permissions.md, from RULES."""
    lines = ["| operation | " + " | ".join(COLUMNS) + " | conditions |",
             "| --- | " + " | ".join("---" for _ in COLUMNS) + " | --- |"]
    for op, rule in RULES.items():
        cells = [_cell(rule, _COLUMN_ROLES[c]) for c in COLUMNS]
        words = [w for w in (rule.when, rule.also_words and f"also: {rule.also_words}") if w]
        lines.append(f"| `{op.value}` ({rule.doing.format(what=rule.what)}) | " + " | ".join(cells) + " | " + "; ".join(words) + " |")
    return "\n".join(lines) + "\n"


def moderator_independence(audit: Audit, case: Case | None, moderator: str) -> list[str]:
    """Why `moderator` may not moderate `audit` (empty when they may).

    A moderation is a second, independent look: never by the original auditor, nor
    by the case's allocated worker or line manager. The rule itself lives in
    audit_tools.assignment, so the store, the assignment screen and imports agree.
    """
    from audit_tools.assignment import moderator_conflicts

    if case is None:  # case not known: only the auditor rule can be checked
        case = Case(case_ref=audit.case_ref, case_type="EH", start_date=audit.as_of)
    reasons = moderator_conflicts(moderator, audit.auditor, case)
    return [f"audit {audit.audit_id}: {reason}" for reason in reasons]
