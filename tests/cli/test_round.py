"""`caseaudit round create` and `round verify` on generated services: the JSON document equals
round-v1 computed here, straight from product.md's words (hashlib only, nothing of
caseaudit's), and verify passes until the stored selection, frame or seed is altered with
raw SQL."""

from __future__ import annotations

import calendar
import hashlib
import json
import random
import sqlite3

from tests.support import copy_database, raw_connection
from datetime import date, timedelta

import pytest

from audit_tools.models import Case, Event, User
from caseaudit.cli import main
from db import open_store
from db.identity import current_username

ME = current_username()
TEAMS = ["north", "south", "east", "west"]
TYPES = ["EH", "CIN", "CP", "CLA", "CL"]
ROUND_DAY = date(2025, 9, 30)
QUESTIONS = """
name = "Children missing from home"
[[question]]
id = "return-interview-offered"
title = "Was a return interview offered after each missing episode?"
help = "Look at the missing episodes of the last six months."
[[question]]
id = "risk-named"
title = "Is the risk of exploitation named in the plan?"
answers = ["yes", "no"]
comment_required = ["no"]
"""


def generated_service(rng: random.Random):
    """Users and cases, with missing episodes, of a small made-up service. Two auditors, amy
    and ben, are the worker and line manager of one case each round must select."""
    users = [User(username=ME, display_name="QA Lead", roles=["qa_lead", "admin"], team="qa"),
             User(username="amy", display_name="Amy", roles=["auditor"], team="north"),
             User(username="ben", display_name="Ben", roles=["auditor"], team="south"),
             User(username="cat", display_name="Cat", roles=["auditor", "moderator"], team="east"),
             User(username="dan", display_name="Dan", roles=["moderator"], team="west")]
    staff = ["amy", "ben", "cat", "w1", "w2", "w3"]
    cases, events = [], []
    for i in range(70):
        start = ROUND_DAY + timedelta(days=rng.randint(-700, 10))
        closed = None
        if rng.random() < 0.25:
            closed = max(start, ROUND_DAY + timedelta(days=rng.randint(-40, 20)))
        ref = f"G-{rng.randint(0, 99999):05d}-{i}"
        cases.append(Case(case_ref=ref, case_type=rng.choice(TYPES), start_date=start, team=rng.choice(TEAMS),
                          worker=rng.choice(staff), line_manager=rng.choice(staff), closed_date=closed))
        for _ in range(rng.randint(0, 2)):
            # around the 6-month window's edges (31 March 2025 to 30 September 2025) and beyond
            when = rng.choice([date(2025, 3, 30), date(2025, 3, 31), date(2025, 10, 1),
                               ROUND_DAY + timedelta(days=rng.randint(-250, 5))])
            events.append((ref, Event(kind=rng.choice(["missing_return", "visit"]), date=when)))
    # Worked by amy and line-managed by ben: with only those two auditors, nobody may take it.
    cases.append(Case(case_ref="G-00000-nobody", case_type="CP", start_date=date(2025, 1, 6), team="north",
                      worker="amy", line_manager="ben"))
    events.append(("G-00000-nobody", Event(kind="missing_return", date=date(2025, 9, 1))))
    return users, cases, events


def months_before(day: date, months: int) -> date:
    """The day `months` before, clamped to the month's end (31 August - 6 months = 28 February)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def round_v1(cases, events, seed, size, auditors, case_types=(), teams=(), with_event=None, months=0):
    """product.md "Thematic audits", round-v1, written out again here."""
    def matches(c):
        if not (c.start_date <= ROUND_DAY and (c.closed_date is None or c.closed_date >= ROUND_DAY)):
            return False
        if case_types and c.case_type.value not in case_types:
            return False
        if teams and c.team not in teams:
            return False
        if with_event:
            start = months_before(ROUND_DAY, months)
            return any(ref == c.case_ref and e.kind.value == with_event and start <= e.date <= ROUND_DAY
                       for ref, e in events)
        return True

    frame = sorted((c for c in cases if matches(c)), key=lambda c: c.case_ref)
    frame_sha = hashlib.sha256("\n".join(c.case_ref for c in frame).encode()).hexdigest()
    ranked = sorted(frame, key=lambda c: hashlib.sha256(f"{seed}:{c.case_ref}".encode()).hexdigest())[:size]
    people = sorted(auditors)
    pointer, selected = 0, []
    for c in ranked:
        taker = None
        for step in range(len(people)):
            i = (pointer + step) % len(people)
            if people[i] not in (c.worker, c.line_manager):
                taker = i
                break
        if taker is None:
            selected.append({"case_ref": c.case_ref, "auditor": None})
        else:
            selected.append({"case_ref": c.case_ref, "auditor": people[taker]})
            pointer = (taker + 1) % len(people)
    shortfall = sum(1 for s in selected if s["auditor"] is None) + max(0, size - len(ranked))
    return len(frame), frame_sha, selected, shortfall


@pytest.fixture(params=[7, 2026])
def service(request, tmp_path, built):
    users, cases, events = generated_service(random.Random(request.param))

    def build(path):
        store = open_store(path, actor=ME)
        store.people.ensure_admin()
        store.people.upsert(users)
        store.cases.upsert(cases)
        store.cases.add_events(events)
        store.close()

    # The same seed gives the same service, so one built file per seed serves every test.
    path = copy_database(built(f"round-service-{request.param}", build), tmp_path / "caseaudit.db")
    questions = tmp_path / "missing.toml"
    questions.write_text(QUESTIONS, encoding="utf-8")
    return path, questions, cases, events


def cli(db, *argv):
    return main(["--db", str(db), *argv])


ROUNDS = [
    # (options, round_v1 keyword arguments)
    (["--case-types", "CIN,CP"], {"case_types": ("CIN", "CP")}),
    (["--teams", "north,east"], {"teams": ("north", "east")}),
    (["--with-event", "missing_return", "--within", "6m"], {"with_event": "missing_return", "months": 6}),
    (["--case-types", "CP,CLA,CIN", "--teams", "north,south,east", "--with-event", "missing_return",
      "--within", "6m"],
     {"case_types": ("CP", "CLA", "CIN"), "teams": ("north", "south", "east"), "with_event": "missing_return",
      "months": 6}),
]


@pytest.mark.parametrize("options, expected", ROUNDS)
def test_round_create_json_equals_round_v1_computed_independently_and_verifies(service, capsys, options,
                                                                               expected):
    db, questions, cases, events = service
    seed = "board-" + "-".join(options)
    frame_size, frame_sha, selected, shortfall = round_v1(cases, events, seed, 200, ["amy", "ben"], **expected)
    size = frame_size  # the whole frame: the case neither amy nor ben may take is in it when it matches
    frame_size, frame_sha, selected, shortfall = round_v1(cases, events, seed, size, ["amy", "ben"], **expected)
    assert cli(db, "round", "create", "--name", "Missing", "--questions", str(questions), "--date", "2025-09-30",
               "--size", str(size), *options, "--seed", seed, "--auditors", "ben,amy", "--json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert list(doc) == ["round_id", "name", "date", "algorithm", "seed", "size", "frame_size", "frame_sha256",
                         "selected", "shortfall"]
    assert doc == {"round_id": "R-000001", "name": "Missing", "date": "2025-09-30", "algorithm": "round-v1",
                   "seed": seed, "size": size, "frame_size": frame_size, "frame_sha256": frame_sha,
                   "selected": selected, "shortfall": shortfall}
    assert 0 < frame_size < len(cases)
    nobody = [s for s in selected if s["auditor"] is None]
    if "teams" not in expected or "north" in expected["teams"]:
        assert {"case_ref": "G-00000-nobody", "auditor": None} in nobody and shortfall >= 1
    assert cli(db, "round", "verify", "R-000001") == 0
    assert "round R-000001 verified" in capsys.readouterr().out


def test_a_frame_smaller_than_the_size_is_short_by_the_difference(service, capsys):
    db, questions, cases, events = service
    frame_size, frame_sha, selected, shortfall = round_v1(
        cases, events, "s", 500, ["amy", "ben", "cat"], case_types=("CL",))
    assert cli(db, "round", "create", "--name", "Care leavers", "--questions", str(questions), "--date",
               "30/09/2025", "--size", "500", "--case-types", "cl", "--seed", "s", "--auditors", "amy,ben,cat",
               "--json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["frame_size"], doc["frame_sha256"], doc["selected"]) == (frame_size, frame_sha, selected)
    assert doc["shortfall"] == shortfall == 500 - frame_size + sum(1 for s in selected if s["auditor"] is None)


def tamper(db, *statements):
    conn = raw_connection(db)
    with conn:
        for sql in statements:
            conn.execute(sql)
    conn.close()


@pytest.fixture
def made(service, capsys):
    db, questions = service[0], service[1]
    assert cli(db, "round", "create", "--name", "Missing", "--questions", str(questions), "--date", "2025-09-30",
               "--size", "8", "--seed", "s1", "--auditors", "amy,ben,cat", "--json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert cli(db, "round", "verify", "R-000001") == 0
    capsys.readouterr()
    return db, doc


def test_verify_fails_after_a_stored_selection_is_altered(made, capsys):
    db, doc = made
    first = doc["selected"][0]
    other = next(a for a in ("amy", "ben", "cat") if a != first["auditor"])
    # The rows are guarded against change; someone with the file and sqlite3 can drop the guard.
    with pytest.raises(sqlite3.DatabaseError, match="selection is kept as it was made"):
        tamper(db, f"UPDATE round_cases SET auditor = '{other}' WHERE case_ref = '{first['case_ref']}'")
    tamper(db, "DROP TRIGGER round_cases_no_update",
           f"UPDATE round_cases SET auditor = '{other}' WHERE case_ref = '{first['case_ref']}'")
    assert cli(db, "round", "verify", "R-000001") == 1
    err = capsys.readouterr().err
    assert "round R-000001 does not verify" in err
    assert (f"assignment differs: {first['case_ref']} is stored with {other}, round-v1 gives it to "
            f"{first['auditor']}") in err


def test_verify_fails_after_a_selected_case_is_swapped(made, capsys):
    db, doc = made
    last = doc["selected"][-1]["case_ref"]
    outside = sorted(set(json.loads(sqlite3.connect(db).execute(
        "SELECT json_extract(details, '$.frame') FROM history WHERE what = 'round created'").fetchone()[0]))
        - {s["case_ref"] for s in doc["selected"]})[0]
    tamper(db, "DROP TRIGGER round_cases_no_update",
           f"UPDATE round_cases SET case_ref = '{outside}' WHERE case_ref = '{last}'")
    assert cli(db, "round", "verify", "R-000001") == 1
    err = capsys.readouterr().err
    assert f"selection differs: {outside} stored as selected, not drawn by seed s1" in err
    assert f"selection differs: {last} drawn by seed s1, not stored as selected" in err


def test_verify_fails_when_the_stored_frame_is_altered(made, capsys):
    db, doc = made
    tamper(db, "DROP TRIGGER round_frame_no_delete",
           "DELETE FROM round_frame WHERE case_ref = (SELECT min(case_ref) FROM round_frame)")
    assert cli(db, "round", "verify", "R-000001") == 1
    err = capsys.readouterr().err
    assert "frame differs: the stored frame hashes to" in err
    assert f"the round recorded {doc['frame_sha256']}" in err


def test_verify_fails_when_the_seed_is_altered(made, capsys):
    db, doc = made
    tamper(db, "DROP TRIGGER rounds_no_update", "UPDATE rounds SET seed = 's2'")
    assert cli(db, "round", "verify", "R-000001") == 1
    err = capsys.readouterr().err
    assert "seed differs: the round's row says 's2', its history entry 's1'" in err
    assert "drawn by seed s2" in err


@pytest.mark.parametrize("argv, words", [
    (["--size", "0"], "--size: 0 is too few"),
    (["--size", "x"], "--size: 'x' is not a whole number"),
    (["--date", "12/31/2025"], "--date:"),
    (["--case-types", "CIN,XX"], "--case-types: 'XX' is not a case type"),
    (["--with-event", "missing_return"], "--with-event and --within go together"),
    (["--with-event", "lunch", "--within", "6m"], "--with-event: 'lunch' is not an event kind"),
    (["--with-event", "visit", "--within", "10wd"], "--within: '10wd' is not a look-back"),
    (["--auditors", "amy,dan"], "--auditors: dan does not hold the auditor role"),
    (["--auditors", "amy,zoe"], "--auditors: zoe is not a caseaudit user"),
    (["--teams", "nowhere"], "--teams: nowhere is not a known team"),
    (["--case-types", "EH", "--with-event", "icpc", "--within", "1d"], "the filters left nothing to select"),
    (["--seed", " "], "--seed: it is empty"),
])
def test_bad_input_exits_2_with_a_message_and_stores_nothing(service, capsys, argv, words):
    db, questions = service[0], service[1]
    base = {"--name": "Missing", "--questions": str(questions), "--date": "2025-09-30", "--size": "4",
            "--auditors": "amy,ben"}
    for flag in argv[::2]:
        base.pop(flag, None)
    args = [x for pair in base.items() for x in pair] + argv
    assert cli(db, "round", "create", *args) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    counts = open_store(db, ME).row_counts()
    assert counts["rounds"] == counts["round_cases"] == counts["round_frame"] == 0


def test_a_bad_question_file_names_the_question_and_the_field(service, tmp_path, capsys):
    db = service[0]
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "Neglect"\n[[question]]\nid = "Neglect named"\ntitle = "?"\n'
                   '[[question]]\nid = "plan"\ntitle = "Plan?"\ncomment_required = ["maybe"]\n'
                   '[[question]]\nid = "plan"\ntitle = "Again"\ncolour = "red"\n', encoding="utf-8")
    assert cli(db, "round", "create", "--name", "N", "--questions", str(bad), "--date", "2025-09-30", "--size",
               "3", "--auditors", "amy") == 2
    err = capsys.readouterr().err
    assert "question 'Neglect named': field 'id': 'Neglect named' is not lowercase words and hyphens" in err
    assert "question 'plan': field 'comment_required': maybe is not one of its answers" in err
    assert "question 'plan': field 'colour': unknown field" in err


def test_only_the_qa_lead_may_create_a_round(service, capsys):
    db, questions = service[0], service[1]
    store = open_store(db, ME)
    store.people.upsert([User(username=ME, display_name="Just an auditor", roles=["auditor"], team="qa"),
                         User(username="adm", display_name="Admin", roles=["admin"])])
    store.close()
    assert cli(db, "round", "create", "--name", "N", "--questions", str(questions), "--date", "2025-09-30",
               "--size", "3", "--auditors", "amy") == 2
    assert "may not create thematic rounds: needs the qa_lead role" in capsys.readouterr().err
    assert open_store(db, ME).row_counts()["rounds"] == 0
