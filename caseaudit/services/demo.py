"""The demo database: the sample department of sample_audits/ and the rest of the
quality-assurance cycle, built through the same store functions and use cases the
screens call, dated on the demo's today."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from audit_tools.errors import BadInput
from audit_tools.models import Action, Audit, Case, Grade, Moderation, Role, RoundAnswer, Status, Themes, User
from audit_tools.permissions import moderator_independence
from audit_tools.rounds import Round, parse_questions
from audit_tools.standards import Catalogue, evaluate
from audit_tools.standards.catalogue import default_catalogue_text
from caseaudit.services import audits as audit_service
from caseaudit.services import locations
from caseaudit.services import moderation as ms
from caseaudit.services.allocation import allocate_month
from caseaudit.services.concerns import raise_concern
from caseaudit.services.rounds import create_round
from db import open_store
from db.clock import fixed_clock
from db.sharing import private_folder
from db.store import Store

DEMO_USER = User(
    username="demo",
    display_name="Demo Manager",
    roles=[Role.auditor, Role.moderator, Role.qa_lead, Role.admin],
    # A team of its own: the demo user is never a case's worker or line manager.
    team="quality-assurance",
)
# The sample department's records run to 30 September 2025; the demo is seen from that day.
DEMO_TODAY = date(2025, 9, 30)
# The quarter the demo's moderation sample is drawn from, with a seed anyone can re-run.
DEMO_QUARTER = "2025-26-Q2"
DEMO_SEED = "caseaudit-demo-2025-26-Q2"
# The demo month's allocation of audits (alloc-v1), with a seed anyone can re-run.
DEMO_MONTH = "2025-09"
DEMO_ALLOCATION_SEED = "caseaudit-demo-2025-09"
# Every sample case was audited in the last year, so the demo opens a few cases over the
# summer (four a team, not audited yet): the ones the month's allocation can give out.
NEW_CASES_PER_TEAM = 4
# The demo user's own submitted audit, moderated and reconciled, with feedback to read.
DEMO_SUBMITTED_ON = date(2025, 8, 14)
# The open safeguarding concern the demo user raised from their draft, waiting at the top of
# the dashboard (and in the header) for the case's line manager or a QA lead to act on.
DEMO_CONCERN = (
    "The last three visits record the child as not seen, and the newest note mentions a new adult "
    "living in the household who is not on the plan.",
    "The line manager to arrange a visit today, the child seen alone; consider a strategy discussion.",
)
DEMO_FEEDBACK = ("Agreed: a careful audit. The chronology notes could say which events are "
                 "missing, not only that some are; that makes the action easier to follow up.")
# A thematic round in progress (product.md "Thematic audits"): neglect, six children in need or
# on a plan, the demo user and one other auditor, the other's first two audits in.
DEMO_ROUND_SEED = "caseaudit-demo-neglect"
DEMO_ROUND_SIZE = 6
DEMO_ROUND_QUESTIONS = """\
name = "Neglect"

[[question]]
id = "neglect-named"
title = "Is neglect recognised and named in the assessment and the plan?"
help = "Read the latest assessment and plan: is neglect called neglect, with its impact on the child?"

[[question]]
id = "graded-care-profile"
title = "Was a graded care profile (or the council's neglect tool) used?"
help = "Look for the tool's scores on file and whether the plan uses them."
answers = ["yes", "no", "not_applicable"]
comment_required = ["no"]

[[question]]
id = "cumulative-harm"
title = "Does the chronology show the cumulative harm of neglect over time?"
help = "A chronology that lists events without what they add up to is a 'partly'."

[[question]]
id = "child-lived-experience"
title = "Is the child's lived experience of neglect described in their own words or behaviour?"
"""
# What the other auditor answered in their two round audits, question by question.
DEMO_ROUND_ANSWERS = (
    {"neglect-named": ("yes", ""), "graded-care-profile": ("yes", ""),
     "cumulative-harm": ("partly", "the chronology lists missed appointments but not their effect"),
     "child-lived-experience": ("yes", "")},
    {"neglect-named": ("partly", "named in the plan, not in the assessment"),
     "graded-care-profile": ("no", "no tool used although neglect is the main concern"),
     "cumulative-harm": ("no", "no chronology since the case was stepped up"),
     "child-lived-experience": ("partly", "school's view recorded, not the child's")},
)


def demo_db_path() -> Path:
    return locations.demo_db_path()




def demo_people(path: Path) -> dict[str, list[str]]:
    """Sample users to see the demo as, by what they may do: an auditor with no other role, a
    moderator who is no QA lead, and the QA leads (who resolve an escalation the demo user made)."""
    store = open_store(path, actor=DEMO_USER.username)
    try:
        users = [u for u in store.people.list() if u.username != DEMO_USER.username]
    finally:
        store.close()
    return {
        "an auditor only": [u.username for u in users if set(u.roles) == {Role.auditor}],
        "a moderator": [u.username for u in users if Role.moderator in u.roles and Role.qa_lead not in u.roles],
        "a QA lead": [u.username for u in users if Role.qa_lead in u.roles],
    }


def demo_as(path: Path, username: str | None) -> str:
    """Who `caseaudit demo --as USERNAME` opens the demo as: a user of the demo database, else
    BadInput naming some of each kind to choose from."""
    if not username or username == DEMO_USER.username:
        return DEMO_USER.username
    store = open_store(path, actor=DEMO_USER.username)
    try:
        known = store.people.get(username) is not None
    finally:
        store.close()
    if known:
        return username
    choices = "; ".join(f"{what}: {', '.join(names[:3])}" for what, names in demo_people(path).items() if names)
    raise BadInput(f"--as {username}: no such user in the demo; choose one, e.g. {choices}")


def mark_if_unmarked(path: Path, username: str, today: date) -> None:
    """Mark a demo database built before demo databases were marked (see `acting`)."""
    store = open_store(path, actor=username, clock=fixed_clock(today))
    try:
        if store.reference.demo() is None and store.user is not None:
            store.reference.mark_demo(username, today)
    finally:
        store.close()


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.remove(f"{path}{suffix}")
        except FileNotFoundError:
            pass


def build_demo(path: Path, load_sample: Callable[[Store], object], today: date = DEMO_TODAY) -> Path:
    """Build the demo database at `path` with `load_sample` (sample_audits/), all or nothing.

    It is built in a temporary file beside `path` and renamed into place at the end,
    so an interrupted build never leaves half a demo behind.
    """
    private_folder(path.parent)  # the user's data folder: the owner's only (0700)
    building = path.with_name(f".{path.name}.building-{os.getpid()}")
    _remove(building)
    try:
        # Everything the build records is dated on the demo's "today", as the app will be.
        store = open_store(building, actor=DEMO_USER.username, clock=fixed_clock(today))
        store.people.ensure_admin(DEMO_USER.display_name)
        store.reference.store_catalogue(default_catalogue_text(), where="default catalogue")
        load_sample(store)
        store.people.upsert([DEMO_USER])
        demo_cycle(store, today)
        store.reference.mark_demo(DEMO_USER.username, today)
        # Fold the write-ahead log into the file so the rename carries everything.
        store.checkpoint()
        store.close()
        _remove(Path(f"{path}-wal"))
        _remove(Path(f"{path}-shm"))
        os.replace(building, path)
    finally:
        _remove(building)
    return path


def _scored(case: Case, as_of: date, catalogue: Catalogue, auditor: str, audit_id: str,
            complete: bool) -> Audit:
    """An audit of `case` as an auditor fills it in: the engine's automatic statuses accepted,
    judgement standards met, an evidence note and an action where a standard falls short."""
    report = evaluate(case, as_of, catalogue)
    results = report.results if complete else report.results[: len(report.results) // 2]
    scores = {r.standard: r.status or Status.met for r in results}
    short = [r for r in results if r.status in (Status.partly_met, Status.not_met)]
    notes = {r.standard: r.evidence or "see the case record" for r in short}
    titles = {s.id: s.title for s in catalogue.standards}
    actions = [Action(description=f"Put right: {titles[r.standard]}", owner=case.worker,
                      due=as_of + timedelta(days=28), standard=r.standard)
               for r in short if r.status == Status.not_met]
    grade = None
    if complete:
        grade = Grade.requires_improvement if short else Grade.good
        if grade.rank < Grade.good.rank and not actions:
            actions = [Action(description=f"Review {case.case_ref} in supervision", owner=case.line_manager,
                              due=as_of + timedelta(days=28), standard=short[0].standard)]
    if complete:
        # The auditor follows the plan up too; by the demo's today this one is overdue.
        actions.append(Action(description=f"Check the action plan for {case.case_ref} is on track",
                              owner=auditor, due=as_of + timedelta(days=28)))
    themes = Themes(strengths=["voice-of-child"] if complete else [],
                    improvements=["chronology"] if complete and short else [])
    return Audit(audit_id=audit_id, case_ref=case.case_ref, auditor=auditor, as_of=as_of, grade=grade,
                 scores=scores, notes=notes, automatic={r.standard: r.status for r in report.results},
                 themes=themes, actions=actions, catalogue_version=catalogue.version)


def demo_cycle(store: Store, today: date = DEMO_TODAY) -> None:
    """The rest of the quality-assurance cycle, through the functions the screens use:
    the demo user's own audit submitted in the quarter, re-audited blind and reconciled
    by a moderator with feedback still to acknowledge; a draft in progress; and the
    quarter's moderation sample drawn (fixed seed) and assigned, the demo user among the
    moderators; and one open safeguarding concern raised from the draft. The demo user is
    never a case's worker or line manager."""
    catalogue = store.reference.catalogue_for()
    me = DEMO_USER.username
    cases = [c for c in (store.cases.get(row.case_ref) for row in store.cases.page(limit=500)) if c is not None]
    open_cases = [c for c in cases if c.closed_date is None and me not in (c.worker, c.line_manager)]
    moderators = [m for m in ms.moderators(store) if m != me]

    # The demo user's audit of the quarter: a case with a moderator independent of it.
    for case in open_cases:
        audit = _scored(case, DEMO_SUBMITTED_ON, catalogue, me, store.audits.next_id(), complete=True)
        fits = [m for m in moderators if not moderator_independence(audit, case, m)]
        if fits and audit.grade is not None:
            break
    # Submitted in August: the store dates a submission by its clock, so on a clock of that day.
    in_august = store.clone(clock=fixed_clock(DEMO_SUBMITTED_ON))
    audit = in_august.audits.submit(audit)
    in_august.close()
    moderator = fits[0]
    store.moderation.assign(audit.audit_id, moderator)
    as_moderator = store.clone(actor=moderator)
    ms.submit_blind(as_moderator, audit.audit_id, Moderation(
        moderator=moderator, grade=audit.grade, scores=dict(audit.scores), notes=dict(audit.notes)),
        running_catalogue=catalogue)
    ms.reconcile(as_moderator, audit.audit_id, "agreed", None, None, DEMO_FEEDBACK)
    as_moderator.close()

    # A draft in progress on another case, as at today.
    draft_case = next(c for c in open_cases if c.case_ref != case.case_ref)
    draft = _scored(draft_case, today, catalogue, me, store.audits.next_id(), complete=False)
    store.audits.save_draft(draft, None)

    # Reading that case, the demo user found a child who may be at risk now: a concern, raised
    # from the draft on its own, still open.
    raise_concern(store, DEMO_USER, draft_case.case_ref, draft.audit_id, *DEMO_CONCERN)

    # The quarter's moderation sample and its moderators, as the sampling screen does it.
    ms.draw_sample(store, DEMO_QUARTER, seed=DEMO_SEED)
    ms.assign_sample(store, DEMO_QUARTER)

    # The month's allocation, as the allocation screen does it, over the summer's new cases.
    store.cases.upsert(summer_cases(store, cases))
    allocate_month(store, DEMO_MONTH, seed=DEMO_ALLOCATION_SEED)

    demo_round(store, today)


def demo_round(store: Store, today: date = DEMO_TODAY) -> Round:
    """A neglect round of six children in need or on a plan, for the demo user and one other
    auditor, made as `caseaudit round create` makes it; the other auditor's first two
    audits submitted through the audit form's use cases, the demo user's still to do."""
    me = DEMO_USER.username
    other = sorted(u.username for u in store.people.list(role=Role.auditor) if u.username != me)[0]
    made = create_round(store, name="Neglect, autumn 2025", questions=parse_questions(DEMO_ROUND_QUESTIONS, "demo"),
                        day=today, size=DEMO_ROUND_SIZE, auditors=[me, other], case_types="CIN,CP", grade=True,
                        seed=DEMO_ROUND_SEED)
    theirs = [s.case_ref for s in made.selected if s.auditor == other]
    as_other = store.clone(actor=other)
    user = as_other.user
    assert user is not None  # a stored auditor, chosen above
    for case_ref, answers in zip(theirs, DEMO_ROUND_ANSWERS):
        context = audit_service.audit_context(as_other, user, store.reference.catalogue_for(), today,
                                              case_ref=case_ref, round_id=made.round_id)
        short = any(a in ("partly", "no") for a, _ in answers.values())
        audit = context.audit.model_copy(update={
            "grade": Grade.requires_improvement if short else Grade.good,
            "answers": {q: RoundAnswer(answer=a, comment=c) for q, (a, c) in answers.items()}})
        if short:
            audit = audit.model_copy(update={"actions": [Action(
                description="Use the neglect tool with the family and bring its scores to the next review",
                owner=context.case.worker, due=today + timedelta(days=28))]})
        audit_service.submit_audit(as_other, audit, None)
    as_other.close()
    return made


def summer_cases(store: Store, cases: list[Case]) -> list[Case]:
    """Cases opened in July and August 2025, NEW_CASES_PER_TEAM a team, each with a worker
    and the line manager of that team's existing cases."""
    by_team: dict[str, list[Case]] = {}
    for case in cases:
        if case.team:
            by_team.setdefault(case.team, []).append(case)
    number = max(int(c.case_ref.split("-")[1]) for c in cases)
    new: list[Case] = []
    for t, team in enumerate(sorted(by_team)):
        sample = by_team[team]
        workers = sorted({c.worker for c in sample if c.worker})
        for i in range(NEW_CASES_PER_TEAM):
            like = sample[i % len(sample)]
            number += 1
            new.append(Case(case_ref=f"C-{number}", case_type=like.case_type,
                            start_date=date(2025, 7, 1) + timedelta(days=7 * i + t),
                            team=team, worker=workers[i % len(workers)], line_manager=like.line_manager))
    return new
