"""The Store round-trips the models, pages lists in SQL and records every change."""

from __future__ import annotations

from datetime import date

import pytest

from audit_tools.errors import BadInput, Refused
from audit_tools.models import Event, EventKind, Grade, Moderation, Outcome, Role, Status
from db import DraftConflict, open_store
from tests.support import USERS, FixedClock, admin_store, clock_on, make_audit, make_case


def test_users_round_trip_and_role_filter(tmp_path):
    store = admin_store(tmp_path / "ca.db")
    assert store.people.get("amy") == USERS[0]
    assert [u.username for u in store.people.list(role=Role.auditor)] == ["amy", "ben", "eve"]
    assert store.people.get("nobody") is None
    assert store.people.teams() == ["East", "North", "QA", "South"]


def test_case_with_events_round_trip(tmp_path):
    store = admin_store(tmp_path / "ca.db")
    store.cases.add_events([("C-1001", Event(kind=EventKind.visit, date=date(2024, 1, 5), seen_alone=False,
                                       reason_not_alone="asleep"))])
    case = store.cases.get("C-1001")
    assert case is not None
    assert [e.date for e in case.events] == [date(2024, 1, 5), date(2024, 1, 20), date(2024, 1, 25)]
    assert case.events[0].seen_alone is False and case.events[0].reason_not_alone == "asleep"
    assert case.model_copy(update={"events": []}) == make_case().model_copy(update={"events": []})


def test_events_for_unknown_case_write_nothing(tmp_path):
    store = admin_store(tmp_path / "ca.db")
    before = store.row_counts()
    with pytest.raises(BadInput, match="case C-404: not in the database"):
        store.cases.add_events([("C-1001", Event(kind=EventKind.visit, date=date(2024, 2, 1))),
                          ("C-404", Event(kind=EventKind.visit, date=date(2024, 2, 1)))])
    assert store.row_counts() == before


def test_page_cases_keyset_and_filters(tmp_path):
    store = admin_store(tmp_path / "ca.db")
    store.cases.upsert([make_case(f"C-2{n:03d}", team="South" if n % 2 else "North") for n in range(120)])
    first = store.cases.page(limit=50)
    second = store.cases.page(after=first[-1].case_ref, limit=50)
    third = store.cases.page(after=second[-1].case_ref, limit=50)
    refs = [r.case_ref for r in first + second + third]
    assert len(refs) == 121 and refs == sorted(refs) and len(set(refs)) == 121
    assert store.cases.count(team="South") == 60
    assert all(r.team == "South" for r in store.cases.page(team="South", limit=200))
    assert [r.case_ref for r in store.cases.page(search="C-2011")] == ["C-2011"]
    assert store.cases.page(search="%") == []  # a LIKE wildcard typed by a user is literal


def test_submitted_audit_round_trip_and_last_audit(tmp_path):
    store = admin_store(tmp_path / "ca.db")
    audit = make_audit()
    assert store.audits.insert([audit]) == 1
    assert store.audits.get("A-0001") == audit
    assert store.audits.list(submitted_from=date(2024, 4, 1), submitted_to=date(2024, 6, 30)) == [audit]
    assert store.audits.list(auditor="ben") == []
    assert store.audits.last_for_case("C-1001") == date(2024, 5, 1)
    [row] = store.cases.page()
    assert row.last_audit == date(2024, 5, 1)
    assert store.audits.count_by_auditor_month(date(2024, 4, 1), date(2024, 6, 30)) == {"amy": {"2024-05": 1}}


def test_import_with_a_bad_audit_writes_nothing(tmp_path):
    store = admin_store(tmp_path / "ca.db")
    before = store.row_counts()
    bad = make_audit("A-0002", auditor="dan")  # dan is the allocated worker
    with pytest.raises(BadInput) as err:
        store.audits.insert([make_audit("A-0001"), bad])
    assert any("A-0002" in line and "allocated worker" in line for line in err.value.lines)
    assert store.row_counts() == before


def test_import_refuses_a_duplicate_id(tmp_path):
    store = admin_store(tmp_path / "ca.db")
    store.audits.insert([make_audit("A-0001")])
    with pytest.raises(BadInput, match="A-0001: already in the database"):
        store.audits.insert([make_audit("A-0001")])


def test_draft_save_then_stale_save_conflicts(tmp_path):
    path = tmp_path / "ca.db"
    admin_store(path)
    amy = open_store(path, "amy", clock=FixedClock())
    other_tab = open_store(path, "amy", clock=FixedClock())
    audit_id = amy.audits.next_id()
    draft = make_audit(audit_id, submitted_on=None)
    assert amy.audits.save_draft(draft, None) == 1
    assert amy.audits.save_draft(draft.model_copy(update={"grade": Grade.outstanding}), 1) == 2
    with pytest.raises(DraftConflict) as err:
        other_tab.audits.save_draft(draft, 1)
    assert err.value.lines == [
        f"audit {audit_id} was changed by amy at {err.value.lines[0].split(' at ')[1].split(' since')[0]} "
        "since you opened it; reopen it to see their changes"]
    assert amy.audits.get(audit_id).grade == Grade.outstanding
    assert amy.audits.revision(audit_id) == 2


def test_conflict_names_who_saved_and_when(tmp_path):
    path = tmp_path / "ca.db"
    admin_store(path)
    ben = open_store(path, "ben", clock=FixedClock())
    draft = make_audit("A-0009", auditor="ben", submitted_on=None)
    ben.audits.save_draft(draft, None)
    ben.audits.save_draft(draft, 1)
    with pytest.raises(DraftConflict, match=r"audit A-0009 was changed by ben at \d\d:\d\d since you opened it"):
        ben.audits.save_draft(draft, 1)


def test_submit_locks_and_lists_every_problem(tmp_path):
    path = tmp_path / "ca.db"
    admin_store(path)
    amy = open_store(path, "amy", clock=FixedClock())
    draft = make_audit("A-0003", submitted_on=None)
    rev = amy.audits.save_draft(draft, None)
    incomplete = draft.model_copy(update={"grade": None, "notes": {}})
    with pytest.raises(Refused) as err:
        amy.audits.submit(incomplete, rev)
    assert any(line.startswith("grade:") for line in err.value.lines)
    assert any(line.startswith("chronology:") for line in err.value.lines)
    submitted = amy.audits.submit(draft, rev)
    assert submitted.submitted_on == date(2024, 5, 2)
    with pytest.raises(Refused, match="submitted and locked"):
        amy.audits.save_draft(draft, rev + 1)
    with pytest.raises(Refused, match="already submitted"):
        amy.audits.submit(draft)


def test_amendment_applies_on_read_and_keeps_why(tmp_path):
    path = tmp_path / "ca.db"
    admin_store(path).audits.insert([make_audit()])
    amy = open_store(path, "amy", clock=FixedClock())
    amended = amy.amendments.amend("A-0001", {"grade": "requires_improvement"}, "evidence of drift missed")
    assert amended.grade == Grade.requires_improvement
    assert amy.audits.get("A-0001").grade == Grade.requires_improvement
    [amendment] = amy.amendments.list("A-0001")
    assert (amendment.by, amendment.reason, amendment.changes) == (
        "amy", "evidence of drift missed", {"grade": "requires_improvement"})
    assert amy.audits.page()[0].grade is Grade.requires_improvement  # read into the enum at the edge
    with pytest.raises(BadInput, match="auditor: cannot be amended"):
        amy.amendments.amend("A-0001", {"auditor": "ben"}, "wrong person")
    with pytest.raises(BadInput, match="needs a reason"):
        amy.amendments.amend("A-0001", {"grade": "good"}, "  ")


def test_moderation_assignment_and_sample(tmp_path):
    from audit_tools.models import SampleDraw

    path = tmp_path / "ca.db"
    admin_store(path).audits.insert([make_audit()])
    quinn = open_store(path, "quinn", clock=FixedClock())
    draw = SampleDraw(quarter="2024-25-Q1", seed="s", rate="0.10", min_per_auditor=1, frame=["A-0001"],
                      frame_sha256="x", selected=["A-0001"], strata={"amy": ["A-0001"]})
    sample_id = quinn.samples.save(draw)
    stored = quinn.samples.get(sample_id)
    assert stored.selected == ["A-0001"] and stored.drawn_by == "quinn" and stored.sample_id == sample_id
    assert quinn.samples.audit_ids() == {"A-0001"}
    with pytest.raises(Refused, match="already in a moderation sample"):
        quinn.samples.save(draw)
    with pytest.raises(Refused, match="amy is the original auditor"):
        quinn.moderation.assign("A-0001", "amy")
    quinn.moderation.assign("A-0001", "cat")
    [assignment] = quinn.moderation.assignments("cat")
    assert assignment.audit_id == "A-0001" and not assignment.moderated
    cat = open_store(path, "cat", clock=FixedClock())
    moderation = Moderation(moderator="cat", moderated_on=date(2024, 5, 20), grade=Grade.requires_improvement,
                            outcome=Outcome.grade_changed, final_grade=Grade.requires_improvement,
                            scores={"chronology": Status.not_met}, reason="chronology absent")
    cat.moderation.save("A-0001", moderation)
    audit = cat.audits.get("A-0001")
    assert audit.moderation == moderation and audit.final_grade == Grade.requires_improvement
    assert cat.moderation.assignments("cat")[0].moderated
    assert cat.audits.page(moderator="cat")[0].final_grade is Grade.requires_improvement
    # the auditor's list reads the outcome and grades into the domain's enums, not text
    [mine] = open_store(path, "amy", clock=FixedClock()).audits.by_auditor("amy")
    assert (mine.outcome, mine.final_grade) == (Outcome.grade_changed, Grade.requires_improvement)
    assert type(mine.outcome) is Outcome and type(mine.final_grade) is Grade


def test_actions_by_state_and_completion(tmp_path):
    path = tmp_path / "ca.db"
    admin_store(path).audits.insert([make_audit()])
    ben = open_store(path, "ben", clock=clock_on(date(2024, 6, 30)))
    [action] = ben.amendments.actions(owner="ben")
    assert action.due == date(2024, 6, 1) and action.team == "North"
    assert ben.amendments.actions(state="overdue", today=date(2024, 6, 2)) == [action]
    assert ben.amendments.actions(state="overdue", today=date(2024, 6, 1)) == []
    ben.amendments.complete_action(action.action_id, date(2024, 5, 30))
    assert ben.amendments.actions(state="open") == []
    assert ben.amendments.actions(state="done")[0].completed_on == date(2024, 5, 30)
    assert ben.audits.get("A-0001").actions[0].completed_on == date(2024, 5, 30)
    cat = open_store(path, "cat")
    with pytest.raises(Refused, match="cat may not record the completion of action"):
        cat.amendments.complete_action(action.action_id, date(2024, 5, 30))


def test_themes_settings_and_quota(tmp_path):
    store = admin_store(tmp_path / "ca.db")
    assert "absent-fathers" in store.reference.themes() and len(store.reference.themes()) == 12
    store.reference.add_theme("housing", "Housing")
    assert store.reference.themes()["housing"] == "Housing"
    assert store.reference.settings().audit_quota_per_month == 2
    store.reference.set_setting("audit_quota_per_month", 3)
    assert store.reference.settings().audit_quota_per_month == 3
    assert store.reference.settings().independence_mode == "warn"
    with pytest.raises(BadInput, match="not warn or block"):
        store.reference.set_setting("independence_mode", "maybe")


def test_block_mode_refuses_a_recent_repeat_audit(tmp_path):
    store = admin_store(tmp_path / "ca.db")
    store.audits.insert([make_audit("A-0001")])
    store.audits.insert([make_audit("A-0002", auditor="ben")])  # warn mode: allowed
    store.reference.set_setting("independence_mode", "block")
    with pytest.raises(BadInput, match="within the last 12 months"):
        store.audits.insert([make_audit("A-0003", auditor="ben")])


def test_new_audit_ids_skip_imported_ones(tmp_path):
    store = admin_store(tmp_path / "ca.db")
    store.audits.insert([make_audit("A-000001")])
    assert store.audits.next_id() == "A-000002"
    assert store.audits.next_id() == "A-000003"


def test_every_change_is_in_the_history_chain(tmp_path):
    store = admin_store(tmp_path / "ca.db")
    store.audits.insert([make_audit()])
    whats = [e.what for e in reversed(store.history.entries())]
    assert whats == ["record coverage taken", "first admin", "users imported", "cases imported", "audits imported"]
    assert store.history.entries()[0].details["audits"][0]["audit_id"] == "A-0001"
    result = store.history.verify()
    assert result.ok and result.entries == 5


def test_store_works_from_another_thread(tmp_path):
    import threading

    store = admin_store(tmp_path / "ca.db")
    seen = []
    worker = threading.Thread(target=lambda: seen.append(store.people.get("amy")))
    worker.start()
    worker.join()
    assert seen == [USERS[0]]
