"""The quarterly themes report: the figures the improvement board sees, for a quarter and
the one before it.

Pure: the store counts and groups in SQL (db.reports) and the caller passes those rows,
the users, the quota and the catalogue (`ReportRows`); this module shapes them into one
document. Nothing here reads the database, the clock or a file. The JSON form of `ThemesReport`
(`report.to_json()`) is the `export themes --format json` contract in cli.md; every
other format is rendered from it.
"""

from audit_tools.themes.figures import (
    DEFAULT_QUOTA, GRADE_ORDER, NO_TEAM, ActionFigures, ActionRow, AuditFigures, AuditorFigures, AuditRow,
    ConcernFigures, Figures, ModerationCounts, ModerationFigures, NoteRow, OverrideFigures, QuarterFigures,
    StandardFigures, ThemeFigures, ThemesReport, fraction, pct,
)
from audit_tools.themes.highlights import movers, top_themes
from audit_tools.themes.rows import (
    QuarterCounts, ReportRows, action_state, agreement_from_counts, concern_figures, figures_from_counts,
    report_from_rows, standards_of,
)

__all__ = [
    "DEFAULT_QUOTA", "GRADE_ORDER", "NO_TEAM", "ActionFigures", "ActionRow", "AuditFigures", "AuditorFigures",
    "AuditRow", "ConcernFigures", "Figures", "ModerationCounts", "ModerationFigures", "NoteRow",
    "OverrideFigures", "QuarterCounts", "QuarterFigures", "ReportRows", "StandardFigures", "ThemeFigures",
    "ThemesReport", "action_state", "agreement_from_counts", "concern_figures", "figures_from_counts", "fraction",
    "movers", "pct", "report_from_rows", "standards_of", "top_themes",
]
