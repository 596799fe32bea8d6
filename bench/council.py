"""A council's year of case-file audits, as the files `caseaudit import` reads.

`python -m bench.council OUT [--audits N] [--cases N] [--seed S]` writes, into the folder OUT:

- users.csv   ~200 staff of 20 teams: team managers, social workers, service managers,
              a QA team, independent reviewing officers, a QA lead and an admin;
- cases.csv   EH/CIN/CP/CLA/CL cases with start dates, team, worker, line manager, some closed;
- events.csv  visits (seen alone or not, with or without a reason), supervision,
              chronology updates, plan reviews, strategy discussions, ICPCs, review
              conferences, looked-after reviews, missing episodes and return interviews,
              from six months before the financial year to the generator's "today";
- audits.jsonl one completed audit a line (cli.md "Audit line") over financial year 2024-25,
              submitted on working days across the four quarters, about a third moderated.

Everything is drawn from `random.Random` seeded from `--seed`, one generator per file, so
the same arguments always give the same bytes, and a smaller `--audits` keeps the same
people and cases. Files are written as they are generated: no more than one audit is
held in memory at a time.

The audits obey the submission rules (product.md "Auditing"): the auditor is neither the
case's worker nor its line manager; every standard that applies to the case type is
scored; partly met and not met carry a note; every not met has an action linked to it; a
grade below good has an action; every action has a description, an owner who is a user
and a due date after the as-at date; a moderator is independent of the auditor, worker
and line manager. They are historic audits: the scores were given outside caseaudit, so
many differ from what the engine would say now, and none carries `override_reasons`
(product.md "Historic audits"). `with_override_reasons` rewrites such a file with a
reason for every score, for an import that still asks for them.

Only the standard library is used: the standards that apply to each case type are the
catalogue table of product.md (ids are stable), or the `applies_to` of a catalogue TOML
given with `--standards`.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

SEED = 20240401
TODAY = date(2025, 5, 30)  # the generator's "today": two months after the year's end
YEAR_START = date(2024, 4, 1)  # financial year 2024-25
YEAR_END = date(2025, 3, 31)
EVENTS_FROM = date(2023, 9, 1)  # recurring events start here: six months before the year's first as-at date
TEAM_COUNT = 20
WORKERS_PER_TEAM = 7

TYPES = ["EH", "CIN", "CP", "CLA", "CL"]
TYPE_WEIGHTS = [20, 30, 15, 25, 10]

# product.md "Practice standards", default catalogue: id -> case types it applies to.
ALL = ("EH", "CIN", "CP", "CLA", "CL")
STANDARDS: dict[str, tuple[str, ...]] = {
    "cp-visits": ("CP",),
    "cp-seen-alone": ("CP",),
    "cin-visits": ("CIN",),
    "cla-visits": ("CLA",),
    "cl-contact": ("CL",),
    "supervision": ("CIN", "CP", "CLA", "CL"),
    "chronology": ("CIN", "CP", "CLA", "CL"),
    "cin-plan-review": ("CIN",),
    "pathway-plan-review": ("CL",),
    "icpc-timeliness": ("CP",),
    "cp-review-conference": ("CP",),
    "cla-review": ("CLA",),
    "assessment-timeliness": ("CIN", "CP"),
    "return-interview": ALL,
    "voice-of-child": ALL,
    "management-oversight": ALL,
    "plan-quality": ("CIN", "CP", "CLA", "CL"),
    "absent-parent-views": ("CIN", "CP"),
    "life-story-work": ("CLA",),
}
JUDGEMENT = {"voice-of-child", "management-oversight", "plan-quality", "absent-parent-views",
             "life-story-work"}
THEMES = ["voice-of-child", "chronology", "supervision", "visits", "drift-and-delay",
          "management-oversight", "absent-fathers", "risk-analysis", "plans",
          "recording-timeliness", "multi-agency", "identity-diversity"]
GRADES = ["inadequate", "requires_improvement", "good", "outstanding"]  # rank order
TEAM_AREAS = ["front-door", "assessment", "family-support", "child-protection", "children-in-care",
              "leaving-care", "disabled-children", "early-help"]
REASONS_NOT_ALONE = ["child asleep", "child did not want to be seen alone", "baby, too young",
                     "parent refused", "seen at school with teacher present"]
NOTE_WORDS = {
    "partly_met": ["mostly on time but one gap", "recorded late", "in place but not up to date",
                   "some evidence, not consistent", "done, but not within timescale"],
    "not_met": ["no evidence on file", "long gap with no explanation", "missing since the case started",
                "not done and no management direction", "overdue and not escalated"],
}
ACTION_WORDS = {
    "cp-visits": "Visit the child within the next 10 working days and every 10 after",
    "cp-seen-alone": "See the child alone at the next visit or record why not",
    "cin-visits": "Visit the child at least every 4 weeks",
    "cla-visits": "Put statutory visits back on a 6-weekly cycle",
    "cl-contact": "Contact the young person and agree a contact plan",
    "supervision": "Hold and record case supervision",
    "chronology": "Bring the chronology up to date",
    "cin-plan-review": "Review the child in need plan",
    "pathway-plan-review": "Review the pathway plan with the young person",
    "icpc-timeliness": "Explain the ICPC delay to the service manager",
    "cp-review-conference": "Book the review conference",
    "cla-review": "Book the looked-after review with the IRO",
    "assessment-timeliness": "Complete the assessment and record why it was late",
    "return-interview": "Offer a return interview after each missing episode",
    "voice-of-child": "Record the child's wishes and feelings in their own words",
    "management-oversight": "Record management direction on the case",
    "plan-quality": "Rewrite the plan with measurable outcomes and timescales",
    "absent-parent-views": "Seek the views of the absent parent",
    "life-story-work": "Start life story work with the child",
}


def applicable_standards(path: Path | None = None) -> dict[str, list[str]]:
    """Case type -> standard ids that apply, in catalogue order."""
    table = STANDARDS
    if path is not None:
        import tomllib

        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
        table = {}
        for s in doc.get("standard", []):
            applies = s.get("applies_to", "all")
            table[s["id"]] = ALL if applies == "all" else tuple(applies)
    return {t: [s for s, types in table.items() if t in types] for t in TYPES}


# --- people -------------------------------------------------------------------------------


@dataclass
class Person:
    username: str
    display_name: str
    roles: list[str]
    team: str | None = None
    manages: str | None = None


@dataclass
class Council:
    teams: list[str]
    people: list[Person]
    managers: dict[str, str]  # team -> team manager
    workers: dict[str, list[str]]  # team -> social workers
    auditors: list[str]
    moderators: list[str]
    qa_lead: str


def make_council(seed: int = SEED) -> Council:
    rng = random.Random(f"{seed}:people")
    teams = []
    for n in range(TEAM_COUNT):
        teams.append(f"{TEAM_AREAS[n % len(TEAM_AREAS)]}-{n // len(TEAM_AREAS) + 1}")
    people: list[Person] = []
    managers: dict[str, str] = {}
    workers: dict[str, list[str]] = {}
    for n, team in enumerate(teams, start=1):
        tm = f"tm{n:02d}"
        managers[team] = tm
        # half the team managers also moderate their peers' audits
        roles = ["auditor", "moderator"] if n % 2 == 0 else ["auditor"]
        people.append(Person(tm, f"Team Manager {n:02d}", roles, team, manages=team))
        workers[team] = []
        for k in range(WORKERS_PER_TEAM):
            sw = f"sw{(n - 1) * WORKERS_PER_TEAM + k + 1:03d}"
            workers[team].append(sw)
            people.append(Person(sw, f"Social Worker {sw[2:]}", [], team))
    for n in range(1, 7):
        people.append(Person(f"sm{n:02d}", f"Service Manager {n:02d}", ["auditor", "moderator"],
                             teams[(n - 1) * 3]))
    for n in range(1, 3):
        people.append(Person(f"hos{n}", f"Head of Service {n}", ["auditor", "moderator"]))
    people.append(Person("director", "Director of Children's Services", ["auditor"]))
    for n in range(1, 16):
        people.append(Person(f"qap{n:02d}", f"QA Practitioner {n:02d}", ["auditor", "moderator"], "quality-assurance"))
    for n in range(1, 13):
        people.append(Person(f"iro{n:02d}", f"Independent Reviewing Officer {n:02d}", ["moderator"], "safeguarding-unit"))
    people.append(Person("qalead", "QA Lead", ["qa_lead", "auditor", "moderator"], "quality-assurance"))
    people.append(Person("sysadmin", "System Admin", ["admin"]))
    rng.shuffle(people)  # file order is not the order anything is picked in
    people.sort(key=lambda p: p.username)
    auditors = sorted(p.username for p in people if "auditor" in p.roles)
    moderators = sorted(p.username for p in people if "moderator" in p.roles)
    return Council(teams, people, managers, workers, auditors, moderators, "qalead")


def write_users(council: Council, path: Path, with_manages: bool = False) -> int:
    columns = ["username", "display_name", "roles", "team"] + (["manages"] if with_manages else [])
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(columns)
        for p in council.people:
            row = [p.username, p.display_name, ";".join(p.roles), p.team or ""]
            if with_manages:
                row.append(p.manages or "")
            out.writerow(row)
    return len(council.people)


# --- cases and events ---------------------------------------------------------------------


@dataclass
class CaseInfo:
    ref: str
    case_type: str
    start: date
    team: str
    worker: str
    line_manager: str
    closed: date | None
    quality: float  # 1.0 keeps to timescales; higher drifts


def _day_between(rng: random.Random, lo: date, hi: date) -> date:
    return lo + timedelta(days=rng.randint(0, max(0, (hi - lo).days)))


def make_cases(council: Council, count: int, seed: int = SEED) -> list[CaseInfo]:
    rng = random.Random(f"{seed}:cases")
    cases = []
    for n in range(1, count + 1):
        case_type = rng.choices(TYPES, TYPE_WEIGHTS)[0]
        # most cases were open before the year began; some start during it
        if rng.random() < 0.82:
            earliest = {"CLA": date(2014, 1, 1), "CL": date(2019, 1, 1)}.get(case_type, date(2021, 6, 1))
            start = _day_between(rng, earliest, date(2024, 3, 1))
        else:
            start = _day_between(rng, date(2024, 3, 1), date(2025, 2, 28))
        closed = None
        if rng.random() < 0.15:
            closed = _day_between(rng, max(start + timedelta(days=90), date(2024, 5, 1)), TODAY - timedelta(days=5))
            if closed >= TODAY:
                closed = None
        team = rng.choice(council.teams)
        quality = rng.choices([1.0, 1.25, 1.7], [60, 30, 10])[0]
        cases.append(CaseInfo(f"C-{n:06d}", case_type, start, team, rng.choice(council.workers[team]),
                              council.managers[team], closed, quality))
    return cases


def write_cases(cases: list[CaseInfo], path: Path) -> int:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["case_ref", "case_type", "start_date", "team", "worker", "line_manager", "closed_date"])
        for c in cases:
            out.writerow([c.ref, c.case_type, c.start.isoformat(), c.team, c.worker, c.line_manager,
                          c.closed.isoformat() if c.closed else ""])
    return len(cases)


@dataclass
class _Events:
    end: date
    rows: dict[tuple[str, date], list] = field(default_factory=dict)

    def add(self, kind: str, day: date, child_seen: str = "", seen_alone: str = "", reason: str = "") -> None:
        # one event of a kind a day per case (caseaudit refuses a second one)
        if day <= self.end and (kind, day) not in self.rows:
            self.rows[(kind, day)] = [kind, day.isoformat(), child_seen, seen_alone, reason]


def _series(rng: random.Random, ev: _Events, kind: str, anchor: date, first: tuple[int, int],
            gap: tuple[int, int], quality: float, skip_before: date = EVENTS_FROM,
            then: tuple[int, int] | None = None, visit: str | None = None) -> None:
    """Recurring events from `anchor`: the first `first` days after it, then every `gap` days
    (stretched by the case's drift), written only from `skip_before` on."""
    day = anchor + timedelta(days=round(rng.randint(*first) * quality))
    if day < skip_before:  # long-open case: join the series where the files start
        day = skip_before + timedelta(days=rng.randint(0, gap[1]))
    count = 0
    while day <= ev.end:
        if visit is None:
            ev.add(kind, day)
        else:
            _visit(rng, ev, day, visit)
        count += 1
        span = then if (then and count == 1) else gap
        day += timedelta(days=max(1, round(rng.randint(*span) * (quality if rng.random() < 0.7 else 1.0))))


def _visit(rng: random.Random, ev: _Events, day: date, case_type: str) -> None:
    if rng.random() < 0.03:
        ev.add("visit", day, child_seen="false")
        return
    if case_type == "CP":
        r = rng.random()
        if r < 0.80:
            ev.add("visit", day, "true", "true")
        elif r < 0.92:
            ev.add("visit", day, "true", "false", rng.choice(REASONS_NOT_ALONE))
        elif r < 0.97:
            ev.add("visit", day, "true", "false")
        else:
            ev.add("visit", day, "true")  # not recorded
    else:
        ev.add("visit", day, "true", rng.choice(["true", "true", ""]))


def case_events(c: CaseInfo, rng: random.Random) -> list[list]:
    """The case's events in date order: [kind, date, child_seen, seen_alone, reason_not_alone]."""
    end = min(c.closed or TODAY, TODAY)
    ev = _Events(end)
    q = c.quality
    t = c.case_type
    if t == "CP":
        strategy = c.start - timedelta(days=rng.randint(8, 30))
        referral = strategy - timedelta(days=rng.randint(0, 10))
        ev.add("referral", referral)
        ev.add("strategy_discussion", strategy)
        ev.add("icpc", c.start)  # the plan starts at the initial conference
        ev.add("assessment_completed", referral + timedelta(days=round(rng.randint(20, 70) * q)))
        _series(rng, ev, "visit", c.start, (3, 14), (7, 14), q, visit="CP")
        _series(rng, ev, "review_conference", c.start, (80, 95), (165, 185), q, skip_before=date(1900, 1, 1))
    elif t == "CIN":
        referral = c.start - timedelta(days=rng.randint(0, 10))
        ev.add("referral", referral)
        ev.add("assessment_completed", referral + timedelta(days=round(rng.randint(20, 70) * q)))
        _series(rng, ev, "visit", c.start, (5, 28), (14, 28), q, visit="CIN")
        _series(rng, ev, "plan_review", c.start, (150, 185), (150, 185), q)
    elif t == "CLA":
        _series(rng, ev, "visit", c.start, (1, 7), (25, 42), q, visit="CLA")
        _series(rng, ev, "cla_review", c.start, (14, 28), (150, 180), q, skip_before=date(1900, 1, 1),
                then=(70, 92))
    elif t == "CL":
        _series(rng, ev, "visit", c.start, (20, 90), (45, 90), q, visit="CL")
        _series(rng, ev, "plan_review", c.start, (120, 180), (150, 185), q)
    else:  # EH: a family worker's visits
        _series(rng, ev, "visit", c.start, (5, 30), (20, 45), q, visit="EH")
    if t != "EH":
        _series(rng, ev, "supervision", c.start, (10, 28), (20, 30), q)
        if not (q > 1.5 and rng.random() < 0.3):  # some drifting cases never had a chronology
            _series(rng, ev, "chronology", c.start, (10, 60), (30, 110), q)
    if (t == "CLA" and rng.random() < 0.12) or (t in ("EH", "CIN", "CP") and rng.random() < 0.03):
        lo = max(c.start, EVENTS_FROM)
        if lo < end:
            for _ in range(rng.randint(1, 4)):
                back = _day_between(rng, lo, end)
                ev.add("missing_return", back)
                if rng.random() < 0.85:
                    ev.add("return_interview", back + timedelta(days=rng.choice([0, 1, 1, 2, 3, 3, 4, 6])))
    return sorted(ev.rows.values(), key=lambda r: (r[1], r[0]))


def write_events(cases: list[CaseInfo], path: Path, seed: int = SEED) -> int:
    rng = random.Random(f"{seed}:events")
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["case_ref", "kind", "date", "child_seen", "seen_alone", "reason_not_alone"])
        for c in cases:
            for row in case_events(c, rng):
                out.writerow([c.ref, *row])
                count += 1
    return count


# --- audits -------------------------------------------------------------------------------


def _working_days(lo: date, hi: date) -> list[date]:
    days = []
    day = lo
    while day <= hi:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _status(rng: random.Random, standard: str, quality: float) -> str:
    if standard in JUDGEMENT:
        weights = [48, 32, 14, 6]
    else:
        weights = [58, 18, 12, 12]
    if quality > 1.0:  # a drifting case scores worse
        weights = [weights[0] * 0.6, weights[1], weights[2] * (1.5 if quality < 1.5 else 2.5), weights[3]]
    return rng.choices(["met", "partly_met", "not_met", "not_applicable"], weights)[0]


def _grade(rng: random.Random, scores: dict[str, str]) -> str:
    scored = [s for s in scores.values() if s != "not_applicable"]
    points = sum({"met": 1.0, "partly_met": 0.5}.get(s, 0.0) for s in scored) / max(1, len(scored))
    rank = 3 if points >= 0.9 else 2 if points >= 0.65 else 1 if points >= 0.4 else 0
    if rank == 3 and rng.random() < 0.6:
        rank = 2  # outstanding is rare
    if rng.random() < 0.15:  # an auditor's own view
        rank = min(3, max(0, rank + rng.choice([-1, 1])))
    return GRADES[rank]


def _action(rng: random.Random, c: CaseInfo, as_of: date, standard: str | None) -> dict:
    due = as_of + timedelta(days=rng.randint(14, 90))
    completed = None
    if rng.random() < 0.6:
        day = as_of + timedelta(days=rng.randint(3, 110))
        if day <= TODAY:
            completed = day.isoformat()
    description = ACTION_WORDS.get(standard or "", "Agree a plan to address the drift on this case")
    return {"description": description,
            "owner": c.worker if rng.random() < 0.7 else c.line_manager,
            "due": due.isoformat(), "completed_on": completed, "standard": standard}


def _moderation(rng: random.Random, c: CaseInfo, auditor: str, submitted: date, grade: str,
                scores: dict[str, str], moderators: list[str]) -> dict:
    while True:
        moderator = rng.choice(moderators)
        if moderator not in (auditor, c.worker, c.line_manager):
            break
    moderated = min(TODAY, submitted + timedelta(days=rng.randint(3, 40)))
    rank = GRADES.index(grade)
    r = rng.random()
    if r < 0.62:
        mod_rank = rank
    elif r < 0.90:
        mod_rank = rank - 1 if rank > 0 else rank + 1  # auditors tend to be generous
    else:
        mod_rank = rank + 1 if rank < 3 else rank - 1
    mod_grade = GRADES[mod_rank]
    mod_scores = {}
    for standard, status in scores.items():
        if rng.random() < 0.82:
            mod_scores[standard] = status
        else:
            mod_scores[standard] = rng.choice(["met", "partly_met", "not_met", "not_applicable"])
    m = {"moderator": moderator, "moderated_on": moderated.isoformat(), "grade": mod_grade,
         "scores": mod_scores}
    if mod_grade == grade:
        m["outcome"] = "agreed"
        m["final_grade"] = grade
    elif rng.random() < 0.8:
        m["outcome"] = "grade_changed"
        m["final_grade"] = mod_grade
        m["reason"] = "evidence on file supports a different grade"
    else:
        m["outcome"] = "escalated"
        m["reason"] = "auditor and moderator could not agree; for the QA lead"
    m["feedback"] = "thank you; see the differences in the side-by-side view"
    if rng.random() < 0.7:
        m["acknowledged_on"] = min(TODAY, moderated + timedelta(days=rng.randint(0, 14))).isoformat()
    return m


def generate_audits(council: Council, cases: list[CaseInfo], count: int, seed: int = SEED,
                    applicable: dict[str, list[str]] | None = None,
                    moderated_share: float = 1 / 3) -> Iterator[dict]:
    """`count` audits, one at a time, in audit-id order (not date order)."""
    rng = random.Random(f"{seed}:audits")
    applicable = applicable or applicable_standards()
    days = _working_days(YEAR_START, YEAR_END)
    for n in range(1, count + 1):
        submitted = rng.choice(days)
        as_of = submitted - timedelta(days=rng.choice([0, 0, 1, 2, 3, 5, 7, 10, 14]))
        for _ in range(200):
            c = rng.choice(cases)
            if c.start + timedelta(days=14) <= as_of and (c.closed is None or c.closed >= as_of):
                break
        else:  # pragma: no cover - only with almost every case closed or not yet started
            raise RuntimeError(f"no case open at {as_of}")
        while True:
            auditor = rng.choice(council.auditors)
            if auditor not in (c.worker, c.line_manager):
                break
        scores = {s: _status(rng, s, c.quality) for s in applicable[c.case_type]}
        notes = {s: f"{s}: {rng.choice(NOTE_WORDS[v])}" for s, v in scores.items()
                 if v in ("partly_met", "not_met")}
        grade = _grade(rng, scores)
        actions = [_action(rng, c, as_of, s) for s, v in scores.items() if v == "not_met"]
        partly = [s for s, v in scores.items() if v == "partly_met"]
        for s in partly:
            if rng.random() < 0.3:
                actions.append(_action(rng, c, as_of, s))
        if GRADES.index(grade) < 2 and not actions:
            actions.append(_action(rng, c, as_of, rng.choice(partly) if partly else None))
        picked = rng.sample(THEMES, rng.randint(1, 5))
        split = rng.randint(0, len(picked))
        audit = {
            "audit_id": f"A-2425-{n:06d}", "case_ref": c.ref, "auditor": auditor,
            "as_of": as_of.isoformat(), "submitted_on": submitted.isoformat(), "grade": grade,
            "scores": scores, "notes": notes,
            "themes": {"strengths": sorted(picked[:split]), "improvements": sorted(picked[split:])},
            "actions": actions,
        }
        if rng.random() < moderated_share:
            audit["moderation"] = _moderation(rng, c, auditor, submitted, grade, scores, council.moderators)
        yield audit


def write_audits(audits: Iterator[dict], path: Path) -> dict[str, int]:
    counts = {"audits": 0, "moderated": 0, "actions": 0}
    with open(path, "w", encoding="utf-8") as fh:
        for audit in audits:
            fh.write(json.dumps(audit, separators=(",", ":")))
            fh.write("\n")
            counts["audits"] += 1
            counts["moderated"] += "moderation" in audit
            counts["actions"] += len(audit["actions"])
    return counts


def with_override_reasons(source: Path, dest: Path) -> int:
    """Copy an audits file, giving every score a reason (`override_reasons`), line by line."""
    count = 0
    with open(source, encoding="utf-8") as inp, open(dest, "w", encoding="utf-8") as out:
        for line in inp:
            if not line.strip():
                continue
            audit = json.loads(line)
            audit["override_reasons"] = {s: "scored outside caseaudit (historic audit)" for s in audit["scores"]}
            out.write(json.dumps(audit, separators=(",", ":")))
            out.write("\n")
            count += 1
    return count


@dataclass
class Dataset:
    folder: Path
    users: int
    cases: int
    events: int
    audits: int
    moderated: int
    actions: int
    seconds: float
    council: Council

    @property
    def users_csv(self) -> Path:
        return self.folder / "users.csv"

    @property
    def cases_csv(self) -> Path:
        return self.folder / "cases.csv"

    @property
    def events_csv(self) -> Path:
        return self.folder / "events.csv"

    @property
    def audits_jsonl(self) -> Path:
        return self.folder / "audits.jsonl"


def generate(folder: Path, audits: int, cases: int, seed: int = SEED,
             standards: Path | None = None, with_manages: bool = False,
             log=lambda text: None) -> Dataset:
    """Write users.csv, cases.csv, events.csv and audits.jsonl into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    council = make_council(seed)
    n_users = write_users(council, folder / "users.csv", with_manages)
    case_list = make_cases(council, cases, seed)
    write_cases(case_list, folder / "cases.csv")
    log(f"generated {n_users} users, {cases:,} cases ({time.perf_counter() - started:.1f} s)")
    n_events = write_events(case_list, folder / "events.csv", seed)
    log(f"generated {n_events:,} events ({time.perf_counter() - started:.1f} s)")
    counts = write_audits(generate_audits(council, case_list, audits, seed, applicable_standards(standards)),
                          folder / "audits.jsonl")
    seconds = time.perf_counter() - started
    log(f"generated {counts['audits']:,} audits, {counts['moderated']:,} moderated, "
        f"{counts['actions']:,} actions ({seconds:.1f} s)")
    return Dataset(folder, n_users, cases, n_events, counts["audits"], counts["moderated"],
                   counts["actions"], seconds, council)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.council", description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--audits", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--standards", type=Path, help="catalogue TOML (default: product.md's table)")
    parser.add_argument("--with-manages", action="store_true",
                        help="add the optional `manages` column to users.csv")
    args = parser.parse_args(argv)
    ds = generate(args.folder, args.audits, args.cases, args.seed, args.standards, args.with_manages,
                  log=lambda text: print(text, file=sys.stderr, flush=True))
    sizes = {p.name: p.stat().st_size for p in sorted(args.folder.iterdir()) if p.is_file()}
    print(f"{ds.folder}: {ds.users} users, {ds.cases:,} cases, {ds.events:,} events, {ds.audits:,} audits "
          f"({ds.moderated:,} moderated, {ds.actions:,} actions) in {ds.seconds:.1f} s; "
          + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sizes.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
