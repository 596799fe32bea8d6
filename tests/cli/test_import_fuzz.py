"""Bad input at the boundaries: every importer (CSV and XLSX tables, JSON Lines audits,
Annex A workbooks) fed random bytes, truncated good files, huge cells, odd encodings,
formulas and control characters. Whatever arrives, the answer is exit 0 with the rows
written, or exit 2 with plain `caseaudit:` lines naming what is wrong — never a
traceback, never an unexpected-error exit, never half a file written."""

from __future__ import annotations

import io
import itertools
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from caseaudit.cli import main
from tests.cli.test_import import CASES, EVENTS, USERS, counts

AUDIT_LINE = ('{"audit_id": "A-9001", "case_ref": "C-1002", "auditor": "amy.t", "as_of": "2024-03-01", '
              '"submitted_on": "2024-03-02", "grade": "good", "scores": {"cin-visits": "met"}}\n')
GOOD = {"users": USERS, "cases": CASES, "events": EVENTS}
NASTY = ["=HYPERLINK(\"http://x\")", "+1+1", "@SUM(A1)", "-2", "\x00", "\x1b[31m", "\u202e", "\ufeff",
         "é", "\u00a0", "x" * 40_000, "\r", "\"", ",", ";", "\t", "{", "}", "[", "]",
         # control and bidirectional characters, and fields past the size limits (audit_tools.text)
         "\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\", "\x9b31m", "\x85", "\x7f", "\u200e", "\u061c",
         "\u2066", "\u2069", "\u2028", "\u200b", "\u200d", "\r\n", "x" * 201, "x" * 10_001, "x" * 200_000]
SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
_number = itertools.count()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """A database with users, cases and events, loaded once for every example of a module."""
    path = tmp_path_factory.mktemp("fuzz") / "caseaudit.db"
    from tests.cli.test_import import ME
    from db import open_store

    store = open_store(path, ME)
    store.people.ensure_admin()
    store.close()
    folder = tmp_path_factory.mktemp("basics")
    for what in ("users", "cases", "events"):
        file = folder / f"{what}.csv"
        file.write_text(GOOD[what], encoding="utf-8")
        assert main(["--db", str(path), "import", what, str(file)]) == 0
    return path


def attempt(db: Path, what: str, name: str, data: bytes, capsys) -> None:
    folder = Path(tempfile.mkdtemp(prefix="fuzz-"))
    file = folder / f"{next(_number)}-{name}"
    file.write_bytes(data)
    before = counts(db)
    argv = ["--db", str(db), "import", *what.split(), str(file)]
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "unexpected error" not in err, err
    assert code in (0, 2), (code, err)
    if code == 2:
        assert counts(db) == before, "a refused file wrote something"
        assert err and all(line.startswith("caseaudit: ") for line in err.splitlines()), err
        assert out == ""


def encodings(text: str) -> st.SearchStrategy[bytes]:
    return st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1", "cp1252"]).map(
        lambda enc: text.encode(enc, errors="replace"))


def mangled(text: str) -> st.SearchStrategy[bytes]:
    """A good file cut short, with a nasty value spliced in, or in another encoding."""
    cut = st.integers(min_value=0, max_value=len(text)).map(lambda n: text[:n].encode("utf-8"))
    splice = st.tuples(st.integers(0, len(text)), st.sampled_from(NASTY)).map(
        lambda p: (text[:p[0]] + p[1] + text[p[0]:]).encode("utf-8", errors="surrogatepass"))
    return st.one_of(st.binary(max_size=2_000), cut, splice, encodings(text))


@SETTINGS
@given(data=st.data())
@pytest.mark.parametrize("what", ["users", "cases", "events"])
def test_csv_tables_never_break(loaded, capsys, what, data):
    blob = data.draw(mangled(GOOD[what]))
    attempt(loaded, what, f"{what}.csv", blob, capsys)


@SETTINGS
@given(blob=mangled(AUDIT_LINE * 3))
def test_audit_lines_never_break(loaded, capsys, blob):
    attempt(loaded, "audits", "audits.jsonl", blob, capsys)


def workbook_bytes(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


cells = st.one_of(st.none(), st.integers(-10**12, 10**12), st.floats(allow_nan=False, allow_infinity=False),
                  # a workbook's XML cannot hold C0 controls (openpyxl refuses them): the rest go in
                  st.sampled_from(NASTY).filter(lambda v: not any(c < "\x20" and c not in "\t\n\r" for c in v)),
                  st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=50),
                  st.dates())


@SETTINGS
@given(rows=st.lists(st.lists(cells, min_size=0, max_size=8), min_size=0, max_size=6), cut=st.integers(0, 4000))
def test_xlsx_tables_never_break(loaded, capsys, rows, cut):
    header = [["case_ref", "case_type", "start_date", "team", "worker", "line_manager"]]
    blob = workbook_bytes(header + rows)
    attempt(loaded, "cases", "cases.xlsx", blob, capsys)
    attempt(loaded, "cases", "cut.xlsx", blob[:cut], capsys)  # a workbook cut short is no zip at all


ANNEX_HEADERS = ["Child Unique ID", "Gender", "CIN Start Date", "CIN Closure Date", "Allocated Team",
                 "Allocated Worker", "Date Child Was Last Seen"]


@SETTINGS
@given(rows=st.lists(st.lists(cells, min_size=7, max_size=7), min_size=0, max_size=6), cut=st.integers(0, 4000))
def test_annex_a_workbooks_never_break(loaded, capsys, rows, cut):
    blob = workbook_bytes([ANNEX_HEADERS] + rows)
    attempt(loaded, "annex-a", "annex.xlsx", blob, capsys)
    attempt(loaded, "annex-a", "annex-cut.xlsx", blob[:cut], capsys)


# --- the door holds: what a refused character never reaches the database ------------------------

C0 = {chr(c) for c in [*range(0x20), 0x7F]}
C1 = {chr(c) for c in range(0x80, 0xA0)}
BIDI = {chr(c) for c in [0x200E, 0x200F, 0x061C, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]}
ALWAYS = (C0 - {"\t", "\n", "\r"}) | C1 | BIDI | {"\ufeff"}
# The classes, written out again here rather than read from audit_tools.text.
REFUSED = {
    "text": ALWAYS,
    "name": ALWAYS | {"\t", "\n", "\r", "\u2028", "\u2029"},
    "identifier": ALWAYS | {"\t", "\n", "\r", "\u2028", "\u2029", "\u200b", "\u200c", "\u200d"},
}
NEVER_STORED = ALWAYS | {"\r", "\u2028", "\u2029"}
# Where a drawn value goes: (what is imported, its header, its row with {} for the value, the kind).
PLACES = {
    "display_name": ("users", "username,display_name,roles,team", "fuzz.{n},Fay {},auditor,north", "name"),
    "team": ("users", "username,display_name,roles,team", "fuzz.{n},Fay,auditor,t{}", "identifier"),
    "case_ref": ("cases", "case_ref,case_type,start_date,team,worker,line_manager",
                 "F{n}-{},EH,2024-01-02,north,ben.k,cat.b", "identifier"),
    "note": ("events", "case_ref,kind,date,child_seen,seen_alone,reason_not_alone,note",
             "C-1001,visit,2024-01-{day},yes,y,,seen {}", "text"),
}
odd = st.sampled_from(sorted(ALWAYS | {"\t", "\n", "\r", "\u2028", "\u2029", "\u200b", "\u200d", "\r\n"}))
values = st.lists(st.one_of(st.text(alphabet="abc xyz-", min_size=1, max_size=4), odd), min_size=1, max_size=6).map(
    "".join)


def stored_text(db: Path) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        found = []
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                found += [v for v in row if isinstance(v, str)]
        return found
    finally:
        conn.close()


def csv_bytes(header: str, row: list[str]) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header.split(","))
    writer.writerow(row)
    return out.getvalue().encode("utf-8")


@SETTINGS
@given(value=values, place=st.sampled_from(sorted(PLACES)), fmt=st.sampled_from(["csv", "xlsx"]))
def test_a_refused_character_is_named_and_never_stored(loaded, capsys, value, place, fmt):
    what, header, row, kind = PLACES[place]
    n = next(_number)
    if fmt == "xlsx":  # a workbook cannot hold C0 controls at all
        value = "".join(c for c in value if not (c in C0 and c not in "\t\n\r"))
    cells = row.format(value, n=n, day=f"{n % 28 + 1:02d}").split(",")
    bad = sorted({c for c in value if c in REFUSED[kind]} - ({"\r"} if kind == "text" else set()))
    blob = csv_bytes(header, cells) if fmt == "csv" else workbook_bytes([header.split(","), cells])
    folder = Path(tempfile.mkdtemp(prefix="fuzz-"))
    file = folder / f"{n}-{what}.{fmt}"
    file.write_bytes(blob)
    before = counts(loaded)
    code = main(["--db", str(loaded), "import", what, str(file)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and code in (0, 2), err
    if bad:
        assert code == 2, (value, kind, out)
        assert counts(loaded) == before
        # a NUL makes the whole CSV binary, refused before any cell is read
        assert "the character U+" in err or ("\x00" in value and "binary data" in err), err
    for text in stored_text(loaded):
        assert not NEVER_STORED.intersection(text), repr(text)


@SETTINGS
@given(value=st.one_of(values, st.sampled_from(["\ud800", "\udfff", "a\udc80b"])),
       field=st.sampled_from(["note", "case_ref", "description"]), length=st.sampled_from([0, 9_990, 10_001]))
def test_an_audit_line_with_a_refused_character_or_too_long_is_refused(loaded, capsys, value, field, length):
    import json

    line = json.loads(AUDIT_LINE)
    line["audit_id"] = f"A-9{next(_number):05d}"
    padded = "a" + value + "b" + "x" * length
    if field == "note":
        line["notes"] = {"cin-visits": padded}
    elif field == "description":
        line["actions"] = [{"description": padded, "owner": "ben.k", "due": "2024-04-01", "standard": "cin-visits"}]
    else:
        line["case_ref"] = padded
    kind = "identifier" if field == "case_ref" else "text"
    refused = {c for c in padded if c in REFUSED[kind] or "\ud800" <= c <= "\udfff"} - (
        {"\r"} if kind == "text" else set())
    limit = 200 if kind == "identifier" else 10_000
    blob = (json.dumps(line) + "\n").encode("ascii")  # a lone surrogate travels as a \\u escape
    folder = Path(tempfile.mkdtemp(prefix="fuzz-"))
    file = folder / "audits.jsonl"
    file.write_bytes(blob)
    before = counts(loaded)
    code = main(["--db", str(loaded), "import", "audits", str(file)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and code in (0, 2), err
    if refused or len(padded.replace("\r\n", "\n")) > limit:
        assert code == 2 and counts(loaded) == before, (padded[:40], err)
        assert "the character U+" in err or "too long" in err
    for text in stored_text(loaded):
        assert not NEVER_STORED.intersection(text), repr(text)
