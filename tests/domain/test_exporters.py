"""The four export formats: each opens, holds the same figures as the JSON, keeps
formulas inert, leaves out free text unless asked, and never leaves half a report."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from audit_tools.errors import BadInput
from audit_tools.exporters import export_report, render_md
from audit_tools.exporters import csv_export, xlsx_export
from tests.themes_oracle import themes_report
from tests.domain.test_themes import FREE_TEXT, Q1, dataset

EVIL_NAME = '=HYPERLINK("http://example.com/x","click")'
EVIL_TEAM = "-2+3"


@pytest.fixture
def report():
    return themes_report(Q1, dataset())


@pytest.fixture
def doc(report):
    return report.to_json()


def read_csv(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def read_sheet(path: Path, name: str) -> list[dict]:
    """A sheet's rows keyed by heading, as a person reads them."""
    ws = load_workbook(path)[name]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


TITLES = {"Child protection visits": "cp-visits"}


def number(text: str):
    return None if text == "" else float(text)


def test_json_is_the_report(tmp_path, report, doc):
    out = export_report(report, "json", tmp_path / "q1.json")
    assert json.loads(out.read_text(encoding="utf-8")) == doc
    assert doc["standards"]["cp-visits"]["pct_met"] == 75.0


def test_csv_agrees_with_json(tmp_path, report, doc):
    folder = export_report(report, "csv", tmp_path / "q1")
    names = sorted(p.name for p in folder.iterdir())
    for name in ["audits_by_team", "audits_by_auditor", "grades", "standards", "themes",
                 "moderation", "actions"]:
        assert f"{name}.csv" in names

    assert {r["team"]: int(r["completed"]) for r in read_csv(folder, "audits_by_team")} == doc["audits"]["by_team"]
    assert {
        r["auditor"]: {"completed": int(r["completed"]), "expected": int(r["expected"])}
        for r in read_csv(folder, "audits_by_auditor")
    } == doc["audits"]["by_auditor"]
    assert {r["grade"]: int(r["audits"]) for r in read_csv(folder, "grades")} == doc["grades"]
    assert {r["grade"]: int(r["previous_audits"]) for r in read_csv(folder, "grades")} == doc["previous"]["grades"]
    for r in read_csv(folder, "standards"):
        want = doc["standards"][r["standard"]]
        assert (int(r["n"]), int(r["met"]), int(r["partly_met"]), int(r["not_met"])) == (
            want["n"], want["met"], want["partly_met"], want["not_met"])
        assert number(r["pct_met"]) == want["pct_met"]
        assert number(r["previous_pct_met"]) == doc["previous"]["standards"][r["standard"]]["pct_met"]
    assert {r["theme"]: {"strength": int(r["strength"]), "improvement": int(r["improvement"])}
            for r in read_csv(folder, "themes")} == doc["themes"]
    this = read_csv(folder, "moderation")[0]
    assert this["quarter"] == "2024-25-Q1"
    assert int(this["sampled"]) == doc["moderation"]["sampled"]
    assert float(this["exact_agreement"]) == doc["moderation"]["exact_agreement"]
    assert float(this["kappa_quadratic"]) == doc["moderation"]["kappa_quadratic"]
    actions = read_csv(folder, "actions")[0]
    assert {k: int(actions[k]) for k in doc["actions"]} == doc["actions"]


def test_xlsx_agrees_with_json_and_has_charts(tmp_path, report, doc):
    path = export_report(report, "xlsx", tmp_path / "q1.xlsx")
    wb = load_workbook(path)
    for name in ["audits_by_team", "audits_by_auditor", "grades", "standards", "themes",
                 "moderation", "actions"]:
        assert name in wb.sheetnames

    assert {r["Auditor"]: {"completed": r["Completed"], "expected": r["Expected"]}
            for r in read_sheet(path, "audits_by_auditor")} == doc["audits"]["by_auditor"]
    # Grades in words, standards by title, quarters as "2024-25 Q1": ids stay in json and csv.
    assert {r["Grade"]: r["Audits"] for r in read_sheet(path, "grades")} == {
        "Outstanding": 0, "Good": 2, "Requires improvement": 1, "Inadequate": 1}
    assert doc["grades"] == {"outstanding": 0, "good": 2, "requires_improvement": 1, "inadequate": 1}
    [visits] = [r for r in read_sheet(path, "standards") if r["Standard"] == "Child protection visits"]
    want = doc["standards"]["cp-visits"]
    assert (visits["Scored"], visits["Met"], visits["Partly met"], visits["Not met"]) == (
        want["n"], want["met"], want["partly_met"], want["not_met"])
    assert visits["% met"] == 0.75 and want["pct_met"] == 75.0  # a share, shown as a percentage
    assert "Standard id" not in visits
    mod = read_sheet(path, "moderation")[0]
    assert mod["Quarter"] == "2024-25 Q1"
    assert (mod["Sampled"], mod["Moderated"], mod["Exact grade agreement"], mod["Grades moved down"]) == (
        doc["moderation"]["sampled"], doc["moderation"]["moderated"], doc["moderation"]["exact_agreement"],
        doc["moderation"]["moved_down"])
    act = read_sheet(path, "actions")[0]
    assert (act["Raised"], act["Completed"], act["Open"], act["Overdue"]) == (
        doc["actions"]["raised"], doc["actions"]["completed"], doc["actions"]["open"], doc["actions"]["overdue"])

    ws = wb["standards"]
    assert ws["A1"].font.bold and ws.freeze_panes == "A2"
    headings = [c.value for c in ws[1]]
    assert headings[:3] == ["Standard", "Scored", "Met"]
    # Rates as percentages: a percent number format, never a long decimal on show.
    assert ws.cell(row=2, column=headings.index("% met") + 1).number_format == "0.0%"
    modws = wb["moderation"]
    mod_headings = [c.value for c in modws[1]]
    assert modws.cell(row=2, column=mod_headings.index("Exact grade agreement") + 1).number_format == "0.0%"
    assert modws.cell(row=2, column=mod_headings.index("Quadratic-weighted kappa") + 1).number_format == "0.00"
    assert ws.column_dimensions["A"].width > 10  # titles are wider than the default
    # Native bar charts: % met by standard and grades, each this quarter against the last.
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 2
        xml = " ".join(z.read(n).decode() for n in charts)
    xml = xml.replace("<c:", "<").replace("</c:", "</")  # the chart namespace's prefix, if written
    assert xml.count("barChart>") == 4  # two charts, each opened and closed
    assert xml.count("<ser>") == 4  # this quarter and the last, in each
    assert "2024-25 Q1" in xml and "2023-24 Q4" in xml
    # the % met axis runs from 0 to 100%, not to a spreadsheet's automatic 120
    assert '<max val="1"' in xml and xml.count('<max val=') == 1 and 'formatCode="0%"' in xml
    assert "Child protection visits" in str(wb["standards"]["A2"].value) or "standards" in xml


def test_md_is_a_board_paper(report, doc, tmp_path):
    path = export_report(report, "md", tmp_path / "q1.md")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Quarterly themes report: 2024-25 Q1")
    assert "## Headline figures" in text
    assert "**Audits completed:** 4 (previous quarter 2)" in text
    # Standards by title, rates as percentages, quarters as "2024-25 Q1": no ids on paper.
    assert "| Child protection visits | 4 | 3 | 0 | 1 | 0 | 75.0% | 2 | 50.0% | +25.0 |" in text
    assert "| Chronology | 4 | 2 | 1 | 1 | 0 | 50.0% |" in text
    assert "| 2024-25 Q1 | 6 | 2 | 1 | 4 | 2 |" in text  # actions
    assert "| Good | 2 | 50.0% | 1 | 50.0% |" in text
    assert "cp-visits" not in text and "2024-25-Q1" not in text and "partly_met" not in text
    assert "**Rose most:**" in text and "50.0% → 75.0% (+25.0 points)" in text
    assert "**Areas for improvement:** Chronology (2), Visits (1)" in text
    assert text == render_md(report)


def test_standards_that_fell_are_listed():
    data = dataset()
    # Last quarter P2 now met cp-visits too: 2 of 2 = 100.0 %, so 75.0 % is a fall of 25.
    p2 = next(a for a in data.audits if a.audit_id == "P2")
    p2.scores["cp-visits"] = "met"
    text = render_md(themes_report(Q1, data))
    fell = text.split("**Fell most:**")[1].split("**Rose most:**")[0]
    assert "100.0% → 75.0% (-25.0 points)" in fell


def test_formulas_neutralised_in_csv_and_xlsx_numbers_stay_numbers(tmp_path):
    data = dataset(auditor_name=EVIL_NAME, team_name=EVIL_TEAM)
    p2 = next(a for a in data.audits if a.audit_id == "P2")
    p2.scores["cp-visits"] = "met"  # so cp-visits changes by −25.0: a negative number
    report = themes_report(Q1, data, include_notes=True)
    report.notes[0].text = "@SUM(1+1)*cmd|' /C calc'!A0"
    report.notes[1].text = "\t=1+1"

    folder = export_report(report, "csv", tmp_path / "csv")
    auditors = {r["auditor"] for r in read_csv(folder, "audits_by_auditor")}
    assert "'" + EVIL_NAME in auditors and EVIL_NAME not in auditors
    assert {r["team"] for r in read_csv(folder, "audits_by_team")} >= {"'" + EVIL_TEAM}
    texts = [r["text"] for r in read_csv(folder, "notes")]
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in texts and "'\t=1+1" in texts
    change = {r["standard"]: r["change"] for r in read_csv(folder, "standards")}
    assert change["cp-visits"] == "-25.0"  # a number: no quote
    for file in folder.iterdir():
        with file.open(newline="", encoding="utf-8-sig") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    if cell[:1] in ("=", "+", "@", "\t", "\r"):
                        pytest.fail(f"{file.name}: live formula {cell!r}")
                    if cell.startswith("-"):
                        float(cell)  # only numbers may start with a minus

    path = export_report(report, "xlsx", tmp_path / "q1.xlsx")
    wb = load_workbook(path)
    seen_evil = False
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} holds a formula"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), cell.value
                    seen_evil |= cell.value == "'" + EVIL_NAME
    assert seen_evil
    standards = read_sheet(path, "standards")
    assert next(r for r in standards if r["Standard"] == "Child protection visits")["Change (points)"] == -25.0
    # And in the raw sheet XML nothing is stored as a formula.
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in z.read(name).decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "md", "json"])
def test_free_text_only_with_include_notes(tmp_path, fmt):
    def everything(path: Path) -> str:
        if path.is_dir():
            return " ".join(p.read_text(encoding="utf-8-sig") for p in sorted(path.iterdir()))
        if path.suffix == ".xlsx":
            wb = load_workbook(path)
            return " ".join(str(c) for ws in wb.worksheets for r in ws.iter_rows(values_only=True) for c in r)
        return path.read_text(encoding="utf-8")

    suffix = "" if fmt == "csv" else f".{fmt}"
    plain = everything(export_report(themes_report(Q1, dataset()), fmt, tmp_path / f"plain{suffix}"))
    full = everything(export_report(themes_report(Q1, dataset(), include_notes=True), fmt,
                                    tmp_path / f"full{suffix}"))
    for text in FREE_TEXT:
        assert text not in plain
        assert text in full
    assert "updated on paper file" not in plain  # override reasons stay out
    assert "C1" in plain  # the case reference is all a report says of a child


def test_bad_targets_are_refused_with_a_sentence(tmp_path, report):
    with pytest.raises(BadInput, match="does not exist"):
        export_report(report, "json", tmp_path / "missing" / "q1.json")
    with pytest.raises(BadInput, match="is a folder"):
        export_report(report, "xlsx", tmp_path)
    (tmp_path / "afile").write_text("x")
    with pytest.raises(BadInput, match="is a file"):
        export_report(report, "csv", tmp_path / "afile")
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "budget.xlsx").write_text("x")
    with pytest.raises(BadInput, match="the folder already exists; nothing was written"):
        export_report(report, "csv", tmp_path / "busy")
    assert [p.name for p in (tmp_path / "busy").iterdir()] == ["budget.xlsx"]


def test_csv_with_force_replaces_only_the_reports_own_files(tmp_path, report):
    folder = tmp_path / "q1"
    export_report(report, "csv", folder)
    (folder / "standards.csv").write_text("stale")
    (folder / "budget.xlsx").write_text("the council's own")
    export_report(report, "csv", folder, force=True)
    assert read_csv(folder, "standards")[0]["standard"] == "cp-visits"
    assert (folder / "budget.xlsx").read_text() == "the council's own"
    assert [p.name for p in tmp_path.iterdir()] == ["q1"]  # no temporary folders left


def test_a_failed_export_leaves_nothing_half_written(tmp_path, report, monkeypatch):
    # xlsx: the save fails part-way; no file, no temporary file.
    def broken_close(self):
        Path(self.filename).write_bytes(b"PK half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(xlsx_export.Workbook, "close", broken_close)
    with pytest.raises(BadInput, match="No space left on device"):
        export_report(report, "xlsx", tmp_path / "q1.xlsx")
    assert list(tmp_path.iterdir()) == []

    # csv: the fourth table fails after three files were written; the earlier report stays.
    folder = tmp_path / "q1"
    export_report(report, "csv", folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    calls = {"n": 0}
    real = csv_export.cell_text

    def failing(value):
        calls["n"] += 1
        if calls["n"] > 40:
            raise OSError(5, "Input/output error")
        return real(value)

    monkeypatch.setattr(csv_export, "cell_text", failing)
    with pytest.raises(BadInput, match="Input/output error"):
        export_report(report, "csv", folder, force=True)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["q1"]


def test_xlsx_charts_print_whole(tmp_path, report):
    """The standards chart prints on one page with its table, one bar per standard in table
    order with the title beside it; every chart's legend sits under the plot, uncut."""
    import re

    path = export_report(report, "xlsx", tmp_path / "q1.xlsx")
    wb = load_workbook(path)
    with zipfile.ZipFile(path) as z:
        def plain(n: str) -> str:  # the XML without namespace prefixes, whichever the writer chose
            return re.sub(r"<(/?)[A-Za-z]+:", r"<\1", z.read(n).decode())

        charts = {n: plain(n) for n in z.namelist() if n.startswith("xl/charts/chart")}
        sheets = {n: z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")}
        drawings = [plain(n) for n in z.namelist() if re.match(r"xl/drawings/drawing\d+\.xml$", n)]
    assert all('<legendPos val="b"' in xml for xml in charts.values())
    [standards_chart] = [xml for xml in charts.values() if "% met by standard" in xml]
    assert '<barDir val="bar"' in standards_chart and '<orientation val="maxMin"' in standards_chart
    ws = wb["standards"]
    rows = ws.max_row
    # Under the table, not beside it: the anchor row is past the last row of figures.
    anchors = [int(m) for d in drawings for m in re.findall(r"<from><col>0</col><colOff>0</colOff><row>(\d+)", d)]
    assert anchors and all(a >= rows for a in anchors)
    standards_xml = sheets[f"xl/worksheets/sheet{wb.sheetnames.index('standards') + 1}.xml"]
    assert '<pageSetUpPr fitToPage="1"' in standards_xml
    # One page wide and one tall: written as 1, or left out (1 is the file format's default).
    for attribute in ("fitToHeight", "fitToWidth"):
        assert re.findall(rf'{attribute}="(\d+)"', standards_xml) in ([], ["1"])
    assert ws.print_area and int(re.findall(r"\d+", ws.print_area.split(":")[-1])[0]) > rows + 10


def test_md_change_is_in_points_and_grades_read_left(report):
    """Finding 20 of issue 26: the "Change (points)" column showed -3.4% and grades were
    right-aligned like numbers."""
    lines = render_md(report).splitlines()
    head = lines.index(next(line for line in lines if line.startswith("| Standard | Scored")))
    columns = [c.strip() for c in lines[head].strip("|").split("|")]
    aligns = [a.strip() for a in lines[head + 1].strip("|").split("|")]
    assert aligns[columns.index("Standard")] == "---" and aligns[columns.index("% met")] == "---:"
    visits = next(line for line in lines[head:] if line.startswith("| Child protection visits"))
    change = [c.strip() for c in visits.strip("|").split("|")][columns.index("Change (points)")]
    assert change == "+25.0"
    for line in lines:
        if line.startswith("| Grade |"):
            grades_align = lines[lines.index(line) + 1].strip("|").split("|")[0].strip()
            assert grades_align == "---"


def test_csv_names_say_which_shares_are_percents_and_which_fractions(report):
    """One convention for the csv's numbers (finding 20 of issue 26, docs/themes-report.md):
    each column is the JSON document's key and value, so a header with `pct` holds a
    percent (0 to 100, one decimal) and every other share (`exact_agreement`, `rate`) a
    fraction 0 to 1; grades stay ids. A column whose name does not say which it is fails."""
    from audit_tools.exporters.tables import FRACTION, PCT, themes_tables

    kinds = {(t.name, c.name): c.kind for t in themes_tables(report) for c in t.columns}
    percents = {k for k, kind in kinds.items() if kind == PCT}
    fractions = {k for k, kind in kinds.items() if kind == FRACTION}
    assert percents and all("pct" in name.split("_") for _, name in percents)
    assert fractions == {("moderation", "exact_agreement"), ("overrides", "rate")}
    assert not any("pct" in name.split("_") for k, name in kinds if kinds[(k, name)] != PCT)
    for table in themes_tables(report):
        for i, column in enumerate(table.columns):
            if column.kind == FRACTION:  # a percent may pass 100 (% of expected); a fraction never 1
                assert all(row[i] is None or 0 <= row[i] <= 1 for row in table.rows)


def test_xlsx_download_is_the_same_workbook_as_the_file(tmp_path, report):
    """A browser's download is built in memory: the same sheets and cells as the file written."""
    import io

    from audit_tools.exporters import report_download

    name, data = report_download(report, "xlsx", "themes-2024-25-Q1")
    assert name == "themes-2024-25-Q1.xlsx"
    written = load_workbook(export_report(report, "xlsx", tmp_path / "q1.xlsx"))
    downloaded = load_workbook(io.BytesIO(data))
    assert downloaded.sheetnames == written.sheetnames
    for ws in written.worksheets:
        assert list(downloaded[ws.title].iter_rows(values_only=True)) == list(ws.iter_rows(values_only=True))
    assert list(tmp_path.iterdir()) == [tmp_path / "q1.xlsx"]  # the download wrote nothing


def test_json_entries_are_written_as_the_json_module_writes_them(report):
    """Each entry of a long list on its own line, byte for byte as json.dumps writes it."""
    from audit_tools.exporters import render_json

    text = render_json(report)
    doc = report.to_json()
    assert json.loads(text) == doc
    lines = text.splitlines()
    for key in ("audit_list", "action_list"):
        assert doc[key]
        for entry in doc[key]:
            assert "    " + json.dumps(entry, ensure_ascii=False) in {line.rstrip(",") for line in lines}
