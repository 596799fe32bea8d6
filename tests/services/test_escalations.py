"""The QA lead resolves an escalated moderation: who may, what is kept, and where it shows."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest

from audit_tools.errors import BadInput, Refused
from audit_tools.models import Audit, Case, Moderation, User
from caseaudit.cli import main
from db import open_store
from caseaudit.services import moderation as ms
from caseaudit.services import moderation_escalations
from db.identity import current_username

ME = current_username()
SCORES = {"return-interview": "not_applicable", "voice-of-child": "met", "management-oversight": "met"}
BLIND = {"return-interview": "not_applicable", "voice-of-child": "not_met", "management-oversight": "met"}
CLOCK = lambda: datetime(2024, 7, 3, 9, 30, tzinfo=timezone.utc)  # noqa: E731


def audit(audit_id: str, outcome: str | None, grade: str = "good") -> Audit:
    moderation = None
    if outcome:
        moderation = Moderation(moderator="cat", moderated_on=date(2024, 6, 20), grade="inadequate",
                                outcome=outcome, scores=dict(BLIND), notes={"voice-of-child": "no wishes"},
                                reason="far apart on the child's voice" if outcome == "escalated" else None,
                                feedback="Where is the child's voice?")
    return Audit(audit_id=audit_id, case_ref=f"E-{audit_id}", auditor="amy", as_of=date(2024, 5, 1),
                 submitted_on=date(2024, 5, 2), grade=grade, scores=dict(SCORES),
                 notes={"voice-of-child": "clear"}, moderation=moderation)


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "caseaudit.db"
    store = open_store(path, actor=ME)
    store.people.ensure_admin()
    store.people.upsert([
        User(username="amy", display_name="Amy", roles=["auditor"]),
        User(username="cat", display_name="Cat", roles=["moderator"]),
        User(username="lee", display_name="Lee", roles=["qa_lead"]),
        User(username="max", display_name="Max", roles=["qa_lead", "moderator"]),
    ])
    audits = [audit("E1", "escalated"), audit("E2", "agreed"), audit("E3", None, grade="outstanding")]
    store.cases.upsert([Case(case_ref=a.case_ref, case_type="EH", start_date=date(2024, 1, 2), team="North")
                        for a in audits])
    store.audits.insert(audits)
    store.close()
    return path


def as_user(db, who: str):
    return open_store(db, who, clock=CLOCK)


def test_only_a_qa_lead_resolves_and_nothing_is_written_otherwise(db):
    for who in ("cat", "amy"):
        store = as_user(db, who)
        before = store.row_counts()
        with pytest.raises(Refused, match="qa_lead"):
            moderation_escalations.resolve_escalation(store, "E1", "requires_improvement", "talked it through", None)
        assert store.row_counts() == before
        assert moderation_escalations.resolutions(as_user(db, "lee")) == {}  # read by the QA lead: nothing was written
    # The domain rule itself refuses, whatever screen or command calls it.
    from audit_tools.reconciliation import resolve

    with pytest.raises(Refused, match="qa_lead"):
        resolve(User(username="cat", display_name="Cat", roles=["moderator"]), audit("E1", "escalated"),
                "good", "x", None, CLOCK())


def test_grade_and_reason_are_required_and_named(db):
    store = as_user(db, "lee")
    with pytest.raises(BadInput) as err:
        moderation_escalations.resolve_escalation(store, "E1", None, "  ", "feedback")
    assert err.value.lines == ["final grade: choose the grade the audit ends with",
                               "reason: say why, for the auditor and the moderator to read"]
    with pytest.raises(BadInput, match="final grade: 'great' is not a grade"):
        moderation_escalations.resolve_escalation(store, "E1", "great", "why", None)
    assert moderation_escalations.resolutions(store) == {}


def test_only_escalated_moderations_are_resolved_once_and_not_by_their_moderator(db):
    store = as_user(db, "lee")
    with pytest.raises(Refused, match="not escalated"):
        moderation_escalations.resolve_escalation(store, "E2", "good", "why", None)
    with pytest.raises(Refused, match="not escalated"):
        moderation_escalations.resolve_escalation(store, "E3", "good", "why", None)
    moderation_escalations.resolve_escalation(store, "E1", "requires_improvement", "the voice is thin", "Record wishes")
    with pytest.raises(Refused, match="lee resolved the escalation on 2024-07-03"):
        moderation_escalations.resolve_escalation(as_user(db, "max"), "E1", "good", "changed my mind", None)


def test_resolution_keeps_both_sides_sets_the_final_grade_and_is_recorded(db):
    before = open_store(db, ME).audits.get("E1")
    store = as_user(db, "lee")
    resolution = moderation_escalations.resolve_escalation(store, "E1", "requires_improvement", " the voice is thin ",
                                       "Record the child's wishes in their words")
    assert resolution.resolved_by == "lee" and resolution.resolved_at == datetime(2024, 7, 3, 9, 30,
                                                                                  tzinfo=timezone.utc)
    assert resolution.reason == "the voice is thin"
    after = store.audits.get("E1")
    assert after.final_grade.value == "requires_improvement"
    # The auditor's and the moderator's own work is untouched.
    assert after.grade == before.grade and after.scores == before.scores and after.notes == before.notes
    for field in ("moderator", "moderated_on", "grade", "outcome", "scores", "notes", "reason", "feedback"):
        assert getattr(after.moderation, field) == getattr(before.moderation, field), field
    [entry] = store.history.entries(what="escalation resolved")
    assert entry.actor == "lee" and entry.details["audit_id"] == "E1"
    assert entry.details["resolution"]["final_grade"] == "requires_improvement"
    assert entry.details["auditor_grade"] == "good" and entry.details["moderator_grade"] == "inadequate"
    assert store.history.verify().ok
    # The QA lead's list shows it resolved, after nothing else is left open.
    [row] = moderation_escalations.escalations(store)
    assert row.audit.audit_id == "E1" and row.resolution == resolution
    with pytest.raises(Refused):
        moderation_escalations.escalations(as_user(db, "cat"))


def test_the_database_refuses_to_change_or_remove_a_resolution(db):
    import sqlite3

    store = as_user(db, "lee")
    moderation_escalations.resolve_escalation(store, "E1", "requires_improvement", "the voice is thin", None)
    for sql in ("UPDATE escalation_resolutions SET final_grade = 'good'",
                "DELETE FROM escalation_resolutions"):
        with pytest.raises(sqlite3.IntegrityError, match="final"):
            store.db.execute(sql)
    assert moderation_escalations.escalations(store)[0].resolution.final_grade.value == "requires_improvement"


def test_the_auditor_acknowledges_the_resolution_again(db):
    amy = as_user(db, "amy")
    moderation_escalations.acknowledge(amy, "E1")  # the moderator's feedback, read before the QA lead settled it
    assert [a.audit_id for a in moderation_escalations.feedback_waiting(amy)] == ["E2"]
    moderation_escalations.resolve_escalation(as_user(db, "lee"), "E1", "requires_improvement", "the voice is thin", None)
    assert [a.audit_id for a in moderation_escalations.feedback_waiting(amy)] == ["E1", "E2"]
    moderation_escalations.acknowledge(amy, "E1")
    assert [a.audit_id for a in moderation_escalations.feedback_waiting(amy)] == ["E2"]
    assert amy.audits.get("E1").moderation.acknowledged_on == date(2024, 7, 3)


def test_the_moderator_cannot_restate_an_outcome_once_stored(db):
    with pytest.raises(Refused, match="already stored"):
        ms.reconcile(as_user(db, "max"), "E1", "agreed", None, None, "never mind")


def test_themes_export_uses_the_resolved_grade_and_agreement_the_blind_one(db, tmp_path, capsys):
    moderation_escalations.resolve_escalation(as_user(db, "lee"), "E1", "requires_improvement", "the voice is thin", None)
    out = tmp_path / "themes.json"
    assert main(["--db", str(db), "export", "themes", "--quarter", "2024-25-Q1", "--format", "json",
                 "--out", str(out)]) == 0
    grades = json.loads(out.read_text())["grades"]
    # E1 resolved to requires improvement, E2 agreed at good, E3 unmoderated outstanding.
    assert {g: n for g, n in grades.items() if n} == {"requires_improvement": 1, "good": 1, "outstanding": 1}
    capsys.readouterr()
    assert main(["--db", str(db), "stats", "agreement", "--quarter", "2024-25-Q1", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    # Both pairs still compare amy's good with cat's blind inadequate.
    assert figures["pairs"] == 2 and figures["moved_down"] == 2 and figures["exact_agreement"] == 0
