"""md: the board paper — headline figures, the movers, top themes, then every table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from audit_tools.calendar import format_day
from audit_tools.files import Output, output_file
from audit_tools.exporters.tables import FRACTION, KAPPA, PCT, POINTS, WORDS, Table, cell_text, human_tables
from audit_tools.quarters import Quarter
from audit_tools.themes import ModerationCounts, ThemesReport, movers, pct, top_themes
from audit_tools.text import printable
from audit_tools.wording import kappa_words, percent

_ESCAPE = str.maketrans({c: "\\" + c for c in "\\|<>`*[]"})


def _md(value: Any) -> str:
    """A cell as markdown shows it: escaped so names cannot break the table or add links."""
    text = cell_text(value).replace("\r", " ").replace("\n", " ")
    return text.translate(_ESCAPE) if text else "–"


def _number(value: float | None, kind: str) -> str:
    """Shares as percentages, as every screen writes them; a kappa to two places."""
    if value is None:
        return "–"
    if kind == PCT:
        return f"{value:.1f}%"
    if kind == POINTS:
        return f"{value:+.1f}"
    if kind == FRACTION:
        return percent(value, 1)
    if kind == KAPPA:
        return f"{value:.2f}"
    return cell_text(value)


def _table(table: Table) -> list[str]:
    lines = [f"### {table.title}", ""]
    if not table.rows:
        return lines + ["None this quarter.", ""]
    head = [c.heading for c in table.columns]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("| " + " | ".join("---" if c.kind in WORDS else "---:" for c in table.columns) + " |")
    for row in table.rows:
        cells = []
        for value, column in zip(row, table.columns):
            if column.kind in (PCT, FRACTION, KAPPA, POINTS) or isinstance(value, (int, float)):
                cells.append(_number(value, column.kind))
            else:
                cells.append(_md(value))
        lines.append("| " + " | ".join(cells) + " |")
    return lines + [""]


def _pct(value: float | None) -> str:
    """A percentage the themes figures give as 0..100, to one decimal."""
    return percent(None if value is None else value / 100, 1)


def _was(now: int | float | None, then: int | float | None, kind: str = "int") -> str:
    return f"{_number(now, kind)} (previous quarter {_number(then, kind)})"


def render_headline(report: ThemesReport) -> list[str]:
    """The paper's first page: title, headline figures, the movers and the top themes."""
    prev = report.previous
    prev_label = Quarter.parse(prev.quarter).label
    a, m, act = report.audits, report.moderation, report.actions
    auditors = [r for r in a.by_auditor.values() if r.expected > 0]
    at_quota = sum(1 for r in auditors if r.completed >= r.expected)
    graded = sum(report.grades.values())
    good = report.grades.get("outstanding", 0) + report.grades.get("good", 0)
    prev_graded = sum(prev.grades.values())
    prev_good = prev.grades.get("outstanding", 0) + prev.grades.get("good", 0)

    lines = [
        f"# Quarterly themes report: {report.label}",
        "",
        f"Audits submitted {format_day(report.from_)} to {format_day(report.to)}, "
        f"compared with {prev_label}. Staff are named by username; cases by reference only.",
        "",
        "## Headline figures",
        "",
        f"- **Audits completed:** {_was(a.completed, prev.audits.completed)}; "
        f"{at_quota} of {len(auditors)} auditors completed their expected "
        f"{auditors[0].expected if auditors else 0} audits.",
        f"- **Good or better (after moderation):** {good} of {graded} audits, "
        f"{_pct(pct(good, graded))} (previous quarter {_pct(pct(prev_good, prev_graded))}).",
        f"- **Moderation:** {ModerationCounts.of(m).words}; exact grade agreement "
        f"{_number(m.exact_agreement, FRACTION)}; quadratic-weighted kappa "
        f"{kappa_words(m.kappa_quadratic, m.moderated)}; "
        f"grades moved down {m.moved_down}, up {m.moved_up}.",
        f"- **Actions** (as at {format_day(report.to)}): {act.raised} raised, {act.completed} completed "
        f"({act.completed_on_time} on time), {act.open} open, of which {act.overdue} overdue.",
        f"- **Safeguarding concerns raised while auditing:** {report.concerns.raised} raised, "
        f"{report.concerns.acknowledged_within_1wd} acknowledged within 1 working day; "
        f"{report.concerns.open} open at {format_day(report.to)}.",
        f"- **Automatic statuses overridden:** {report.overrides.overridden} of "
        f"{report.overrides.automatic} ({_number(report.overrides.rate, FRACTION)})"
        + (f", {words}." if (words := report.overrides.imported_words(report.audits.completed)) else "."),
        "",
    ]

    fell, rose = movers(report)
    lines += ["## Standards that changed most in % met", ""]
    for heading, moved in (("Fell most", fell), ("Rose most", rose)):
        lines.append(f"**{heading}:**")
        lines.append("")
        if not moved:
            lines.append("- none")
        for sid, delta in moved:
            now = report.standards[sid].pct_met
            then = prev.standards[sid].pct_met
            title = report.standard_titles.get(sid, sid)
            lines.append(f"- {_md(title)}: {_pct(then)} → {_pct(now)} "
                         f"({delta:+.1f} points)")
        lines.append("")

    lines += ["## Top themes", ""]
    for heading, kind in (("Strengths", "strength"), ("Areas for improvement", "improvement")):
        top = top_themes(report, kind)
        names = ", ".join(f"{_md(report.theme_labels.get(t, t))} ({n})" for t, n in top) or "none recorded"
        lines.append(f"- **{heading}:** {names}")
    lines.append("")
    return lines


def render_md(report: ThemesReport) -> str:
    lines = render_headline(report)
    lines += ["## Tables", ""]
    for table in human_tables(report):
        lines += _table(table)
    if report.history_head:
        lines += ["## The record behind these figures", "",
                  f"caseaudit's history stood at entry `{report.history_head}` when this paper was "
                  "written. Anyone can check later that the record up to that entry is unchanged with "
                  f"`caseaudit verify --against {report.history_head}`.", ""]
    return printable("\n".join(lines).rstrip() + "\n")


def write_md(report: ThemesReport, out: Output) -> Path:
    text = render_md(report)
    with output_file(out, "report") as tmp:
        tmp.write_text(text, encoding="utf-8")
    return out.path
