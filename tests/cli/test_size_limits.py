"""One set of size limits, the same in every format (docs/cli.md, "Size limits"): 200
characters for names, usernames, references, team names and ids; 10,000 for a note, reason,
description or concern text; 100 actions an audit. At the limit a value goes in; one over,
the import is refused with exit 2 naming file, row and column, and nothing is written."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from audit_tools.errors import BadInput
from audit_tools.text import ACTIONS_LIMIT, IDENTIFIER_LIMIT, NAME_LIMIT, TEXT_LIMIT
from caseaudit.cli import main
from tests.cli.test_characters import as_xlsx, counts, db  # noqa: F401 - the fixture
from tests.cli.test_import import EVENTS, audit_line
from tests.domain.test_annex_a import L7, person, workbook


def write(path: Path, body: str) -> Path:
    if path.suffix == ".xlsx":
        return as_xlsx(path, body)
    path.write_text(body)
    return path


def run(db: Path, capsys, argv: list[str]) -> tuple[int, str]:
    code = main(["--db", str(db), *argv])
    return code, capsys.readouterr().err


# (what is imported, its header, a row with {} where the long value goes, column, limit)
TABLES = {
    "username": ("users", "username,display_name,roles,team", "{},Eve,auditor,north", "username", IDENTIFIER_LIMIT),
    "display name": ("users", "username,display_name,roles,team", "eve.x,{},auditor,north", "display_name",
                     NAME_LIMIT),
    "team": ("users", "username,display_name,roles,team", "eve.x,Eve,auditor,{}", "team", IDENTIFIER_LIMIT),
    "case reference": ("cases", "case_ref,case_type,start_date,team,worker,line_manager",
                       "{},EH,2024-01-02,north,ben.k,cat.b", "case_ref", IDENTIFIER_LIMIT),
    "note": ("events", EVENTS.splitlines()[0], "C-1001,visit,2024-01-10,yes,y,,{}", "note", TEXT_LIMIT),
    "reason not alone": ("events", EVENTS.splitlines()[0], "C-1001,visit,2024-01-10,yes,n,{},", "reason_not_alone",
                         TEXT_LIMIT),
}


def long_value(what: str, length: int) -> str:
    return ("e" * length) if what == "username" else ("x" * length)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("what", TABLES)
def test_tables_take_the_limit_and_refuse_one_more(db, tmp_path, capsys, fmt, what):
    kind, header, row, column, limit = TABLES[what]
    over = write(tmp_path / f"over.{fmt}", f"{header}\n{row.format(long_value(what, limit + 1))}\n")
    before = counts(db)
    code, err = run(db, capsys, ["import", kind, str(over)])
    assert code == 2
    assert f"{over}:2: {column}: {limit + 1:,} characters is too long: at most {limit:,}" in err
    assert counts(db) == before
    at = write(tmp_path / f"at.{fmt}", f"{header}\n{row.format(long_value(what, limit))}\n")
    code, err = run(db, capsys, ["import", kind, str(at)])
    assert code == 0, err


def test_a_csv_cell_past_pythons_own_limit_is_told_as_a_size(db, tmp_path, capsys):
    """Python's csv reader stops at 128 KB a cell; that is said as caseaudit's limit too."""
    path = write(tmp_path / "e.csv", EVENTS.splitlines()[0] + "\n" + f"C-1001,visit,2024-01-10,yes,y,,{'x' * 200_000}\n")
    code, err = run(db, capsys, ["import", "events", str(path)])
    assert code == 2 and f"{path}:2: a cell is longer than any field takes (at most 10,000 characters)" in err


@pytest.mark.parametrize("field, where, limit", [
    ("case_ref", "case_ref", IDENTIFIER_LIMIT),
    ("audit_id", "audit_id", IDENTIFIER_LIMIT),
    ("note", "notes.voice-of-child", TEXT_LIMIT),
    ("action", "actions[0].description", TEXT_LIMIT),
    ("reason", "moderation.reason", TEXT_LIMIT),
])
def test_audit_lines_take_the_limit_and_refuse_one_more(db, tmp_path, capsys, field, where, limit):
    def line(length: int) -> dict:
        value = "x" * length
        if field == "note":
            return audit_line(notes={"voice-of-child": value})
        if field == "action":
            base = audit_line()
            base["actions"][0]["description"] = value
            return base
        if field == "reason":
            base = audit_line()
            base["moderation"]["reason"] = value
            return base
        return audit_line(**{field: value})

    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(line(limit + 1)) + "\n")
    before = counts(db)
    code, err = run(db, capsys, ["import", "audits", str(path)])
    assert code == 2
    assert f"{path}:1: {where}: {limit + 1:,} characters is too long: at most {limit:,}" in err
    assert counts(db) == before


def test_a_ten_megabyte_note_in_an_audit_line_is_refused(db, tmp_path, capsys):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(audit_line(notes={"voice-of-child": "x" * 10_000_000})) + "\n")
    code, err = run(db, capsys, ["import", "audits", str(path)])
    assert code == 2 and "10,000,000 characters is too long: at most 10,000" in err


def test_an_audit_line_takes_100_actions_and_refuses_101(db, tmp_path, capsys):
    def line(n: int) -> dict:
        base = audit_line()
        base["actions"] = [dict(base["actions"][0]) for _ in range(n)]
        return base

    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(line(ACTIONS_LIMIT + 1)) + "\n")
    before = counts(db)
    code, err = run(db, capsys, ["import", "audits", str(path)])
    assert code == 2 and f"{path}:1: actions: List should have at most {ACTIONS_LIMIT} items" in err
    assert counts(db) == before


@pytest.mark.parametrize("column, limit", [("Child Unique ID", IDENTIFIER_LIMIT), ("Allocated Team", IDENTIFIER_LIMIT),
                                           ("Allocated Worker", NAME_LIMIT)])
def test_annex_a_cells_refuse_one_more(db, tmp_path, capsys, column, limit):
    row = [31, *person(1), datetime(2024, 1, 2), datetime(2024, 1, 10), "b) No", None, None, "north", "Ben Kestrel"]
    row[L7.index(column)] = "7" * (limit + 1)
    path = workbook(tmp_path / "a.xlsx", {"CP": (L7, [row])})
    letter = "ABCDEFGHIJKLM"[L7.index(column)]
    before = counts(db)
    code, err = run(db, capsys, ["import", "annex-a", str(path)])
    assert code == 2
    assert f"{path}:CP!{letter}2: {column}: {limit + 1:,} characters is too long: at most {limit:,}" in err
    assert counts(db) == before


# --- the screens' boxes, through the services -----------------------------------------------


def test_the_boxes_take_the_same_limits(db):
    from audit_tools.models import Action, Audit
    from audit_tools.text import checked_audit
    from caseaudit.services import concerns
    from db import open_store
    from db.identity import current_username

    store = open_store(db, current_username())
    me = store.people.get(current_username())
    with pytest.raises(BadInput, match="what was found: 10,001 characters is too long: at most 10,000"):
        concerns.raise_concern(store, me, "C-1001", None, "x" * 10_001, "call the family")
    audit = Audit(audit_id="A-000009", case_ref="C-1001", auditor="amy.t", as_of="2024-05-01",
                  notes={"voice-of-child": "x" * TEXT_LIMIT},
                  actions=[Action(description="x", owner="ben.k")] * ACTIONS_LIMIT)
    assert checked_audit(audit) == audit  # at the limits
    with pytest.raises(BadInput, match="note on voice-of-child: 10,001 characters is too long"):
        checked_audit(audit.model_copy(update={"notes": {"voice-of-child": "x" * 10_001}}))
    with pytest.raises(BadInput, match="actions: 101 is too many for one audit: at most 100"):
        checked_audit(audit.model_copy(update={"actions": audit.actions + [Action(description="y")]}))
    store.close()
