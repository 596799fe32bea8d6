"""Spreadsheets as councils really send them: each refusal names file, row and column, writes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import Workbook

from tests.cli.test_import import CASES, USERS, counts, db, load_basics, run, write  # noqa: F401

CASE_HEADER = ["case_ref", "case_type", "start_date", "team", "worker", "line_manager"]
NEW_CASE = ["C-2001", "CP", date(2024, 3, 4), "north", "ben.k", "cat.b"]


def refused(db, capsys, what, path) -> str:
    before = counts(db)
    code, out, err = run(db, what, path, capsys)
    assert (code, out) == (2, ""), err
    assert "Traceback" not in err
    assert counts(db) == before
    return err


def workbook(path, *sheets):
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_semicolon_separated_csv_says_so(db, tmp_path, capsys):
    path = write(tmp_path, "users.csv", USERS.replace(",", ";"))
    err = refused(db, capsys, "users", path)
    assert err == (f"caseaudit: {path}:1: no header row; the first row must name the columns username, "
                   "display_name, roles, team, manages; the columns are separated by semicolons: save the file as "
                   "comma-separated CSV\n")


def test_a_stray_cell_beyond_the_header_names_row_and_column(db, tmp_path, capsys):
    path = write(tmp_path, "users.csv", "username,display_name,roles,team\nnew.u,New User,auditor,north,oops\n")
    err = refused(db, capsys, "users", path)
    assert err == (f"caseaudit: {path}:2: column 5: oops is beyond the last named column (team); the header "
                   "names 4 columns: remove the stray cell or name its column\n")


def test_a_formula_saved_without_its_result_is_named_not_called_empty(db, tmp_path, capsys):
    load_basics(db, tmp_path, capsys)
    path = workbook(tmp_path / "cases.xlsx", ("cases", [CASE_HEADER, NEW_CASE[:2] + ["=DATE(2024,3,4)"] + NEW_CASE[3:]]))
    err = refused(db, capsys, "cases", path)
    assert err == (f"caseaudit: {path}:2: start_date: the cell holds the formula =DATE(2024,3,4) but no saved "
                   "result; open the workbook in a spreadsheet program and save it, or type the value\n")


def test_an_empty_first_sheet_is_not_an_empty_file(db, tmp_path, capsys):
    load_basics(db, tmp_path, capsys)
    path = workbook(tmp_path / "cases.xlsx", ("Notes", []), ("cases", [CASE_HEADER, NEW_CASE]))
    err = refused(db, capsys, "cases", path)
    assert err.startswith(f"caseaudit: {path}: the first sheet 'Notes' is empty;")
    assert "this workbook also has 'cases': move the sheet to import to the front" in err


def test_a_first_sheet_without_the_header_names_the_sheet(db, tmp_path, capsys):
    load_basics(db, tmp_path, capsys)
    path = workbook(tmp_path / "cases.xlsx", ("Read me", [["exported 1 March"]]), ("cases", [CASE_HEADER, NEW_CASE]))
    err = refused(db, capsys, "cases", path)
    assert err.startswith(f"caseaudit: {path}:1: no header row;")
    assert "caseaudit reads only the first sheet, 'Read me'" in err


def test_blank_cells_after_the_last_heading_are_not_a_nameless_column(db, tmp_path, capsys):
    load_basics(db, tmp_path, capsys)
    book = Workbook()
    sheet = book.active
    for column, value in enumerate(CASE_HEADER, start=1):
        sheet.cell(row=3, column=column, value=value)
    for column, value in enumerate(NEW_CASE, start=1):
        sheet.cell(row=4, column=column, value=value)
    sheet.cell(row=6, column=8).value = None  # formatting reaches past the last heading
    sheet.cell(row=6, column=8).number_format = "0.00"
    book.save(tmp_path / "cases.xlsx")
    code, out, err = run(db, "cases", tmp_path / "cases.xlsx", capsys)
    assert (code, err) == (0, "")
    assert out.startswith("imported 1 case")


def test_a_shifted_row_is_reported_on_its_own_row(db, tmp_path, capsys):
    load_basics(db, tmp_path, capsys)
    book = Workbook()
    sheet = book.active
    for column, value in enumerate(CASE_HEADER, start=1):
        sheet.cell(row=1, column=column, value=value)
    for column, value in enumerate(NEW_CASE, start=2):  # pasted one column to the right
        sheet.cell(row=2, column=column, value=value)
    book.save(tmp_path / "cases.xlsx")
    err = refused(db, capsys, "cases", tmp_path / "cases.xlsx")
    assert err.startswith(f"caseaudit: {tmp_path / 'cases.xlsx'}:2: column 7: cat.b is beyond the last named column")


def test_a_users_file_that_leaves_no_admin_is_refused(db, tmp_path, capsys):
    from db.identity import current_username

    me = current_username()
    path = write(tmp_path, "users.csv", f"username,display_name,roles,team\nann.x,Ann,auditor,north\n{me},Me,auditor,north\n")
    err = refused(db, capsys, "users", path)
    assert err == (f"caseaudit: {path}:3: roles: {me} is an admin and this file leaves caseaudit with no admin; "
                   "keep admin in their roles or make someone else admin in the same file\n")
    # handing over in one file is fine
    path = write(tmp_path, "users.csv", f"username,display_name,roles,team\nann.x,Ann,admin,north\n{me},Me,auditor,north\n")
    code, out, err = run(db, "users", path, capsys)
    assert (code, err) == (0, "")


def test_the_store_itself_keeps_one_admin(db):
    from audit_tools.errors import Refused
    from audit_tools.models import User
    from db.identity import current_username
    from db import open_store

    store = open_store(db, current_username())
    try:
        before = store.row_counts()
        with pytest.raises(Refused, match="no admin"):
            store.people.upsert([User(username=current_username(), display_name="Me", roles=[])])
        assert store.row_counts() == before
        assert store.user.roles[-1].value == "admin"
    finally:
        store.close()


def test_an_unclosed_quote_is_refused_not_swallowed(db, tmp_path, capsys):
    path = write(tmp_path, "users.csv", 'username,display_name,roles,team\nnew.u,"New User,auditor,north\nold.u,Old,auditor,north\n')
    err = refused(db, capsys, "users", path)
    assert err == f'caseaudit: {path}:2: a quote (") opened on this row is never closed; close it or remove it\n'


def test_rows_are_numbered_as_a_spreadsheet_shows_them(db, tmp_path, capsys):
    load_basics(db, tmp_path, capsys)
    path = write(tmp_path, "events.csv", 'case_ref,kind,date,note\nC-1001,visit,2024-03-01,"first line\nsecond line"\n'
                 "C-1001,walk,2024-03-02,\n")
    err = refused(db, capsys, "events", path)
    assert err.startswith(f"caseaudit: {path}:3: kind: 'walk' is not allowed")


def test_a_utf16_export_is_named_as_such(db, tmp_path, capsys):
    path = tmp_path / "users.csv"
    path.write_text(USERS, encoding="utf-16")
    err = refused(db, capsys, "users", path)
    assert err == f'caseaudit: {path}: is saved as UTF-16 ("Unicode") text; save it as CSV UTF-8\n'
