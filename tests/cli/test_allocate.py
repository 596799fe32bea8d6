"""`caseaudit allocate` and `allocate verify` on a generated service: the JSON document
equals alloc-v1 computed here, straight from product.md's words (hashlib only, nothing of
caseaudit's), and verify passes until a stored row is altered with raw SQL."""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3

from tests.support import copy_database, raw_connection
from datetime import date, timedelta

import pytest

from audit_tools.models import Audit, Case, User
from caseaudit.cli import main
from db import open_store
from db.identity import current_username

ME = current_username()
TEAMS = ["north", "south", "east", "west"]
SCORES = {"return-interview": "not_applicable", "voice-of-child": "met", "management-oversight": "met"}
MONTH_FIRST = date(2025, 9, 1)


def generated_service(rng: random.Random):
    """Users, cases and submitted audits of a small made-up service."""
    users = [User(username=ME, display_name="QA Lead", roles=["qa_lead", "admin"], team="qa")]
    staff = {t: [f"{t[0]}{i}" for i in range(3)] for t in TEAMS}
    for team, names in staff.items():
        for i, name in enumerate(names):
            roles = ["auditor"] if i == 0 or rng.random() < 0.3 else []
            users.append(User(username=name, display_name=name, roles=roles, team=team))
    users.append(User(username="zed", display_name="Zed", roles=["auditor"], team=None))
    cases = []
    for i in range(60):
        team = rng.choice(TEAMS)
        start = MONTH_FIRST + timedelta(days=rng.randint(-500, 20))
        closed = None
        if rng.random() < 0.3:
            closed = max(start, MONTH_FIRST + timedelta(days=rng.randint(-60, 30)))
        cases.append(Case(case_ref=f"G-{rng.randint(0, 99999):05d}-{i}", case_type="EH", start_date=start,
                          team=team, worker=rng.choice(staff[team][1:]), line_manager=staff[team][0],
                          closed_date=closed))
    audits = []
    for n, c in enumerate(rng.sample(cases, 25)):
        on = MONTH_FIRST + timedelta(days=rng.randint(-400, -1))
        if on < c.start_date:
            continue
        auditor = next(u.username for u in users if "auditor" in u.roles and u.team != c.team)
        audits.append(Audit(audit_id=f"H-{n:03d}", case_ref=c.case_ref, auditor=auditor, as_of=on,
                            submitted_on=on, grade="good", scores=dict(SCORES)))
    return users, cases, audits


def alloc_v1(users, cases, audits, taken, per_auditor, seed):
    """product.md "Allocation", written out again here."""
    first = MONTH_FIRST
    frame = sorted((c for c in cases if c.start_date <= first and (c.closed_date is None or c.closed_date >= first)),
                   key=lambda c: c.case_ref)
    frame_sha = hashlib.sha256("\n".join(c.case_ref for c in frame).encode()).hexdigest()
    year_before = date(first.year - 1, first.month, first.day)
    recent = {a.case_ref for a in audits if year_before <= a.submitted_on < first}
    taken = set(taken)
    allocated, short = {}, {}
    for user in sorted((u for u in users if "auditor" in u.roles), key=lambda u: u.username):
        candidates = [c.case_ref for c in frame
                      if not (user.team and c.team == user.team)
                      and user.username not in (c.worker, c.line_manager)
                      and c.case_ref not in recent and c.case_ref not in taken]
        candidates.sort(key=lambda ref: hashlib.sha256(f"{seed}:{user.username}:{ref}".encode()).hexdigest())
        chosen = candidates[:per_auditor]
        taken.update(chosen)
        allocated[user.username] = sorted(chosen)
        if len(chosen) < per_auditor:
            short[user.username] = per_auditor - len(chosen)
    return frame, frame_sha, allocated, short


@pytest.fixture(params=[11, 2025])
def service(request, tmp_path, built):
    users, cases, audits = generated_service(random.Random(request.param))

    def build(path):
        store = open_store(path, actor=ME)
        store.people.ensure_admin()
        store.people.upsert(users)
        store.cases.upsert(cases)
        store.audits.insert(audits)
        store.close()

    # The same seed gives the same service, so one built file per seed serves every test.
    path = copy_database(built(f"allocate-service-{request.param}", build), tmp_path / "caseaudit.db")
    return path, users, cases, audits


def cli(db, *argv):
    return main(["--db", str(db), *argv])


def test_allocate_json_equals_alloc_v1_computed_independently_and_verifies(service, capsys):
    db, users, cases, audits = service
    assert cli(db, "allocate", "--month", "2025-09", "--per-auditor", "3", "--seed", "board-2025", "--json") == 0
    doc = json.loads(capsys.readouterr().out)
    frame, frame_sha, allocated, short = alloc_v1(users, cases, audits, [], 3, "board-2025")
    assert list(doc) == ["allocation_id", "month", "seed", "algorithm", "per_auditor", "frame_sha256",
                         "frame_size", "allocated", "short"]
    assert doc == {"allocation_id": "AL-000001", "month": "2025-09", "seed": "board-2025",
                   "algorithm": "alloc-v1", "per_auditor": 3, "frame_sha256": frame_sha,
                   "frame_size": len(frame), "allocated": allocated, "short": short}
    assert sum(map(len, allocated.values())) > 0

    # A second allocation in the month gives out none of the first one's cases.
    assert cli(db, "allocate", "--month", "2025-09", "--per-auditor", "2", "--seed", "again", "--json") == 0
    second = json.loads(capsys.readouterr().out)
    taken = [r for refs in allocated.values() for r in refs]
    assert second["allocated"] == alloc_v1(users, cases, audits, taken, 2, "again")[2]
    assert not set(taken) & {r for refs in second["allocated"].values() for r in refs}

    assert cli(db, "allocate", "verify", "AL-000001") == 0
    assert "allocation AL-000001 verified" in capsys.readouterr().out
    assert cli(db, "allocate", "verify", "AL-000002") == 0
    capsys.readouterr()


def tamper(db, *statements):
    conn = raw_connection(db)
    with conn:
        for sql in statements:
            conn.execute(sql)
    conn.close()


def test_verify_fails_after_a_stored_row_is_altered(service, capsys):
    db = service[0]
    assert cli(db, "allocate", "--month", "2025-09", "--seed", "s1", "--json") == 0
    doc = json.loads(capsys.readouterr().out)
    auditor, refs = next((a, r) for a, r in doc["allocated"].items() if r)
    other = next(a for a in doc["allocated"] if a != auditor)
    assert cli(db, "allocate", "verify", "AL-000001") == 0
    capsys.readouterr()
    # The rows are guarded against change; someone with the file and sqlite3 can drop the guard.
    with pytest.raises(sqlite3.DatabaseError, match="kept as it was allocated"):
        tamper(db, f"UPDATE allocated_cases SET auditor = '{other}' WHERE case_ref = '{refs[0]}'")
    tamper(db, "DROP TRIGGER allocated_cases_locked",
           f"UPDATE allocated_cases SET auditor = '{other}' WHERE case_ref = '{refs[0]}'")
    assert cli(db, "allocate", "verify", "AL-000001") == 1
    err = capsys.readouterr().err
    assert "allocation AL-000001 does not verify" in err
    assert f"the allocated-case rows: {other} holds {refs[0]}, not drawn by the seed" in err
    assert f"the allocated-case rows: {auditor} should hold {refs[0]}, drawn by the seed" in err


def test_verify_fails_when_the_stored_frame_or_seed_is_altered(service, capsys):
    db = service[0]
    assert cli(db, "allocate", "--month", "2025-09", "--seed", "s1", "--json") == 0
    capsys.readouterr()
    tamper(db, "DROP TRIGGER allocations_no_update",
           "UPDATE allocations SET data = json_set(data, '$.frame', json_remove(json_extract(data, '$.frame'), '$[0]'))")
    assert cli(db, "allocate", "verify", "AL-000001") == 1
    assert "frame hash differs" in capsys.readouterr().err
    tamper(db, "UPDATE allocations SET seed = 's2'")
    assert cli(db, "allocate", "verify", "AL-000001") == 1
    assert "seed differs: the allocation's row says 's2', its record 's1'" in capsys.readouterr().err


@pytest.mark.parametrize("argv, words", [
    (["--month", "2025-13"], "month: '2025-13' is not a month (there is no month 13)"),
    (["--month", "Sept 25"], "write it as 2025-10, 10/2025, Oct 2025 or October 2025"),
    (["--month", "2025-09", "--per-auditor", "0"], "per auditor: 0 is too few"),
    (["--month", "2025-09", "--per-auditor", "x"], "per auditor: 'x' is not a whole number"),
    (["--month", "2025-09", "--seed", " "], "seed: it is empty"),
    ([], "--month YYYY-MM is required"),
    (["verify", "AL-000009"], "allocation AL-000009: not in the database"),
])
def test_bad_input_exits_2_with_a_message_and_stores_nothing(service, capsys, argv, words):
    db = service[0]
    assert cli(db, "allocate", *argv) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    store = open_store(db, ME)
    assert store.row_counts()["allocations"] == 0 and store.row_counts()["allocated_cases"] == 0


def test_only_the_qa_lead_may_allocate(service, capsys):
    db = service[0]
    store = open_store(db, ME)
    store.people.upsert([User(username=ME, display_name="Just an auditor", roles=["auditor"], team="qa"),
                         User(username="adm", display_name="Admin", roles=["admin"])])
    store.close()
    assert cli(db, "allocate", "--month", "2025-09") == 2
    assert "may not allocate audits: needs the qa_lead role" in capsys.readouterr().err
