"""`caseaudit pack` on the demo: three references, one unknown. The md has a section per known
case with its audits, moderation, actions and concerns and the unknown one on its first page;
the xlsx has the same counts; free text only with --include-notes; a pack of a case the QA
lead is moderating blind waits for the re-audit; every export is in the history."""

from __future__ import annotations

import os
import re
import sqlite3

import pytest
from openpyxl import Workbook, load_workbook

from caseaudit.cli import app as entry
from caseaudit.cli import main
from caseaudit.services.demo import DEMO_CONCERN, DEMO_FEEDBACK
from db import open_store

UNKNOWN = "77770001"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return entry.build_demo(tmp_path_factory.mktemp("demo") / "demo.db")


@pytest.fixture
def db(demo, tmp_path, monkeypatch):
    """The demo as the person's own demo file (their data folder, owner-only): the commands
    work on it as the demo user, a QA lead, on the demo's day (caseaudit.services.identity)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    copy = entry.demo_db_path()
    copy.parent.mkdir(parents=True)
    source = sqlite3.connect(demo)
    target = sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.close()
    os.chmod(copy, 0o600)
    return copy


def known_refs(db):
    conn = sqlite3.connect(db)
    audited = conn.execute("SELECT case_ref FROM audits WHERE auditor = 'demo' AND status = 'submitted'").fetchone()[0]
    concerned = conn.execute("SELECT case_ref FROM concerns").fetchone()[0]
    blind = conn.execute("SELECT a.case_ref, s.audit_id FROM assignments s JOIN audits a USING (audit_id) "
                         "LEFT JOIN moderations m USING (audit_id) WHERE s.moderator = 'demo' "
                         "AND m.grade IS NULL ORDER BY s.audit_id").fetchone()
    free_text = [r[0] for r in conn.execute(
        "SELECT description FROM actions x JOIN audits a USING (audit_id) WHERE a.case_ref IN (?, ?) "
        "UNION SELECT note FROM scores s JOIN audits a USING (audit_id) WHERE a.case_ref IN (?, ?) "
        "AND a.status = 'submitted' AND coalesce(note, '') != ''", [audited, concerned, audited, concerned])]
    conn.close()
    return audited, concerned, blind, free_text


AS_AT = entry.DEMO_TODAY.isoformat()  # the pack's date: the demo's today


def counts(db, ref):
    """What the case has as at the demo's today (the sample data runs on past it)."""
    conn = sqlite3.connect(db)
    one = lambda sql: conn.execute(sql, [ref, AS_AT]).fetchone()[0]  # noqa: E731
    out = {
        "audits": one("SELECT count(*) FROM audits WHERE case_ref = ? AND status = 'submitted' "
                      "AND submitted_on <= ?"),
        "moderation": one("SELECT count(*) FROM moderations m JOIN audits a USING (audit_id) WHERE a.case_ref = ? "
                          "AND m.moderated_on <= ?"),
        "actions": one("SELECT count(*) FROM actions x JOIN audits a USING (audit_id) WHERE a.case_ref = ? "
                       "AND a.status = 'submitted' AND a.submitted_on <= ?"),
        "concerns": one("SELECT count(*) FROM concerns WHERE case_ref = ? AND substr(raised_at, 1, 10) <= ?"),
    }
    conn.close()
    return out


def section(md: str, ref: str) -> str:
    return md.split(f"## Case {ref}\n", 1)[1].split("\n## Case ", 1)[0]


def test_the_pack_has_a_section_per_case_the_unknown_first_and_the_same_counts_in_xlsx(db, tmp_path, capsys):
    audited, concerned, _, free_text = known_refs(db)
    md_path, xlsx_path = tmp_path / "pack.md", tmp_path / "pack.xlsx"
    for fmt, path in (("md", md_path), ("xlsx", xlsx_path)):
        assert main(["--db", str(db), "pack", audited, UNKNOWN, concerned, "--format", fmt,
                     "--out", str(path)]) == 0
    assert f"not found: {UNKNOWN}" in capsys.readouterr().out
    md = md_path.read_text()
    first_page = md.split("\n---\n", 1)[0]
    assert UNKNOWN in first_page and "References not found: 1" in first_page
    assert "## Case" not in first_page
    assert [m for m in re.findall(r"^## Case (\S+)$", md, re.M)] == [audited, concerned]
    book = load_workbook(xlsx_path)
    assert [r[0] for r in book["not_found"].iter_rows(min_row=2, values_only=True)] == [UNKNOWN]
    assert [r[0] for r in book["cases"].iter_rows(min_row=2, values_only=True)] == [audited, concerned]
    for ref in (audited, concerned):
        expected = counts(db, ref)
        text = section(md, ref)
        for table, n in expected.items():
            assert f"### {table.capitalize()} ({n})" in text, (ref, table)
            rows = [r for r in book[table].iter_rows(min_row=2, values_only=True) if r[0] == ref]
            assert len(rows) == n, (ref, table)
        assert "### Standards (" in text
    assert counts(db, audited)["audits"] >= 1 and counts(db, audited)["moderation"] >= 1
    assert counts(db, audited)["actions"] >= 1 and counts(db, concerned)["concerns"] == 1
    summary = {r[0]: r[1] for r in book["summary"].iter_rows(values_only=True)}
    assert summary["cases found"] == 2 and summary["references not found"] == 1
    assert f"Cases with an audit in the last 12 months: {summary['audited in last 12 months']}" in md
    assert f"overdue: {summary['overdue actions']}" in md and f"open: {summary['open concerns']}" in md
    assert summary["open concerns"] == 1

    # No free text without --include-notes, in either file.
    cells = " ".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row)
    for text in [DEMO_CONCERN[0], DEMO_CONCERN[1], DEMO_FEEDBACK, *free_text]:
        assert text not in md and text not in cells, text
    assert free_text

    assert main(["--db", str(db), "pack", audited, concerned, "--format", "md", "--out",
                 str(tmp_path / "notes.md"), "--include-notes"]) == 0
    notes = (tmp_path / "notes.md").read_text()
    assert DEMO_CONCERN[0] in notes and DEMO_FEEDBACK in notes and free_text[0] in notes

    entries = open_store(db, "demo").history.entries(what="inspection pack exported")
    assert [e.details["format"] for e in entries] == ["md", "xlsx", "md"][::-1]
    assert entries[-1].details["cases"] == [audited, concerned] and entries[-1].details["not_found"] == 1


def test_references_from_a_file_match_as_annex_a_does(db, tmp_path, capsys):
    audited, concerned, _, _ = known_refs(db)
    book = Workbook()
    book.active.append(["Child\u00a0Unique  ID ", "Name"])
    book.active.append([audited, "never read"])
    book.active.append([float(UNKNOWN), None])
    book.active.append([concerned, None])
    book.save(tmp_path / "named.xlsx")
    assert main(["--db", str(db), "pack", "--cases", str(tmp_path / "named.xlsx"), "--format", "xlsx",
                 "--out", str(tmp_path / "p.xlsx")]) == 0
    assert "for 2 of 3 references" in capsys.readouterr().out
    assert [r[0] for r in load_workbook(tmp_path / "p.xlsx")["not_found"].iter_rows(min_row=2, values_only=True)] \
        == [UNKNOWN]
    (tmp_path / "list.txt").write_text(f"{audited}\n\n{UNKNOWN}.0\n")
    assert main(["--db", str(db), "pack", "--cases", str(tmp_path / "list.txt"), "--format", "md",
                 "--out", str(tmp_path / "p.md")]) == 0
    assert f"References not found: 1 ({UNKNOWN})" in (tmp_path / "p.md").read_text()


def test_a_pack_of_a_case_the_qa_lead_moderates_blind_waits_for_the_re_audit(db, tmp_path, capsys):
    _, _, (blind_case, blind_audit), _ = known_refs(db)
    assert main(["--db", str(db), "pack", blind_case, "--format", "md", "--out", str(tmp_path / "p.md")]) == 2
    err = capsys.readouterr().err
    assert f"You are moderating {blind_audit} blind: a pack of {blind_case} waits until your re-audit is submitted" \
        in err
    assert not (tmp_path / "p.md").exists()
    assert open_store(db, "demo").history.entries(what="inspection pack exported") == []


def test_only_a_qa_lead_makes_a_pack_and_never_over_a_file_without_force(db, tmp_path, capsys, monkeypatch):
    audited = known_refs(db)[0]
    out = tmp_path / "p.md"
    out.write_text("keep")
    assert main(["--db", str(db), "pack", audited, "--format", "md", "--out", str(out)]) == 2
    assert "already exists; nothing was written (give --force to replace it)" in capsys.readouterr().err
    assert out.read_text() == "keep"
    assert main(["--db", str(db), "pack", audited, "--format", "md", "--out", str(db), "--force"]) == 2
    assert "is the caseaudit database" in capsys.readouterr().err
    conn = sqlite3.connect(db)
    auditor = conn.execute("SELECT username FROM users WHERE roles = '[\"auditor\"]' LIMIT 1").fetchone()
    conn.close()
    store = open_store(db, auditor[0])
    from caseaudit.services.pack import export_pack
    from audit_tools.errors import Refused

    with pytest.raises(Refused, match="may not make inspection packs: needs the qa_lead role"):
        export_pack(store, [audited], "md", tmp_path / "q.md")
    assert not (tmp_path / "q.md").exists()
