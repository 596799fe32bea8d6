"""Role × operation: every service entry point called as each kind of person, the expected
answer of every cell written out by hand below (not read from the policy it checks).

The people: amy (auditor), mo (moderator), quinn (QA lead), root (admin), wes (a worker in
the users list with no role) and nobody (a username that is not a user). A cell is
"ok" (the call returned), "no" (refused: `Refused`) or "err" (let through by the policy,
then stopped by something else, e.g. a file that is not there).

The facts: C-1 is wes's case, line-managed by lm; C-2 is nobody's. A-0001 is amy's audit of
C-1, re-audited by mo and escalated (not yet resolved), with two actions wes owns (the
second completed). A-0002 is amy's audit of C-2 that mo is re-auditing blind (nothing
submitted yet); A-0006 mo has re-audited but not reconciled. A-0003..A-0005 are amy's
audits of the quarter, one drawn into sample S-... by quinn; April's allocation is stored.
Concern 1 is open on C-1, concern 2 acknowledged. Round R-... is quinn's thematic round of one
case for amy.
"""

from __future__ import annotations

import gc
from datetime import date
from pathlib import Path

import pytest

from audit_tools.errors import BadInput, Refused
from audit_tools.models import Action, Moderation, User
from audit_tools.quarters import Quarter
from caseaudit.services import actions, allocation, annex_a, audits, cases, check, concerns, dashboard
from caseaudit.services import imports, moderation, moderation_escalations, moderation_views, my_audits, sampling_view, setup
from caseaudit.services import holds, pack, redaction, rounds, served, settings, sign_in, themes, uploads
from db import open_store
from tests.support import QUICK_HASHER, clock_on, copy_database, full_blind, make_audit, make_case

PEOPLE = ["amy", "mo", "quinn", "root", "wes", "nobody"]
Q1 = "2024-25-Q1"
TODAY = date(2024, 5, 20)
PASSWORD = "a long enough pass phrase for the matrix"
QUESTIONS = """
name = "Neglect"
[[question]]
id = "home-seen"
title = "Was the home seen?"
answers = ["yes", "no"]
comment_required = ["no"]
"""


def build(path: Path) -> dict:
    root = open_store(path, "root", clock=clock_on(TODAY))
    root.people.ensure_admin()
    root.people.upsert([
        User(username="amy", display_name="Amy", roles=["auditor"], team="North"),
        User(username="mo", display_name="Mo", roles=["moderator"], team="East"),
        User(username="quinn", display_name="Quinn", roles=["qa_lead"], team="QA"),
        User(username="wes", display_name="Wes", roles=[], team="North"),
        User(username="lm", display_name="Line Manager", roles=["auditor"], team="North"),
        User(username="ben", display_name="Ben", roles=["auditor"], team="South"),
    ])
    c1 = make_case("C-1").model_copy(update={"worker": "wes", "line_manager": "lm"})
    c2 = make_case("C-2", team="South").model_copy(update={"worker": None, "line_manager": None})
    root.cases.upsert([c1, c2])
    first = make_audit("A-0001", "C-1")
    first = first.model_copy(update={"actions": [
        Action(description="Update chronology", owner="wes", due=date(2024, 6, 1), standard="chronology"),
        Action(description="Supervision notes", owner="wes", due=date(2024, 6, 1), standard="supervision")]})
    others = [make_audit(f"A-000{i}", "C-2", submitted_on=date(2024, 5, 2 + i)) for i in range(2, 7)]
    root.audits.insert([first, *others])
    quinn = root.clone("quinn")
    sample = moderation.draw_sample(quinn, Q1, "0.1", 1, "seed")
    for audit_id in ("A-0001", "A-0002", "A-0006"):
        quinn.moderation.assign(audit_id, "mo")
    mo = root.clone("mo")
    for audit_id in ("A-0001", "A-0006"):
        moderation.submit_blind(mo, audit_id, full_blind(mo, audit_id, "mo", "good"))
    moderation.reconcile(mo, "A-0001", "escalated", None, "far apart", "Let us talk")
    amy = root.clone("amy")
    done = amy.amendments.actions(audit_id="A-0001")
    amy.amendments.complete_action(done[1].action_id, date(2024, 5, 10))
    made = allocation.allocate_month(quinn, "2024-04", 1, "seed")
    concerns.raise_concern(amy, amy.user, "C-1", None, "found something", "see the child today")
    concerns.raise_concern(amy, amy.user, "C-1", None, "found more", "a strategy discussion")
    concerns.acknowledge(root.clone("lm"), "SC-000002")
    for name in ("amy", "mo", "quinn", "root", "wes"):
        sign_in.set_password(root, name, PASSWORD, PASSWORD)
    holds.hold_case(root, "C-1", "a safeguarding hold")
    questions = path.parent / "neglect.toml"
    questions.write_text(QUESTIONS, encoding="utf-8")
    made_round = rounds.create_round(quinn, name="Neglect", questions=questions, day=TODAY, size=1,
                                     auditors="amy", seed="seed")
    users_csv = path.parent / "users.csv"
    users_csv.write_text("username,display_name,roles,team\nroot,Root,admin,\nnew,New Person,auditor,North\n",
                         encoding="utf-8")
    cases_csv = path.parent / "cases.csv"
    cases_csv.write_text("case_ref,case_type,start_date,team,worker,line_manager,closed_date\n"
                         "C-3,CP,2024-03-01,North,wes,lm,\n", encoding="utf-8")
    return {"cases_csv": cases_csv, "sample": sample.sample_id, "allocation": made.allocation_id, "open_action": done[0].action_id,
            "done_action": done[1].action_id, "round": made_round.round_id,
            "questions": questions, "sampled": sorted(set(sample.selected) - {"A-0001"})[0],
            "users_csv": users_csv, "missing": path.parent / "no-such-workbook.xlsx"}


@pytest.fixture(scope="module")
def quick_hashes():
    """Who may sign in or set a password is the question here, not argon2's cost: the same
    hashing code with the least work argon2 allows (28 hashes and checks, 9 s otherwise)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sign_in, "_hasher", QUICK_HASHER)
        sign_in._dummy_hash.cache_clear()
        yield
    sign_in._dummy_hash.cache_clear()


@pytest.fixture(scope="module")
def world(tmp_path_factory, quick_hashes):
    path = tmp_path_factory.mktemp("matrix") / "caseaudit.db"
    facts = build(path)
    # build's stores are garbage now; collecting closes them, folding the write-ahead log
    # into the file, so a plain file copy is a whole copy of the world.
    gc.collect()
    left = [p.name for p in path.parent.iterdir() if p.name.endswith(("-wal", "-shm", "-journal"))]
    assert not left, f"building the world left {left}: a store is still open"
    # The reading cells share one store a person, over a copy of the world of their own
    # (its write-ahead log stays beside it); the writing cells each copy the untouched world.
    (path.parent / "reading").mkdir()
    reading = copy_database(path, path.parent / "reading" / "caseaudit.db")
    readers = {person: open_store(reading, person, clock=clock_on(TODAY)) for person in PEOPLE}
    yield path, facts, readers
    for store in readers.values():
        store.close()


def new_audit(store, name: str):
    return make_audit(store.audits.next_id(), "C-2", auditor=name, submitted_on=None)


# name: (call, writes). Each call gets the store acting as the person, their user (None for
# nobody), the facts of the world, and their name.
ENTRY_POINTS = {
    # the auditor's audit
    "audits.may_start_audit_of": (lambda s, u, w, n: told(audits.may_start_audit_of(s, u, TODAY, "C-2")), False),
    "audits.may_start_audit": (lambda s, u, w, n: told(audits.may_start_audit(s, u, TODAY, s.cases.get("C-2"))),
                               False),
    "audits.audit_context": (lambda s, u, w, n: audits.audit_context(s, u, s.reference.catalogue_for(), TODAY,
                                                                      audit_id="A-0001"), False),
    "audits.audit_context (blind)": (lambda s, u, w, n: audits.audit_context(
        s, u, s.reference.catalogue_for(), TODAY, audit_id="A-0002"), False),
    "audits.amended_summary": (lambda s, u, w, n: audits.amended_summary(s, s.audits.get("A-0001")), False),
    "audits.save_draft": (lambda s, u, w, n: audits.save_draft(s, new_audit(s, n), None), True),
    "audits.submit_audit": (lambda s, u, w, n: audits.submit_audit(s, new_audit(s, n), None), True),
    "audits.amend_audit": (lambda s, u, w, n: audits.amend_audit(
        s, "A-0001", {"notes": {"chronology": "not updated since February"}}, "a typo"), True),
    # cases
    "cases.case_choices": (lambda s, u, w, n: cases.case_choices(s), False),
    "cases.case_page": (lambda s, u, w, n: cases.case_page(s, {}, None, 10), False),
    "cases.failing_counts": (lambda s, u, w, n: cases.failing_counts(s, s.reference.catalogue_for(), TODAY,
                                                                      ["C-1"]), False),
    "cases.case_detail": (lambda s, u, w, n: cases.case_detail(s, u, s.reference.catalogue_for(), TODAY,
                                                                "C-2"), False),
    "check.stored_case": (lambda s, u, w, n: check.stored_case(s, "C-1"), False),
    # concerns
    "concerns.for_user": (lambda s, u, w, n: concerns.for_user(s, u), False),
    "concerns.unacknowledged_count": (lambda s, u, w, n: concerns.unacknowledged_count(s, u), False),
    "concerns.waiting_figures": (lambda s, u, w, n: concerns.waiting_figures(s, u), False),
    "concerns.visible": (lambda s, u, w, n: concerns.visible(s, u), False),
    "concerns.raise_concern": (lambda s, u, w, n: concerns.raise_concern(s, u, "C-2", None, "found", "act"), True),
    "concerns.acknowledge": (lambda s, u, w, n: concerns.acknowledge(s, "SC-000001"), True),
    "concerns.close": (lambda s, u, w, n: concerns.close(s, "SC-000002", "visited the same day"), True),
    # my audits
    "my_audits.my_audits": (lambda s, u, w, n: my_audits.my_audits(s, u), False),
    "my_audits.amendment_trail": (lambda s, u, w, n: my_audits.amendment_trail(s, u, "A-0001"), False),
    # moderation
    "moderation.draw_sample": (lambda s, u, w, n: moderation.draw_sample(s, Q1, "0.1", 1, "again", again=True), True),
    "moderation.verify_sample": (lambda s, u, w, n: moderation.verify_sample(s, w["sample"]), False),
    "moderation.quarter_agreement": (lambda s, u, w, n: moderation.quarter_agreement(s, Q1), False),
    "moderation.moderation_figures": (lambda s, u, w, n: moderation.moderation_figures(s, Q1), False),
    "moderation.preview_sample": (lambda s, u, w, n: moderation.preview_sample(s, Q1, "0.1", 1), False),
    "moderation.sample_frame": (lambda s, u, w, n: moderation.sample_frame(s, Q1), False),
    "moderation.sampled_in_quarter": (lambda s, u, w, n: moderation.sampled_in_quarter(s, Q1), False),
    "moderation.moderators": (lambda s, u, w, n: moderation.moderators(s), False),
    "moderation.open_loads": (lambda s, u, w, n: moderation.open_loads(s), False),
    "moderation.plan_assignment": (lambda s, u, w, n: moderation.plan_assignment(s, Q1), False),
    "moderation.eligible_moderators_for": (lambda s, u, w, n: moderation.eligible_moderators_for(
        s, w["sampled"]), False),
    "moderation.progress": (lambda s, u, w, n: moderation.progress(s, Q1), False),
    "moderation.assign_sample": (lambda s, u, w, n: moderation.assign_sample(s, Q1), True),
    "moderation.assign_moderator": (lambda s, u, w, n: moderation.assign_moderator(s, w["sampled"], "mo"), True),
    "moderation.save_blind_draft": (lambda s, u, w, n: moderation.save_blind_draft(
        s, "A-0002", Moderation(moderator=n, grade="good")), True),
    "moderation.submit_blind": (lambda s, u, w, n: moderation.submit_blind(
        s, "A-0002", full_blind(s, "A-0002", n, "good")), True),
    "moderation.reconcile": (lambda s, u, w, n: moderation.reconcile(s, "A-0006", "agreed", None, None,
                                                                      "Well evidenced"), True),
    "moderation_escalations.acknowledge": (lambda s, u, w, n: moderation_escalations.acknowledge(s, "A-0001"), True),
    "moderation_escalations.feedback_waiting": (lambda s, u, w, n: moderation_escalations.feedback_waiting(s), False),
    "moderation_escalations.resolutions": (lambda s, u, w, n: moderation_escalations.resolutions(s, ["A-0001"]), False),
    "moderation_escalations.escalations": (lambda s, u, w, n: moderation_escalations.escalations(s), False),
    "moderation_escalations.escalation": (lambda s, u, w, n: moderation_escalations.escalation(s, "A-0001"), False),
    "moderation_escalations.resolve_escalation": (lambda s, u, w, n: moderation_escalations.resolve_escalation(
        s, "A-0001", "good", "the evidence supports good", "Thank you both"), True),
    "moderation_views.moderation_queue": (lambda s, u, w, n: moderation_views.moderation_queue(s, n), False),
    "moderation_views.moderation_stage": (lambda s, u, w, n: moderation_views.moderation_stage(s, "A-0001"),
                                          False),
    "moderation_views.blind_view": (lambda s, u, w, n: moderation_views.blind_view(
        s, "A-0002", s.reference.catalogue_for()), False),
    "moderation_views.reconcile_view": (lambda s, u, w, n: moderation_views.reconcile_view(
        s, "A-0001", s.reference.catalogue_for()), False),
    "moderation_views.feedback_view": (lambda s, u, w, n: moderation_views.feedback_view(s), False),
    "sampling_view.sampling_view": (lambda s, u, w, n: sampling_view.sampling_view(s, Quarter.parse(Q1), "0.1",
                                                                                 "1"), False),
    # allocation
    "allocation.allocate_month": (lambda s, u, w, n: allocation.allocate_month(s, "2024-05", 1, "seed"), True),
    "allocation.preview_allocation": (lambda s, u, w, n: allocation.preview_allocation(s, "2024-05", 1, "seed"),
                                      False),
    "allocation.verify_allocation": (lambda s, u, w, n: allocation.verify_allocation(s, w["allocation"]), False),
    "allocation.allocations_of": (lambda s, u, w, n: allocation.allocations_of(s, "2024-04"), False),
    "allocation.allocated_to": (lambda s, u, w, n: allocation.allocated_to(s, n, TODAY), False),
    "allocation.completion": (lambda s, u, w, n: allocation.completion(s, "2024-04"), False),
    "allocation.allocation_view": (lambda s, u, w, n: allocation.allocation_view(s, "2024-04"), False),
    # reports
    "themes.themes_for": (lambda s, u, w, n: themes.themes_for(s, Quarter.parse(Q1)), False),
    "themes.export_themes_report": (lambda s, u, w, n: themes.export_themes_report(
        s, Quarter.parse(Q1), "json", s.path.parent / f"themes-{n}.json"), True),
    "themes.download_themes_report": (lambda s, u, w, n: themes.download_themes_report(
        s, Quarter.parse(Q1), "json"), True),
    # the dashboard and the actions tracker
    "dashboard.dashboard": (lambda s, u, w, n: dashboard.dashboard(s, u, TODAY), False),
    "actions.actions_view (mine)": (lambda s, u, w, n: actions.actions_view(s, "mine", "all", TODAY), False),
    "actions.actions_view (team)": (lambda s, u, w, n: actions.actions_view(s, "team", "all", TODAY), False),
    "actions.actions_view (all)": (lambda s, u, w, n: actions.actions_view(s, "all", "all", TODAY), False),
    "actions.complete_action": (lambda s, u, w, n: actions.complete_action(s, w["open_action"], TODAY), True),
    "actions.reopen_action": (lambda s, u, w, n: actions.reopen_action(s, w["done_action"], "not done after all"),
                              True),
    # imports
    "imports.check_file": (lambda s, u, w, n: imports.check_file(s, "users", w["users_csv"]), False),
    "imports.import_file": (lambda s, u, w, n: imports.import_file(s, "users", w["users_csv"]), True),
    "imports.import_cases": (lambda s, u, w, n: imports.import_cases(s, w["cases_csv"]), True),
    "imports.import_file_report": (lambda s, u, w, n: imports.import_file_report(s, "users", w["users_csv"]),
                                   True),
    "annex_a.check_workbook": (lambda s, u, w, n: annex_a.check_workbook(s, w["missing"]), False),
    "annex_a.import_annex_a": (lambda s, u, w, n: annex_a.import_annex_a(s, w["missing"]), True),
    # thematic rounds and the inspection pack
    "rounds.rounds_list": (lambda s, u, w, n: rounds.rounds_list(s), False),
    "rounds.round_cases_of (own)": (lambda s, u, w, n: rounds.round_cases_of(s, n), False),
    "rounds.round_cases_of (amy's)": (lambda s, u, w, n: rounds.round_cases_of(s, "amy"), False),
    "rounds.create_round": (lambda s, u, w, n: rounds.create_round(
        s, name="Neglect again", questions=w["questions"], day=TODAY, size=1, auditors="amy", seed="again"), True),
    "rounds.get_round": (lambda s, u, w, n: rounds.get_round(s, w["round"]), False),
    "rounds.verify_round": (lambda s, u, w, n: rounds.verify_round(s, w["round"]), False),
    "rounds.progress": (lambda s, u, w, n: rounds.progress(s, w["round"]), False),
    "rounds.report": (lambda s, u, w, n: rounds.report(s, w["round"]), False),
    "rounds.export_report": (lambda s, u, w, n: rounds.export_report(
        s, w["round"], "json", s.path.parent / f"round-{n}.json"), True),
    "rounds.rounds_view": (lambda s, u, w, n: rounds.rounds_view(s), False),
    "pack.build_pack": (lambda s, u, w, n: pack.build_pack(s, ["C-1"], TODAY), False),
    "pack.export_pack": (lambda s, u, w, n: pack.export_pack(s, ["C-1"], "md", s.path.parent / f"pack-{n}.md",
                                                             TODAY), True),
    "pack.download_pack": (lambda s, u, w, n: pack.download_pack(s, ["C-1"], "md", TODAY), True),
    # accounts
    "sign_in.check_may_set_password (own)": (lambda s, u, w, n: sign_in.check_may_set_password(s, n), False),
    "sign_in.check_may_set_password (quinn's)": (lambda s, u, w, n: sign_in.check_may_set_password(s, "quinn"),
                                                 False),
    "sign_in.set_password (own)": (lambda s, u, w, n: sign_in.set_password(s, n, PASSWORD + "!", PASSWORD + "!"),
                                   True),
    "sign_in.sign_in": (lambda s, u, w, n: sign_in.sign_in(s.clone(sign_in.SIGNING_IN), n, PASSWORD,
                                                           "127.0.0.1", "the matrix"), True),
    "sign_in.set_password (quinn's)": (lambda s, u, w, n: sign_in.set_password(
        s, "quinn", PASSWORD + "!", PASSWORD + "!"), True),
    "sign_in.change_own_password": (lambda s, u, w, n: sign_in.change_own_password(
        s, "no-such-session", PASSWORD, PASSWORD + "!", PASSWORD + "!"), True),
    "sign_in.unlock": (lambda s, u, w, n: sign_in.unlock(s, "quinn"), True),
    "sign_in.set_disabled (disable)": (lambda s, u, w, n: sign_in.set_disabled(s, "wes", True), True),
    "sign_in.set_disabled (enable)": (lambda s, u, w, n: sign_in.set_disabled(s, "wes", False), True),
    "served.lockouts_to_see": (lambda s, u, w, n: served.lockouts_to_see(s), False),
    "served.acknowledge_lockouts": (lambda s, u, w, n: served.acknowledge_lockouts(s, [1]), True),
    # the settings service and the served upload
    "settings.listing": (lambda s, u, w, n: settings.listing(s), False),
    "settings.change": (lambda s, u, w, n: settings.change(s, "audit_quota_per_month", "5"), True),
    "uploads.may_upload": (lambda s, u, w, n: uploads.may_upload(s), False),
    "uploads.record_upload": (lambda s, u, w, n: uploads.record_upload(s, "users.csv", 10, "0" * 64), True),
    "setup.keep_default_catalogue": (lambda s, u, w, n: setup.keep_default_catalogue(s), True),
    # holds and redaction
    "holds.hold_case": (lambda s, u, w, n: holds.hold_case(s, "C-2", "a legal hold"), True),
    "holds.release_case": (lambda s, u, w, n: holds.release_case(s, "C-1"), True),
    "holds.holds": (lambda s, u, w, n: holds.holds(s), False),
    "redaction.redact (dry run)": (lambda s, u, w, n: redaction.redact(
        s, redaction.Selection(audit="A-0003"), "erasure request", dry_run=True), False),
    "redaction.redact": (lambda s, u, w, n: redaction.redact(
        s, redaction.Selection(older_than=TODAY), "retention schedule"), True),
}

# The expected answers, by hand: amy (auditor), mo (moderator), quinn (QA lead), root (admin),
# wes (no role), nobody (not a user).
EXPECTED = """
audits.may_start_audit_of                 ok no no ok no no
audits.may_start_audit                    ok no no ok no no
audits.audit_context                      ok ok ok ok no no
audits.audit_context (blind)              ok no ok ok no no
audits.amended_summary                    ok ok ok ok no no
audits.save_draft                         ok no no ok no no
audits.submit_audit                       ok no no ok no no
audits.amend_audit                        ok no ok ok no no
cases.case_choices                        ok ok ok ok no no
cases.case_page                           ok ok ok ok no no
cases.failing_counts                      ok ok ok ok no no
cases.case_detail                         ok ok ok ok no no
check.stored_case                         ok ok ok ok no no
concerns.for_user                         ok ok ok ok ok no
concerns.unacknowledged_count             ok ok ok ok ok no
concerns.waiting_figures                  ok ok ok ok ok no
concerns.visible                          ok ok ok ok ok no
concerns.raise_concern                    ok ok ok ok no no
concerns.acknowledge                      no no ok ok no no
concerns.close                            no no ok ok no no
my_audits.my_audits                       ok no no ok no no
my_audits.amendment_trail                 ok ok ok ok no no
moderation.draw_sample                    no no ok ok no no
moderation.verify_sample                  ok ok ok ok ok no
moderation.quarter_agreement              no ok ok ok no no
moderation.moderation_figures             no ok ok ok no no
moderation.preview_sample                 no no ok ok no no
moderation.sample_frame                   no no ok ok no no
moderation.sampled_in_quarter             no no ok ok no no
moderation.moderators                     no no ok ok no no
moderation.open_loads                     no no ok ok no no
moderation.plan_assignment                no no ok ok no no
moderation.eligible_moderators_for        no no ok ok no no
moderation.progress                       no no ok ok no no
moderation.assign_sample                  no no ok ok no no
moderation.assign_moderator               no no ok ok no no
moderation.save_blind_draft               no ok no ok no no
moderation.submit_blind                   no ok no ok no no
moderation.reconcile                      no ok no ok no no
moderation_escalations.acknowledge        ok no no ok no no
moderation_escalations.feedback_waiting   ok ok ok ok ok no
moderation_escalations.resolutions        ok ok ok ok ok no
moderation_escalations.escalations        no no ok ok no no
moderation_escalations.escalation         no no ok ok no no
moderation_escalations.resolve_escalation no no ok ok no no
moderation_views.moderation_queue         no ok ok ok no no
moderation_views.moderation_stage         no ok ok ok no no
moderation_views.blind_view               no ok no ok no no
moderation_views.reconcile_view           ok ok ok ok no no
moderation_views.feedback_view            ok ok ok ok ok no
sampling_view.sampling_view               no no ok ok no no
allocation.allocate_month                 no no ok ok no no
allocation.preview_allocation             no no ok ok no no
allocation.verify_allocation              ok ok ok ok ok no
allocation.allocations_of                 no no ok ok no no
allocation.allocated_to                   ok ok ok ok ok no
allocation.completion                     no no ok ok no no
allocation.allocation_view                no no ok ok no no
themes.themes_for                         no no ok ok no no
themes.export_themes_report               no no ok ok no no
themes.download_themes_report             no no ok ok no no
dashboard.dashboard                       ok ok ok ok ok no
actions.actions_view (mine)               ok ok ok ok ok no
actions.actions_view (team)               ok ok ok no no no
actions.actions_view (all)                no no ok ok no no
actions.complete_action                   ok no ok ok ok no
actions.reopen_action                     ok no ok ok ok no
rounds.rounds_list                        no no ok ok no no
rounds.round_cases_of (own)               ok ok ok ok ok no
rounds.round_cases_of (amy's)             ok no ok ok no no
rounds.create_round                       no no ok ok no no
rounds.get_round                          ok ok ok ok ok no
rounds.verify_round                       ok ok ok ok ok no
rounds.progress                           no no ok ok no no
rounds.report                             no no ok ok no no
rounds.export_report                      no no ok ok no no
rounds.rounds_view                        no no ok ok no no
pack.build_pack                           no no ok ok no no
pack.export_pack                          no no ok ok no no
pack.download_pack                        no no ok ok no no
imports.check_file                        no no no ok no no
imports.import_file                       no no no ok no no
imports.import_file_report                no no no ok no no
imports.import_cases                      no no no ok no no
annex_a.check_workbook                    no no no err no no
annex_a.import_annex_a                    no no no err no no
sign_in.check_may_set_password (own)      ok ok ok ok ok no
sign_in.check_may_set_password (quinn's)  no no ok ok no no
sign_in.set_password (own)                ok ok ok ok ok no
sign_in.sign_in                           ok ok ok ok ok no
sign_in.set_password (quinn's)            no no ok ok no no
sign_in.change_own_password               ok ok ok ok ok no
sign_in.unlock                            no no no ok no no
sign_in.set_disabled (disable)            no no no ok no no
sign_in.set_disabled (enable)             no no no ok no no
served.lockouts_to_see                    ok ok ok ok ok ok
served.acknowledge_lockouts               no no no ok no no
settings.listing                          no no no ok no no
settings.change                           no no no ok no no
uploads.may_upload                        no no no ok no no
uploads.record_upload                     no no no ok no no
setup.keep_default_catalogue              ok ok ok ok ok ok
holds.hold_case                           no no no ok no no
holds.release_case                        no no no ok no no
holds.holds                               no no no ok no no
redaction.redact (dry run)                no no no ok no no
redaction.redact                          no no no ok no no
"""


def expected() -> dict[tuple[str, str], str]:
    cells = {}
    for line in EXPECTED.strip().splitlines():
        *words, = line.split()
        answers = words[-len(PEOPLE):]
        name = " ".join(words[:-len(PEOPLE)])
        for person, answer in zip(PEOPLE, answers):
            cells[(name, person)] = answer
    return cells


CELLS = expected()


def test_every_entry_point_has_a_row_written_out():
    assert {name for name, _ in CELLS} == set(ENTRY_POINTS)


# Public functions of the policy-asking services modules that have no row, grouped by why. A
# new entry point in such a module fails the test below until it gets a row above or a place here.
NO_ROW = {
    # the asking itself, and helpers that read or write nothing of the store
    "access.*",  # the services' way of asking the policy, tested with it
    "actions.scopes_for", "allocation.month_of", "allocation.default_per_auditor", "allocation.shortfall_words",
    "audits.is_conflict", "audits.audit_changes", "concerns.as_json", "dashboard.month_bounds",
    "my_audits.stage_words", "my_audits.amended_words", "pack.parse_references",
    "pack.pack_name", "rounds.questions_from_text", "rounds.check_output", "settings.parse",
    "sign_in.hash_password", "sign_in.name_key", "sign_in.password_strength", "uploads.upload_name",
    "annex_a.rejects_download", "annex_a.workbooks_in", "annex_a.workbook_in", "check.read_case_file",
    "check.check_case", "moderation.applicable_standards", "moderation.audit_catalogue",
    "redaction.as_json", "redaction.lines",  # the shape of a redaction's answer, read nor written
    "concerns.sees_all",  # a flag over the user alone, behind every concerns row above
    # the served session machinery: over the gate store, before and around a signed-in person
    "served.where_words", "served.live", "served.live_by_hash", "served.why_ended", "served.touch",
    "served.sign_out", "served.sign_out_hash", "served.live_elsewhere", "served.end_sessions_of",
    "served.sweep", "served.open_session_count", "served.issue_app_token", "served.redeem_app_token",
    "sign_in.address_delay", "sign_in.check_password_rules", "sign_in.has_password", "sign_in.count_passwords",
}


def test_every_public_function_of_a_policy_asking_service_has_a_row_or_a_reason():
    import importlib
    import inspect
    import pkgutil
    import re

    import caseaudit.services as services

    rows = {name.split(" (")[0] for name in ENTRY_POINTS}
    missing = []
    for found in pkgutil.iter_modules(services.__path__):
        module = importlib.import_module(f"caseaudit.services.{found.name}")
        if not re.search(r"access\.|require\(|decide\(", inspect.getsource(module)):
            continue
        for name, function in vars(module).items():
            if not inspect.isfunction(function) or function.__module__ != module.__name__ or name.startswith("_"):
                continue
            qualified = f"{found.name}.{name}"
            if qualified not in rows and qualified not in NO_ROW and f"{found.name}.*" not in NO_ROW:
                missing.append(qualified)
    assert missing == []


def outcome(call) -> str:
    try:
        call()
    except Refused:
        return "no"
    except BadInput:
        return "err"
    return "ok"


def told(answer):
    """may_start_audit_of answers with its refusals (for the screen to show) rather than raising them."""
    refusals, _warning, _blocks = answer
    if refusals:
        raise Refused(*refusals)
    return answer


@pytest.mark.parametrize("name", list(ENTRY_POINTS))
def test_the_cell_of_each_person(name, world, tmp_path):
    path, facts, readers = world
    call, writes = ENTRY_POINTS[name]
    got = {}
    for person in PEOPLE:
        if not writes:
            store = readers[person]
            got[person] = outcome(lambda: call(store, store.user, facts, person))
            continue
        # each write on its own copy, so one person's change is not another's world
        where = tmp_path / person / "caseaudit.db"
        where.parent.mkdir()
        store = open_store(copy_database(path, where), person, clock=clock_on(TODAY))
        try:
            got[person] = outcome(lambda: call(store, store.user, facts, person))
        finally:
            store.close()
    assert got == {person: CELLS[(name, person)] for person in PEOPLE}
