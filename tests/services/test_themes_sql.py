"""The themes report counted in SQL (db.reports, audit_tools.themes.report_from_rows) is the
same document as the one computed from whole audits (the oracle in tests/themes_oracle.py)."""

from __future__ import annotations

import pytest

from audit_tools.agreement import agreement
from audit_tools.quarters import Quarter
from caseaudit.services import moderation
from caseaudit.services.themes import themes_for
from tests.themes_oracle import themes_from_audits
from db import open_store
from db.identity import current_username
from sample_audits import load_sample


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("sample") / "caseaudit.db"
    store = open_store(path, current_username())
    store.people.ensure_admin()
    load_sample(store)
    yield store
    store.close()


def _quarters(store) -> list[Quarter]:
    days = sorted({a.submitted_on for a in store.audits.list(status="submitted")})
    found = sorted({Quarter.of(d).code for d in days})
    quarters = [Quarter.parse(code) for code in found]
    # One quarter after the last, so an empty quarter with a busy previous one is checked too.
    return quarters + [quarters[-1].next()]


def test_sample_data_has_what_the_comparison_needs(sample_store):
    audits = sample_store.audits.list(status="submitted")
    assert any(a.moderation is not None for a in audits)
    assert any(a.actions for a in audits)
    assert len(_quarters(sample_store)) >= 3


@pytest.mark.parametrize("include_notes", [False, True])
def test_sql_counts_give_the_report_computed_from_audits(sample_store, include_notes):
    for quarter in _quarters(sample_store):
        fast = themes_for(sample_store, quarter, include_notes=include_notes).to_json()
        slow = themes_from_audits(sample_store, quarter, include_notes=include_notes).to_json()
        assert fast == slow, quarter.code
    assert fast["audits"]["completed"] + fast["previous"]["audits"]["completed"] > 0


def test_agreement_from_sql_pairs_matches_agreement_of_audits(sample_store):
    for quarter in _quarters(sample_store):
        audits = sample_store.audits.list(submitted_from=quarter.start, submitted_to=quarter.end,
                                          status="submitted")
        assert moderation.quarter_agreement(sample_store, quarter).as_json() == \
            agreement(audits, quarter).as_json(), quarter.code


def test_sample_frame_from_sql_is_the_domain_frame(sample_store):
    from audit_tools import sampling

    for quarter in _quarters(sample_store):
        audits = sample_store.audits.list(submitted_from=quarter.start, submitted_to=quarter.end,
                                          status="submitted")
        expected = sampling.build_frame(audits, quarter, sample_store.samples.audit_ids())
        got = moderation.sample_frame(sample_store, quarter)
        assert [(a.audit_id, a.auditor) for a in got] == [(a.audit_id, a.auditor) for a in expected]


# --- a small department made in caseaudit: overrides, amendments, moderation, samples -------


@pytest.fixture(scope="module")
def made_store(tmp_path_factory):
    from datetime import date

    from audit_tools.models import Action, Grade, Moderation, Outcome, Status, Themes
    from tests.support import FixedClock, admin_store, clock_on, make_audit, make_case

    clock = FixedClock()
    store = admin_store(tmp_path_factory.mktemp("made") / "c.db", clock=clock)
    store.cases.upsert([make_case("C-1002", team=""), make_case("C-1003", team="South")])
    automatic = {"chronology": Status.met, "cin-visits": Status.met, "supervision": None}
    plan = [Action(description="Update chronology", owner="ben", due=date(2024, 6, 1), standard="chronology",
                   completed_on=date(2024, 5, 20)),
            Action(description="=SUM(A1)", owner="amy", due=date(2024, 6, 20), completed_on=date(2024, 7, 3)),
            Action(description="Book the core group", owner="ben", due=date(2024, 7, 30))]
    made = []
    for n, (case_ref, auditor, submitted, grade) in enumerate([
        ("C-1001", "amy", date(2024, 5, 2), Grade.good),
        ("C-1002", "ben", date(2024, 6, 30), Grade.requires_improvement),
        ("C-1003", "amy", date(2024, 4, 1), Grade.outstanding),
        ("C-1001", "ben", date(2024, 3, 28), Grade.good),  # the previous quarter
        ("C-1003", "amy", date(2024, 7, 1), Grade.good),  # the next quarter: left out
    ], start=1):
        audit = make_audit(f"A-{n:04d}", case_ref, auditor, submitted, grade).model_copy(update={
            "as_of": min(submitted, date(2024, 5, 1)),
            "automatic": automatic,
            "override_reasons": {"chronology": "updated on the paper file"},
            "actions": plan[: 1 + n % 3],
            "themes": Themes(strengths=["voice-of-child", "chronology"][: 1 + n % 2],
                             improvements=["chronology"]),
        })
        clock.moment = clock_on(submitted).moment  # the store dates a submission by its clock
        made.append(store.audits.submit(audit))
    clock.moment = FixedClock().moment
    imported = make_audit("A-0100", "C-1003", "ben", date(2024, 5, 10)).model_copy(
        update={"imported": True, "automatic": automatic})
    store.audits.insert([imported])
    store.amendments.amend("A-0001", {"grade": "requires_improvement"}, "moderated view agreed")
    for audit_id, theirs, outcome, final in [("A-0001", Grade.inadequate, Outcome.grade_changed, Grade.inadequate),
                                             ("A-0002", Grade.requires_improvement, Outcome.agreed, None),
                                             ("A-0004", Grade.outstanding, None, None)]:
        store.moderation.save(audit_id, Moderation(
            moderator="cat", moderated_on=date(2024, 7, 5), grade=theirs, outcome=outcome, final_grade=final,
            scores={"chronology": Status.not_met, "cin-visits": Status.met}, notes={"chronology": "drift"},
            reason="too generous" if final else None, feedback="look again" if outcome else None))
    moderation.draw_sample(store, Quarter.parse("2024-25-Q1"), rate="0.5", minimum=1, seed="s")
    yield store
    store.close()


@pytest.mark.parametrize("include_notes", [False, True])
def test_sql_counts_match_on_a_department_made_in_caseaudit(made_store, include_notes):
    for code in ("2023-24-Q4", "2024-25-Q1", "2024-25-Q2"):
        quarter = Quarter.parse(code)
        fast = themes_for(made_store, quarter, include_notes=include_notes).to_json()
        assert fast == themes_from_audits(made_store, quarter, include_notes=include_notes).to_json(), code
    q1 = themes_for(made_store, Quarter.parse("2024-25-Q1"), include_notes=include_notes)
    # The dataset reaches every branch the SQL counts: overrides, both teams, moderation, actions.
    assert q1.overrides.automatic > 0 and q1.overrides.overridden > 0
    assert q1.audits.by_team.get("unallocated") == 1
    assert q1.moderation.moderated == 2 and q1.moderation.sampled >= 1
    assert q1.actions.completed and q1.actions.open and q1.grades["inadequate"] == 1


def test_agreement_and_progress_on_a_department_made_in_caseaudit(made_store):
    q1 = Quarter.parse("2024-25-Q1")
    audits = made_store.audits.list(submitted_from=q1.start, submitted_to=q1.end, status="submitted")
    got = moderation.quarter_agreement(made_store, q1).as_json()
    assert got == agreement(audits, q1).as_json()
    assert got["pairs"] == 2 and got["by_standard"]["chronology"] == {"pairs": 2, "agreement": 0.0}
    rows = moderation.progress(made_store, q1)
    assert rows and all(r.state == "unassigned" and r.moderator is None for r in rows)
