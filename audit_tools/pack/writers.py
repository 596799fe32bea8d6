"""Writing an inspection pack: md (a section a case) and xlsx (a summary sheet and a sheet a
table), to a file or as a download's bytes."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audit_tools.calendar import format_day
from audit_tools.errors import BadInput
from audit_tools.exporters.safety import neutralise
from audit_tools.files import Output, output_file
from audit_tools.models import Case
from audit_tools.pack.model import Pack, PackCase
from audit_tools.pack.tables import case_tables, facts_rows, grade_label
from audit_tools.text import printable

if TYPE_CHECKING:
    from openpyxl import Workbook

FORMATS = ("md", "xlsx")

def _cell(value: Any) -> str:
    return printable(str(value)).replace("|", "\\|").replace("\n", " ").replace("\r", " ")


def _md_table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    if not rows:
        return ["None.", ""]
    return (["| " + " | ".join(_cell(h) for h in headers) + " |", "|" + " --- |" * len(headers)]
            + ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows] + [""])


def render_md(pack: Pack) -> str:
    s = pack.summary()
    lines = [f"# Inspection pack as at {format_day(pack.as_of)}", "",
             f"- References given: {s['references']}",
             f"- Cases found: {s['cases_found']}",
             f"- References not found: {len(pack.not_found)}"
             + (f" ({', '.join(_cell(r) for r in pack.not_found)})" if pack.not_found else ""),
             f"- Cases with an audit in the last 12 months: {s['audited_in_last_12_months']}",
             f"- Audits: {s['audits']}; moderated: {s['moderated']}",
             f"- Actions: {s['actions']}; overdue: {s['overdue_actions']}",
             f"- Concerns: {s['concerns']}; open: {s['open_concerns']}",
             "- Latest grades: " + ", ".join(f"{grade_label(g)} {n}" for g, n in s["latest_grades"].items()),
             ""]
    if pack.not_found:
        lines += ["## References not found", "", "No case in caseaudit has these references:", ""]
        lines += [f"- {_cell(r)}" for r in pack.not_found] + [""]
    if not pack.include_notes:
        lines += ["Free text (notes, action descriptions, concerns, moderators' reasons) is left out; "
                  "make the pack with --include-notes to include it.", ""]
    for c in pack.cases:
        lines += ["---", "", f"## Case {_cell(c.case.case_ref)}", ""]
        lines += _md_table(["fact", "value"], facts_rows(c))
        for table in case_tables(c, pack.include_notes):
            lines += [f"### {table.name.capitalize()} ({len(table.rows)})", ""]
            lines += _md_table(table.headers[1:], [row[1:] for row in table.rows])
    return "\n".join(lines)


def write_md(pack: Pack, out: Output) -> Path:
    with output_file(out, "pack") as tmp:
        tmp.write_text(printable(render_md(pack)), encoding="utf-8")
    return out.path


# --- xlsx --------------------------------------------------------------------------------


def build_workbook(pack: Pack) -> Workbook:
    # lazy: openpyxl is heavy, needed only for the xlsx pack
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "summary"
    s = pack.summary()
    ws.append(["Inspection pack as at", pack.as_of.isoformat()])
    ws["A1"].font = Font(bold=True)
    for key in ("references", "cases_found", "audited_in_last_12_months", "audits", "moderated", "actions",
                "overdue_actions", "concerns", "open_concerns"):
        ws.append([key.replace("_", " "), s[key]])
    ws.append(["references not found", len(pack.not_found)])
    for grade, n in s["latest_grades"].items():
        ws.append([f"latest grade: {grade_label(grade)}", n])
    for ref in pack.not_found:
        ws.append(["not found", neutralise(ref)])
    ws.column_dimensions["A"].width = 32
    cases = wb.create_sheet("cases")
    cases.append(["case_ref", "case type", "start", "team", "worker", "line manager", "closed"])
    for c in pack.cases:
        cases.append([neutralise(v) for _, v in facts_rows(c)])
    sheets: dict[str, Any] = {}
    for c in pack.cases:
        for table in case_tables(c, pack.include_notes):
            if table.name not in sheets:
                sheets[table.name] = wb.create_sheet(table.name)
                sheets[table.name].append(table.headers)
            for row in table.rows:
                sheets[table.name].append([neutralise(v) for v in row])
    if not pack.cases:
        no_case = Case.model_construct(case_ref="")  # type: ignore[call-arg]  # only its tables' headers are read
        for table in case_tables(PackCase(no_case, [], {}), pack.include_notes):
            wb.create_sheet(table.name).append(table.headers)
    missing = wb.create_sheet("not_found")
    missing.append(["reference"])
    for ref in pack.not_found:
        missing.append([neutralise(ref)])
    for sheet in wb.worksheets:
        sheet.freeze_panes = "A2" if sheet.title != "summary" else None
    return wb


def write_xlsx(pack: Pack, out: Output) -> Path:
    wb = build_workbook(pack)
    with output_file(out, "pack") as tmp:
        wb.save(tmp)
    return out.path


WRITERS = {"md": write_md, "xlsx": write_xlsx}


def pack_download(pack: Pack, fmt: str, stem: str) -> tuple[str, bytes]:
    """The pack as one file's name and bytes, for a browser (nothing written on the server)."""
    if fmt not in FORMATS:
        raise BadInput(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if fmt == "md":
        return f"{stem}.md", render_md(pack).encode("utf-8")
    buffer = io.BytesIO()
    build_workbook(pack).save(buffer)
    return f"{stem}.xlsx", buffer.getvalue()
