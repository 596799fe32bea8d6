"""Writes the sample data: a made-up children's services department with two quarters of audits.

    python -m sample_audits.generate [--out FOLDER]

Everything comes from one fixed seed, so running it again writes the same bytes; the
tests regenerate into a temporary folder and compare. Names are invented; case
references are pseudonymous. Event dates are placed with audit_tools.calendar, so
working-day standards count around bank holidays, and scores come from the standards
engine, so every audit passes the same rules an import or the audit form applies.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from datetime import date, timedelta
from pathlib import Path

from audit_tools.audit import submission_problems
from audit_tools.calendar import ENGLAND_AND_WALES as CAL
from audit_tools.models import (
    Action, Audit, Case, CaseType, Event, EventKind, Grade, Role, Status, Themes, User, audit_id_for,
)
from audit_tools.standards import evaluate, load_catalogue
from audit_tools.vocabulary import DEFAULT_THEMES

SEED = 20250401
HERE = Path(__file__).resolve().parent
FILES = ("users.csv", "cases.csv", "events.csv", "audits.jsonl")

# Audits are dated across 2025-26 Q1 and Q2; events run a little past the last as-at date.
AUDIT_MONTHS = [(2025, m) for m in range(4, 10)]
EVENTS_UNTIL = date(2025, 9, 30)

FIRST = ["Amy", "Ben", "Cat", "Dev", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jo", "Kit", "Lou", "Max",
         "Nia", "Oli", "Pip", "Raj", "Sam", "Tess", "Uma", "Vic", "Wyn", "Xan", "Yas", "Zac",
         "Bea", "Cal", "Dot", "Fin", "Gem"]
LAST = ["Teal", "Kestrel", "Birch", "Moss", "Flint", "Heron", "Quill", "Rowan", "Slate", "Wren",
        "Alder", "Brook", "Cobble", "Dune", "Fern", "Gale", "Holt", "Inch", "Juniper", "Knoll",
        "Larch", "Marsh", "Nettle", "Oak", "Pebble", "Reed", "Sorrel", "Thorn", "Vale", "Yew"]

LOCALITY_TEAMS = ["north", "south", "east", "west"]
CARE_TEAM = "children-in-care"
LEAVING_TEAM = "leaving-care"
TEAMS = LOCALITY_TEAMS + [CARE_TEAM, LEAVING_TEAM]

TYPE_COUNTS = {CaseType.EH: 20, CaseType.CIN: 40, CaseType.CP: 40, CaseType.CLA: 30, CaseType.CL: 20}

REASONS_NOT_ALONE = ["asleep", "baby, too young to be seen alone", "child asked for a parent to stay",
                     "seen at school with a teacher present", "interpreter present"]

# Judgement standards and the themes they speak to.
THEME_OF = {
    "voice-of-child": "voice-of-child", "management-oversight": "management-oversight",
    "plan-quality": "plans", "absent-parent-views": "absent-fathers", "life-story-work": "identity-diversity",
    "cp-visits": "visits", "cin-visits": "visits", "cla-visits": "visits", "cl-contact": "visits",
    "cp-seen-alone": "voice-of-child", "supervision": "supervision", "chronology": "chronology",
    "cin-plan-review": "plans", "pathway-plan-review": "plans", "icpc-timeliness": "drift-and-delay",
    "cp-review-conference": "drift-and-delay", "cla-review": "drift-and-delay",
    "assessment-timeliness": "drift-and-delay", "return-interview": "multi-agency",
}
JUDGEMENT_NOTES = {
    "voice-of-child": "the child's wishes and feelings are not recorded at recent visits",
    "management-oversight": "supervision records list tasks but no analysis or direction",
    "plan-quality": "the plan has actions without owners or timescales",
    "absent-parent-views": "father's views were not sought",
    "life-story-work": "life-story work agreed at review but not started",
}
ACTION_TEXT = {
    "voice-of-child": "Record the child's views in their own words at the next visit",
    "management-oversight": "Team manager to record a reflective supervision with clear direction",
    "plan-quality": "Rewrite the plan with named owners and timescales",
    "absent-parent-views": "Contact the father and record his views",
    "life-story-work": "Start life-story work and agree who will lead it",
    "supervision": "Book monthly supervision for this case and record it",
    "chronology": "Bring the chronology up to date",
}
OVERRIDE_REASONS = [
    "visit recorded under the wrong case; case notes show the child was seen on time",
    "the system date is the recording date; the case note shows the real date",
    "timescale agreed with the conference chair and recorded on file",
]


# --- people ---------------------------------------------------------------------------------


def make_users(rng: random.Random) -> list[User]:
    names = list(zip(FIRST, LAST))
    rng.shuffle(names)
    users: list[User] = []

    def add(roles: list[Role], team: str) -> User:
        first, last = names[len(users)]
        user = User(username=f"{first.lower()}.{last[0].lower()}", display_name=f"{first} {last}",
                    roles=roles, team=team)
        users.append(user)
        return user

    for team in TEAMS:  # a team manager (auditor) and two social workers per team
        add([Role.auditor], team)
        add([], team)
        add([], team)
    for team in ("north", "south", CARE_TEAM, LEAVING_TEAM):  # service managers
        add([Role.auditor, Role.moderator], "service-management")
    add([Role.qa_lead, Role.auditor, Role.moderator], "quality-assurance")
    for team in ("quality-assurance", "quality-assurance", "quality-assurance", "quality-assurance",
                 "quality-assurance"):
        add([Role.auditor], team)  # advanced practitioners
    add([Role.admin], "business-support")
    add([Role.admin], "business-support")
    return users


# --- cases and events --------------------------------------------------------------------------


def _working_on_or_before(day: date, floor: date) -> date:
    """The latest working day on or before `day` that is after `floor` (else `day` itself)."""
    d = day
    while not CAL.is_working_day(d):
        d -= timedelta(days=1)
    return d if d > floor else day


def series(rng: random.Random, anchor: date, first: str, every: str, until: date, late_p: float,
           then: str | None = None, fortnights: bool = False) -> list[date]:
    """Dates of a repeating expectation: on time (a little early) or, with late_p, late.

    `fortnights` places each one 14 calendar days after the last, as a worker counting
    weeks would: late whenever a bank holiday falls inside the 10 working days.
    """
    out: list[date] = []
    prev = anchor
    due = CAL.add(anchor, first)
    steps = [then] if then else []
    while due <= until:
        if fortnights and out:
            day = prev + timedelta(days=14)
            while not CAL.is_working_day(day):
                day += timedelta(days=1)
        elif rng.random() < late_p:
            day = CAL.add_working_days(due, rng.randint(1, 6))
        else:
            day = _working_on_or_before(due - timedelta(days=rng.randint(0, 3)), prev)
        if day > until:
            break
        out.append(day)
        prev = day
        due = CAL.add(day, steps.pop(0) if steps else every)
    return out


def make_cases(rng: random.Random, users: list[User]) -> list[Case]:
    workers = {t: [u.username for u in users if u.team == t and not u.roles] for t in TEAMS}
    managers = {t: next(u.username for u in users if u.team == t and u.roles) for t in TEAMS}
    cases: list[Case] = []
    number = 10001
    for case_type, count in TYPE_COUNTS.items():
        for _ in range(count):
            if case_type is CaseType.CLA:
                team = CARE_TEAM
                start = date(2023, 6, 1) + timedelta(days=rng.randint(0, 640))
            elif case_type is CaseType.CL:
                team = LEAVING_TEAM
                start = date(2023, 1, 1) + timedelta(days=rng.randint(0, 800))
            else:
                team = rng.choice(LOCALITY_TEAMS)
                start = date(2024, 9, 1) + timedelta(days=rng.randint(0, 230))
            start = _working_on_or_before(start, date.min)
            cases.append(Case(case_ref=f"C-{number}", case_type=case_type, start_date=start, team=team,
                              worker=rng.choice(workers[team]), line_manager=managers[team]))
            number += 1
    return cases


def make_events(rng: random.Random, case: Case) -> list[Event]:
    """A plausible history: most cases kept up, some slipping, a few poor."""
    roll = rng.random()
    late_p = 0.03 if roll < 0.6 else 0.2 if roll < 0.85 else 0.5
    fortnights = case.case_type is CaseType.CP and rng.random() < 0.3
    until = EVENTS_UNTIL
    start = case.start_date
    events: list[Event] = []

    def add(kind: EventKind, day: date, **fields) -> None:
        events.append(Event(kind=kind, date=day, **fields))

    def visits(days: list[date]) -> None:
        for day in days:
            if case.case_type in (CaseType.CP, CaseType.CIN, CaseType.CLA):
                if rng.random() < 0.85:
                    add(EventKind.visit, day, seen_alone=True)
                elif late_p > 0.4 and rng.random() < 0.5:
                    add(EventKind.visit, day, seen_alone=False)  # no reason recorded
                else:
                    add(EventKind.visit, day, seen_alone=False, reason_not_alone=rng.choice(REASONS_NOT_ALONE))
            else:
                add(EventKind.visit, day)

    t = case.case_type
    if t is CaseType.EH:
        visits(series(rng, start, "6w", "6w", until, late_p))
    if t is CaseType.CP:
        strategy = CAL.subtract(start, f"{rng.randint(8, 14)}wd")
        referral = strategy - timedelta(days=rng.randint(1, 5))
        add(EventKind.referral, referral)
        add(EventKind.strategy_discussion, strategy)
        icpc = start if rng.random() > late_p else CAL.add_working_days(strategy, rng.randint(16, 22))
        add(EventKind.icpc, icpc)
        add(EventKind.assessment_completed, CAL.add_working_days(referral, rng.randint(20, 44 if late_p < 0.4 else 55)))
        visits(series(rng, start, "10wd", "10wd", until, late_p, fortnights=fortnights))
        for day in series(rng, icpc, "3m", "6m", until, late_p):
            add(EventKind.review_conference, day)
    if t is CaseType.CIN:
        referral = start - timedelta(days=rng.randint(3, 20))
        add(EventKind.referral, referral)
        add(EventKind.assessment_completed, CAL.add_working_days(referral, rng.randint(15, 44 if late_p < 0.4 else 60)))
        visits(series(rng, start, "28d", "28d", until, late_p))
        for day in series(rng, start, "6m", "6m", until, late_p):
            add(EventKind.plan_review, day)
    if t is CaseType.CLA:
        visits(series(rng, start, "7d", "6w", until, late_p))
        for day in series(rng, start, "20wd", "6m", until, late_p, then="3m"):
            add(EventKind.cla_review, day)
    if t is CaseType.CL:
        visits(series(rng, start, "3m", "3m", until, late_p))
        for day in series(rng, start, "6m", "6m", until, late_p):
            add(EventKind.plan_review, day)
    if t is not CaseType.EH:
        for day in series(rng, start, "28d", "28d", until, late_p):
            add(EventKind.supervision, day)
        gap = "2m" if late_p < 0.1 else "4m"
        for day in series(rng, start, "1m", gap, until, late_p):
            add(EventKind.chronology, day)
    if t in (CaseType.CLA, CaseType.CP) and rng.random() < 0.25:
        back = date(2025, 3, 1) + timedelta(days=rng.randint(0, 150))
        if back > start:
            add(EventKind.missing_return, back)
            add(EventKind.return_interview, back + timedelta(days=rng.randint(1, 3 if late_p < 0.4 else 6)))
    return one_a_day(case.case_ref, events)


def one_a_day(case_ref: str, events: list[Event]) -> list[Event]:
    """The events in date order, one of a kind a day, as the database keeps them.

    Two series may land on the same day: the same event twice is one event, but two
    different ones (a visit seen alone and one not) are an error here rather than one
    of them quietly dropped, which would change what the seen-alone standard finds.
    """
    unique: dict[tuple[EventKind, date], Event] = {}
    for event in events:
        kept = unique.setdefault((event.kind, event.date), event)
        if kept != event:
            raise ValueError(f"{case_ref}: two different {event.kind.value} events on {event.date}: "
                             f"{kept.model_dump(mode='json')} and {event.model_dump(mode='json')}")
    return sorted(unique.values(), key=lambda e: (e.date, e.kind.value))


# --- audits -----------------------------------------------------------------------------------


def _grade(scores: dict[str, Status], rng: random.Random) -> Grade:
    not_met = sum(1 for s in scores.values() if s is Status.not_met)
    partly = sum(1 for s in scores.values() if s is Status.partly_met)
    if not_met >= 3:
        return Grade.inadequate
    if not_met or partly >= 3:
        return Grade.requires_improvement
    if partly == 0 and rng.random() < 0.35:
        return Grade.outstanding
    return Grade.good


def make_audit(rng: random.Random, audit_id: str, case: Case, auditor: str, as_of: date,
               submitted_on: date, catalogue) -> Audit:
    report = evaluate(case, as_of, catalogue)
    automatic = {r.standard: r.status for r in report.results}
    evidence = {r.standard: r.evidence for r in report.results}
    quality = rng.random()
    scores: dict[str, Status] = {}
    notes: dict[str, str] = {}
    reasons: dict[str, str] = {}
    for standard, status in automatic.items():
        if status is None:
            status = (Status.met if quality > 0.45 or rng.random() < 0.5
                      else rng.choice([Status.partly_met, Status.not_met]))
            if standard == "absent-parent-views" and rng.random() < 0.2:
                status = Status.not_applicable
        elif status is Status.not_met and rng.random() < 0.12:
            reasons[standard] = rng.choice(OVERRIDE_REASONS)
            status = Status.partly_met
        elif status is Status.met and rng.random() < 0.05:
            reasons[standard] = "on time by the dates, but the records are thin: little of the child's day-to-day life"
            status = Status.partly_met
        scores[standard] = status
        if status in (Status.partly_met, Status.not_met):
            notes[standard] = JUDGEMENT_NOTES.get(standard) or evidence[standard]
    grade = _grade(scores, rng)
    owner_pool = [u for u in (case.worker, case.line_manager) if u]
    actions: list[Action] = []

    def action(standard: str | None, text: str) -> None:
        due = as_of + timedelta(days=rng.choice([14, 21, 28, 42, 56]))
        done = None
        fate = rng.random()
        if fate < 0.5:
            done = as_of + timedelta(days=rng.randint(3, (due - as_of).days))  # on time
        elif fate < 0.7:
            done = due + timedelta(days=rng.randint(1, 20))  # late
        actions.append(Action(description=text, owner=rng.choice(owner_pool), due=due,
                              completed_on=done, standard=standard))

    for standard, status in scores.items():
        if status is Status.not_met or (status is Status.partly_met and rng.random() < 0.3):
            standard_obj = catalogue.get(standard)
            action(standard, ACTION_TEXT.get(standard) or f"Put right: {standard_obj.title.lower()}")
    if grade.rank < Grade.good.rank and not actions:
        action(None, "Review the plan with the family and agree next steps")

    strengths = sorted({THEME_OF[s] for s, v in scores.items() if v is Status.met and s in THEME_OF})
    improvements = sorted({THEME_OF[s] for s, v in scores.items()
                           if v in (Status.partly_met, Status.not_met) and s in THEME_OF})
    strengths = rng.sample(strengths, min(len(strengths), rng.randint(1, 2)))
    if rng.random() < 0.3:
        improvements.append(rng.choice(["risk-analysis", "recording-timeliness", "multi-agency"]))
    improvements = sorted(set(improvements) - set(strengths))
    return Audit(
        audit_id=audit_id, case_ref=case.case_ref, auditor=auditor, as_of=as_of,
        submitted_on=submitted_on, grade=grade, scores=scores, notes=notes,
        themes=Themes(strengths=sorted(strengths), improvements=improvements),
        actions=actions, automatic=automatic, override_reasons=reasons,
        catalogue_version=catalogue.version,
    )


def moderate(rng: random.Random, audit: Audit, case: Case, moderators: list[str]) -> dict:
    eligible = [m for m in moderators if m not in (audit.auditor, case.worker, case.line_manager)]
    moderator = rng.choice(eligible)
    roll = rng.random()
    grade = audit.grade
    block = {"moderator": moderator,
             "moderated_on": (audit.submitted_on + timedelta(days=rng.randint(7, 25))).isoformat()}
    scores = {k: v.value for k, v in audit.scores.items()}
    if roll < 0.6:
        block.update(grade=grade.value, outcome="agreed", final_grade=None,
                     reason=None, feedback="A thorough audit; the action plan is clear.")
    elif roll < 0.9:
        down = {"outstanding": "good", "good": "requires_improvement",
                "requires_improvement": "inadequate", "inadequate": "requires_improvement"}[grade.value]
        for standard in ("voice-of-child", "plan-quality", "management-oversight"):
            if scores.get(standard) == "met":
                scores[standard] = "partly_met"
                break
        block.update(grade=down, outcome="grade_changed", final_grade=down,
                     reason="the evidence on file does not support the original grade",
                     feedback="Look harder at what the records show about the child's experience.")
    else:
        block.update(grade=grade.value, outcome="escalated", final_grade=None,
                     reason="practice concerns passed to the service manager",
                     feedback="Escalated for a practice discussion.")
    block["scores"] = scores
    if rng.random() < 0.7:
        block["acknowledged_on"] = (date.fromisoformat(block["moderated_on"])
                                    + timedelta(days=rng.randint(1, 10))).isoformat()
    return block


def audit_line(audit: Audit, moderation: dict | None) -> dict:
    line = {
        "audit_id": audit.audit_id, "case_ref": audit.case_ref, "auditor": audit.auditor,
        "as_of": audit.as_of.isoformat(), "submitted_on": audit.submitted_on.isoformat(),
        "grade": audit.grade.value,
        "scores": {k: v.value for k, v in audit.scores.items()},
        "notes": audit.notes,
        "themes": {"strengths": audit.themes.strengths, "improvements": audit.themes.improvements},
        "actions": [a.model_dump(mode="json") for a in audit.actions],
    }
    if audit.override_reasons:
        line["override_reasons"] = audit.override_reasons
    if moderation:
        line["moderation"] = moderation
    return line


def make_audits(rng: random.Random, users: list[User], cases: list[Case]) -> list[dict]:
    catalogue = load_catalogue()
    auditors = [u.username for u in users if Role.auditor in u.roles]
    moderators = [u.username for u in users if Role.moderator in u.roles]
    known = {u.username for u in users}
    audited: dict[str, int] = {c.case_ref: 0 for c in cases}
    lines: list[dict] = []
    number = 1
    for year, month in AUDIT_MONTHS:
        for auditor in auditors:
            for _ in range(rng.choice([2, 2, 3])):
                as_of = _working_on_or_before(date(year, month, rng.randint(2, 24)), date.min)
                eligible = [c for c in cases if auditor not in (c.worker, c.line_manager)
                            and c.start_date + timedelta(days=30) < as_of]
                fewest = min(audited[c.case_ref] for c in eligible)
                case = rng.choice([c for c in eligible if audited[c.case_ref] == fewest])
                audited[case.case_ref] += 1
                submitted_on = as_of + timedelta(days=rng.randint(0, 3))
                audit = make_audit(rng, audit_id_for(number), case, auditor, as_of, submitted_on, catalogue)
                problems = submission_problems(audit, case, catalogue, known, DEFAULT_THEMES)
                if problems:  # the generator must only write audits the importer accepts
                    raise AssertionError(f"{audit.audit_id}: {problems}")
                moderation = moderate(rng, audit, case, moderators) if rng.random() < 0.3 else None
                lines.append(audit_line(audit, moderation))
                number += 1
    return lines


# --- writing -------------------------------------------------------------------------------


def _write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def generate(out: Path = HERE, seed: int = SEED) -> list[Path]:
    rng = random.Random(seed)
    users = make_users(rng)
    cases = make_cases(rng, users)
    for case in cases:
        case.events.extend(make_events(rng, case))
    audits = make_audits(rng, users, cases)

    out.mkdir(parents=True, exist_ok=True)
    _write_csv(out / "users.csv", ["username", "display_name", "roles", "team"],
               [[u.username, u.display_name, ";".join(r.value for r in u.roles), u.team] for u in users])
    _write_csv(out / "cases.csv",
               ["case_ref", "case_type", "start_date", "team", "worker", "line_manager", "closed_date"],
               [[c.case_ref, c.case_type.value, c.start_date.isoformat(), c.team, c.worker,
                 c.line_manager, _text(c.closed_date)] for c in cases])
    _write_csv(out / "events.csv",
               ["case_ref", "kind", "date", "child_seen", "seen_alone", "reason_not_alone", "note"],
               [[c.case_ref, e.kind.value, e.date.isoformat(),
                 _text(e.child_seen) if e.kind is EventKind.visit else "",
                 _text(e.seen_alone), _text(e.reason_not_alone), _text(e.note)]
                for c in cases for e in c.events])
    with (out / "audits.jsonl").open("w", encoding="utf-8", newline="\n") as fh:
        for line in audits:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    return [out / name for name in FILES]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sample_audits.generate",
                                     description="Rewrite the caseaudit sample data files.")
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write to (default: sample_audits/)")
    args = parser.parse_args(argv)
    for path in generate(args.out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
