"""A thematic round's report (product.md "Thematic audits", cli.md "Thematic rounds"):
cases selected, audited and outstanding; each question's answers, n and %, overall and by
team; the standards when the round scores them; the grades when it grades; comments only
when asked for.

The figures are shaped here from counts the store makes in SQL; json renders the model,
and csv, xlsx (a chart per question) and md render the same tables, so every format agrees.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audit_tools.exporters.safety import neutralise
from audit_tools.text import printable
from audit_tools.files import Output, output_file, output_folder
from audit_tools.models import GRADE_LABELS, Grade
from audit_tools.rounds import NOT_APPLICABLE, Round
from audit_tools.themes import pct

if TYPE_CHECKING:
    from openpyxl import Workbook

FORMATS = ("json", "csv", "xlsx", "md")
NO_TEAM = "unallocated"


@dataclass(frozen=True)
class AnswerFigures:
    """How many audits gave one answer, and their share of the answers that apply."""

    n: int
    pct: float | None  # None for "not applicable", and when no answer applies


@dataclass
class QuestionFigures:
    id: str
    title: str
    n: int
    answers: dict[str, AnswerFigures]  # by answer
    by_team: dict[str, dict[str, int]]  # team -> answer -> n


@dataclass
class StandardFigures:
    """A standard's scores in the round's audits (when the round scores standards)."""

    n: int = 0
    met: int = 0
    partly_met: int = 0
    not_met: int = 0
    pct_met: float | None = None


@dataclass
class Comment:
    question: str
    audit_id: str
    case_ref: str
    answer: str
    comment: str


@dataclass
class RoundReport:
    round_id: str
    name: str
    date: str
    selected: int
    audited: int
    outstanding: int
    questions: list[QuestionFigures]
    standards: dict[str, StandardFigures] | None = None
    grades: dict[str, int] | None = None
    comments: list[Comment] | None = None
    titles: dict[str, str] = field(default_factory=dict)  # standard id -> title

    def as_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "round_id": self.round_id, "name": self.name, "date": self.date,
            "cases": {"selected": self.selected, "audited": self.audited, "outstanding": self.outstanding},
            "questions": [{"id": q.id, "title": q.title, "n": q.n,
                           "answers": {a: asdict(f) for a, f in q.answers.items()}, "by_team": q.by_team}
                          for q in self.questions],
        }
        if self.standards is not None:
            doc["standards"] = {s: asdict(f) for s, f in self.standards.items()}
        if self.grades is not None:
            doc["grades"] = self.grades
        if self.comments is not None:
            doc["comments"] = [c.__dict__ for c in self.comments]
        return doc


def round_report(made: Round, selected: int, audited: int,
                 answer_counts: Sequence[tuple[str, str | None, str, int]],
                 standard_counts: Sequence[tuple[str, str, int]] | None = None,
                 grade_counts: Sequence[tuple[str, int]] | None = None,
                 comments: Sequence[tuple[str, str, str, str, str]] | None = None,
                 titles: dict[str, str] | None = None) -> RoundReport:
    """Shape the report. `answer_counts` are (question, team, answer, n) rows of submitted round
    audits; `standard_counts` (standard, status, n); `grade_counts` (grade, n); `comments`
    (question, audit_id, case_ref, answer, comment), given only when notes are asked for."""
    questions = []
    for question in made.questions.questions:
        totals = {a: 0 for a in question.answers}
        teams: dict[str, dict[str, int]] = {}
        for qid, team, answer, n in answer_counts:
            if qid != question.id:
                continue
            totals[answer] = totals.get(answer, 0) + n
            row = teams.setdefault(team or NO_TEAM, {a: 0 for a in question.answers})
            row[answer] = row.get(answer, 0) + n
        applicable = sum(n for a, n in totals.items() if a != NOT_APPLICABLE)
        answers = {a: AnswerFigures(n, None if a == NOT_APPLICABLE else pct(n, applicable))
                   for a, n in totals.items()}
        questions.append(QuestionFigures(question.id, question.title, sum(totals.values()), answers,
                                         {t: teams[t] for t in sorted(teams)}))
    standards: dict[str, StandardFigures] | None = None
    if made.score_standards:
        standards = {}
        for standard, status, n in standard_counts or []:
            figures = standards.setdefault(standard, StandardFigures())
            if status == "met":
                figures.met += n
            elif status == "partly_met":
                figures.partly_met += n
            elif status == "not_met":
                figures.not_met += n
            else:
                continue
            figures.n += n
        for figures in standards.values():
            figures.pct_met = pct(figures.met, figures.n)
        standards = {s: standards[s] for s in sorted(standards)}
    grades = None
    if made.grade:
        found = dict(grade_counts or [])
        grades = {g.value: found.get(g.value, 0) for g in Grade}
    notes = None if comments is None else [Comment(*row) for row in comments]
    return RoundReport(made.round_id or "", made.name, made.date.isoformat(), selected, audited,
                       selected - audited, questions, standards, grades, notes, titles or {})


# --- tables: what csv, xlsx and md render ----------------------------------------------


@dataclass
class Table:
    name: str
    title: str
    headers: list[str]
    rows: list[list[Any]]


def tables(report: RoundReport) -> list[Table]:
    out = [Table("cases", "Cases", ["selected", "audited", "outstanding"],
                 [[report.selected, report.audited, report.outstanding]])]
    out.append(Table("answers", "Answers", ["question", "title", "answer", "n", "pct"],
                     [[q.id, q.title, a, v.n, v.pct] for q in report.questions for a, v in q.answers.items()]))
    out.append(Table("answers_by_team", "Answers by team", ["question", "team", "answer", "n"],
                     [[q.id, team, a, n] for q in report.questions for team, row in q.by_team.items()
                      for a, n in row.items()]))
    if report.standards is not None:
        out.append(Table("standards", "Standards", ["standard", "title", "n", "met", "partly_met", "not_met", "pct_met"],
                         [[s, report.titles.get(s, s), v.n, v.met, v.partly_met, v.not_met, v.pct_met]
                          for s, v in report.standards.items()]))
    if report.grades is not None:
        out.append(Table("grades", "Grades", ["grade", "n"], [[g, n] for g, n in report.grades.items()]))
    if report.comments is not None:
        out.append(Table("comments", "Comments", ["question", "audit_id", "case_ref", "answer", "comment"],
                         [[c.question, c.audit_id, c.case_ref, c.answer, c.comment] for c in report.comments]))
    return out


def csv_names(report: RoundReport) -> list[str]:
    return [f"{t.name}.csv" for t in tables(report)]


def write_json(report: RoundReport, out: Output) -> Path:
    with output_file(out, "report") as tmp:
        tmp.write_text(json.dumps(report.as_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return out.path


def write_csv(report: RoundReport, out: Output) -> Path:
    with output_folder(out, csv_names(report)) as tmp:
        for table in tables(report):
            with (tmp / f"{table.name}.csv").open("w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(table.headers)
                writer.writerows([["" if v is None else neutralise(v) for v in row] for row in table.rows])
    return out.path


def _words(answer: str) -> str:
    return answer.replace("_", " ")


def _pct_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


def _md_cell(value: Any) -> str:
    return printable(str(value)).replace("|", "\\|").replace("\n", " ")


def render_md(report: RoundReport) -> str:
    lines = [f"# {_md_cell(report.name)} ({report.round_id})", "",
             f"Thematic audit round as at {report.date}.", "",
             f"- Cases selected: {report.selected}",
             f"- Audited: {report.audited}",
             f"- Outstanding: {report.outstanding}", ""]
    for q in report.questions:
        lines += [f"## {_md_cell(q.title)}", "", f"`{q.id}`: {q.n} answered.", "",
                  "| answer | n | % |", "| --- | ---: | ---: |"]
        lines += [f"| {_words(a)} | {v.n} | {_pct_text(v.pct)} |" for a, v in q.answers.items()]
        lines.append("")
        if q.by_team:
            answers = list(q.answers)
            lines += ["By team:", "", "| team | " + " | ".join(_words(a) for a in answers) + " |",
                      "| --- | " + " | ".join("---:" for _ in answers) + " |"]
            lines += [f"| {_md_cell(team)} | " + " | ".join(str(row.get(a, 0)) for a in answers) + " |"
                      for team, row in q.by_team.items()]
            lines.append("")
    if report.standards is not None:
        lines += ["## Standards", "", "| standard | n | met | partly met | not met | % met |",
                  "| --- | ---: | ---: | ---: | ---: | ---: |"]
        lines += [f"| {_md_cell(report.titles.get(s, s))} | {v.n} | {v.met} | {v.partly_met} | "
                  f"{v.not_met} | {_pct_text(v.pct_met)} |" for s, v in report.standards.items()]
        lines.append("")
    if report.grades is not None:
        lines += ["## Grades", "", "| grade | n |", "| --- | ---: |"]
        lines += [f"| {GRADE_LABELS[Grade(g)]} | {n} |" for g, n in report.grades.items()]
        lines.append("")
    if report.comments is not None:
        lines += ["## Comments", ""]
        lines += [f"- {c.case_ref} ({c.audit_id}), {c.question}, {_words(c.answer)}: {_md_cell(c.comment)}"
                  for c in report.comments] or ["No comments."]
        lines.append("")
    return "\n".join(lines)


def write_md(report: RoundReport, out: Output) -> Path:
    with output_file(out, "report") as tmp:
        tmp.write_text(printable(render_md(report)), encoding="utf-8")
    return out.path


def build_workbook(report: RoundReport) -> Workbook:
    # lazy: openpyxl is heavy, needed only for the xlsx report
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    wb = Workbook()
    wb.remove(wb.active)
    for table in tables(report):
        ws = wb.create_sheet(table.name[:31])
        ws.append(table.headers)
        for row in table.rows:
            ws.append([neutralise(v) if isinstance(v, str) else v for v in row])
        ws.freeze_panes = "A2"
    # A chart per question: its answers' counts, on a sheet of their own.
    ws = wb.create_sheet("charts")
    ws.append(["question", "answer", "n"])
    next_row = 2
    for number, q in enumerate(report.questions):
        first = next_row
        for answer, v in q.answers.items():
            ws.append([neutralise(q.id), _words(answer), v.n])
            next_row += 1
        chart = BarChart()
        chart.type = "col"
        chart.title = q.title[:80]
        chart.y_axis.title = "audits"
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.legend = None
        chart.add_data(Reference(ws, min_col=3, min_row=first, max_row=next_row - 1), titles_from_data=False)
        chart.set_categories(Reference(ws, min_col=2, min_row=first, max_row=next_row - 1))
        ws.add_chart(chart, f"E{2 + number * 16}")
    return wb


def write_xlsx(report: RoundReport, out: Output) -> Path:
    wb = build_workbook(report)
    with output_file(out, "report") as tmp:
        wb.save(tmp)
    return out.path


WRITERS = {"json": write_json, "csv": write_csv, "xlsx": write_xlsx, "md": write_md}
