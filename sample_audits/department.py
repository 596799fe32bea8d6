"""The sample department's people, cases and events: who works where, each case's type,
team, worker and manager, and a plausible history of events placed with the calendar
(most cases kept up, some slipping, a few poor). Drawn from the generator's one random
stream, in the order `generate` asks, so the files come out the same every run."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from audit_tools.calendar import ENGLAND_AND_WALES as CAL
from audit_tools.models import Case, CaseType, Event, EventKind, Role, User

# Events run a little past the last audit's as-at date.
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


def working_on_or_before(day: date, floor: date) -> date:
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
            day = working_on_or_before(due - timedelta(days=rng.randint(0, 3)), prev)
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
            start = working_on_or_before(start, date.min)
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

    def add(kind: EventKind, day: date, **fields: Any) -> None:
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

