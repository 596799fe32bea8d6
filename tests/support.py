"""Shared makings for the db tests: a store with an admin, a few users, a CIN case and audits."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timezone
from pathlib import Path

from argon2 import PasswordHasher

from audit_tools.models import Action, Audit, Case, CaseType, Event, EventKind, Grade, Role, Status, Themes, User
from db import open_store

CIN_STANDARDS = [
    "cin-visits", "supervision", "chronology", "cin-plan-review", "assessment-timeliness",
    "return-interview", "voice-of-child", "management-oversight", "plan-quality", "absent-parent-views",
]

USERS = [
    User(username="amy", display_name="Amy Auditor", roles=[Role.auditor, Role.moderator], team="North"),
    User(username="ben", display_name="Ben Auditor", roles=[Role.auditor], team="South"),
    User(username="cat", display_name="Cat Moderator", roles=[Role.moderator], team="East"),
    User(username="dan", display_name="Dan Worker", roles=[], team="North"),
    User(username="eve", display_name="Eve Manager", roles=[Role.auditor], team="North"),
    User(username="quinn", display_name="Quinn Lead", roles=[Role.qa_lead], team="QA"),
]


class FixedClock:
    def __init__(self, moment: datetime | None = None) -> None:
        self.moment = moment or datetime(2024, 5, 2, 14, 2, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.moment


def clock_on(day: date) -> FixedClock:
    """A fixed clock at 14:02 London time on `day` (a summer day: 13:02 UTC)."""
    return FixedClock(datetime(day.year, day.month, day.day, 13, 2, tzinfo=timezone.utc))


def make_case(ref: str = "C-1001", team: str = "North") -> Case:
    return Case(
        case_ref=ref, case_type=CaseType.CIN, start_date=date(2024, 1, 2), team=team,
        worker="dan", line_manager="eve",
        events=[Event(kind=EventKind.visit, date=date(2024, 1, 20), seen_alone=True),
                Event(kind=EventKind.supervision, date=date(2024, 1, 25))],
    )


def make_audit(audit_id: str = "A-0001", case_ref: str = "C-1001", auditor: str = "amy",
               submitted_on: date | None = date(2024, 5, 2), grade: Grade = Grade.good) -> Audit:
    scores = {s: Status.met for s in CIN_STANDARDS}
    scores["chronology"] = Status.partly_met
    return Audit(
        audit_id=audit_id, case_ref=case_ref, auditor=auditor, as_of=date(2024, 5, 1),
        submitted_on=submitted_on, grade=grade, scores=scores,
        notes={"chronology": "not updated since January"},
        themes=Themes(strengths=["voice-of-child"], improvements=["chronology"]),
        actions=[Action(description="Update chronology", owner="ben", due=date(2024, 6, 1),
                        standard="chronology")],
        catalogue_version="2024.1",
    )


def admin_store(path, clock=None):
    """A store at `path` whose actor 'root' is the first admin, with USERS and one case loaded."""
    store = open_store(path, "root", clock=clock or FixedClock())
    store.people.ensure_admin()
    store.people.upsert(USERS)
    store.cases.upsert([make_case()])
    return store


def full_blind(store, audit_id: str, moderator: str, grade: str, status: str = "met", **more):
    """A blind re-audit of `audit_id` scoring every standard that applies to it (the
    service works out which), each `status`: for tests that need one submitted."""
    from audit_tools.models import Moderation
    from caseaudit.services.moderation import applicable_standards

    audit = store.audits.get(audit_id)
    scores = {s: status for s in applicable_standards(store, audit)}
    return Moderation(moderator=moderator, grade=grade, scores=scores, **more)


def raw_connection(path, **kwargs):
    """A plain sqlite3 connection to `path` as someone who knows caseaudit would open one to
    write behind the app: with the `caseaudit_row` function the record digests' triggers call
    registered (db/coverage.py), so the guard triggers, not a missing function, are what
    refuse a change. A sqlite3 shell without it cannot write a covered table at all."""
    import sqlite3

    from db import coverage

    conn = sqlite3.connect(str(path), **kwargs)
    coverage.register(conn)
    return conn


def copy_database(template: Path, path: Path) -> Path:
    """A test's own copy at `path` of a database the `built` fixture made (tests/conftest.py);
    copy2 keeps its owner-only mode."""
    shutil.copy2(template, path)
    return path


# argon2 with the library's defaults is slow on purpose (64 MiB, three passes, a third of a
# second a hash); a test about who may sign in, not about the hash's cost, checks the same
# code with the least work argon2 allows (monkeypatched over caseaudit.services.sign_in's
# `_hasher`, its `_dummy_hash` cache cleared before and after).
QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def finer_pilot_polls(seconds: float = 1 / 200) -> None:
    """The finer Pilot polls tests/conftest.py sets for the test process (PILOT_POLL_SECONDS
    there: a key that needs no work costs 10 ms rather than Textual's 40), for a program a
    test starts that drives the app with Pilot itself."""
    # lazy: Textual takes a few tenths of a second to import, which the programs other tests
    # start with this module (writers, pools of importers) have no use for
    import textual._wait

    for name in ("SLEEP_GRANULARITY", "SLEEP_IDLE"):
        if not hasattr(textual._wait, name):
            raise RuntimeError(f"textual._wait.{name} is gone: see PILOT_POLL_SECONDS in tests/conftest.py")
    textual._wait.SLEEP_GRANULARITY = seconds
    textual._wait.SLEEP_IDLE = seconds / 20
