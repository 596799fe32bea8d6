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
         "é", "\u00a0", "x" * 40_000, "\r", "\"", ",", ";", "\t", "{", "}", "[", "]"]
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
                  st.sampled_from(NASTY).filter(lambda v: v != "\x00" and v != "\x1b[31m"),
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
