"""No control character gets in or out: an ESC colour code, an OSC-8 link and a right-to-left
override in a display name, a case reference and a note are refused at every importer with
exit 2, naming the file, row, column and the character, and nothing is written; a database
holding such text from before the check exports to xlsx, csv and md with exit 0 and none of
it in the files, and commands print it as [U+001B]."""

from __future__ import annotations

import io
import json
import zipfile
from contextlib import redirect_stdout
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from audit_tools.models import Audit, Case, User
from caseaudit.cli import main
from db import open_store
from db.identity import current_username
from tests.cli.test_import import CASES, EVENTS, USERS, audit_line
from tests.support import copy_database
from tests.domain.test_annex_a import L7, person, workbook

ME = current_username()

ESC = "\x1b[31mred\x1b[0m"
OSC8 = "\x1b]8;;https://evil.example/\x1b\\click here\x1b]8;;\x1b\\"
RLO = "C-10\u202e01"
EVIL = {"ESC": (ESC, "U+001B"), "OSC-8": (OSC8, "U+001B"), "RLO": (RLO, "U+202E")}
# A workbook's XML cannot hold ESC at all (XML 1.0 forbids it; Excel writes it as the text
# _x001B_), so in XLSX the C1 control sequence introducer stands for the escape codes.
CSI = "\x9b31mred\x9b0m"
EVIL_XLSX = {"CSI": (CSI, "U+009B"), "RLO": (RLO, "U+202E")}
NEVER_OUT = ["\x1b", "\u202e", "\x9b", "\x9d"]


def build_db(path: Path) -> None:
    """A database made as an admin would: init, then users and cases imported from csv."""
    tables = path.parent / "tables"
    tables.mkdir()
    (tables / "users.csv").write_text(USERS + f"{ME},Me,admin;qa_lead,qa\n")
    (tables / "cases.csv").write_text(CASES)
    with redirect_stdout(io.StringIO()):
        assert main(["--db", str(path), "init"]) == 0
        assert main(["--db", str(path), "import", "users", str(tables / "users.csv")]) == 0
        assert main(["--db", str(path), "import", "cases", str(tables / "cases.csv")]) == 0


@pytest.fixture
def db(tmp_path, built):
    """A copy of the database build_db makes, built once a run."""
    return copy_database(built("cli-characters", build_db), tmp_path / "c.db")


def counts(db: Path) -> dict:
    store = open_store(db, ME)
    try:
        return store.row_counts()
    finally:
        store.close()


def as_xlsx(path: Path, text: str) -> Path:
    book = Workbook()
    sheet = book.active
    for line in text.strip().splitlines():
        sheet.append(line.split(","))
    book.save(path)
    return path


def refused(db: Path, capsys, argv: list[str], where: str, code_point: str) -> None:
    before = counts(db)
    assert main(["--db", str(db), *argv]) == 2
    err = capsys.readouterr().err
    assert where in err and code_point in err, err
    for char in NEVER_OUT:
        assert char not in err  # the refusal names the character, never prints it
    assert counts(db) == before


@pytest.mark.parametrize("fmt, evil", [*(("csv", e) for e in EVIL), *(("xlsx", e) for e in EVIL_XLSX)])
def test_a_display_name_is_refused(db, tmp_path, capsys, evil, fmt):
    text, code = (EVIL if fmt == "csv" else EVIL_XLSX)[evil]
    body = "username,display_name,roles,team\n" + f"eve.x,Eve {text},auditor,north\n"
    path = tmp_path / f"u.{fmt}"
    path.write_text(body) if fmt == "csv" else as_xlsx(path, body)
    refused(db, capsys, ["import", "users", str(path)], f"{path}:2: display_name: the character {code}", code)


@pytest.mark.parametrize("fmt, evil", [*(("csv", e) for e in EVIL), *(("xlsx", e) for e in EVIL_XLSX)])
def test_a_case_reference_is_refused(db, tmp_path, capsys, evil, fmt):
    text, code = (EVIL if fmt == "csv" else EVIL_XLSX)[evil]
    body = "case_ref,case_type,start_date,team,worker,line_manager\n" + f"{text},EH,2024-01-02,north,ben.k,cat.b\n"
    path = tmp_path / f"c.{fmt}"
    path.write_text(body) if fmt == "csv" else as_xlsx(path, body)
    refused(db, capsys, ["import", "cases", str(path)], f"{path}:2: case_ref: the character {code}", code)


@pytest.mark.parametrize("fmt, evil", [*(("csv", e) for e in EVIL), *(("xlsx", e) for e in EVIL_XLSX)])
def test_a_note_is_refused(db, tmp_path, capsys, evil, fmt):
    text, code = (EVIL if fmt == "csv" else EVIL_XLSX)[evil]
    body = EVENTS.splitlines()[0] + "\n" + f"C-1001,visit,2024-01-10,yes,y,,seen at home {text}\n"
    path = tmp_path / f"e.{fmt}"
    path.write_text(body) if fmt == "csv" else as_xlsx(path, body)
    refused(db, capsys, ["import", "events", str(path)], f"{path}:2: note: the character {code}", code)


@pytest.mark.parametrize("evil", EVIL)
@pytest.mark.parametrize("field", ["case_ref", "note"])
def test_an_audit_line_is_refused(db, tmp_path, capsys, evil, field):
    text, code = EVIL[evil]
    line = audit_line(case_ref=text) if field == "case_ref" else audit_line(notes={"voice-of-child": text})
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(line) + "\n")
    where = f"{path}:1: case_ref: the character" if field == "case_ref" else \
        f"{path}:1: notes.voice-of-child: the character"
    refused(db, capsys, ["import", "audits", str(path)], where, code)


@pytest.mark.parametrize("evil", EVIL_XLSX)
@pytest.mark.parametrize("column", ["Child Unique ID", "Allocated Worker", "Allocated Team"])
def test_an_annex_a_cell_is_refused(db, tmp_path, capsys, evil, column):
    text, code = EVIL_XLSX[evil]
    row = [31, *person(1), datetime(2024, 1, 2), datetime(2024, 1, 10), "b) No", None, None, "north", "Ben Kestrel"]
    row[L7.index(column)] = text
    path = workbook(tmp_path / "a.xlsx", {"CP": (L7, [row])})
    letter = "ABCDEFGHIJKLM"[L7.index(column)]
    refused(db, capsys, ["import", "annex-a", str(path)], f"{path}:CP!{letter}2: {column}: the character {code}",
            code)


def test_line_breaks_in_a_note_are_kept_as_lf(db, tmp_path, capsys):
    path = tmp_path / "e.csv"
    path.write_text(EVENTS.splitlines()[0] + "\n" + 'C-1001,visit,2024-01-10,yes,y,,"first\r\nsecond\rthird\u2028fourth\tend"\n',
                    newline="")
    assert main(["--db", str(db), "import", "events", str(path)]) == 0, capsys.readouterr().err
    store = open_store(db, ME)
    [event] = store.cases.get("C-1001").events
    assert event.note == "first\nsecond\nthird\nfourth\tend"


def test_a_byte_order_mark_opening_a_file_is_fine_but_not_inside_a_field(db, tmp_path, capsys):
    path = tmp_path / "u.csv"
    path.write_bytes(("\ufeffusername,display_name,roles,team\n" + "eve.x,Eve,auditor,north\n").encode())
    assert main(["--db", str(db), "import", "users", str(path)]) == 0
    path.write_bytes(("username,display_name,roles,team\n" + "fay.x,Fay\ufeff,auditor,north\n").encode())
    refused(db, capsys, ["import", "users", str(path)], f"{path}:2: display_name: the character U+FEFF", "U+FEFF")


@pytest.mark.parametrize("char", ["\u200b", "\u2028", "\u200d"])
def test_identifiers_also_refuse_zero_width_and_line_separators(db, tmp_path, capsys, char):
    path = tmp_path / "c.csv"
    path.write_text("case_ref,case_type,start_date,team,worker,line_manager\n"
                    f"C-9{char}9,EH,2024-01-02,north,ben.k,cat.b\n")
    refused(db, capsys, ["import", "cases", str(path)], f"{path}:2: case_ref: the character U+{ord(char):04X}",
            f"U+{ord(char):04X}")


# --- text stored before the door was there --------------------------------------------------


@pytest.fixture
def old(tmp_path):
    """A database that took ESC, OSC-8 and RLO characters in before they were refused: written
    straight through the store, as an older caseaudit did."""
    path = tmp_path / "old.db"
    store = open_store(path, ME)
    store.people.ensure_admin()
    store.people.upsert([
        User(username=ME, display_name="Me", roles=["admin", "qa_lead"]),
        User(username="amy", display_name=f"Amy {ESC}", roles=["auditor"], team=f"north{RLO}"),
        User(username="ben", display_name=f"Ben {OSC8}", roles=[]),
    ])
    ref = f"C-{ESC}1"
    store.cases.upsert([Case(case_ref=ref, case_type="EH", start_date=date(2024, 1, 2), team=f"north{RLO}",
                             worker="ben", line_manager="ben")])
    store.audits.insert([Audit(
        audit_id="A-000001", case_ref=ref, auditor="amy", as_of=date(2024, 4, 30), submitted_on=date(2024, 5, 2),
        grade="good", scores={"voice-of-child": "met", "return-interview": "not_applicable",
                                          "management-oversight": "met"}, notes={"voice-of-child": f"note {ESC} {OSC8} {RLO}\x9b"},
        themes={"strengths": ["voice-of-child"]},
        actions=[{"description": f"do {OSC8}", "owner": "ben", "due": date(2024, 6, 1)}])])
    store.close()
    return path


def every_text(path: Path) -> str:
    if path.is_dir():
        return "".join(p.read_text(encoding="utf-8-sig") for p in sorted(path.iterdir()))
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            return "".join(z.read(n).decode("utf-8") for n in z.namelist())
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt, name", [("xlsx", "t.xlsx"), ("csv", "tables"), ("md", "t.md"), ("json", "t.json")])
def test_an_older_database_exports_with_no_control_character(old, tmp_path, capsys, fmt, name):
    out = tmp_path / name
    code = main(["--db", str(old), "export", "themes", "--quarter", "2024-25-Q1", "--format", fmt,
                 "--out", str(out), "--include-notes"])
    out_err = capsys.readouterr()
    assert code == 0, out_err.err
    assert "Traceback" not in out_err.err
    text = every_text(out)
    for char in NEVER_OUT:
        assert char not in text
    if fmt in ("xlsx", "csv"):  # shown, so a reader can see what was there
        assert "note [U+001B][31mred[U+001B][0m" in text and "C-10[U+202E]01" in text
    elif fmt == "md":  # and md escapes the brackets, so they make no link
        assert "note \\[U+001B\\]\\[31mred" in text and "C-10\\[U+202E\\]01" in text
    else:  # JSON writes a control character as \\u001b and shows the others too
        assert "\\u001b" in text and "C-10[U+202E]01" in text


def test_a_command_prints_stored_text_plain(old, capsys):
    assert main(["--db", str(old), "check", "C-\x1b[31mred\x1b[0m1"]) == 0
    out = capsys.readouterr().out
    assert "C-[U+001B][31mred[U+001B][0m1" in out
    for char in NEVER_OUT:
        assert char not in out
