"""Reading and checking Annex A workbooks: the public sample as it is, and generated ones."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from audit_tools.annex_a import (
    StoredCase, header_key, plan_import, read_workbook, write_rejects,
)
from audit_tools.errors import BadInput
from audit_tools.models import Case, CaseType, EventKind, User

# The public sample and the 2023 schema, kept beside the tests with their licence and
# source (tests/data/annex_a/SOURCE.md): the tests read nothing outside the repository.
DATA = Path(__file__).resolve().parents[1] / "data" / "annex_a"
SAMPLE = DATA / "Annex_A.xlsx"
SCHEMA = DATA / "Annex_A_schema.yml"

PERSONAL = ["Gender", "Ethnicity", "Date of Birth", "Age"]
L5 = ["Child Unique ID", *PERSONAL, "Strategy discussion initiating Section 47 Enquiry Start Date",
      "Date of Initial Child Protection Conference", "Allocated Team", "Allocated Worker"]
L6 = ["Child Unique ID", *PERSONAL, "CIN Start Date", "Date Child Was Last Seen", "CIN Closure Date",
      "Allocated Team", "Allocated Worker"]
L7 = ["Child Unique ID", *PERSONAL, "Child Protection Plan Start Date", "Date of the Last Statutory Visit",
      "Was the Child Seen Alone?", "Date of latest review conference", "Child Protection Plan End Date",
      "Allocated Team", "Allocated Worker"]
L8 = ["Child Unique ID", *PERSONAL, "Date Started to be Looked After", "Date of Latest Statutory Review",
      "Date of Last Social Work Visit", "Date Ceased to be Looked After", "Placement postcode",
      "Allocated Team", "Allocated Worker"]
L9_2023 = ["Child Unique ID", *PERSONAL, "Allocated Team", "Allocated Worker", "Eligibility Category",
           "Latest Pathway Plan Review Date", "Latest Date of Contact"]
L9_OLD = ["Child Unique ID", *PERSONAL, "Allocated Team", "Allocated Worker", "Eligibility Category"]


def schema_headers() -> dict[str, list[str]]:
    """Each list's column headers as the schema names them (its keys at the second level)."""
    lists: dict[str, list[str]] = {}
    current: list[str] = []
    for line in SCHEMA.read_text(encoding="utf-8").splitlines():
        if found := re.match(r"^ {4}(List \d+):\s*$", line):
            current = lists.setdefault(found[1], [])
        elif found := re.match(r"^ {8}(\S[^:]*):(\s.*)?$", line):
            current.append(found[1])
    return lists


def test_generated_workbooks_use_the_2023_schema_headers():
    schema = schema_headers()
    for name, header in (("List 5", L5), ("List 6", L6), ("List 7", L7), ("List 8", L8),
                         ("List 9", L9_2023)):
        missing = [h for h in header if h != "Age" and h not in schema[name]]
        assert missing == [], (name, missing)
    # The 2023 List 9 adds columns the public sample's List 9 lacks.
    assert set(L9_2023) - set(L9_OLD) <= set(schema["List 9"])


def person(i: int) -> list:
    return ["b) Female", "a) WBRI", datetime(2012, 3, i % 28 + 1), 11]


def workbook(path: Path, sheets: dict[str, tuple[list[str], list[list]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, (header, rows) in sheets.items():
        sheet = book.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def sample_values() -> dict[str, list[tuple]]:
    """The sample read directly with openpyxl, independently of the importer."""
    book = load_workbook(SAMPLE, read_only=True, data_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}
    finally:
        book.close()


# --- the public sample ----------------------------------------------------------------------


def test_sample_is_refused_naming_every_error_cell():
    values = sample_values()
    header = values["List 6"][0]
    expected = []
    for number, row in enumerate(values["List 6"][1:], start=2):
        for col, value in enumerate(row):
            if value == "#N/A":
                letter = "ABCDEFGHIJKLMNOP"[col]
                expected.append(f"{SAMPLE}:List 6!{letter}{number}: {header[col]}: #N/A is an error cell")
    assert len(expected) == 10
    read = read_workbook(SAMPLE)
    with pytest.raises(BadInput) as err:
        plan_import(read, {}, [], {})
    assert len(err.value.lines) == len(expected)
    for line, want in zip(err.value.lines, expected):
        assert line.startswith(want)


def test_sample_sheets_recognised_and_personal_columns_ignored():
    read = read_workbook(SAMPLE)
    assert sorted(read.sheets) == [3, 4, 5, 6, 7, 8, 9]
    assert read.skipped_sheets == ["List 1", "List 2", "List 10", "List 11"]
    values = sample_values()
    for number, sheet in read.sheets.items():
        rows = [r for r in values[f"List {number}"][1:] if any(v is not None for v in r)]
        assert sheet.rows == len(rows)
        assert "Date of Birth" in sheet.ignored and "Gender" in sheet.ignored
        assert len(sheet.ignored) == len(set(sheet.ignored))
    assert "Placement postcode" in read.sheets[8].ignored
    assert "URN of Placement" in read.sheets[8].ignored
    # the older List 9 layout: no date columns
    assert read.sheets[9].missing == ["Latest Pathway Plan Review Date", "Latest Date of Contact"]


def test_sample_with_skip_invalid_counts_match_the_workbook():
    values = sample_values()
    read = read_workbook(SAMPLE)
    plan = plan_import(read, {}, [], {}, skip_invalid=True)
    l7 = values["List 7"]
    l8 = values["List 8"]
    cp = {str(r[0]) for r in l7[1:]}
    cla = {str(r[0]) for r in l8[1:]}
    assert plan.lists[7].cases_created == len(cp - cla)
    assert plan.lists[8].cases_created == len(cla)
    assert plan.lists[6].refused == len(values["List 6"]) - 1
    assert {c.case_ref for c in plan.created} == cp | cla
    h7, h8 = l7[0], l8[0]
    cp_events = sum(1 for r in l7[1:] for h in ("Date of the Last Statutory Visit", "Date of latest review conference")
                    if r[h7.index(h)] is not None)
    cla_events = sum(1 for r in l8[1:] for h in ("Date of Latest Statutory Review", "Date of Last Social Work Visit")
                     if r[h8.index(h)] is not None)
    assert plan.lists[7].events_added == cp_events
    assert plan.lists[8].events_added == cla_events
    early = {str(r[0]) for n in (3, 4, 5) for r in values[f"List {n}"][1:]}
    leavers = {str(r[0]) for r in values["List 9"][1:]}
    assert plan.children_without_case == len((early - cp - cla) | leavers)
    # numbers become digits, never "1761444.0"
    assert all(c.case_ref.isdigit() for c in plan.created)
    # seen alone answers come through
    visits = {ref: e for ref, e in plan.events if e.kind is EventKind.visit and ref in cp}
    assert visits["10721552"].seen_alone is True
    assert visits["16036763"].seen_alone is False


# --- header variants and layouts --------------------------------------------------------------


@pytest.mark.parametrize("variant", [
    lambda h: h.upper(),
    lambda h: h.lower(),
    lambda h: f"  {h}\u00a0",
    lambda h: h.replace(" ", "\u00a0"),
    lambda h: h.replace(" ", "  "),
    lambda h: h.replace("'", "\u2019"),
])
def test_header_variants_are_recognised(tmp_path, variant):
    header = [variant(h) for h in L7]
    path = workbook(tmp_path / "a.xlsx", {"Sheet whatever": (header, [
        [123, *person(1), datetime(2024, 1, 2), datetime(2024, 1, 10), "a) Yes", None, None, "North", "Wes"]])})
    read = read_workbook(path)
    assert list(read.sheets) == [7]
    plan = plan_import(read, {}, [], {})
    assert plan.created[0].case_type is CaseType.CP
    assert plan.created[0].start_date == date(2024, 1, 2)
    assert plan.events == [("123", plan.events[0][1])]
    assert plan.events[0][1].seen_alone is True


def test_header_key_ignores_case_spaces_and_curly_quotes():
    assert header_key("\u00a0Number of Episodes the Child has been \u2018Missing\u2019  ") == \
        header_key("number of episodes the child has been 'missing'")


def test_both_list_9_layouts(tmp_path):
    stored = {"9": StoredCase(Case(case_ref="9", case_type=CaseType.CLA, start_date=date(2015, 1, 1),
                                   closed_date=date(2023, 6, 1)))}
    new = workbook(tmp_path / "new.xlsx", {"Care leavers": (L9_2023, [
        [9, *person(1), "Leaving Care", "Jo Bloggs", "b) Former relevant child", "03/02/2024", datetime(2024, 2, 20)]])})
    plan = plan_import(read_workbook(new), stored, [], {})
    case, changes = plan.updated[0]
    assert case.case_type is CaseType.CL and case.start_date == date(2015, 1, 1)
    assert changes["case_type"] == ["CLA", "CL"]
    assert sorted((e.kind, e.date) for _, e in plan.events) == [
        (EventKind.plan_review, date(2024, 2, 3)), (EventKind.visit, date(2024, 2, 20))]
    old = workbook(tmp_path / "old.xlsx", {"L9": (L9_OLD, [[9, *person(1), "Leaving Care", "Jo", "b) x"]])})
    read = read_workbook(old)
    assert list(read.sheets) == [9]
    plan = plan_import(read, stored, [], {})
    assert plan.events == [] and plan.updated[0][0].case_type is CaseType.CL


def test_a_child_on_several_lists_is_one_case_of_the_highest_type(tmp_path):
    path = workbook(tmp_path / "a.xlsx", {
        "CIN": (L6, [[77, *person(1), datetime(2023, 1, 1), datetime(2024, 1, 5), None, "CIN Team", "Ann"]]),
        "CP": (L7, [[77.0, *person(1), datetime(2023, 6, 1), datetime(2024, 1, 10), "b) No",
                     datetime(2023, 12, 1), None, "CP Team", "Bob"]]),
        "S47": (L5, [[77, *person(1), datetime(2023, 5, 1), datetime(2023, 5, 20), "Duty", "Cy"],
                     [88, *person(2), datetime(2023, 5, 1), None, "Duty", "Cy"]]),
    })
    users = [User(username="bob.b", display_name="Bob", team="CP Team", manages=None),
             User(username="max", display_name="Max Manager", team="CP Team", manages="CP Team")]
    plan = plan_import(read_workbook(path), {}, users, {"CP Team": ["max"]})
    assert len(plan.created) == 1
    case = plan.created[0]
    assert (case.case_ref, case.case_type, case.team, case.worker, case.line_manager) == \
        ("77", CaseType.CP, "CP Team", "bob.b", "max")
    kinds = sorted((e.kind.value, e.date.isoformat()) for _, e in plan.events)
    assert kinds == [("icpc", "2023-05-20"), ("review_conference", "2023-12-01"),
                     ("strategy_discussion", "2023-05-01"), ("visit", "2024-01-05"), ("visit", "2024-01-10")]
    assert plan.lists[6].events_added == 1 and plan.lists[5].events_added == 2
    assert plan.lists[7].cases_created == 1 and plan.lists[6].cases_created == 0
    assert plan.children_without_case == 1  # 88: List 5 only


def test_worker_matched_ignoring_case_and_spacing(tmp_path):
    path = workbook(tmp_path / "a.xlsx", {"x": (L6, [
        [1, *person(1), datetime(2023, 1, 1), None, None, "T", "ann\u00a0 LEE"],
        [2, *person(2), datetime(2023, 1, 1), None, None, "T", "  WES.W "],
        [3, *person(3), datetime(2023, 1, 1), None, None, "T", "Nobody\u00a0Known"]])})
    users = [User(username="ann.l", display_name="Ann Lee"), User(username="wes.w", display_name="Wes")]
    plan = plan_import(read_workbook(path), {}, users, {})
    workers = {c.case_ref: c.worker for c in plan.created}
    assert workers == {"1": "ann.l", "2": "wes.w", "3": "Nobody Known"}
    assert plan.unmatched_workers == ["Nobody Known"]


def test_bad_and_text_dates(tmp_path):
    path = workbook(tmp_path / "a.xlsx", {"x": (L6, [
        [1, *person(1), "09/06/2010", "21/01/2021", None, "T", "W"],
        [2, *person(2), "31/02/2020", None, None, "T", "W"],
        [3, *person(3), "yesterday", 44000, None, "T", "W"],
        [4, *person(4), None, None, None, "T", "W"],
        [5, *person(5), datetime(2020, 5, 1), None, datetime(2020, 4, 1), "T", "W"],
        [None, *person(6), datetime(2020, 5, 1), None, None, "T", "W"]])})
    read = read_workbook(path)
    with pytest.raises(BadInput) as err:
        plan_import(read, {}, [], {})
    lines = err.value.lines
    f = str(path)
    assert lines[0] == (f"{f}:x!F3: CIN Start Date: '31/02/2020' is not a date (February 2020 has no day 31): "
                        "write it as 31/10/2025, 31 Oct 2025 or 2025-10-31, or make it a date cell")
    assert lines[1].startswith(f"{f}:x!F4: CIN Start Date: 'yesterday' is not a date")
    assert lines[2].startswith(f"{f}:x!G4: Date Child Was Last Seen: 44000 is a number, not a date")
    assert lines[3].startswith(f"{f}:x!F5: CIN Start Date: empty")
    assert lines[4].startswith(f"{f}:x!H6: CIN Closure Date: 01/04/2020 is before the start date")
    assert lines[5].startswith(f"{f}:x!A7: Child Unique ID: empty")
    plan = plan_import(read, {}, [], {}, skip_invalid=True)
    assert [c.case_ref for c in plan.created] == ["1"]
    assert plan.created[0].start_date == date(2010, 6, 9)
    assert plan.events[0][1].date == date(2021, 1, 21)
    rejects = tmp_path / "rejects.csv"
    assert write_rejects(rejects, plan.refused, f) == 5
    text = rejects.read_text()
    assert text.splitlines()[0] == "sheet,row,list,child_unique_id,reasons"
    assert "x!F3: CIN Start Date: '31/02/2020' is not a date (February 2020 has no day 31)" in text
    assert "2012" not in text and "WBRI" not in text  # no personal column in the rejects


def test_reimport_skips_stored_events_and_says_what_changed(tmp_path):
    path = workbook(tmp_path / "a.xlsx", {"x": (L8, [
        [5, *person(1), datetime(2020, 1, 1), datetime(2024, 2, 1), datetime(2024, 3, 1), None, "AB1 2CD",
         "CiC 2", "Ann"]])})
    stored = {"5": StoredCase(Case(case_ref="5", case_type=CaseType.CLA, start_date=date(2020, 1, 1), team="CiC 1",
                                   worker="Ann", line_manager="old"),
                              {("cla_review", "2024-02-01")})}
    plan = plan_import(read_workbook(path), stored, [], {"CiC 2": ["newboss"]})
    assert plan.lists[8].events_already_stored == 1 and plan.lists[8].events_added == 1
    case, changes = plan.updated[0]
    assert changes == {"team": ["CiC 1", "CiC 2"], "line_manager": ["old", "newboss"]}
    assert plan.lists[8].cases_updated == 1 and plan.lists[8].cases_created == 0


def test_not_a_workbook_and_no_lists(tmp_path):
    text = tmp_path / "a.xlsx"
    text.write_text("Child Unique ID,CIN Start Date\n")
    with pytest.raises(BadInput, match="is not an XLSX workbook"):
        read_workbook(text)
    with pytest.raises(BadInput, match="no such file"):
        read_workbook(tmp_path / "missing.xlsx")
    empty = workbook(tmp_path / "b.xlsx", {"x": (["Name", "Address"], [["a", "b"]])})
    with pytest.raises(BadInput, match="no Annex A list found"):
        read_workbook(empty)
    twice = workbook(tmp_path / "c.xlsx", {"a": (L6, []), "b": (L6, [])})
    with pytest.raises(BadInput, match="both hold List 6"):
        read_workbook(twice)


def test_title_rows_above_the_header_and_ids_written_as_text(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Anything"
    sheet.append(["Annex A List 6: children in need"])
    sheet.append([])
    sheet.append(L6)
    sheet.append(["00123", *person(1), datetime(2023, 1, 1), None, None, "T", "W"])
    sheet.append(["4567.0", *person(2), datetime(2023, 1, 1), None, None, "T", "W"])
    sheet.append([None] * len(L6))
    path = tmp_path / "a.xlsx"
    book.save(path)
    read = read_workbook(path)
    assert read.sheets[6].header_row == 3 and read.sheets[6].rows == 2
    plan = plan_import(read, {}, [], {})
    assert [c.case_ref for c in plan.created] == ["00123", "4567"]
