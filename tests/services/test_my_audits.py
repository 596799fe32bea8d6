"""Where an auditor's audit stands in moderation, in the words of the "My audits" list."""

from __future__ import annotations

from datetime import date, datetime

from caseaudit.services.my_audits import amended_words, stage_words
from db.rows import MyAuditRow


def row(**values) -> MyAuditRow:
    return MyAuditRow(audit_id="A-0001", case_ref="C-1", as_of=date(2025, 9, 1), **values)


def test_each_stage_of_moderation_in_words():
    assert stage_words(row()) == "not sampled"
    assert stage_words(row(assigned_to="dan.m")) == "sampled, with dan.m"
    assert stage_words(row(assigned_to="dan.m", reaudited=True)) == "re-audited, to reconcile"
    assert stage_words(row(assigned_to="dan.m", reaudited=True, outcome="agreed")) == \
        "moderated: agreed, feedback to read"
    assert stage_words(row(reaudited=True, outcome="grade_changed", acknowledged_on=date(2025, 9, 20))) == \
        "moderated: grade changed, feedback read"
    assert stage_words(row(reaudited=True, outcome="escalated")) == "escalated to the QA lead"
    assert stage_words(row(reaudited=True, outcome="escalated", resolved=True)) == \
        "escalated, settled by the QA lead"


def test_amended_in_words():
    assert amended_words(0, None) == ""
    assert amended_words(2, "2025-10-02T09:15:00+00:00") == "2 Oct 2025 (2)"
    assert amended_words(1, datetime(2025, 10, 2, 9, 15)) == "2 Oct 2025 (1)"
