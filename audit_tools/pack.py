"""The inspection pack (product.md "Inspection pack"): for the children inspectors name, what
the service knows of each one's practice, as at a date.

For each case: its facts, its automatic standards results as at the date, every audit (date,
auditor, grade, final grade after moderation, the round when thematic), moderation outcomes,
actions (due, done, overdue) and concerns; and a first page summing them up, with every
reference not found. md (a section a case) and xlsx (a summary sheet and a sheet per table).
Free text (notes, action descriptions, what a concern found, a moderator's reason and
feedback) only when asked for.

References are case refs or Annex A Child Unique IDs, matched as the Annex A import matches
them (`annex_a.child_ref`: a number cell is its digits, no `.0`; spaces tidied).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta

from audit_tools.annex_a import CHILD_ID, child_ref, header_key
from audit_tools.calendar import format_day
from audit_tools.errors import BadInput
from audit_tools.exporters.safety import neutralise
from audit_tools.text import printable
from audit_tools.files import Output, output_file
from audit_tools.models import GRADE_LABELS, Case, Grade, StandardResult

FORMATS = ("md", "xlsx")
REFERENCE_HEADERS = {header_key("case_ref"), header_key(CHILD_ID)}


# --- the references ---------------------------------------------------------------------


def reference(value: Any) -> str | None:
    """A reference as the Annex A import would store it as a case ref (None when blank)."""
    try:
        return child_ref(value)
    except Exception as err:  # annex_a's cell problem: say which value
        raise BadInput(f"reference {value!r}: {err}") from None


def references(values: list[Any]) -> list[str]:
    """The references in the order given, each once."""
    out: list[str] = []
    for value in values:
        ref = reference(value)
        if ref and ref not in out:
            out.append(ref)
    return out


def _column(rows: list[list[Any]], name: str) -> list[Any] | None:
    """The values under a `case_ref` or `Child Unique ID` header in the first row, if it has one."""
    if not rows:
        return None
    keys = [header_key(c) for c in rows[0]]
    for i, key in enumerate(keys):
        if key in REFERENCE_HEADERS:
            return [row[i] if i < len(row) else None for row in rows[1:]]
    if len([k for k in keys if k]) > 1:
        raise BadInput(f"{name}: no case_ref or {CHILD_ID} column in the first row "
                       f"(found {', '.join(str(c) for c in rows[0] if c)})")
    return None


def read_references(path: str | Path) -> list[str]:
    """References from a CSV/XLSX file with a `case_ref` or `Child Unique ID` column, or one a line."""
    file = Path(path)
    name = str(file)
    if not file.is_file():
        raise BadInput(f"{name}: no such file" if not file.exists() else f"{name}: is a folder, not a file")
    data = file.read_bytes()
    rows: list[list[Any]]
    if data.startswith(b"PK\x03\x04"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as err:
            raise BadInput(f"{name}: is not a readable XLSX workbook ({err})") from None
        try:
            rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)] if book.worksheets else []
        finally:
            book.close()
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise BadInput(f"{name}: is not UTF-8 text; save it as CSV UTF-8 or one reference a line") from None
        rows = [r for r in csv.reader(io.StringIO(text, newline=""))]
    column = _column(rows, name)
    values = column if column is not None else [r[0] if r else None for r in rows]
    found = references(values)
    if not found:
        raise BadInput(f"{name}: holds no references; give a case_ref or {CHILD_ID} column, or one a line")
    return found


# --- the pack ----------------------------------------------------------------------------


@dataclass
class PackAudit:
    audit_id: str
    as_of: date
    submitted_on: date | None
    auditor: str
    grade: str | None
    final_grade: str | None
    round: str | None  # "R-000001 Neglect" for a thematic round's audit


@dataclass
class PackModeration:
    audit_id: str
    moderator: str
    moderated_on: date | None
    grade: str | None
    outcome: str | None
    final_grade: str | None
    reason: str | None = None  # free text: only with notes
    feedback: str | None = None


@dataclass
class PackAction:
    audit_id: str
    owner: str | None
    due: date | None
    completed_on: date | None
    standard: str | None
    state: str  # done, open or overdue as at the pack's date
    description: str | None = None  # free text: only with notes


@dataclass
class PackConcern:
    concern_id: str
    audit_id: str | None
    raised_by: str
    raised_on: date
    state: str  # open, acknowledged or closed as at the pack's date
    acknowledged_on: date | None
    closed_on: date | None
    found: str | None = None  # free text: only with notes
    should_happen: str | None = None
    action_taken: str | None = None


@dataclass
class PackCase:
    case: Case
    standards: list[StandardResult]
    titles: dict[str, str]
    audits: list[PackAudit] = field(default_factory=list)
    moderation: list[PackModeration] = field(default_factory=list)
    actions: list[PackAction] = field(default_factory=list)
    concerns: list[PackConcern] = field(default_factory=list)
    notes: list[tuple[str, str, str]] = field(default_factory=list)  # (audit_id, standard, note): only with notes


@dataclass
class Pack:
    as_of: date
    asked: list[str]
    cases: list[PackCase]
    not_found: list[str]
    include_notes: bool = False

    def audited_within_12_months(self) -> list[str]:
        start = self.as_of - relativedelta(months=12)
        return [c.case.case_ref for c in self.cases
                if any(a.submitted_on is not None and start < a.submitted_on <= self.as_of for a in c.audits)]

    def latest_grades(self) -> dict[str, int]:
        """Each case's latest audit's final grade, counted by grade."""
        counts = {g.value: 0 for g in Grade}
        for c in self.cases:
            graded = [a for a in c.audits if a.final_grade]
            if graded:
                counts[max(graded, key=lambda a: (a.submitted_on or a.as_of, a.audit_id)).final_grade] += 1
        return counts

    def summary(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "references": len(self.asked),
            "cases_found": len(self.cases),
            "audited_in_last_12_months": len(self.audited_within_12_months()),
            "latest_grades": self.latest_grades(),
            "audits": sum(len(c.audits) for c in self.cases),
            "moderated": sum(len(c.moderation) for c in self.cases),
            "actions": sum(len(c.actions) for c in self.cases),
            "overdue_actions": sum(1 for c in self.cases for a in c.actions if a.state == "overdue"),
            "concerns": sum(len(c.concerns) for c in self.cases),
            "open_concerns": sum(1 for c in self.cases for k in c.concerns if k.state != "closed"),
            "not_found": list(self.not_found),
        }


def action_state(completed_on: date | None, due: date | None, as_of: date) -> str:
    if completed_on is not None and completed_on <= as_of:
        return "done"
    if due is not None and due < as_of:
        return "overdue"
    return "open"


def concern_state(acknowledged_on: date | None, closed_on: date | None, as_of: date) -> str:
    if closed_on is not None and closed_on <= as_of:
        return "closed"
    if acknowledged_on is not None and acknowledged_on <= as_of:
        return "acknowledged"
    return "open"


# --- tables: what md and xlsx both render ------------------------------------------------


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _grade(value: str | None) -> str:
    return GRADE_LABELS[Grade(value)] if value else ""


@dataclass
class PackTable:
    name: str
    headers: list[str]
    rows: list[list[Any]]


def case_tables(c: PackCase, notes: bool) -> list[PackTable]:
    """One case's tables, each row starting with its case ref (the xlsx sheets gather them)."""
    ref = c.case.case_ref
    audits = PackTable("audits", ["case_ref", "audit", "as at", "submitted", "auditor", "grade",
                                  "final grade", "round"],
                       [[ref, a.audit_id, _day(a.as_of), _day(a.submitted_on), a.auditor, _grade(a.grade),
                         _grade(a.final_grade), a.round or ""] for a in c.audits])
    moderation_headers = ["case_ref", "audit", "moderator", "moderated", "moderator's grade", "outcome",
                          "final grade"] + (["reason", "feedback"] if notes else [])
    moderation = PackTable("moderation", moderation_headers,
                           [[ref, m.audit_id, m.moderator, _day(m.moderated_on), _grade(m.grade),
                             (m.outcome or "").replace("_", " "), _grade(m.final_grade)]
                            + ([m.reason or "", m.feedback or ""] if notes else []) for m in c.moderation])
    actions = PackTable("actions", ["case_ref", "audit", "owner", "due", "done", "state", "standard"]
                        + (["description"] if notes else []),
                        [[ref, a.audit_id, a.owner or "", _day(a.due), _day(a.completed_on), a.state,
                          c.titles.get(a.standard or "", a.standard or "")] + ([a.description or ""] if notes else [])
                         for a in c.actions])
    concerns = PackTable("concerns", ["case_ref", "concern", "audit", "raised by", "raised", "state",
                                      "acknowledged", "closed"]
                         + (["found", "should happen", "action taken"] if notes else []),
                         [[ref, k.concern_id, k.audit_id or "", k.raised_by, _day(k.raised_on), k.state,
                           _day(k.acknowledged_on), _day(k.closed_on)]
                          + ([k.found or "", k.should_happen or "", k.action_taken or ""] if notes else [])
                          for k in c.concerns])
    standards = PackTable("standards", ["case_ref", "standard", "status", "evidence"],
                          [[ref, c.titles.get(r.standard, r.standard),
                            r.status.label if r.status else "auditor's judgement", r.evidence] for r in c.standards])
    out = [standards, audits, moderation, actions, concerns]
    if notes:
        out.append(PackTable("notes", ["case_ref", "audit", "standard", "note"],
                             [[ref, audit_id, c.titles.get(s, s), text] for audit_id, s, text in c.notes]))
    return out


def facts_rows(c: PackCase) -> list[list[str]]:
    case = c.case
    return [["case_ref", case.case_ref], ["case type", case.case_type.value], ["start", _day(case.start_date)],
            ["team", case.team or ""], ["worker", case.worker or ""], ["line manager", case.line_manager or ""],
            ["closed", _day(case.closed_date)]]


# --- md ----------------------------------------------------------------------------------


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
             "- Latest grades: " + ", ".join(f"{_grade(g)} {n}" for g, n in s["latest_grades"].items()),
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


def build_workbook(pack: Pack):
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
        ws.append([f"latest grade: {_grade(grade)}", n])
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
        for table in case_tables(PackCase(Case.model_construct(case_ref=""), [], {}), pack.include_notes):
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


def split_references(text: str) -> list[str]:
    """References pasted into a box: one a line, or separated by commas, semicolons, tabs or spaces."""
    import re

    return references([part for part in re.split(r"[\s,;]+", text or "") if part])
