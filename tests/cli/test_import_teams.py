"""A typo must not make a team (finding 2 of issue 26), and a re-import says what it changed
(finding 11): `import cases` and `import annex-a` refuse a team no user belongs to, naming the
row and the team, unless --new-teams, which adds them and says which."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime

from audit_tools.models import Audit
from audit_tools.standards import evaluate, load_catalogue
from caseaudit.cli import main
from db import open_store
from tests.cli.test_import import CASES, ME, USERS, counts, db, run, write  # noqa: F401  (db: fixture)
from tests.domain.test_annex_a import L7, person, workbook

TYPO = (
    "case_ref,case_type,start_date,team,worker,line_manager,closed_date\n"
    "C-2001,CP,2024-03-01,north,ben.k,cat.b,\n"
    "C-2002,CP,2024-03-04,Nort,ben.k,cat.b,\n"
)


def teams(db) -> list[str]:
    return open_store(db, ME).people.teams()


def test_an_unknown_team_is_refused_naming_the_row_and_the_team(db, tmp_path, capsys):
    assert run(db, "users", write(tmp_path, "users.csv", USERS), capsys)[0] == 0
    before = counts(db)
    code, out, err = run(db, "cases", write(tmp_path, "cases.csv", TYPO), capsys)
    assert code == 2 and out == ""
    assert f"cases.csv:3: team: 'Nort' is not a known team (known: north, south)" in err
    assert "--new-teams" in err
    assert counts(db) == before and teams(db) == ["north", "south"]


def test_new_teams_adds_them_and_says_which(db, tmp_path, capsys):
    assert run(db, "users", write(tmp_path, "users.csv", USERS), capsys)[0] == 0
    path = write(tmp_path, "cases.csv", TYPO)
    code = main(["--db", str(db), "import", "cases", str(path), "--new-teams"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert out.splitlines() == [f"imported 2 cases from {path}: 2 new, 0 updated, 0 unchanged",
                                "added teams: Nort"]
    assert teams(db) == ["Nort", "north", "south"]


def test_a_reimport_counts_new_and_updated_and_says_what_changed_in_audited_cases(db, tmp_path, capsys):
    assert run(db, "users", write(tmp_path, "users.csv", USERS), capsys)[0] == 0
    assert run(db, "cases", write(tmp_path, "cases.csv", CASES), capsys)[0] == 0
    store = open_store(db, ME)
    report = evaluate(store.cases.get("C-1002"), date(2024, 3, 1), load_catalogue(None))
    store.audits.insert([Audit(
        audit_id="A-000001", case_ref="C-1002", auditor="amy.t", as_of=date(2024, 3, 1),
        submitted_on=date(2024, 3, 2), grade="good", scores={r.standard: "met" for r in report.results})])
    again = CASES.replace("C-1001,EH,", "C-1001,CIN,").replace("C-1002,CIN,2024-02-05",
                                                               "C-1002,CP,2024-02-06")
    again += "C-1003,EH,2024-04-01,south,ben.k,cat.b,\n"
    path = write(tmp_path, "again.csv", again)
    code, out, err = run(db, "cases", path, capsys)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"imported 3 cases from {path}: 1 new, 2 updated, 0 unchanged",
        "C-1002 has 1 submitted audit; changed: case_type CIN -> CP; start_date 2024-02-05 -> 2024-02-06",
    ]
    code, out, _ = run(db, "cases", path, capsys)
    assert out.splitlines() == [f"imported 3 cases from {path}: 0 new, 0 updated, 3 unchanged"]


def annex_users(tmp_path, db, capsys) -> None:
    users = write(tmp_path, "users.csv", f"username,display_name,roles,team,manages\n{ME},Me,admin,qa,\n"
                  "wes,Wes Worker,,north,\nmax,Max Manager,auditor,north,north\n")
    assert run(db, "users", users, capsys)[0] == 0


def cp_workbook(tmp_path):
    return workbook(tmp_path / "annex.xlsx", {"CP": (L7, [
        [31, *person(1), datetime(2024, 1, 2), datetime(2024, 1, 10), "b) No", None, None, "north", "Wes Worker"],
        [32, *person(2), datetime(2024, 1, 3), datetime(2024, 1, 11), "b) No", None, None, "Nroth", "Wes Worker"],
    ])})


def test_annex_a_refuses_an_unknown_team_naming_the_cell(db, tmp_path, capsys):
    annex_users(tmp_path, db, capsys)
    before = counts(db)
    path = cp_workbook(tmp_path)
    code = main(["--db", str(db), "import", "annex-a", str(path)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    column = "ABCDEFGHIJKLMNOP"[L7.index("Allocated Team")]
    assert f"{path}:CP!{column}3: Allocated Team: 'Nroth' is not a known team (known: north, qa)" in err
    assert counts(db) == before and teams(db) == ["north", "qa"]


def test_annex_a_skip_invalid_sends_an_unknown_team_to_the_rejects(db, tmp_path, capsys):
    annex_users(tmp_path, db, capsys)
    rejects = tmp_path / "rejects.csv"
    code = main(["--db", str(db), "import", "annex-a", str(cp_workbook(tmp_path)), "--skip-invalid", str(rejects)])
    capsys.readouterr()
    assert code == 0
    rows = list(csv.DictReader(rejects.open()))
    assert [(r["row"], r["child_unique_id"]) for r in rows] == [("3", "32")]
    assert "'Nroth' is not a known team" in rows[0]["reasons"]
    store = open_store(db, ME)
    assert store.cases.get("31") is not None and store.cases.get("32") is None
    assert teams(db) == ["north", "qa"]


def test_annex_a_new_teams_adds_them_and_says_which(db, tmp_path, capsys):
    annex_users(tmp_path, db, capsys)
    code = main(["--db", str(db), "import", "annex-a", str(cp_workbook(tmp_path)), "--new-teams"])
    out, _ = capsys.readouterr()
    assert code == 0 and "added teams: Nroth" in out.splitlines()
    assert teams(db) == ["Nroth", "north", "qa"]
    code = main(["--db", str(db), "import", "annex-a", str(cp_workbook(tmp_path)), "--json"])
    assert code == 0 and json.loads(capsys.readouterr().out)["teams_added"] == []
