"""`caseaudit sample draw|verify` and `stats agreement` against a real database, and the
moderation steps the screens share (assign, blind re-audit, reconcile, acknowledge)."""

from __future__ import annotations

import json
import sqlite3

from tests.support import raw_connection
from datetime import date

import pytest

from audit_tools import sampling
from audit_tools.errors import BadInput, Refused
from audit_tools.models import Audit, Case, Grade, Moderation, User
from caseaudit.cli import main
from db import open_store
from caseaudit.services import moderation as ms
from caseaudit.services import moderation_escalations
from db.identity import current_username

ME = current_username()
SCORES = {"return-interview": "not_applicable", "voice-of-child": "met", "management-oversight": "met"}
EH = list(SCORES)


def make_audit(audit_id: str, auditor: str, submitted: date, grade: str = "good", **kw) -> Audit:
    return Audit(audit_id=audit_id, case_ref=f"E-{audit_id}", auditor=auditor, as_of=submitted,
                 submitted_on=submitted, grade=grade, scores=dict(SCORES), **kw)


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "caseaudit.db"
    store = open_store(path, actor=ME)
    store.people.ensure_admin()
    store.people.upsert([
        User(username="amy", display_name="Amy", roles=["auditor"]),
        User(username="ben", display_name="Ben", roles=["auditor"]),
        User(username="cat", display_name="Cat", roles=["moderator"]),
        User(username="dan", display_name="Dan", roles=["moderator", "auditor"]),
        User(username="lee", display_name="Lee", roles=["qa_lead"]),
        User(username="wkr", display_name="Worker", roles=[]),
        User(username="lm", display_name="Line manager", roles=[]),
    ])
    audits = [make_audit(f"A{i:02d}", "amy", date(2024, 4, 2 + i)) for i in range(12)]
    audits += [make_audit(f"B{i:02d}", "ben", date(2024, 5, 2 + i)) for i in range(3)]
    audits += [
        make_audit("P01", "amy", date(2024, 3, 28)),  # previous quarter
        make_audit("M01", "ben", date(2024, 6, 3),
                   moderation=Moderation(moderator="cat", moderated_on=date(2024, 6, 20), grade="good",
                                         outcome="agreed", scores=dict(SCORES), feedback="Well evidenced")),
    ]
    store.cases.upsert([
        Case(case_ref=a.case_ref, case_type="EH", start_date=date(2024, 1, 2), team="North",
             worker="wkr", line_manager="lm")
        for a in audits
    ])
    store.audits.insert(audits)
    store.close()
    return path


def cli(db, *argv):
    return main(["--db", str(db), *argv])


# --- sample draw ----------------------------------------------------------------------


def test_draw_json_is_exactly_the_contract(db, capsys):
    assert cli(db, "sample", "draw", "--quarter", "2024-25-Q1", "--rate", "0.1", "--seed", "abc", "--json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert list(doc) == ["sample_id", "quarter", "seed", "algorithm", "rate", "min_per_auditor",
                         "frame_sha256", "frame_size", "selected"]
    frame = [f"A{i:02d}" for i in range(12)] + ["B00", "B01", "B02"]  # not P01 (Q4), not M01 (moderated)
    assert doc["sample_id"] == "S-000001"
    assert doc["quarter"] == "2024-25-Q1" and doc["seed"] == "abc" and doc["algorithm"] == "v1"
    assert doc["rate"] == "0.1" and doc["min_per_auditor"] == 1
    assert doc["frame_size"] == 15
    assert doc["frame_sha256"] == sampling.frame_sha256(frame)
    # amy: ceil(0.1 × 12) = 2; ben: max(1, ceil(0.3)) = 1; the lowest SHA-256 ranks.
    amy = sorted(frame[:12], key=lambda i: sampling.rank_key("abc", i))[:2]
    ben = sorted(frame[12:], key=lambda i: sampling.rank_key("abc", i))[:1]
    assert doc["selected"] == sorted(amy + ben)


def test_draw_is_stored_with_who_and_when_and_recorded_in_history(db, capsys):
    assert cli(db, "sample", "draw", "--quarter", "2024-25-Q1", "--seed", "s") == 0
    out = capsys.readouterr().out
    assert "sample S-000001 drawn for 2024-25 Q1: 3 of 15 audits" in out
    store = open_store(db, ME)
    sample = store.samples.get("S-000001")
    assert sample.drawn_by == ME and sample.drawn_at is not None
    assert sample.strata["ben"] == ["B00", "B01", "B02"]
    assert [e.what for e in store.history.entries(limit=1)] == ["sample drawn"]


def test_second_draw_never_takes_the_same_audits(db, capsys):
    cli(db, "sample", "draw", "--quarter", "2024-25-Q1", "--seed", "one", "--json")
    first = json.loads(capsys.readouterr().out)
    cli(db, "sample", "draw", "--quarter", "2024-25-Q1", "--seed", "one", "--json", "--again")
    second = json.loads(capsys.readouterr().out)
    assert second["frame_size"] == 15 - len(first["selected"])
    assert not set(first["selected"]) & set(second["selected"])


def test_a_sampled_quarter_is_drawn_again_only_with_again(db, capsys):
    """A draw cannot be undone: the README's own line run twice drew two samples without a word
    (finding 4 of issue 26)."""
    assert cli(db, "sample", "draw", "--quarter", "2024-25-Q1", "--seed", "one") == 0
    capsys.readouterr()
    before = open_store(db, ME).row_counts()
    assert cli(db, "sample", "draw", "--quarter", "2024-25-Q1", "--seed", "one") == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("caseaudit: quarter 2024-25-Q1 (")
    assert "has been sampled already: S-000001 (" in err and "--again" in err
    assert open_store(db, ME).row_counts() == before
    assert cli(db, "sample", "draw", "--quarter", "2024-25-Q1", "--seed", "one", "--again") == 0
    assert capsys.readouterr().out.startswith("sample S-000002 drawn for")
    assert [s.sample_id for s in open_store(db, ME).samples.list("2024-25-Q1")] == ["S-000001", "S-000002"]


def test_bad_rate_is_exit_2_and_writes_nothing(db, capsys):
    before = open_store(db, ME).row_counts()
    assert cli(db, "sample", "draw", "--quarter", "2024-25-Q1", "--rate", "1.5") == 2
    err = capsys.readouterr().err
    assert err.startswith("caseaudit: rate: 1.5 is out of range")
    assert cli(db, "sample", "draw", "--quarter", "2024-25-Q1", "--min-per-auditor", "-1") == 2
    assert "min per auditor" in capsys.readouterr().err
    assert open_store(db, ME).row_counts() == before


def test_empty_frame_is_refused(db, capsys):
    assert cli(db, "sample", "draw", "--quarter", "2023-24-Q1") == 2
    assert "no audits to sample" in capsys.readouterr().err


def test_only_a_qa_lead_may_draw(db):
    store = open_store(db, "amy")
    with pytest.raises(Refused):
        ms.draw_sample(store, "2024-25-Q1", "0.1", 1, "x")
    assert store.samples.list() == []


# --- sample verify --------------------------------------------------------------------


def test_verify_passes_then_fails_after_tampering(db, capsys):
    cli(db, "sample", "draw", "--quarter", "2024-25-Q1", "--seed", "s", "--json")
    capsys.readouterr()
    assert cli(db, "sample", "verify", "S-000001") == 0
    out = capsys.readouterr().out
    assert out.startswith("sample S-000001 verified: the frame hash and the selection both match\n"
                          "3 of 15 audits re-derived from seed s\n")
    assert max(len(line) for line in out.splitlines()) <= 80
    # Someone edits the stored seed by hand: the selection no longer follows from it.
    conn = raw_connection(db)
    row = conn.execute("SELECT data FROM samples WHERE sample_id = 'S-000001'").fetchone()
    data = json.loads(row[0])
    data["seed"] = "t"
    conn.execute("UPDATE samples SET data = ? WHERE sample_id = 'S-000001'", [json.dumps(data)])
    conn.commit()
    conn.close()
    assert cli(db, "sample", "verify", "S-000001") == 1
    err = capsys.readouterr().err
    assert "caseaudit: sample S-000001 does not verify:" in err
    assert "not drawn by the seed" in err or "not selected" in err


def test_verify_unknown_sample_is_exit_2(db, capsys):
    assert cli(db, "sample", "verify", "S-999999") == 2
    assert "sample S-999999: not in the database" in capsys.readouterr().err


# --- assignment and the moderator's steps ---------------------------------------------


def test_assign_blind_reconcile_acknowledge(db):
    lee = open_store(db, "lee")
    sample = ms.draw_sample(lee, "2024-25-Q1", "0.1", 1, "s")
    plan = ms.assign_sample(lee, "2024-25-Q1")
    assert set(plan) == set(sample.selected)
    assert set(plan.values()) <= {"cat", "dan"}
    # Balanced: cat has no open work, dan none either, so three audits split 2/1.
    assert sorted(list(plan.values()).count(m) for m in {"cat", "dan"}) == [1, 2]
    assert ms.assign_sample(lee, "2024-25-Q1") == {}  # nothing left to assign
    assert {r.state for r in ms.progress(lee, "2024-25-Q1")} == {"assigned"}

    audit_id, moderator = next(iter(plan.items()))
    mod = open_store(db, moderator)
    with pytest.raises(BadInput) as err:
        ms.submit_blind(mod, audit_id, Moderation(moderator=moderator))
    assert "grade: choose your own grade for the case" in err.value.lines
    blind = Moderation(moderator=moderator, grade="requires_improvement",
                       scores={**SCORES, "management-oversight": "partly_met"},
                       notes={"management-oversight": "thin"})
    stored = ms.submit_blind(mod, audit_id, blind)
    assert stored.moderated_on is not None
    with pytest.raises(Refused):
        ms.submit_blind(mod, audit_id, blind.model_copy(update={"grade": "good"}))
    with pytest.raises(BadInput) as err:
        ms.reconcile(mod, audit_id, "grade_changed", None, "", "")
    assert err.value.lines == [
        "final grade: a changed grade needs the final grade",
        "reason: say why the grade changed",
        "feedback: write feedback for the auditor",
    ]
    done = ms.reconcile(mod, audit_id, "grade_changed", "requires_improvement", "oversight thin", "Look again")
    assert done.grade.value == "requires_improvement"  # the blind grade is kept as submitted
    audit = mod.audits.get(audit_id)
    assert audit.final_grade.value == "requires_improvement"
    assert audit.moderation.outcome.value == "grade_changed"
    rows = {r.audit_id: r for r in ms.progress(lee, "2024-25-Q1")}
    assert rows[audit_id].state == "reconciled"

    auditor = open_store(db, audit.auditor)
    assert [a.audit_id for a in moderation_escalations.feedback_waiting(auditor)] == [audit_id]
    moderation_escalations.acknowledge(auditor, audit_id)
    assert moderation_escalations.feedback_waiting(auditor) == []
    assert auditor.audits.get(audit_id).moderation.acknowledged_on is not None


def test_a_moderator_cannot_moderate_what_is_not_theirs(db):
    lee = open_store(db, "lee")
    ms.draw_sample(lee, "2024-25-Q1", "0.1", 1, "s")
    plan = ms.assign_sample(lee, "2024-25-Q1")
    audit_id, moderator = next(iter(plan.items()))
    other = "cat" if moderator == "dan" else "dan"
    with pytest.raises(Refused):
        ms.submit_blind(open_store(db, other), audit_id, Moderation(moderator=other, grade="good"))


def test_assignment_with_no_eligible_moderator_assigns_nothing(db):
    store = open_store(db, ME)
    # Make dan the worker on every case and drop cat's role: nobody independent is left.
    store.people.upsert([User(username="cat", display_name="Cat", roles=["auditor"])])
    lee = open_store(db, "lee")
    ms.draw_sample(lee, "2024-25-Q1", "0.1", 1, "s")
    for audit_id in ms.sampled_in_quarter(lee, "2024-25-Q1"):
        case = store.cases.get(store.audits.get(audit_id).case_ref)
        store.cases.upsert([case.model_copy(update={"worker": "dan", "events": []})])
    with pytest.raises(BadInput) as err:
        ms.assign_sample(lee, "2024-25-Q1")
    assert all("no eligible moderator" in line for line in err.value.lines)
    assert lee.moderation.assignments() == []


# --- stats agreement ------------------------------------------------------------------


def test_agreement_json_is_exactly_the_contract(db, capsys):
    assert cli(db, "stats", "agreement", "--quarter", "2024-25-Q1", "--json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert list(doc) == ["quarter", "pairs", "exact_agreement", "within_one", "kappa", "kappa_quadratic",
                         "moved_down", "moved_up", "by_auditor", "by_standard"]
    assert doc["quarter"] == "2024-25-Q1"
    assert doc["pairs"] == 1 and doc["exact_agreement"] == 1.0 and doc["within_one"] == 1.0
    assert doc["kappa"] is None and doc["kappa_quadratic"] is None  # one grade only: undefined
    assert doc["by_auditor"] == {"ben": {"pairs": 1, "exact_agreement": 1.0, "moved_down": 0, "moved_up": 0}}
    assert doc["by_standard"] == {s: {"pairs": 1, "agreement": 1.0} for s in sorted(SCORES)}


def test_agreement_table_reads_as_sentences(db, capsys):
    assert cli(db, "stats", "agreement", "--quarter", "2024-25-Q1") == 0
    out = capsys.readouterr().out
    assert "Moderation agreement, 2024-25 Q1" in out
    assert "Cohen's kappa not defined (n=1)" in out


def test_agreement_of_a_quiet_quarter_has_no_pairs(db, capsys):
    assert cli(db, "stats", "agreement", "--quarter", "2023-24-Q2", "--json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["pairs"] == 0 and doc["kappa"] is None and doc["by_auditor"] == {}


def test_a_missing_database_is_not_created(tmp_path, capsys):
    missing = tmp_path / "nowhere.db"
    assert main(["--db", str(missing), "sample", "verify", "S-000001"]) == 2
    assert "no caseaudit database at" in capsys.readouterr().err
    assert not missing.exists()


def test_readable_outputs_fit_80_columns(db, capsys):
    from audit_tools.agreement import agreement
    from caseaudit.cli.moderation import agreement_table, sample_summary

    # Every one of twenty audits picked: the ids wrap under the auditor instead of running on.
    frame = [make_audit(f"A-{i:06d}", "amy", date(2024, 5, 2)) for i in range(20)]
    sample = sampling.draw(frame, "2024-25-Q1", "1", 1, "s")
    lines = sample_summary(sample)
    assert max(len(line) for line in lines) <= 80
    assert lines[4].startswith("  amy: 20 of 20: A-000000, A-000001,")
    assert all(line.startswith("      A-0000") for line in lines[5:])
    assert ", ".join(lines[4:]).count("A-0000") == 20

    # A long username still lines up, and a flagged one is named underneath, within 80 columns.
    long_name = "alexandra.montgomery-smythe"
    moderated = Moderation(moderator="cat", moderated_on=date(2024, 6, 1), grade="inadequate",
                           outcome="agreed", scores=dict(SCORES), feedback="f")
    audits = [make_audit("L1", long_name, date(2024, 5, 2), moderation=moderated),
              make_audit("L2", "ben", date(2024, 5, 3), moderation=moderated.model_copy(update={"grade": Grade.good}))]
    lines = agreement_table(agreement(audits, "2024-25-Q1", min_pairs=1))
    assert max(len(line) for line in lines) <= 80
    header = next(line for line in lines if line.startswith("auditor"))
    row = next(line for line in lines if line.startswith(long_name))
    assert row.endswith(" *") and len(row) == len(header) + 2
    assert any(line.startswith("* possibly insufficiently critical") for line in lines)
    assert long_name in lines[-len(SCORES) - 3]


def test_verify_fails_when_the_strata_are_rewritten_and_the_frame_hash_kept(db, capsys):
    """Moving an audit into another auditor's stratum leaves the frame, and so its hash, as
    they were: verify still finds it, because each stratum is checked against the audits."""
    cli(db, "sample", "draw", "--quarter", "2024-25-Q1", "--seed", "s", "--json")
    capsys.readouterr()
    conn = raw_connection(db)
    data = json.loads(conn.execute("SELECT data FROM samples WHERE sample_id = 'S-000001'").fetchone()[0])
    frame_hash = data["frame_sha256"]
    moved = data["strata"]["ben"].pop(0)
    data["strata"]["amy"].append(moved)
    with conn:
        conn.execute("UPDATE samples SET data = ? WHERE sample_id = 'S-000001'", [json.dumps(data)])
    conn.close()
    assert json.loads(sqlite3.connect(db).execute("SELECT data FROM samples").fetchone()[0])["frame_sha256"] \
        == frame_hash
    assert cli(db, "sample", "verify", "S-000001") == 1
    err = capsys.readouterr().err
    assert f"audit {moved} is in amy's stratum but its auditor is ben" in err
