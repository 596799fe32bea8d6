"""Blind means blind through every door: while mq (a moderator who is also a QA lead) is
re-auditing amy's audit A-0001 and has not submitted, no service hands mq the original's
grade, scores, notes, themes, actions or amendments, whichever door is tried; once the
re-audit is submitted every one of them opens."""

from __future__ import annotations

from datetime import date

import pytest

from audit_tools.errors import Refused
from audit_tools.models import User
from audit_tools.quarters import Quarter
from caseaudit.services import actions, audits, cases, moderation, moderation_views, my_audits, themes
from db import open_store
from tests.support import admin_store, clock_on, full_blind, make_audit

TODAY = date(2024, 5, 20)
BLIND = "You are moderating A-0001: its scores stay hidden"


@pytest.fixture
def mq(tmp_path):
    root = admin_store(tmp_path / "caseaudit.db", clock=clock_on(TODAY))
    root.people.upsert([User(username="mq", display_name="Mo Quinn", roles=["auditor", "moderator", "qa_lead"],
                             team="QA")])
    root.audits.insert([make_audit("A-0001")])
    root.audits.insert([make_audit("A-0002", auditor="ben")])  # another audit of the case, not moderated
    root.amendments.amend("A-0001", {"notes": {"chronology": "not updated since February"}}, "a typo")
    root.clone("quinn").moderation.assign("A-0001", "mq")
    store = open_store(tmp_path / "caseaudit.db", "mq", clock=clock_on(TODAY))
    return store


def submit(store) -> None:
    moderation.submit_blind(store, "A-0001", full_blind(store, "A-0001", "mq", "good"))


def test_the_audit_form_refuses_it_until_the_re_audit_is_submitted(mq):
    catalogue = mq.reference.catalogue_for()
    with pytest.raises(Refused, match=BLIND):
        audits.audit_context(mq, mq.user, catalogue, TODAY, audit_id="A-0001")
    with pytest.raises(Refused, match=BLIND):
        audits.amended_summary(mq, mq.audits.get("A-0001"))
    assert audits.audit_context(mq, mq.user, catalogue, TODAY, audit_id="A-0002").audit.grade is not None
    submit(mq)
    opened = audits.audit_context(mq, mq.user, catalogue, TODAY, audit_id="A-0001")
    assert opened.audit.grade is not None and opened.audit.notes
    assert audits.amended_summary(mq, mq.audits.get("A-0001")) != ""


def test_the_reconcile_view_refuses_it_until_the_re_audit_is_submitted(mq):
    with pytest.raises(Refused, match=BLIND):
        moderation_views.reconcile_view(mq, "A-0001", mq.reference.catalogue_for())
    submit(mq)
    view = moderation_views.reconcile_view(mq, "A-0001", mq.reference.catalogue_for())
    assert view.audit.grade is not None and view.audit.moderation.grade is not None


def test_the_case_detail_lists_it_without_its_grade_until_the_re_audit_is_submitted(mq):
    def rows():
        found = cases.case_detail(mq, mq.user, mq.reference.catalogue_for(), TODAY, "C-1001")
        return {r.audit_id: r for r in found.audits}, found.blind

    listed, blind = rows()
    assert listed["A-0001"].grade is None and listed["A-0001"].final_grade is None
    assert blind["A-0001"].startswith(BLIND)
    assert listed["A-0002"].grade == "good" and "A-0002" not in blind  # another audit of the case
    submit(mq)
    listed, blind = rows()
    assert listed["A-0001"].grade == "good" and blind == {}


def test_the_actions_tracker_leaves_its_actions_out_until_the_re_audit_is_submitted(mq):
    view = actions.actions_view(mq, "all", "all", TODAY)
    assert [r.audit_id for r in view.rows] == ["A-0002"] and view.hidden == 1
    submit(mq)
    view = actions.actions_view(mq, "all", "all", TODAY)
    assert sorted(r.audit_id for r in view.rows) == ["A-0001", "A-0002"] and view.hidden == 0


def test_my_audits_and_the_amendment_trail_refuse_it_until_the_re_audit_is_submitted(mq):
    assert my_audits.my_audits(mq, mq.user) == []  # mq's own audits: never one they moderate
    with pytest.raises(Refused, match=BLIND):
        my_audits.amendment_trail(mq, mq.user, "A-0001")
    submit(mq)
    [entry] = my_audits.amendment_trail(mq, mq.user, "A-0001")
    assert entry.reason == "a typo"


def test_the_quarters_figures_stay_but_an_export_leaves_out_its_free_text_while_blind(mq):
    quarter = Quarter.parse("2024-25-Q1")
    report = themes.themes_for(mq, quarter, include_notes=True)
    assert {r.audit_id for r in report.audit_list} == {"A-0001", "A-0002"}  # its figures stay
    assert {n.audit_id for n in report.notes} == {"A-0002"}
    descriptions = {a.audit_id: a.description for a in report.action_list}
    assert descriptions["A-0001"] is None and descriptions["A-0002"] == "Update chronology"
    submit(mq)
    report = themes.themes_for(mq, quarter, include_notes=True)
    assert {n.audit_id for n in report.notes} == {"A-0001", "A-0002"}
    assert {a.audit_id: a.description for a in report.action_list}["A-0001"] == "Update chronology"


def test_a_pack_of_its_case_waits_until_the_re_audit_is_submitted(mq):
    from caseaudit.services import pack

    with pytest.raises(Refused, match="moderating A-0001 blind"):
        pack.build_pack(mq, ["C-1001"], TODAY)
    submit(mq)
    made = pack.build_pack(mq, ["C-1001"], TODAY)
    assert made is not None


def test_someone_else_is_not_blind_to_it(mq, tmp_path):
    quinn = open_store(tmp_path / "caseaudit.db", "quinn", clock=clock_on(TODAY))
    context = audits.audit_context(quinn, quinn.user, quinn.reference.catalogue_for(), TODAY, audit_id="A-0001")
    assert context.audit.grade is not None
