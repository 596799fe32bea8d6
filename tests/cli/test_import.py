"""`caseaudit import …` end to end: good files go in whole, bad ones exit 2 and write nothing."""

from __future__ import annotations

import io
import json
import sqlite3
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from audit_tools.models import CaseType, EventKind, Role
from caseaudit.cli import main
from db.identity import current_username
from db import open_store
from tests.support import copy_database

ME = current_username()

USERS = (
    "username,display_name,roles,team\n"
    "amy.t,Amy Teal,auditor;moderator,north\n"
    "ben.k,Ben Kestrel,,north\n"
    "cat.b,Cat Birch,auditor,north\n"
    "dev.m,Dev Moss,auditor;moderator,south\n"
)
CASES = (
    "case_ref,case_type,start_date,team,worker,line_manager,closed_date\n"
    "C-1001,EH,2024-01-02,north,ben.k,cat.b,\n"
    "C-1002,CIN,2024-02-05,north,ben.k,cat.b,\n"
)
EVENTS = (
    "case_ref,kind,date,child_seen,seen_alone,reason_not_alone,note\n"
    "C-1001,visit,2024-01-10,yes,y,,\n"
    "C-1001,visit,2024-02-10,yes,N,asleep,\n"
    "C-1002,supervision,2024-02-20,,,,\n"
)


def audit_line(**changes) -> dict:
    line = {
        "audit_id": "A-0001", "case_ref": "C-1001", "auditor": "amy.t", "as_of": "2024-05-01",
        "submitted_on": "2024-05-02", "grade": "requires_improvement",
        "scores": {"return-interview": "not_applicable", "voice-of-child": "partly_met",
                   "management-oversight": "met"},
        "notes": {"voice-of-child": "wishes not recorded"},
        "themes": {"strengths": ["management-oversight"], "improvements": ["voice-of-child"]},
        "actions": [{"description": "Record the child's wishes", "owner": "ben.k", "due": "2024-06-01",
                     "completed_on": None, "standard": "voice-of-child"}],
        "moderation": {"moderator": "dev.m", "moderated_on": "2024-05-20", "grade": "inadequate",
                       "outcome": "grade_changed", "final_grade": "inadequate",
                       "scores": {"voice-of-child": "not_met"}, "reason": "no direct work on file"},
    }
    line.update(changes)
    return line


def build_db(path):
    store = open_store(path, ME)
    store.people.ensure_admin()
    store.close()


@pytest.fixture
def db(tmp_path, built):
    """A copy of the database build_db makes, built once a run."""
    return copy_database(built("import", build_db), tmp_path / "caseaudit.db")


def write(tmp_path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def counts(db) -> dict[str, int]:
    """Rows in each table (as the store's row_counts), read as the file holds them through a
    read-only connection: opening a store for it (a foreign-file check, the journal mode, the
    migrations' check) cost three times the reading, twice for each file an import refuses."""
    conn = sqlite3.connect(f"{Path(db).resolve().as_uri()}?mode=ro", uri=True)
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        conn.close()


def run(db, what, path, capsys) -> tuple[int, str, str]:
    code = main(["--db", str(db), "import", what, str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def load_basics(db, tmp_path, capsys):
    for what, text in (("users", USERS), ("cases", CASES), ("events", EVENTS)):
        code, out, err = run(db, what, write(tmp_path, f"{what}.csv", text), capsys)
        assert code == 0, err


def test_good_imports_round_trip(db, tmp_path, capsys):
    code, out, err = run(db, "users", write(tmp_path, "users.csv", USERS), capsys)
    assert (code, err) == (0, "")
    assert out == f"imported 4 users from {tmp_path / 'users.csv'}\n"
    code, out, _ = run(db, "cases", write(tmp_path, "cases.csv", CASES), capsys)
    assert out.startswith("imported 2 cases")
    code, out, _ = run(db, "events", write(tmp_path, "events.csv", EVENTS), capsys)
    assert out.startswith("imported 3 events")
    audits = write(tmp_path, "audits.jsonl", json.dumps(audit_line()) + "\n")
    code, out, err = run(db, "audits", audits, capsys)
    assert code == 0, err
    assert out == f"imported 1 audit from {audits}\n"

    store = open_store(db, ME)
    amy = store.people.get("amy.t")
    assert amy.roles == [Role.auditor, Role.moderator] and amy.team == "north"
    case = store.cases.get("C-1001")
    assert case.case_type is CaseType.EH and case.worker == "ben.k"
    assert [(e.kind, e.date, e.seen_alone, e.reason_not_alone) for e in case.events] == [
        (EventKind.visit, date(2024, 1, 10), True, None),
        (EventKind.visit, date(2024, 2, 10), False, "asleep"),
    ]
    audit = store.audits.get("A-0001")
    assert audit.submitted_on == date(2024, 5, 2)
    assert audit.scores["voice-of-child"].value == "partly_met"
    assert audit.actions[0].owner == "ben.k"
    assert audit.moderation.final_grade.value == "inadequate"
    assert audit.final_grade.value == "inadequate"
    store.close()


def test_xlsx_users_and_cases(db, tmp_path, capsys):
    book = Workbook()
    sheet = book.active
    for row in USERS.splitlines():
        sheet.append(row.split(","))
    book.save(tmp_path / "users.xlsx")
    code, out, err = run(db, "users", tmp_path / "users.xlsx", capsys)
    assert code == 0, err
    book = Workbook()
    sheet = book.active
    sheet.append(["case_ref", "case_type", "start_date", "team", "worker", "line_manager"])
    sheet.append(["C-2001", "CP", date(2024, 3, 4), "north", "ben.k", "cat.b"])
    book.save(tmp_path / "cases.xlsx")
    code, out, err = run(db, "cases", tmp_path / "cases.xlsx", capsys)
    assert code == 0, err
    store = open_store(db, ME)
    assert store.cases.get("C-2001").start_date == date(2024, 3, 4)
    store.close()


BAD_TABLES = [
    ("users", "users.csv", "", "the file is empty"),
    ("users", "users.csv", "amy.t,Amy,auditor,north\n", ":1: no header row"),
    ("users", "users.pdf", "username,display_name,roles,team\n", "not a CSV or XLSX file"),
    ("users", "users.csv", "username,display_name,roles,team,hat\namy.t,Amy,,north,red\n", ":1: unknown column hat"),
    ("users", "users.csv", "username,display_name\namy.t,Amy\n", ":1: missing columns roles, team"),
    ("users", "users.csv", "username,display_name,roles,team\namy.t,Amy,chief,north\n", ":2: roles: unknown role 'chief'"),
    ("users", "users.csv", "username,display_name,roles,team\namy t,Amy,,north\n", ":2: username: 'amy t' is not a username"),
    ("users", "users.csv", "username,display_name,roles,team\namy.t,Amy,,\namy.t,Amy 2,,\n", ":3: username: 'amy.t' is also on row 2"),
    ("cases", "cases.csv", "case_ref,case_type,start_date,team,worker,line_manager\nC-1,XX,2024-01-01,n,,\n",
     ":2: case_type: 'XX' is not allowed"),
    ("cases", "cases.csv", "case_ref,case_type,start_date,team,worker,line_manager\nC-1,CP,01/13/2024,n,,\n",
     ":2: start_date: '01/13/2024' is not a date (that looks month first, as in the US; write the day first)"),
    ("cases", "cases.csv", "case_ref,case_type,start_date,team,worker,line_manager\nC-1,CP,2024-01-01,n,nobody,\n",
     ":2: worker: 'nobody' is not a known username"),
    ("events", "events.csv", "case_ref,kind,date\nC-404,visit,2024-01-01\n", ":2: case_ref: 'C-404' is not a known case"),
    ("events", "events.csv", "case_ref,kind,date,seen_alone\nC-1001,visit,2024-01-01,maybe\n",
     ":2: seen_alone: expected true/false"),
    ("events", "events.csv", "case_ref,kind,date\nC-1001,party,2024-01-01\n", ":2: kind: 'party' is not allowed"),
    ("events", "events.xlsx", "not a workbook", "is not an XLSX workbook"),
]


@pytest.mark.parametrize("what,name,text,needle", BAD_TABLES)
def test_bad_tables_exit_2_name_the_place_and_write_nothing(db, tmp_path, capsys, what, name, text, needle):
    if what == "events":
        load_basics(db, tmp_path, capsys)
    before = counts(db)
    path = write(tmp_path, f"bad-{name}", text)
    code, out, err = run(db, what, path, capsys)
    assert code == 2
    assert out == ""
    assert needle in err, err
    assert all(line.startswith(f"caseaudit: {path}") for line in err.splitlines()), err
    assert "Traceback" not in err
    assert counts(db) == before


def test_missing_file_and_missing_database(db, tmp_path, capsys):
    before = counts(db)
    code, out, err = run(db, "users", tmp_path / "nope.csv", capsys)
    assert (code, err) == (2, f"caseaudit: {tmp_path / 'nope.csv'}: no such file\n")
    assert counts(db) == before
    good = write(tmp_path, "users.csv", USERS)
    code, _, err = run(tmp_path / "elsewhere.db", "users", good, capsys)
    assert code == 2 and "run `caseaudit init` first" in err
    assert not (tmp_path / "elsewhere.db").exists()


def test_one_bad_row_among_good_ones_writes_nothing_and_lists_every_problem(db, tmp_path, capsys):
    before = counts(db)
    text = USERS + "eve.x,,admin,south\nfay.h,Fay,boss,south\n"
    code, _, err = run(db, "users", write(tmp_path, "users.csv", text), capsys)
    assert code == 2
    lines = err.splitlines()
    assert lines == [
        f"caseaudit: {tmp_path / 'users.csv'}:6: display_name: required; this cell is empty",
        f"caseaudit: {tmp_path / 'users.csv'}:7: roles: unknown role 'boss': use auditor, moderator, "
        "qa_lead or admin, separated by ;",
    ]
    assert counts(db) == before


BAD_AUDITS = [
    (audit_line(auditor="ben.k"), "1: auditor: ben.k is the allocated worker and may not audit this case"),
    (audit_line(auditor="cat.b"), "1: auditor: cat.b is the case's line manager"),
    (audit_line(case_ref="C-404"), "1: case_ref: 'C-404' is not a known case"),
    (audit_line(grade="great"), "1: grade: 'great' is not allowed"),
    (audit_line(as_of="5/13/2024"), "1: as_of: '5/13/2024' is not a date (that looks month first"),
    (audit_line(notes={}), "1: notes.voice-of-child: partly met needs an evidence note saying why"),
    (audit_line(actions=[]), "1: grade: requires improvement needs at least one action in the action plan"),
    (audit_line(scores={"return-interview": "not_applicable", "voice-of-child": "not_met",
                        "management-oversight": "met"}, actions=[]),
     "1: scores.voice-of-child: not met needs at least one action linked to it"),
    (audit_line(actions=[{"description": "x", "owner": "zed", "due": "2024-04-01"}]),
     "1: actions[0].owner: owner 'zed' is not a known user"),
    (audit_line(actions=[{"description": "x", "owner": "ben.k", "due": "2024-04-01"}]),
     "1: actions[0].due: due 1 Apr 2024 must be after the audit's as-at date 1 May 2024"),
    (audit_line(scores={"voice-of-child": "met", "management-oversight": "met"}, notes={}),
     "1: scores.return-interview: no status"),
    (audit_line(themes={"strengths": ["glitter"]}), "1: themes.strengths: 'glitter' is not in the theme vocabulary"),
    (audit_line(moderation={"moderator": "cat.b", "moderated_on": "2024-05-20", "grade": "good",
                            "outcome": "agreed"}), "1: moderation.moderator: cat.b is the line manager"),
    (audit_line(moderation={"moderator": "dev.m", "moderated_on": "2024-05-20", "grade": "good",
                            "outcome": "grade_changed"}), "1: moderation.final_grade: a changed grade needs the final grade"),
    (audit_line(secret="x"), "1: secret: unknown field; remove it"),
    ("[]", "1: line: holds a JSON array of 0 items; write each audit as one JSON object"),
    ("42", "1: line: expected one audit as a JSON object"),
]


@pytest.mark.parametrize("line,needle", BAD_AUDITS)
def test_bad_audit_lines_exit_2_and_write_nothing(db, tmp_path, capsys, line, needle):
    load_basics(db, tmp_path, capsys)
    before = counts(db)
    text = line if isinstance(line, str) else json.dumps(line)
    path = write(tmp_path, "audits.jsonl", text + "\n")
    code, out, err = run(db, "audits", path, capsys)
    assert code == 2
    assert f"caseaudit: {path}:{needle}" in err, err
    assert counts(db) == before


def test_reimporting_an_audit_is_refused(db, tmp_path, capsys):
    load_basics(db, tmp_path, capsys)
    path = write(tmp_path, "audits.jsonl", json.dumps(audit_line()) + "\n")
    assert run(db, "audits", path, capsys)[0] == 0
    before = counts(db)
    code, _, err = run(db, "audits", path, capsys)
    assert code == 2
    assert f"{path}:1: audit_id: 'A-0001' is already in the database" in err
    assert counts(db) == before


def test_only_an_admin_may_import(db, tmp_path, capsys):
    path = write(tmp_path, "users.csv", USERS)
    other = tmp_path / "other.db"
    # a database whose admin is someone else: the OS user is not a caseaudit user there
    store = open_store(other, "someone.else")
    store.people.ensure_admin()
    store.close()
    before = counts(other)
    code, _, err = run(other, "users", path, capsys)
    assert code == 2
    assert "may not import users" in err
    assert counts(other) == before


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=st.lists(
    st.tuples(st.from_regex(r"[a-z]{1,8}\.[a-z]", fullmatch=True),
              st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghij'-", min_size=1, max_size=20)
              .filter(lambda s: s.strip()),
              st.lists(st.sampled_from(list(Role)), unique=True),
              st.sampled_from(["north", "south", "east", ""])),
    min_size=1, max_size=10, unique_by=lambda p: p[0]))
def test_any_valid_users_import_and_round_trip(people, capsys, built):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        db = copy_database(built("import", build_db), folder / "caseaudit.db")  # as build_db makes it
        lines = ["username,display_name,roles,team"]
        for username, name, roles, team in people:
            lines.append(f'{username},"{name}",{";".join(r.value for r in roles)},{team}')
        path = write(folder, "users.csv", "\n".join(lines) + "\n")
        code, out, err = run(db, "users", path, capsys)
        assert code == 0, err
        store = open_store(db, ME)
        for username, name, roles, team in people:
            user = store.people.get(username)
            assert user.display_name == name.strip()
            assert user.roles == roles
            assert user.team == (team or None)
        store.close()


def test_an_event_stored_with_other_details_is_refused(db, tmp_path, capsys):
    load_basics(db, tmp_path, capsys)
    before = counts(db)
    # Stored as seen alone (y); this row leaves seen_alone empty: a correction, not a re-import.
    path = write(tmp_path, "more.csv", "case_ref,kind,date\nC-1002,visit,2024-03-01\nC-1001,visit,2024-01-10\n")
    code, _, err = run(db, "events", path, capsys)
    assert code == 2
    assert err == (f"caseaudit: {path}:3: seen_alone: visit on 2024-01-10 for C-1001 is already in the "
                   "database with seen_alone true, this row has empty; caseaudit keeps one event of a kind "
                   "a day per case, so it will not change or add to it: correct the row to match or leave it out\n")
    assert counts(db) == before


BAD_AUDIT_FILES = [
    ("audits.jsonl", "", "the file is empty"),
    ("audits.jsonl", "audit_id,case_ref\nA-1,C-1\n", "is not a JSON Lines file (line 1 is not JSON)"),
    ("audits.csv", "{}\n", "not a JSON Lines file; audits are imported from a .jsonl file"),
    ("audits.jsonl", json.dumps(audit_line()) + "\n{broken\n", ":2: not valid JSON"),
]


@pytest.mark.parametrize("name,text,needle", BAD_AUDIT_FILES)
def test_bad_audit_files_exit_2_and_write_nothing(db, tmp_path, capsys, name, text, needle):
    load_basics(db, tmp_path, capsys)
    before = counts(db)
    path = write(tmp_path, name, text)
    code, out, err = run(db, "audits", path, capsys)
    assert (code, out) == (2, "")
    assert err.startswith(f"caseaudit: {path}") and needle in err, err
    assert counts(db) == before


def test_empty_workbook_is_refused(db, tmp_path, capsys):
    Workbook().save(tmp_path / "users.xlsx")
    before = counts(db)
    code, _, err = run(db, "users", tmp_path / "users.xlsx", capsys)
    assert code == 2 and "the file is empty" in err
    assert counts(db) == before


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_only_on_a_terminal(db, tmp_path, capsys, monkeypatch):
    import caseaudit.cli.imports as imports

    load_basics(db, tmp_path, capsys)
    rows = "".join(f"C-1002,supervision,{date(2024, 3, 1) + timedelta(days=i)}\n" for i in range(250))
    path = write(tmp_path, "many.csv", "case_ref,kind,date\n" + rows)
    assert imports._terminal_progress() is None  # pytest's stderr is not a terminal
    terminal = Terminal()
    monkeypatch.setattr(imports.sys, "stderr", terminal)
    code = main(["--db", str(db), "import", "events", str(path)])
    assert code == 0
    shown = terminal.getvalue()
    assert "\rchecking 50 of 250 rows" in shown and "\rchecking 250 of 250 rows\n" in shown
    assert capsys.readouterr().out == f"imported 250 events from {path}\n"
