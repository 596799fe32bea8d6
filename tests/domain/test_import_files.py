"""Reading and checking import files without a database: every bad cell is named by file, row, column."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from audit_tools.errors import BadInput
from audit_tools.importers import (
    CASES,
    EVENTS,
    USERS,
    check_audits,
    check_cases,
    check_events,
    check_users,
    read_lines,
    read_table,
)
from audit_tools.models import Case, CaseType, Event, EventKind, Role, User
from audit_tools.standards import load_catalogue
from audit_tools.vocabulary import DEFAULT_THEMES


def write_csv(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def write_xlsx(path, rows):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def refusal(call) -> list[str]:
    with pytest.raises(BadInput) as caught:
        call()
    return caught.value.lines


# --- files ---


def test_users_from_csv_with_bom_and_mixed_case_header(tmp_path):
    f = tmp_path / "users.csv"
    f.write_bytes("\ufeffUsername,Display_Name,roles,team\namy.t,Amy T,Auditor; moderator,north\n"
                  "ben.k,Ben K,,\n".encode("utf-8"))
    users = check_users(read_table(f, USERS))
    assert users == [
        User(username="amy.t", display_name="Amy T", roles=[Role.auditor, Role.moderator], team="north"),
        User(username="ben.k", display_name="Ben K", roles=[], team=None),
    ]


def test_cases_from_xlsx_accepts_date_cells(tmp_path):
    f = write_xlsx(tmp_path / "cases.xlsx", [
        ["case_ref", "case_type", "start_date", "team", "worker", "line_manager", "closed_date"],
        ["C-1", "CP", datetime(2024, 1, 2), "north", "ben", "cat", None],
        ["C-2", "CLA", "2024-03-04", "south", None, None, date(2024, 6, 1)],
        [None, None, None, None, None, None, None],  # trailing blank row, as spreadsheets leave
    ])
    cases = check_cases(read_table(f, CASES), known_users={"ben", "cat"})
    assert [c.case_ref for c in cases] == ["C-1", "C-2"]
    assert cases[0].start_date == date(2024, 1, 2)
    assert cases[1].closed_date == date(2024, 6, 1)


def test_xlsx_rows_are_numbered_as_the_spreadsheet_shows(tmp_path):
    f = write_xlsx(tmp_path / "events.xlsx", [
        ["case_ref", "kind", "date"],
        ["C-1", "visit", "2024-01-02"],
        ["C-1", "walk", "2024-01-03"],
        ["C-1", "visit", datetime(2024, 1, 4, 15, 30)],
    ])
    lines = refusal(lambda: check_events(read_table(f, EVENTS), {"C-1"}))
    assert lines[0].startswith(f"{f}:3: kind: 'walk' is not allowed")
    assert lines[1] == f"{f}:4: date: expected a date without a time, got 2024-01-04 15:30:00"


@pytest.mark.parametrize("text,needle", [
    ("", "the file is empty"),
    ("\n\n", "the file is empty"),
    ("amy,Amy,auditor,north\n", ":1: no header row"),
    ("username,display_name,roles,team\n", "has a header row but no users"),
    ("username,display_name,roles\namy,Amy,auditor\n", ":1: missing column team"),
    ("username,display_name,roles,team,shoe\n", ":1: unknown column shoe"),
    ("username,display_name,roles,team,team\n", ":1: column team appears more than once"),
    ("username,display_name,roles,team\namy,Amy,auditor,north,extra\n", ":2: column 5: extra is beyond the last named column (team)"),
])
def test_bad_csv_files_get_one_sentence(tmp_path, text, needle):
    f = write_csv(tmp_path / "users.csv", text)
    lines = refusal(lambda: read_table(f, USERS))
    assert any(needle in line for line in lines), lines
    assert all(line.startswith(str(f)) for line in lines)


def test_missing_file_folder_and_wrong_kinds(tmp_path):
    assert refusal(lambda: read_table(tmp_path / "nope.csv", USERS)) == [f"{tmp_path / 'nope.csv'}: no such file"]
    assert "is a folder" in refusal(lambda: read_table(tmp_path, USERS))[0]
    pdf = tmp_path / "users.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    assert "not a CSV or XLSX file" in refusal(lambda: read_table(pdf, USERS))[0]
    fake = tmp_path / "users.xlsx"
    fake.write_text("username,display_name\n")
    assert "is not an XLSX workbook" in refusal(lambda: read_table(fake, USERS))[0]
    binary = tmp_path / "users.csv"
    binary.write_bytes(b"PK\x03\x04\x00\x00binary")
    assert "is not a CSV file" in refusal(lambda: read_table(binary, USERS))[0]
    latin = tmp_path / "latin.csv"
    latin.write_bytes("username,display_name,roles,team\nzo\xe9,Zoe,,\n".encode("latin-1"))
    assert "is not UTF-8 text" in refusal(lambda: read_table(latin, USERS))[0]


def test_duplicates_and_unknown_references_are_refused(tmp_path):
    f = write_csv(tmp_path / "cases.csv",
                  "case_ref,case_type,start_date,team,worker,line_manager,closed_date\n"
                  "C-1,CP,2024-01-02,north,ben,cat,\n"
                  "C-1,CIN,2024-01-02,north,ben,zed,2023-01-01\n")
    lines = refusal(lambda: check_cases(read_table(f, CASES), known_users={"ben", "cat"}))
    assert lines == [
        f"{f}:3: case_ref: 'C-1' is also on row 2; each may appear only once",
        f"{f}:3: line_manager: 'zed' is not a known username; import them with `caseaudit import users` first",
        f"{f}:3: closed_date: 2023-01-01 is before the start date 2024-01-02",
    ]


def test_events_booleans_any_case_and_refusals(tmp_path):
    f = write_csv(tmp_path / "events.csv",
                  "case_ref,kind,date,child_seen,seen_alone,reason_not_alone,note\n"
                  "C-1,visit,2024-01-02,YES,n,asleep,\n"
                  "C-1,visit,2024-01-09,1,TRUE,,\n"
                  "C-1,supervision,2024-01-10,,,,\n")
    events = check_events(read_table(f, EVENTS), {"C-1"})
    assert events[0] == ("C-1", Event(kind=EventKind.visit, date=date(2024, 1, 2), child_seen=True,
                                      seen_alone=False, reason_not_alone="asleep"))
    assert events[1][1].seen_alone is True
    assert events[2][1].seen_alone is None and events[2][1].child_seen is True

    bad = write_csv(tmp_path / "bad.csv",
                    "case_ref,kind,date,child_seen,seen_alone\n"
                    "C-1,visit,2024-01-02,perhaps,\n"
                    "C-9,visit,2024-01-03,,\n"
                    "C-1,visit,2024-01-04,,\n"
                    "C-1,visit,2024-01-04,,\n"
                    "C-1,supervision,2024-01-05,,yes\n")
    lines = refusal(lambda: check_events(read_table(bad, EVENTS), {"C-1"}))
    assert lines == [
        f"{bad}:2: child_seen: expected true/false, yes/no, y/n or 1/0, got 'perhaps'",
        f"{bad}:3: case_ref: 'C-9' is not a known case; import it with `caseaudit import cases` first",
        f"{bad}:5: date: visit on 2024-01-04 for C-1 is also on row 4; "
        "caseaudit keeps one event of a kind a day per case: keep one of the rows",
        f"{bad}:6: seen_alone: only visits record whether the child was seen alone",
    ]


# --- properties ---

usernames = st.from_regex(r"[a-z]{2,8}\.[a-z]", fullmatch=True)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(usernames, st.sampled_from(list(CaseType)), days),
                     min_size=1, max_size=15, unique_by=lambda r: r[0]),
       as_xlsx=st.booleans())
def test_any_valid_cases_round_trip(tmp_path, rows, as_xlsx):
    header = ["case_ref", "case_type", "start_date", "team", "worker", "line_manager"]
    data = [[f"C-{ref}", t.value, d.isoformat(), "north", "ben", "cat"] for ref, t, d in rows]
    if as_xlsx:
        f = write_xlsx(tmp_path / "cases.xlsx", [header, *data])
    else:
        f = write_csv(tmp_path / "cases.csv", "\n".join(",".join(r) for r in [header, *data]) + "\n")
    cases = check_cases(read_table(f, CASES), known_users={"ben", "cat"})
    assert [(c.case_ref, c.case_type, c.start_date) for c in cases] == [
        (f"C-{ref}", t, d) for ref, t, d in rows
    ]


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(min_value=1, max_value=20), data=st.data(),
       bad=st.sampled_from(["2024-13-01", "01/13/2024", "2/1/24", "tomorrow", "2024-02-30", "20240102"]))
def test_any_corrupted_date_is_reported_with_its_row(tmp_path, n, data, bad):
    target = data.draw(st.integers(min_value=0, max_value=n - 1))
    lines = ["case_ref,kind,date"]
    for i in range(n):
        lines.append(f"C-1,supervision,{bad if i == target else date(2024, 1, 1 + i).isoformat()}")
    f = write_csv(tmp_path / "events.csv", "\n".join(lines) + "\n")
    out = refusal(lambda: check_events(read_table(f, EVENTS), {"C-1"}))
    assert len(out) == 1
    assert out[0].startswith(f"{f}:{target + 2}: date: ")
    assert bad in out[0]


# --- audit lines ---

CATALOGUE = load_catalogue()
CASE = Case(case_ref="C-1001", case_type=CaseType.EH, start_date=date(2024, 1, 2),
            worker="ben", line_manager="cat")
PEOPLE = {u: User(username=u, display_name=u.title(), roles=[Role.auditor, Role.moderator])
          for u in ["amy", "ben", "cat", "dan"]}
PEOPLE["eve"] = User(username="eve", display_name="Eve", roles=[])


def audit_line(**changes) -> dict:
    line = {
        "audit_id": "A-1", "case_ref": "C-1001", "auditor": "amy", "as_of": "2024-05-01",
        "submitted_on": "2024-05-02", "grade": "requires_improvement",
        "scores": {"return-interview": "not_applicable", "voice-of-child": "partly_met",
                   "management-oversight": "met"},
        "notes": {"voice-of-child": "wishes not recorded"},
        "themes": {"strengths": [], "improvements": ["voice-of-child"]},
        "actions": [{"description": "Record the child's wishes", "owner": "ben", "due": "2024-06-01",
                     "completed_on": None, "standard": "voice-of-child"}],
    }
    line.update(changes)
    return line


def check(tmp_path, *lines, known=()):
    f = tmp_path / "audits.jsonl"
    f.write_text("\n".join(json.dumps(x) if not isinstance(x, str) else x for x in lines) + "\n")
    name, parsed = read_lines(f)
    return check_audits(name, parsed, cases={"C-1001": CASE}.get, users=PEOPLE, catalogue=CATALOGUE,
                        themes_vocabulary=DEFAULT_THEMES, known_audit_ids=known)


def test_a_good_audit_line_becomes_an_audit_with_automatic_statuses(tmp_path):
    [audit] = check(tmp_path, audit_line())
    assert audit.audit_id == "A-1" and audit.submitted_on == date(2024, 5, 2)
    assert audit.automatic["return-interview"].value == "not_applicable"
    assert audit.automatic["voice-of-child"] is None
    assert audit.catalogue_version == CATALOGUE.version


def test_every_bad_audit_line_is_reported(tmp_path):
    mod = {"moderator": "cat", "moderated_on": "2024-05-01", "grade": "good", "outcome": "grade_changed"}
    with pytest.raises(BadInput) as caught:
        check(tmp_path, audit_line(), audit_line(), audit_line(audit_id="A-2", auditor="ben", moderation=mod),
              audit_line(audit_id="A-3", as_of="5/13/2024", colour="red"), "not json", known={"A-1"})
    lines = caught.value.lines
    f = tmp_path / "audits.jsonl"
    assert lines[0] == f"{f}:5: not valid JSON (Expecting value at column 1)"
    # read_lines stops at unparsable lines before any rule is checked
    assert len(lines) == 1

    with pytest.raises(BadInput) as caught:
        check(tmp_path, audit_line(), audit_line(), audit_line(audit_id="A-2", auditor="ben", moderation=mod),
              audit_line(audit_id="A-3", as_of="5/13/2024", colour="red"), known={"A-1"})
    lines = caught.value.lines
    assert f"{f}:1: audit_id: 'A-1' is already in the database; a submitted audit cannot be imported again" in lines
    assert f"{f}:2: audit_id: 'A-1' is also on line 1; each audit may appear only once" in lines
    assert f"{f}:3: auditor: ben is the allocated worker and may not audit this case; ask another manager to audit it" in lines
    # the reconciliation screen's own rules and words, naming the line's fields
    assert f"{f}:3: moderation.final_grade: a changed grade needs the final grade" in lines
    assert f"{f}:3: moderation.reason: say why the grade changed" in lines
    assert f"{f}:3: moderation.moderated_on: 2024-05-01 is before the audit was submitted (2024-05-02)" in lines
    assert any(line.startswith(f"{f}:3: moderation.moderator: cat") and "line manager" in line for line in lines)
    assert f"{f}:4: as_of: '5/13/2024' is not a date (that looks month first, as in the US; write the day " \
        "first): write it as 31/10/2025, 31 Oct 2025 or 2025-10-31" in lines
    assert f"{f}:4: colour: unknown field; remove it" in lines


def test_audit_line_rules_for_people_and_cases(tmp_path):
    with pytest.raises(BadInput) as caught:
        check(tmp_path, audit_line(auditor="eve"), audit_line(audit_id="A-2", auditor="nobody"),
              audit_line(audit_id="A-3", case_ref="C-404"),
              audit_line(audit_id="A-4", scores={"voice-of-child": "met"}, notes={}, actions=[],
                         grade="good", themes={"strengths": ["sparkle"]}))
    lines = caught.value.lines
    f = tmp_path / "audits.jsonl"
    assert f"{f}:1: auditor: eve does not have the auditor role" in lines
    assert f"{f}:2: auditor: 'nobody' is not a known username" in lines
    assert f"{f}:3: case_ref: 'C-404' is not a known case; import it with `caseaudit import cases` first" in lines
    assert f"{f}:4: scores.return-interview: no status; choose met, partly met, not met or not applicable" in lines
    assert any(line.startswith(f"{f}:4: themes.strengths: 'sparkle'") for line in lines)


def test_jsonl_file_problems(tmp_path):
    empty = tmp_path / "a.jsonl"
    empty.write_text("\n\n")
    assert "the file is empty" in refusal(lambda: read_lines(empty))[0]
    csvish = tmp_path / "b.jsonl"
    csvish.write_text("audit_id,case_ref\nA-1,C-1\n")
    assert refusal(lambda: read_lines(csvish)) == [
        f"{csvish}: is not a JSON Lines file (line 1 is not JSON); write one audit a line, as JSON"
    ]
    wrong = tmp_path / "audits.csv"
    wrong.write_text("{}\n")
    assert "not a JSON Lines file" in refusal(lambda: read_lines(wrong))[0]


def test_notes_and_reasons_only_for_scored_standards(tmp_path):
    with pytest.raises(BadInput) as caught:
        check(tmp_path, audit_line(notes={"voice-of-child": "x", "chronology": "old"},
                                   override_reasons={"cp-visits": "why"}))
    f = tmp_path / "audits.jsonl"
    assert caught.value.lines == [
        f"{f}:1: notes.chronology: there is no score for this standard; score it or remove the text",
        f"{f}:1: override_reasons.cp-visits: there is no score for this standard; score it or remove the text",
    ]


def test_unreadable_file_gets_a_sentence(tmp_path, monkeypatch):
    f = write_csv(tmp_path / "users.csv", "username,display_name,roles,team\n")

    def denied(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(type(f), "open", denied)
    assert refusal(lambda: read_table(f, USERS)) == [f"{f}: cannot be read (Permission denied)"]
