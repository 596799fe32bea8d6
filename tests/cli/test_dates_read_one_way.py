"""One reader for every date or month a person or a file gives (finding 10 of issue 26): ISO or
day first as people in England write it (07/12/2025, 7 Dec 2025, Oct 2025), never month first
(12/31/2025 is refused with the sentence the audit form gives); everything written stays ISO."""

from __future__ import annotations

import json
from datetime import date, datetime

from audit_tools.calendar import parse_day
from caseaudit.cli import main
from db import open_store
from tests.cli.test_import import ME, USERS, db, run, write  # noqa: F401  (db: fixture)
from tests.domain.test_annex_a import L7, person, workbook

CASES = ("case_ref,case_type,start_date,team,worker,line_manager,closed_date\n"
         "C-1,CP,07/12/2024,north,ben.k,cat.b,\n"
         "C-2,CIN,7 Dec 2024,north,ben.k,cat.b,31 Jan 2025\n")


def form_words(text: str) -> str:
    try:
        parse_day(text)
    except ValueError as err:
        return str(err)
    raise AssertionError(f"{text} was read")


def test_a_cases_file_reads_day_first_dates_and_stores_them_iso(db, tmp_path, capsys):
    assert run(db, "users", write(tmp_path, "users.csv", USERS), capsys)[0] == 0
    code, _, err = run(db, "cases", write(tmp_path, "cases.csv", CASES), capsys)
    assert (code, err) == (0, "")
    stored = dict(open_store(db, ME).db.execute("SELECT case_ref, start_date FROM cases").fetchall())
    assert stored == {"C-1": "2024-12-07", "C-2": "2024-12-07"}
    month_first = CASES.replace("07/12/2024", "12/31/2024")
    code, _, err = run(db, "cases", write(tmp_path, "us.csv", month_first), capsys)
    assert code == 2
    assert f"us.csv:2: start_date: {form_words('12/31/2024')}" in err


def test_check_as_of_takes_a_day_first_date_and_refuses_month_first(db, tmp_path, capsys):
    assert run(db, "users", write(tmp_path, "users.csv", USERS), capsys)[0] == 0
    assert run(db, "cases", write(tmp_path, "cases.csv", CASES), capsys)[0] == 0
    assert main(["--db", str(db), "check", "C-1", "--as-of", "29/01/2025", "--json"]) == 0
    british = json.loads(capsys.readouterr().out)
    assert main(["--db", str(db), "check", "C-1", "--as-of", "2025-01-29", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == british and british["as_of"] == "2025-01-29"
    assert main(["--db", str(db), "check", "C-1", "--as-of", "29 Jan 2025"]) == 0
    assert "2025-01-29" in capsys.readouterr().out
    try:
        main(["--db", str(db), "check", "C-1", "--as-of", "12/31/2025"])
    except SystemExit as exit_:
        assert exit_.code == 2
    assert form_words("12/31/2025") in capsys.readouterr().err


def test_the_allocation_month_reads_oct_2025(db, tmp_path, capsys):
    assert run(db, "users", write(tmp_path, "users.csv", USERS), capsys)[0] == 0
    assert run(db, "cases", write(tmp_path, "cases.csv", CASES), capsys)[0] == 0
    code = main(["--db", str(db), "allocate", "--month", "Oct 2025", "--per-auditor", "1", "--seed", "s",
                 "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)["month"] == "2025-10"


def test_an_annex_a_text_date_is_read_as_the_form_reads_it(db, tmp_path, capsys):
    users = write(tmp_path, "users.csv", f"username,display_name,roles,team,manages\n{ME},Me,admin,north,\n"
                  "wes,Wes Worker,,north,\n")
    assert run(db, "users", users, capsys)[0] == 0
    path = workbook(tmp_path / "a.xlsx", {"CP": (L7, [
        [31, *person(1), "7 Dec 2024", datetime(2024, 12, 10), "b) No", None, None, "north", "Wes Worker"],
        [32, *person(2), "12/31/2024", datetime(2025, 1, 2), "b) No", None, None, "north", "Wes Worker"]])})
    code = main(["--db", str(db), "import", "annex-a", str(path), "--skip-invalid", str(tmp_path / "r.csv")])
    capsys.readouterr()
    assert code == 0
    store = open_store(db, ME)
    assert store.cases.get("31").start_date == date(2024, 12, 7)
    assert store.cases.get("32") is None
    assert form_words("12/31/2024") in (tmp_path / "r.csv").read_text()
