"""The quarterly themes report as tables: the one shape csv, xlsx and md all render.

Rendering every format from the same tables is what keeps them agreeing with each
other and with the JSON. Values are plain Python: str, int, float, date or None.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from audit_tools.themes import QuarterFigures, ThemesReport, pct

# Column kinds, for number formats: text, int, pct (0–100, one decimal), fraction (0–1), date.
TEXT, INT, PCT, FRACTION, DATE = "text", "int", "pct", "fraction", "date"


@dataclass
class Column:
    name: str
    kind: str = TEXT


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


def _cols(*spec: tuple[str, str]) -> list[Column]:
    return [Column(name, kind) for name, kind in spec]


def _quarter_rows(report: ThemesReport, pick) -> list[list[Any]]:
    """This quarter's row, then the previous quarter's."""
    return [[q.quarter, *pick(q)] for q in (report, report.previous)]


def themes_tables(report: ThemesReport) -> list[Table]:
    prev: QuarterFigures = report.previous
    tables: list[Table] = []

    teams = list(report.audits.by_team) + [t for t in prev.audits.by_team if t not in report.audits.by_team]
    tables.append(Table(
        "audits_by_team", "Audits completed by team",
        _cols(("team", TEXT), ("completed", INT), ("previous_completed", INT)),
        [[t, report.audits.by_team.get(t, 0), prev.audits.by_team.get(t, 0)] for t in teams],
    ))

    tables.append(Table(
        "audits_by_auditor", "Audits completed by auditor against quota",
        _cols(("auditor", TEXT), ("completed", INT), ("expected", INT), ("pct_of_expected", PCT),
              ("previous_completed", INT)),
        [
            [name, row.completed, row.expected, pct(row.completed, row.expected),
             prev.audits.by_auditor[name].completed if name in prev.audits.by_auditor else 0]
            for name, row in report.audits.by_auditor.items()
        ],
    ))

    total, prev_total = sum(report.grades.values()), sum(prev.grades.values())
    tables.append(Table(
        "grades", "Grades after moderation",
        _cols(("grade", TEXT), ("audits", INT), ("pct", PCT), ("previous_audits", INT), ("previous_pct", PCT)),
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
        _cols(("standard", TEXT), ("title", TEXT), ("n", INT), ("met", INT), ("partly_met", INT),
              ("not_met", INT), ("not_applicable", INT), ("pct_met", PCT), ("previous_n", INT),
              ("previous_pct_met", PCT), ("change", PCT)),
        rows,
    ))

    tables.append(Table(
        "themes", "Themes: strengths and areas for improvement",
        _cols(("theme", TEXT), ("label", TEXT), ("strength", INT), ("improvement", INT),
              ("previous_strength", INT), ("previous_improvement", INT)),
        [
            [t, report.theme_labels.get(t, t), f.strength, f.improvement,
             prev.themes[t].strength if t in prev.themes else 0,
             prev.themes[t].improvement if t in prev.themes else 0]
            for t, f in report.themes.items()
        ],
    ))

    tables.append(Table(
        "moderation", "Moderation sample and agreement",
        _cols(("quarter", TEXT), ("sampled", INT), ("moderated", INT), ("exact_agreement", FRACTION),
              ("kappa_quadratic", FRACTION), ("moved_down", INT), ("moved_up", INT)),
        _quarter_rows(report, lambda q: [q.moderation.sampled, q.moderation.moderated,
                                         q.moderation.exact_agreement, q.moderation.kappa_quadratic,
                                         q.moderation.moved_down, q.moderation.moved_up]),
    ))

    tables.append(Table(
        "actions", "Actions, as at each quarter's last day",
        _cols(("quarter", TEXT), ("raised", INT), ("completed", INT), ("completed_on_time", INT),
              ("open", INT), ("overdue", INT)),
        _quarter_rows(report, lambda q: [q.actions.raised, q.actions.completed,
                                         q.actions.completed_on_time, q.actions.open, q.actions.overdue]),
    ))

    tables.append(Table(
        "concerns", "Safeguarding concerns raised while auditing",
        _cols(("quarter", TEXT), ("raised", INT), ("acknowledged_within_1wd", INT), ("open", INT)),
        _quarter_rows(report, lambda q: [q.concerns.raised, q.concerns.acknowledged_within_1wd,
                                         q.concerns.open]),
    ))

    tables.append(Table(
        "overrides", "Automatic statuses overridden by auditors",
        _cols(("quarter", TEXT), ("automatic", INT), ("overridden", INT), ("rate", FRACTION)),
        _quarter_rows(report, lambda q: [q.overrides.automatic, q.overrides.overridden, q.overrides.rate]),
    ))

    tables.append(Table(
        "audits", "Audits of the quarter",
        _cols(("audit_id", TEXT), ("case_ref", TEXT), ("auditor", TEXT), ("team", TEXT),
              ("submitted_on", DATE), ("grade", TEXT), ("final_grade", TEXT), ("moderated", TEXT)),
        [
            [a.audit_id, a.case_ref, a.auditor, a.team, a.submitted_on,
             a.grade.value if a.grade else None, a.final_grade.value if a.final_grade else None,
             "yes" if a.moderated else "no"]
            for a in report.audit_list
        ],
    ))

    action_cols = _cols(("audit_id", TEXT), ("case_ref", TEXT), ("standard", TEXT), ("owner", TEXT),
                        ("due", DATE), ("completed_on", DATE), ("state", TEXT))
    if report.include_notes:
        action_cols.append(Column("description", TEXT))
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
            _cols(("audit_id", TEXT), ("case_ref", TEXT), ("source", TEXT), ("topic", TEXT), ("text", TEXT)),
            [[n.audit_id, n.case_ref, n.source, n.topic, n.text] for n in report.notes],
        ))
    return tables


def cell_text(value: Any) -> str:
    """A value as csv and md write it: ISO dates, empty for none."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)
