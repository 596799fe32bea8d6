"""`caseaudit import annex-a` as a council runs it: the sample, rejects, JSON, privacy, check."""

from __future__ import annotations

import json
from datetime import date, datetime

from caseaudit.cli import main
from db.identity import current_username
from db import open_store
from tests.domain.test_annex_a import L5, L7, L8, SAMPLE, sample_values, workbook

ME = current_username()


def init(tmp_path, capsys):
    db = tmp_path / "c.db"
    assert main(["--db", str(db), "init"]) == 0
    users = tmp_path / "users.csv"
    users.write_text(f"username,display_name,roles,team,manages\n{ME},Me,admin,QA,\n"
                     "wes,Wes Worker,,North,\nmax,Max Manager,auditor,North,North\n")
    assert main(["--db", str(db), "import", "users", str(users)]) == 0
    capsys.readouterr()
    return db


def sample_teams() -> list[str]:
    """The teams the public sample's case lists name (none of them a user's team in init)."""
    values = sample_values()
    teams = set()
    for n in (3, 4, 5, 6, 7, 8, 9):
        header = values[f"List {n}"][0]
        if "Allocated Team" in header:
            col = header.index("Allocated Team")
            teams |= {r[col].strip() for r in values[f"List {n}"][1:]
                      if isinstance(r[col], str) and r[col].strip() and r[col] != "#N/A"}
    return sorted(teams)


def test_sample_refused_by_default_writes_nothing(tmp_path, capsys):
    db = init(tmp_path, capsys)
    store = open_store(db, ME)
    before = store.row_counts()
    # --new-teams: the sample's teams are new to this database; its bad cells still refuse it.
    assert main(["--db", str(db), "import", "annex-a", str(SAMPLE), "--new-teams"]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    errors = out.err.splitlines()
    assert len(errors) == 10
    assert all(line.startswith(f"caseaudit: {SAMPLE}:List 6!") and "#N/A is an error cell" in line
               for line in errors)
    assert "List 6!M2: Allocated Team" in errors[0] and "List 6!N6: Allocated Worker" in errors[-1]
    assert store.row_counts() == before


def test_sample_with_skip_invalid_json(tmp_path, capsys):
    db = init(tmp_path, capsys)
    rejects = tmp_path / "rejects.csv"
    code = main(["--db", str(db), "import", "annex-a", str(SAMPLE), "--skip-invalid", str(rejects), "--json",
                 "--new-teams"])
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {"file", "lists", "unmatched_workers", "ignored_columns", "children_without_case",
                        "teams_added"}
    assert doc["teams_added"] and set(doc["teams_added"]) <= set(sample_teams())
    assert open_store(db, ME).people.teams() == sorted({"North", "QA", *doc["teams_added"]})
    assert sorted(doc["lists"]) == ["3", "4", "5", "6", "7", "8", "9"]
    values = sample_values()
    for n, counts in doc["lists"].items():
        assert set(counts) == {"rows", "cases_created", "cases_updated", "events_added",
                               "events_already_stored", "refused"}
        assert counts["rows"] == len(values[f"List {n}"]) - 1
    assert doc["lists"]["6"]["refused"] == 5
    cases = {str(r[0]) for n in (7, 8) for r in values[f"List {n}"][1:]}
    assert doc["lists"]["7"]["cases_created"] + doc["lists"]["8"]["cases_created"] == len(cases)
    assert "Date of Birth" in doc["ignored_columns"]["8"] and "Placement postcode" in doc["ignored_columns"]["8"]
    assert len(rejects.read_text().splitlines()) == 6
    # again: nothing new, every event already stored
    assert main(["--db", str(db), "import", "annex-a", str(SAMPLE), "--skip-invalid", str(rejects), "--force",
                 "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["lists"]["7"]["events_added"] == 0
    assert again["lists"]["7"]["events_already_stored"] == doc["lists"]["7"]["events_added"]
    assert again["lists"]["7"]["cases_created"] == 0 and again["lists"]["7"]["cases_updated"] == 0


def test_database_holds_no_personal_data(tmp_path, capsys):
    db = init(tmp_path, capsys)
    names = ["Zebedee Quibblesworth", "Philomena Xanthopoulos"]
    postcodes = ["ZX9 9QQ", "QY7 7ZZ"]
    births = [datetime(2011, 7, 23), datetime(2013, 11, 29)]
    header = ["Child Unique ID", "Child Name", "Gender", "Date of Birth", *L8[5:]]
    rows = [[800 + i, names[i], "a) Male", births[i], datetime(2022, 1, 3), datetime(2024, 2, 1),
             datetime(2024, 3, 1), None, postcodes[i], "North", "Wes Worker"] for i in range(2)]
    path = workbook(tmp_path / "a.xlsx", {"CLA": (header, rows)})
    rejects = tmp_path / "r.csv"
    assert main(["--db", str(db), "import", "annex-a", str(path), "--skip-invalid", str(rejects)]) == 0
    out = capsys.readouterr().out
    assert "Child Name, Gender, Date of Birth, Placement postcode" in out
    store = open_store(db, ME)
    assert store.cases.get("800").worker == "wes"
    store.checkpoint()
    store.close()
    data = b"".join(p.read_bytes() for p in tmp_path.glob("c.db*"))
    assert b"2022-01-03" in data  # the case start date is there, so the search below can find dates
    for text in [*names, *postcodes, *(b.date().isoformat() for b in births), *(f"{b:%d/%m/%Y}" for b in births)]:
        assert text.encode() not in data and text.encode("utf-16-le") not in data


def test_check_shows_statutory_visits_and_review_conferences(tmp_path, capsys):
    db = init(tmp_path, capsys)
    path = workbook(tmp_path / "a.xlsx", {
        "CP": (L7, [[4242, "b) Female", "a) WBRI", datetime(2015, 1, 1), 9, datetime(2024, 1, 2),
                     datetime(2024, 1, 12), "a) Yes", datetime(2024, 3, 20), None, "North", "wes"]]),
        "S47": (L5, [[4242, "b) Female", "a) WBRI", datetime(2015, 1, 1), 9, datetime(2023, 12, 8),
                      datetime(2024, 1, 2), "Duty", "X"]]),
    })
    assert main(["--db", str(db), "import", "annex-a", str(path)]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "check", "4242", "--as-of", "2024-04-01", "--json"]) == 0
    report = {r["standard"]: r for r in json.loads(capsys.readouterr().out)["results"]}
    assert report["cp-review-conference"]["status"] == "met"
    assert report["cp-seen-alone"]["status"] == "met"
    visits = report["cp-visits"]
    assert visits["status"] in ("partly_met", "not_met")
    # the first visit (12 January) was on time; the next was due ten working days later
    assert visits["late"][0]["due"] == "2024-01-26"
    assert report["icpc-timeliness"]["status"] == "met"
    store = open_store(db, ME)
    case = store.cases.get("4242")
    assert case.line_manager == "max" and case.start_date == date(2024, 1, 2)
