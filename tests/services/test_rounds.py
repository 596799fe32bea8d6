"""Auditing a thematic round and its report: submission needs every answer and the comments the
answers require; a round audit counts in its round and for the 12-month rules, and nowhere else
(not the monthly quota, the quarterly sample frame or the themes report); the report's four
formats agree with figures computed here from the stored answers."""

from __future__ import annotations

import csv
import json
import sqlite3
from datetime import date

import pytest
from openpyxl import load_workbook

from audit_tools.errors import Refused
from audit_tools.models import Action, Audit, Case, CaseType, Grade, Role, RoundAnswer, Status
from audit_tools.quarters import Quarter
from caseaudit.services import audits as audit_service
from caseaudit.services import rounds
from caseaudit.services.allocation import allocate_month
from caseaudit.services.dashboard import dashboard
from caseaudit.services.moderation import sample_frame
from caseaudit.services.themes import themes_for
from tests.support import CIN_STANDARDS, admin_store, clock_on

TODAY = date(2024, 5, 2)
QUESTIONS = """
name = "Neglect"
[[question]]
id = "neglect-named"
title = "Is neglect recognised and named in the assessment?"
help = "Look at the latest assessment and plan."
[[question]]
id = "graded-care-profile"
title = "Was a graded care profile used?"
answers = ["yes", "no", "not_applicable"]
comment_required = ["no"]
"""


@pytest.fixture
def service(tmp_path):
    store = admin_store(tmp_path / "c.db", clock=clock_on(TODAY))
    store.cases.upsert([Case(case_ref=f"N-{i}", case_type=CaseType.CIN, start_date=date(2024, 1, 2),
                             team="North" if i % 2 else "South", worker="dan", line_manager="eve")
                        for i in range(1, 7)])
    questions = tmp_path / "neglect.toml"
    questions.write_text(QUESTIONS, encoding="utf-8")
    lead = store.clone("quinn")
    made = rounds.create_round(lead, name="Neglect, spring", questions=questions, day="2024-05-01", size=6,
                               auditors="amy,ben", seed="neglect", grade=True, score_standards=True)
    return store, lead, made


def round_audit(store, made, case_ref: str, auditor: str, answers: dict) -> Audit:
    """A round audit of `case_ref` as the form builds it, scored and graded (the round asks both)."""
    context = audit_service.audit_context(store.clone(auditor), store.clone(auditor).user,
                                          store.reference.catalogue_for(), TODAY, case_ref=case_ref,
                                          round_id=made.round_id)
    audit = context.audit
    assert audit.round_id == made.round_id and context.round.round_id == made.round_id
    scores = {s: Status.met for s in CIN_STANDARDS}
    return audit.model_copy(update={
        "grade": Grade.good, "scores": scores, "answers": {q: RoundAnswer(answer=a, comment=c)
                                                           for q, (a, c) in answers.items()}})


def cases_of(made, auditor):
    return [s.case_ref for s in made.selected if s.auditor == auditor]


def submit(store, made, case_ref, auditor, answers):
    audit = round_audit(store, made, case_ref, auditor, answers)
    return audit_service.submit_audit(store.clone(auditor), audit, None)


def test_submission_needs_every_answer_and_the_comment_an_answer_requires(service):
    store, lead, made = service
    ref = cases_of(made, "amy")[0]
    audit = round_audit(store, made, ref, "amy", {"neglect-named": ("partly", "")})
    with pytest.raises(Refused) as refused:
        audit_service.submit_audit(store.clone("amy"), audit, None)
    assert refused.value.lines == [
        "Is neglect recognised and named in the assessment?: partly needs a comment saying why",
        "Was a graded care profile used?: no answer; choose yes, no, not applicable",
    ]
    assert store.row_counts()["round_answers"] == 0
    submitted = submit(store, made, ref, "amy", {"neglect-named": ("partly", "named late"),
                                                  "graded-care-profile": ("yes", "")})
    assert submitted.submitted and submitted.round_id == made.round_id
    stored = sqlite3.connect(store.path).execute(
        "SELECT question, answer, comment FROM round_answers ORDER BY question").fetchall()
    assert stored == [("graded-care-profile", "yes", None), ("neglect-named", "partly", "named late")]
    assert store.history.verify().ok


def test_only_the_auditor_the_round_gave_the_case_may_audit_it_in_the_round(service):
    store, lead, made = service
    ref = cases_of(made, "amy")[0]
    with pytest.raises(Refused, match=f"case {ref} is amy's to audit, not ben's"):
        audit_service.audit_context(store.clone("ben"), store.clone("ben").user, store.reference.catalogue_for(),
                                    TODAY, case_ref=ref, round_id=made.round_id)
    forged = Audit(audit_id="A-000900", case_ref=ref, auditor="ben", as_of=TODAY, round_id=made.round_id)
    with pytest.raises(Refused, match="amy's to audit, not ben's"):
        store.clone("ben").audits.save_draft(forged, None)


def _submitted_round_audit_then_a_normal_one(service, count):
    """`count(store)` with a round audit of amy's submitted, then with an audit outside the round."""
    store, lead, made = service
    ref = cases_of(made, "amy")[0]
    submit(store, made, ref, "amy", {"neglect-named": ("yes", ""), "graded-care-profile": ("yes", "")})
    with_round = count(store)
    amy = store.clone("amy")
    normal = Audit(audit_id=store.audits.next_id(), case_ref="C-1001", auditor="amy", as_of=TODAY,
                   grade=Grade.good, scores={s: Status.met for s in CIN_STANDARDS}, catalogue_version="2024.1")
    audit_service.submit_audit(amy, normal, None)
    return with_round, count(store), normal.audit_id


def test_a_round_audit_counts_nothing_toward_the_monthly_quota(service):
    def done(store):
        amy = store.clone("amy")
        return dashboard(amy, amy.user, TODAY).done_this_month

    assert _submitted_round_audit_then_a_normal_one(service, done)[:2] == (0, 1)


def test_a_round_audit_is_not_in_the_quarters_moderation_sample_frame(service):
    def frame(store):
        return [a.audit_id for a in sample_frame(store, "2024-25-Q1")]

    with_round, with_normal, normal = _submitted_round_audit_then_a_normal_one(service, frame)
    assert with_round == [] and with_normal == [normal]


def test_a_round_audit_is_not_in_the_quarterly_themes_report(service):
    def completed(store):
        return themes_for(store, Quarter.parse("2024-25-Q1")).audits.completed

    assert _submitted_round_audit_then_a_normal_one(service, completed)[:2] == (0, 1)


def test_a_round_audit_is_an_audit_of_the_case_for_the_12_month_rules(service):
    store, lead, made = service
    ref = cases_of(made, "amy")[0]
    submit(store, made, ref, "amy", {"neglect-named": ("yes", ""), "graded-care-profile": ("yes", "")})
    ben = store.clone("ben")
    refusals, warning, blocks = audit_service.may_start_audit(ben, ben.user, TODAY, store.cases.get(ref))
    assert refusals == [] and warning and "already audited" in warning
    allocation = allocate_month(lead, "2024-06", 6, seed="june")
    assert ref in allocation.recently_audited
    assert ref not in {r for refs in allocation.allocated.values() for r in refs}


ANSWERS = [("yes", ""), ("partly", "some drift"), ("no", "not named"), ("yes", ""), ("partly", "late")]
PROFILE = [("yes", ""), ("no", "none used"), ("not_applicable", ""), ("not_applicable", ""), ("yes", "")]


def test_the_report_agrees_in_every_format_with_figures_from_the_stored_answers(service, tmp_path):
    store, lead, made = service
    assigned = [s for s in made.selected if s.auditor][:5]
    for s, named, profile in zip(assigned, ANSWERS, PROFILE):
        submit(store, made, s.case_ref, s.auditor, {"neglect-named": named, "graded-care-profile": profile})

    # The figures, counted here from the stored answers and cases.
    db = sqlite3.connect(store.path)
    stored = db.execute("SELECT w.question, c.team, w.answer FROM round_answers w JOIN audits a USING (audit_id) "
                        "JOIN cases c ON c.case_ref = a.case_ref").fetchall()
    expected = {}
    for question in ("neglect-named", "graded-care-profile"):
        got = [(team, answer) for q, team, answer in stored if q == question]
        applicable = sum(1 for _, a in got if a != "not_applicable")
        answers = ["yes", "partly", "no", "not_applicable"] if question == "neglect-named" else \
            ["yes", "no", "not_applicable"]
        counts = {a: sum(1 for _, x in got if x == a) for a in answers}
        expected[question] = {
            "n": len(got),
            "answers": {a: {"n": n, "pct": None if a == "not_applicable" or not applicable
                            else round(n * 100 / applicable + 1e-9, 1)} for a, n in counts.items()},
            "by_team": {t: {a: sum(1 for tt, x in got if tt == t and x == a) for a in answers}
                        for t in sorted({t for t, _ in got})},
        }
    assert expected["neglect-named"]["answers"]["partly"] == {"n": 2, "pct": 40.0}
    assert expected["graded-care-profile"]["answers"]["no"] == {"n": 1, "pct": 33.3}

    paths = {fmt: tmp_path / f"report.{fmt}" for fmt in ("json", "xlsx", "md")}
    paths["csv"] = tmp_path / "report-csv"
    for fmt, path in paths.items():
        rounds.export_report(lead, made.round_id, fmt, path)

    doc = json.loads(paths["json"].read_text())
    assert doc["cases"] == {"selected": 6, "audited": 5, "outstanding": 1}
    assert doc["grades"]["good"] == 5 and doc["standards"]["chronology"] == {
        "n": 5, "met": 5, "partly_met": 0, "not_met": 0, "pct_met": 100.0}
    for q in doc["questions"]:
        assert {k: q[k] for k in ("n", "answers", "by_team")} == expected[q["id"]]

    with (paths["csv"] / "answers.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    with (paths["csv"] / "answers_by_team.csv").open() as fh:
        team_rows = list(csv.DictReader(fh))
    with (paths["csv"] / "cases.csv").open() as fh:
        assert list(csv.DictReader(fh)) == [{"selected": "6", "audited": "5", "outstanding": "1"}]
    book = load_workbook(paths["xlsx"])
    sheet = list(book["answers"].iter_rows(min_row=2, values_only=True))
    by_team_sheet = list(book["answers_by_team"].iter_rows(min_row=2, values_only=True))
    assert len(book["charts"]._charts) == 2
    md = paths["md"].read_text()
    for question, figures in expected.items():
        for answer, value in figures["answers"].items():
            assert {"question": question, "title": rows[0]["title"] if question == rows[0]["question"]
                    else next(r["title"] for r in rows if r["question"] == question),
                    "answer": answer, "n": str(value["n"]),
                    "pct": "" if value["pct"] is None else str(value["pct"])} in rows
            assert any(r[0] == question and r[2] == answer and r[3] == value["n"] and r[4] == value["pct"]
                       for r in sheet)
            words = answer.replace("_", " ")
            shown = "–" if value["pct"] is None else f"{value['pct']:.1f}%"
            assert f"| {words} | {value['n']} | {shown} |" in md
        for team, counts in figures["by_team"].items():
            for answer, n in counts.items():
                assert {"question": question, "team": team, "answer": answer, "n": str(n)} in team_rows
                assert (question, team, answer, n) in by_team_sheet
            assert f"| {team} | " + " | ".join(str(n) for n in counts.values()) + " |" in md
    # Comments only when asked for.
    for path in paths.values():
        text = path.read_text(errors="ignore") if path.is_file() else \
            "".join(p.read_text() for p in path.iterdir())
        assert "some drift" not in text
    rounds.export_report(lead, made.round_id, "md", tmp_path / "notes.md", include_notes=True)
    assert "some drift" in (tmp_path / "notes.md").read_text()
    exports = [e for e in store.history.entries(what="round report exported")]
    assert len(exports) == 5 and {e.details["format"] for e in exports} == {"json", "csv", "xlsx", "md"}


def test_a_report_path_is_never_replaced_without_force_nor_the_database(service, tmp_path):
    store, lead, made = service
    target = tmp_path / "r.json"
    target.write_text("keep")
    with pytest.raises(Exception, match="already exists; nothing was written \\(give --force to replace it\\)"):
        rounds.export_report(lead, made.round_id, "json", target)
    assert target.read_text() == "keep"
    rounds.export_report(lead, made.round_id, "json", target, force=True)
    assert json.loads(target.read_text())["round_id"] == made.round_id
    with pytest.raises(Exception, match="is the caseaudit database"):
        rounds.export_report(lead, made.round_id, "json", store.path, force=True)


def test_only_a_qa_lead_reports_on_a_round(service, tmp_path):
    store, lead, made = service
    with pytest.raises(Refused, match="amy may not report on thematic rounds: needs the qa_lead role"):
        rounds.export_report(store.clone("amy"), made.round_id, "json", tmp_path / "r.json")
    assert not (tmp_path / "r.json").exists()


def test_an_action_plan_is_checked_in_a_round_audit_as_in_any(service):
    store, lead, made = service
    ref = cases_of(made, "ben")[0]
    audit = round_audit(store, made, ref, "ben", {"neglect-named": ("yes", ""), "graded-care-profile": ("yes", "")})
    audit = audit.model_copy(update={"actions": [Action(description="Chronology", owner="ben")]})
    with pytest.raises(Refused, match="action 1: no due date"):
        audit_service.submit_audit(store.clone("ben"), audit, None)


def test_a_round_audit_is_amended_like_any_and_its_answers_follow(tmp_path):
    store = admin_store(tmp_path / "c.db", clock=clock_on(TODAY))
    store.cases.upsert([Case(case_ref="N-1", case_type=CaseType.CIN, start_date=date(2024, 1, 2), team="North",
                             worker="dan", line_manager="eve")])
    lead = store.clone("quinn")
    from audit_tools.rounds import parse_questions

    made = rounds.create_round(lead, name="Unscored", questions=parse_questions(QUESTIONS), day="2024-05-01",
                               size=1, auditors="amy", seed="s")
    amy = store.clone("amy")
    context = audit_service.audit_context(amy, amy.user, store.reference.catalogue_for(), TODAY,
                                          case_ref=made.selected[0].case_ref, round_id=made.round_id)
    audit = context.audit.model_copy(update={"answers": {
        "neglect-named": RoundAnswer(answer="no", comment="not named"),
        "graded-care-profile": RoundAnswer(answer="yes")}})
    submitted = audit_service.submit_audit(amy, audit, None)
    assert submitted.scores == {} and submitted.grade is None  # the round scores and grades nothing

    with pytest.raises(sqlite3.DatabaseError, match="answers are locked; record an amendment"):
        with store.transaction():
            store.db.execute("DELETE FROM round_answers")
    # The action plan and an answer corrected, with a reason; the rules are the round's.
    amended = audit_service.amend_audit(amy, submitted.audit_id, {
        "answers": {"neglect-named": {"answer": "yes", "comment": ""},
                    "graded-care-profile": {"answer": "yes", "comment": ""}},
        "actions": [{"description": "Name neglect in the plan", "owner": "ben", "due": "2024-06-01"}]},
        "the plan names neglect on page 2")
    assert amended.answers["neglect-named"].answer == "yes" and len(amended.actions) == 1
    stored = sqlite3.connect(store.path).execute(
        "SELECT question, answer, comment FROM round_answers ORDER BY question").fetchall()
    assert stored == [("graded-care-profile", "yes", None), ("neglect-named", "yes", None)]
    figures = rounds.report(lead, made.round_id)
    assert figures.questions[0].answers["yes"].n == 1 and figures.questions[0].answers["no"].n == 0
    # An amendment leaving a question unanswered is refused, naming it.
    with pytest.raises(Refused, match="Is neglect recognised and named in the assessment\\?: no answer"):
        audit_service.amend_audit(amy, submitted.audit_id, {"answers": {
            "graded-care-profile": {"answer": "yes", "comment": ""}}}, "oops")
    assert store.history.verify().ok


def test_the_comments_of_a_round_audit_the_qa_lead_moderates_blind_stay_out_of_the_report(service, tmp_path):
    store, lead, made = service
    ref = cases_of(made, "amy")[0]
    audit = submit(store, made, ref, "amy", {"neglect-named": ("partly", "drift since spring"),
                                             "graded-care-profile": ("yes", "")})
    store.people.upsert([store.people.get("quinn").model_copy(update={"roles": [Role.qa_lead, Role.moderator]})])
    lead.moderation.assign(audit.audit_id, "quinn")
    figures = rounds.report(lead, made.round_id, include_notes=True)
    assert figures.comments == []  # quinn re-audits it blind: nothing of it reaches them
    assert figures.questions[0].answers["partly"].n == 1  # the figures stay
    other = store.clone("root")
    assert [c.comment for c in rounds.report(other, made.round_id, include_notes=True).comments] == [
        "drift since spring"]


def test_a_round_the_auditor_has_finished_drops_off_their_dashboard(service):
    store, lead, made = service
    ben = store.clone("ben")
    theirs = cases_of(made, "ben")
    assert [c.case_ref for c in rounds.round_cases_of(ben, "ben")] == theirs
    for ref in theirs[:-1]:
        submit(store, made, ref, "ben", {"neglect-named": ("yes", ""), "graded-care-profile": ("yes", "")})
    shown = rounds.round_cases_of(ben, "ben")
    assert [c.case_ref for c in shown] == theirs and [c.status for c in shown][-1] is None
    submit(store, made, theirs[-1], "ben", {"neglect-named": ("yes", ""), "graded-care-profile": ("yes", "")})
    assert rounds.round_cases_of(ben, "ben") == []
    assert [c.case_ref for c in rounds.round_cases_of(store.clone("amy"), "amy")] == cases_of(made, "amy")
