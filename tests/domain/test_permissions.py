"""The one policy, answered directly: each answer written out by hand, not read from the rules."""

from __future__ import annotations

import pytest

from audit_tools.errors import Refused
from audit_tools.models import Role, User
from audit_tools.permissions import Decision, Facts, Moderating, Op, Scope, blind_audits, decide, require

AMY = User(username="amy", display_name="Amy", roles=[Role.auditor], team="north")
MO = User(username="mo", display_name="Mo", roles=[Role.auditor, Role.moderator, Role.qa_lead], team="qa")
ROOT = User(username="root", display_name="Root", roles=[Role.admin])
WORKER = User(username="wes", display_name="Wes", roles=[], team="north")

AUDIT = Facts(audit_id="A-0001", auditor="amy", case_ref="C-1")
BLIND = Facts(audit_id="A-0001", auditor="amy", case_ref="C-1", moderations=(Moderating("A-0001", "mo"),))
AFTER = Facts(audit_id="A-0001", auditor="amy", case_ref="C-1",
              moderations=(Moderating("A-0001", "mo", reaudit_submitted=True),))


def test_a_decision_is_truthy_only_when_allowed():
    assert decide(AMY, Op.read_audit, AUDIT) == Decision(True)
    refused = decide(None, Op.read_audit, AUDIT)
    assert not refused
    assert refused.reasons == ("you are not a caseaudit user, so you may not read this audit; "
                               "ask an admin to add you to the users list",)


def test_the_moderator_reads_nothing_of_the_audit_until_their_blind_re_audit_is_submitted():
    assert blind_audits(MO, BLIND) == {"A-0001"}
    refused = decide(MO, Op.read_audit, BLIND)
    assert refused.reasons == ("You are moderating A-0001: its scores stay hidden (and its grade, notes, themes, "
                               "actions and amendments) until your blind re-audit is submitted",)
    assert not decide(MO, Op.read_reconciliation, BLIND)
    assert decide(MO, Op.read_audit, AFTER)
    assert decide(MO, Op.read_reconciliation, AFTER)
    # Someone else is not blind to it: the auditor reads their own audit.
    assert decide(AMY, Op.read_audit, BLIND)
    assert blind_audits(AMY, BLIND) == set()


def test_a_pack_of_a_case_the_qa_lead_moderates_blind_waits_for_the_re_audit():
    assert not decide(MO, Op.make_pack, BLIND)
    assert decide(MO, Op.make_pack, AFTER)
    assert decide(MO, Op.make_pack, Facts(case_ref="C-2"))
    assert not decide(AMY, Op.make_pack, Facts(case_ref="C-2"))


def test_amending_is_for_the_audits_auditor_or_a_qa_lead():
    assert decide(AMY, Op.amend_audit, AUDIT)
    assert decide(MO, Op.amend_audit, AUDIT)
    other = Facts(audit_id="A-0002", auditor="ben")
    assert decide(AMY, Op.amend_audit, other).reasons == ("amy may not amend audit A-0002: it is ben's audit",)
    assert decide(WORKER, Op.amend_audit, AUDIT).reasons == ("wes may not amend audits: needs the auditor or "
                                                              "qa_lead role",)


def test_every_action_is_listed_only_for_a_qa_lead_and_anyone_lists_their_own():
    assert decide(WORKER, Op.list_actions, Facts(scope=Scope.mine))
    assert not decide(WORKER, Op.list_actions, Facts(scope=Scope.team))
    assert decide(AMY, Op.list_actions, Facts(scope=Scope.team))
    assert not decide(AMY, Op.list_actions, Facts(scope=Scope.all))
    assert decide(MO, Op.list_actions, Facts(scope=Scope.all))


def test_an_action_is_completed_by_its_owner_the_auditor_or_a_qa_lead():
    action = Facts(action_id=7, owner="wes", auditor="amy")
    assert decide(WORKER, Op.record_action, action)
    assert decide(AMY, Op.record_action, action)
    assert decide(MO, Op.record_action, action)
    cat = User(username="cat", display_name="Cat", roles=[Role.auditor])
    assert decide(cat, Op.record_action, action).reasons == (
        "cat may not record the completion of action 7: it belongs to wes",)


def test_starting_an_audit_needs_the_role_and_independence_of_the_case():
    case = Facts(case_ref="C-1", case_worker="wes", case_line_manager="amy")
    assert decide(AMY, Op.start_audit, case).reasons == (
        "C-1: amy is the case's line manager and may not audit this case; ask a manager outside the line "
        "to audit it",)
    assert decide(MO, Op.start_audit, case)
    assert not decide(WORKER, Op.start_audit, Facts(case_ref="C-9"))


def test_accounts():
    assert decide(AMY, Op.set_password, Facts(target="amy"))
    assert decide(AMY, Op.set_password, Facts(target="ben")).reasons == (
        "amy may set only their own password; an admin sets ben's",)
    assert decide(ROOT, Op.set_password, Facts(target="ben"))
    assert decide(WORKER, Op.sign_in)
    assert not decide(WORKER, Op.sign_in, Facts(account_disabled=True))
    assert not decide(MO, Op.unlock_account)
    assert decide(ROOT, Op.disable_account)


def test_require_raises_the_refusal_and_keeps_the_older_role_form():
    with pytest.raises(Refused, match="amy may not draw moderation samples: needs the qa_lead role"):
        require(AMY, Op.draw_sample)
    require(MO, Op.draw_sample)
    with pytest.raises(Refused, match="amy may not allocate audits: needs the qa_lead role"):
        require(AMY, Role.qa_lead, "allocate audits")


def test_what_is_offered_is_what_a_role_may_do_in_some_case():
    from audit_tools.permissions import ever, offered

    # A moderator may moderate the audits assigned to them: the queue's key is offered,
    # though moderating any given audit still needs the facts.
    mod = User(username="cat", display_name="Cat", roles=[Role.moderator])
    assert ever(mod, Op.moderate)
    assert not decide(mod, Op.moderate)
    assert offered(mod, [Op.moderate, Op.draw_sample, Op.read_agreement]) == {Op.moderate, Op.read_agreement}
    # A worker with no role owns actions, so may record their completion; nothing else here.
    assert offered(WORKER, [Op.record_action, Op.read_cases, Op.import_data]) == {Op.record_action}
    assert ever(None, Op.read_dashboard).reasons[0].startswith("you are not a caseaudit user")
