"""`caseaudit check --case-file`: cli.md's JSON, a readable table, and bad input refused."""

import json
import subprocess
import sys

import pytest

from caseaudit.cli import main

CASE = {
    "case_ref": "C-1001",
    "case_type": "CP",
    "start_date": "2024-01-02",
    "events": [
        {"kind": "visit", "date": "2024-01-10", "seen_alone": True},
        {"kind": "visit", "date": "2024-01-25", "seen_alone": False, "reason_not_alone": "asleep"},
        {"kind": "supervision", "date": "2024-01-20"},
    ],
}


@pytest.fixture
def case_file(tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(CASE))
    return path


def test_json_output_follows_the_contract(case_file, capsys):
    assert main(["check", "--case-file", str(case_file), "--as-of", "2024-02-01", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"case_ref", "as_of", "catalogue", "results"}
    assert (out["case_ref"], out["as_of"], out["catalogue"]) == ("C-1001", "2024-02-01", "default")
    first = out["results"][0]
    assert set(first) == {"standard", "status", "evidence", "late"}
    assert first["standard"] == "cp-visits" and first["status"] == "not_met"
    assert first["late"] == [{"due": "2024-01-24", "actual": "2024-01-25"}]
    by_id = {r["standard"]: r for r in out["results"]}
    assert by_id["voice-of-child"]["status"] is None and by_id["voice-of-child"]["late"] == []
    assert by_id["cp-seen-alone"]["status"] == "partly_met"
    assert by_id["supervision"]["status"] == "met"
    assert by_id["chronology"]["status"] == "not_met"
    assert len(out["results"]) == 12


def test_readable_table(case_file, capsys, monkeypatch):
    # The evidence column wraps at the terminal's width: a known width, whatever runs the test
    # (pytest-xdist's workers, or a Textual test before this one, leave other widths behind).
    monkeypatch.setenv("COLUMNS", "120")
    assert main(["check", "--case-file", str(case_file), "--as-of", "2024-02-01"]) == 0
    out = capsys.readouterr().out
    assert "Case C-1001 as at 2024-02-01" in out
    assert "cp-visits" in out and "not met" in out and "due 24 Jan 2024" in out


@pytest.mark.parametrize("moment,today", [
    ("2024-07-15T12:00:00+00:00", "2024-07-15"),
    # 23:30 UTC on 14 July is 00:30 on 15 July in London (BST): today is London's date.
    ("2024-07-14T23:30:00+00:00", "2024-07-15"),
    # 23:30 UTC on 14 January is 23:30 in London too (GMT): still the 14th.
    ("2024-01-14T23:30:00+00:00", "2024-01-14"),
])
def test_as_of_defaults_to_today(case_file, capsys, monkeypatch, moment, today):
    # Today comes from the one clock (db.clock.system_clock), fixed here, never the real date.
    from datetime import datetime

    monkeypatch.setattr("db.clock.system_clock", lambda: datetime.fromisoformat(moment))
    assert main(["check", "--case-file", str(case_file), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["as_of"] == today


def bad(tmp_path, capsys, content, *extra):
    path = tmp_path / "bad.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    code = main(["check", "--case-file", str(path), "--as-of", "2024-02-01", *extra])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert "Traceback" not in captured.err
    return captured.err


def test_bad_date_names_the_event(tmp_path, capsys):
    case = json.loads(json.dumps(CASE))
    case["events"][1]["date"] = "2024-01-32"
    err = bad(tmp_path, capsys, case)
    assert "event 2 (events[1]): field date" in err and "2024-01-32" in err


def test_unknown_case_type_and_event_kind(tmp_path, capsys):
    case = json.loads(json.dumps(CASE))
    case["case_type"] = "XX"
    case["events"][2]["kind"] = "coffee"
    err = bad(tmp_path, capsys, case)
    assert "field case_type" in err and "'XX'" in err
    assert "event 3 (events[2]): field kind" in err and "'coffee'" in err


def test_not_json_empty_and_wrong_shape(tmp_path, capsys):
    assert "not valid JSON" in bad(tmp_path, capsys, '{"case_ref": ')
    assert "empty" in bad(tmp_path, capsys, "")
    assert "expected a JSON object" in bad(tmp_path, capsys, "[1, 2]")
    assert "field start_date: missing" in bad(tmp_path, capsys, {"case_ref": "C", "case_type": "CP"})


def test_missing_case_file_and_bad_usage(tmp_path, capsys):
    assert main(["check", "--case-file", str(tmp_path / "none.json")]) == 2
    assert "not found" in capsys.readouterr().err
    assert main(["check"]) == 2
    assert "name the case" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["check", "--case-file", "x.json", "--as-of", "12/31/2024"])
    assert exit_.value.code == 2


def test_bad_catalogue_exits_2(tmp_path, capsys, case_file):
    cat = tmp_path / "cat.toml"
    cat.write_text('name = "x"\nversion = "1"\n[[standard]]\nid = "a"\ntitle = "t"\napplies_to = "all"\nrule = "magic"\n')
    assert main(["check", "--case-file", str(case_file), "--standards", str(cat)]) == 2
    err = capsys.readouterr().err
    assert str(cat) in err and "standard 'a'" in err and "'rule'" in err


def test_installed_command_runs_without_traceback(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{}")
    proc = subprocess.run(
        [sys.executable, "-m", "caseaudit", "check", "--case-file", str(path)],
        capture_output=True, text=True,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "case_ref" in proc.stderr
    help_ = subprocess.run([sys.executable, "-m", "caseaudit", "check", "--help"], capture_output=True, text=True)
    assert help_.returncode == 0 and "--case-file" in help_.stdout
