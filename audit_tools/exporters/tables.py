"""The quarterly themes report as tables: the one shape csv, xlsx and md all render.

Rendering every format from the same tables is what keeps them agreeing with each
other and with the JSON. Values are plain Python: str, int, float, date or None.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from audit_tools.models import Grade
from audit_tools.quarters import Quarter
from audit_tools.text import printable
from audit_tools.themes import QuarterFigures, ThemesReport, pct

# Column kinds, for number formats: text, int, pct (0–100, one decimal), fraction (0–1),
# kappa (a statistic, not a share), date; and ids that a person reads by name: a grade, a
# standard, a quarter code.
TEXT, INT, PCT, FRACTION, DATE = "text", "int", "pct", "fraction", "date"
KAPPA, GRADE, STANDARD, QUARTER = "kappa", "grade", "standard", "quarter"
# A change between two percentages, in percentage points: signed, never written with "%".
POINTS = "points"
# Columns whose ids a person reads by name (human_value).
NAMED = (GRADE, STANDARD, QUARTER)
# Columns a person reads as words or dates: left-aligned where a format aligns.
WORDS = (TEXT, DATE, GRADE, STANDARD, QUARTER)


@dataclass
class Column:
    name: str  # the csv header (and the xlsx column's key): an id, as cli.md's JSON keys
    kind: str = TEXT
    label: str | None = None  # the heading a person reads (xlsx, board paper)
    # False for an id column beside its name (a standard's id, a theme's): only json and csv
    # carry ids; the human formats show the name column instead.
    human: bool = True

    @property
    def heading(self) -> str:
        return self.label or self.name.replace("_", " ").capitalize()


@dataclass
class Table:
    name: str  # file and sheet name: audits_by_team, standards, …
    title: str  # heading in a board paper
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return [c.name for c in self.columns]


def change(now: float | None, then: float | None) -> float | None:
    """Percentage-point change, exact to one decimal (75.0 − 62.5 = 12.5, not 12.499…)."""
    if now is None or then is None:
        return None
    return float(Decimal(str(now)) - Decimal(str(then)))


def _cols(*spec: tuple[Any, ...]) -> list[Column]:
    """(name, kind[, label[, human]]) of each column."""
    return [Column(*c) for c in spec]


def _quarter_rows(report: ThemesReport, pick: Callable[[QuarterFigures], list[Any]]) -> list[list[Any]]:
    """This quarter's row, then the previous quarter's."""
    return [[q.quarter, *pick(q)] for q in (report, report.previous)]


def themes_tables(report: ThemesReport) -> list[Table]:
    prev: QuarterFigures = report.previous
    tables: list[Table] = []

    teams = list(report.audits.by_team) + [t for t in prev.audits.by_team if t not in report.audits.by_team]
    tables.append(Table(
        "audits_by_team", "Audits completed by team",
        _cols(("team", TEXT, "Team"), ("completed", INT, "Completed"),
              ("previous_completed", INT, "Previous quarter")),
        [[t, report.audits.by_team.get(t, 0), prev.audits.by_team.get(t, 0)] for t in teams],
    ))

    tables.append(Table(
        "audits_by_auditor", "Audits completed by auditor against quota",
        _cols(("auditor", TEXT, "Auditor"), ("completed", INT, "Completed"), ("expected", INT, "Expected"),
              ("pct_of_expected", PCT, "% of expected"), ("previous_completed", INT, "Previous quarter")),
        [
            [name, row.completed, row.expected, pct(row.completed, row.expected),
             prev.audits.by_auditor[name].completed if name in prev.audits.by_auditor else 0]
            for name, row in report.audits.by_auditor.items()
        ],
    ))

    total, prev_total = sum(report.grades.values()), sum(prev.grades.values())
    tables.append(Table(
        "grades", "Grades after moderation",
        _cols(("grade", GRADE, "Grade"), ("audits", INT, "Audits"), ("pct", PCT, "%"),
              ("previous_audits", INT, "Previous quarter"), ("previous_pct", PCT, "Previous %")),
        [
            [g, n, pct(n, total), prev.grades.get(g, 0), pct(prev.grades.get(g, 0), prev_total)]
            for g, n in report.grades.items()
        ],
    ))

    rows = []
    for sid, s in report.standards.items():
        p = prev.standards.get(sid)
        p_pct = p.pct_met if p else None
        rows.append([sid, report.standard_titles.get(sid, sid), s.n, s.met, s.partly_met, s.not_met,
                     s.not_applicable, s.pct_met, p.n if p else 0, p_pct, change(s.pct_met, p_pct)])
    tables.append(Table(
        "standards", "Standards: % met (auditors' scores as submitted)",
        _cols(("standard", TEXT, "Standard id", False), ("title", TEXT, "Standard"), ("n", INT, "Scored"),
              ("met", INT, "Met"), ("partly_met", INT, "Partly met"), ("not_met", INT, "Not met"),
              ("not_applicable", INT, "Not applicable"), ("pct_met", PCT, "% met"),
              ("previous_n", INT, "Previous scored"), ("previous_pct_met", PCT, "Previous % met"),
              ("change", POINTS, "Change (points)")),
        rows,
    ))

    tables.append(Table(
        "themes", "Themes: strengths and areas for improvement",
        _cols(("theme", TEXT, "Theme id", False), ("label", TEXT, "Theme"), ("strength", INT, "Strength"),
              ("improvement", INT, "Improvement"), ("previous_strength", INT, "Previous strength"),
              ("previous_improvement", INT, "Previous improvement")),
        [
            [t, report.theme_labels.get(t, t), f.strength, f.improvement,
             prev.themes[t].strength if t in prev.themes else 0,
             prev.themes[t].improvement if t in prev.themes else 0]
            for t, f in report.themes.items()
        ],
    ))

    tables.append(Table(
        "moderation", "Moderation sample and agreement",
        _cols(("quarter", QUARTER, "Quarter"), ("sampled", INT, "Sampled"), ("moderated", INT, "Moderated"),
              ("reconciled", INT, "Reconciled"), ("sample_moderated", INT, "Moderated from the sample"),
              ("exact_agreement", FRACTION, "Exact grade agreement"),
              ("kappa_quadratic", KAPPA, "Quadratic-weighted kappa"), ("moved_down", INT, "Grades moved down"),
              ("moved_up", INT, "Grades moved up")),
        _quarter_rows(report, lambda q: [q.moderation.sampled, q.moderation.moderated,
                                         q.moderation.reconciled, q.moderation.sample_moderated,
                                         q.moderation.exact_agreement, q.moderation.kappa_quadratic,
                                         q.moderation.moved_down, q.moderation.moved_up]),
    ))

    tables.append(Table(
        "actions", "Actions, as at each quarter's last day",
        _cols(("quarter", QUARTER, "Quarter"), ("raised", INT, "Raised"), ("completed", INT, "Completed"),
              ("completed_on_time", INT, "Completed on time"), ("open", INT, "Open"), ("overdue", INT, "Overdue")),
        _quarter_rows(report, lambda q: [q.actions.raised, q.actions.completed,
                                         q.actions.completed_on_time, q.actions.open, q.actions.overdue]),
    ))

    tables.append(Table(
        "concerns", "Safeguarding concerns raised while auditing",
        _cols(("quarter", QUARTER, "Quarter"), ("raised", INT, "Raised"),
              ("acknowledged_within_1wd", INT, "Acknowledged within 1 working day"),
              ("open", INT, "Open at the quarter's end")),
        _quarter_rows(report, lambda q: [q.concerns.raised, q.concerns.acknowledged_within_1wd,
                                         q.concerns.open]),
    ))

    tables.append(Table(
        "overrides", "Automatic statuses overridden by auditors",
        _cols(("quarter", QUARTER, "Quarter"), ("automatic", INT, "Automatic statuses"),
              ("overridden", INT, "Overridden"), ("rate", FRACTION, "Share overridden")),
        _quarter_rows(report, lambda q: [q.overrides.automatic, q.overrides.overridden, q.overrides.rate]),
    ))

    tables.append(Table(
        "audits", "Audits of the quarter",
        _cols(("audit_id", TEXT, "Audit"), ("case_ref", TEXT, "Case"), ("auditor", TEXT, "Auditor"),
              ("team", TEXT, "Team"), ("submitted_on", DATE, "Submitted"), ("grade", GRADE, "Auditor's grade"),
              ("final_grade", GRADE, "Final grade"), ("moderated", TEXT, "Moderated")),
        [
            [a.audit_id, a.case_ref, a.auditor, a.team, a.submitted_on,
             a.grade.value if a.grade else None, a.final_grade.value if a.final_grade else None,
             "yes" if a.moderated else "no"]
            for a in report.audit_list
        ],
    ))

    action_cols = _cols(("audit_id", TEXT, "Audit"), ("case_ref", TEXT, "Case"), ("standard", STANDARD, "Standard"),
                        ("owner", TEXT, "Owner"), ("due", DATE, "Due"), ("completed_on", DATE, "Completed"),
                        ("state", TEXT, "State"))
    if report.include_notes:
        action_cols.append(Column("description", TEXT, "Description"))
    tables.append(Table(
        "action_plan", "Actions raised by the quarter's audits",
        action_cols,
        [
            [r.audit_id, r.case_ref, r.standard, r.owner, r.due, r.completed_on, r.state]
            + ([r.description] if report.include_notes else [])
            for r in report.action_list
        ],
    ))

    if report.include_notes:
        tables.append(Table(
            "notes", "Notes (free text)",
            _cols(("audit_id", TEXT, "Audit"), ("case_ref", TEXT, "Case"), ("source", TEXT, "From"),
                  ("topic", STANDARD, "About"), ("text", TEXT, "Text")),
            [[n.audit_id, n.case_ref, n.source, n.topic, n.text] for n in report.notes],
        ))
    return tables


def human_value(value: Any, kind: str, report: ThemesReport) -> Any:
    """A value as a person reads it: a grade in words, a standard by its title, a quarter as
    "2024-25 Q1"; anything else as it is."""
    if value is None or not isinstance(value, str):
        return value
    if kind == GRADE:
        return Grade(value).label
    if kind == STANDARD:
        return report.standard_titles.get(value, value)
    if kind == QUARTER:
        return Quarter.parse(value).label
    return value


def human_tables(report: ThemesReport) -> list[Table]:
    """The tables as the xlsx and the board paper show them: headings in words, grades,
    standards and quarters by name, and no id column that has a name column beside it."""
    out = []
    for table in themes_tables(report):
        keep = [i for i, c in enumerate(table.columns) if c.human]
        named = [(n, table.columns[i].kind) for n, i in enumerate(keep) if table.columns[i].kind in NAMED]
        rows = [[row[i] for i in keep] for row in table.rows]
        for n, kind in named:  # each distinct id looked up once, not once a row
            seen: dict[Any, Any] = {}
            for row in rows:
                value = row[n]
                if value not in seen:
                    seen[value] = human_value(value, kind, report)
                row[n] = seen[value]
        out.append(Table(table.name, table.title, [table.columns[i] for i in keep], rows))
    return out


def cell_text(value: Any) -> str:
    """A value as csv and md write it: ISO dates, empty for none."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return printable(str(value))  # a control character an older database holds, as [U+001B]
