"""The themes report from grouped rows: what the store's SQL counts (db.reports), shaped
into one quarter's figures and the report of a quarter and the one before it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from audit_tools.agreement import DEFAULT_MIN_PAIRS, Agreement, AuditorAgreement, StandardAgreement
from audit_tools.calendar import ENGLAND_AND_WALES, Calendar
from audit_tools.concerns import ConcernTimes
from audit_tools.concerns import quarter_counts as concern_counts
from audit_tools.models import Grade, Role, Status, User
from audit_tools.quarters import Quarter
from audit_tools.themes.figures import (
    DEFAULT_QUOTA, GRADE_ORDER, ActionFigures, ActionRow, AuditFigures, AuditorFigures, AuditRow,
    ConcernFigures, ModerationFigures, NoteRow, OverrideFigures, QuarterFigures, StandardFigures,
    ThemeFigures, ThemesReport, fraction, pct,
)
from audit_tools.vocabulary import DEFAULT_THEMES

def concern_figures(quarter: Quarter, concerns: Iterable[ConcernTimes], calendar: Calendar) -> ConcernFigures:
    counts = concern_counts(quarter, concerns, calendar)
    return ConcernFigures(raised=counts.raised, acknowledged_within_1wd=counts.acknowledged_within_1wd,
                          open=counts.open)


def standards_of(catalogue: Any) -> list[tuple[str, str]]:
    """(id, title) of each standard, in catalogue order, from a loaded catalogue."""
    if catalogue is None:
        return []
    return [(s.id, getattr(s, "title", s.id)) for s in catalogue.standards]


def action_state(completed_on: date | None, due: date | None, as_at: date) -> str:
    """An action as at `as_at`: completed (on or before it), overdue (open, due before it) or open."""
    if completed_on is not None and completed_on <= as_at:
        return "completed"
    if due is not None and due < as_at:
        return "overdue"
    return "open"


# --- the report from grouped rows (what the store's SQL counts) ------------------------


@dataclass
class QuarterCounts:
    """One quarter's grouped counts, as db.reports.Reports.quarter_counts returns them."""

    by_team: list[tuple[str, int]] = field(default_factory=list)  # (team or "unallocated", audits)
    by_auditor: list[tuple[str, int]] = field(default_factory=list)  # (auditor, audits)
    final_grades: list[tuple[str | None, int]] = field(default_factory=list)
    scores: list[tuple[str, str, int]] = field(default_factory=list)  # (standard, status, count)
    themes: list[tuple[str, str, int]] = field(default_factory=list)  # (theme, kind, audits)
    pairs: list[tuple[str, str, str, int]] = field(default_factory=list)  # (auditor, grade, moderator's, n)
    moderation: tuple[int, int, int, int] = (0, 0, 0, 0)  # sampled, moderated, reconciled, sample_moderated
    actions: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)  # raised, completed, on time, open, overdue
    overrides: tuple[int, int] = (0, 0)  # automatic, overridden
    imported: int = 0  # audits imported from earlier records (outside the override figures)


@dataclass
class ReportRows:
    """Everything `report_from_rows` needs: both quarters' counts and the detail rows."""

    this: QuarterCounts
    previous: QuarterCounts
    users: list[User]
    audit_list: list[tuple[Any, ...]] = field(default_factory=list)
    action_list: list[tuple[Any, ...]] = field(default_factory=list)
    notes: list[tuple[Any, ...]] = field(default_factory=list)
    quota: int = DEFAULT_QUOTA
    standards: list[tuple[str, str]] = field(default_factory=list)
    themes: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_THEMES))
    concerns: list[ConcernTimes] = field(default_factory=list)  # both quarters' (db.concerns.times)
    calendar: Calendar = ENGLAND_AND_WALES


def agreement_from_counts(quarter: str | None, pairs: Iterable[tuple[str, str, str, int]],
                          by_standard: Iterable[tuple[str, int, int]] = (),
                          min_pairs: int = DEFAULT_MIN_PAIRS) -> Agreement:
    """The agreement figures from (auditor, grade, moderator's grade, n) groups and
    (standard, pairs, agreed) rows: the same Agreement `agreement` computes from audits."""
    result = Agreement(quarter=quarter, min_pairs=min_pairs)
    by_auditor: dict[str, AuditorAgreement] = {}
    for auditor, grade, theirs_grade, n in pairs:
        mine, theirs = Grade(grade).rank, Grade(theirs_grade).rank
        result.auditor_grades += [mine] * n
        result.moderator_grades += [theirs] * n
        row = by_auditor.setdefault(auditor, AuditorAgreement(auditor, min_pairs=min_pairs))
        row.pairs += n
        row.exact += n * (mine == theirs)
        row.moved_down += n * (theirs < mine)
        row.moved_up += n * (theirs > mine)
    result.by_auditor = {name: by_auditor[name] for name in sorted(by_auditor)}
    result.by_standard = {sid: StandardAgreement(sid, pairs=n, agreed=agreed or 0)
                          for sid, n, agreed in sorted(by_standard)}
    return result


def figures_from_counts(quarter: Quarter, counts: QuarterCounts, users: list[User], quota: int,
                        standards: list[tuple[str, str]], vocabulary: Mapping[str, str],
                        concerns: Iterable[ConcernTimes] = (),
                        calendar: Calendar = ENGLAND_AND_WALES) -> QuarterFigures:
    """QuarterFigures from one quarter's grouped counts (db.reports counts them in SQL)."""
    done = dict(counts.by_auditor)
    expected = quota * len(quarter.months())
    by_auditor: dict[str, AuditorFigures] = {}
    for user in sorted(users, key=lambda u: u.username):
        if Role.auditor in user.roles:
            by_auditor[user.username] = AuditorFigures(completed=done.get(user.username, 0), expected=expected)
    for name in sorted(done):
        by_auditor.setdefault(name, AuditorFigures(completed=done[name], expected=0))

    finals = {grade: n for grade, n in counts.final_grades if grade is not None}
    grades = {g.value: finals.get(g.value, 0) for g in GRADE_ORDER}

    scored: dict[str, Counter[str]] = {}
    for sid, status, n in counts.scores:
        scored.setdefault(sid, Counter())[status] += n
    order = [sid for sid, _ in standards]
    order += sorted(set(scored) - set(order))
    standard_figures: dict[str, StandardFigures] = {}
    for sid in order:
        c = scored.get(sid, Counter())
        n = c[Status.met.value] + c[Status.partly_met.value] + c[Status.not_met.value]
        standard_figures[sid] = StandardFigures(
            n=n, met=c[Status.met.value], partly_met=c[Status.partly_met.value],
            not_met=c[Status.not_met.value], pct_met=pct(c[Status.met.value], n),
            not_applicable=c[Status.not_applicable.value])

    tagged: dict[str, Counter[str]] = {}
    for theme, kind, n in counts.themes:
        tagged.setdefault(theme, Counter())[kind] += n
    theme_ids = list(vocabulary) + sorted(set(tagged) - set(vocabulary))
    theme_figures = {t: ThemeFigures(strength=tagged.get(t, Counter())["strength"],
                                     improvement=tagged.get(t, Counter())["improvement"]) for t in theme_ids}

    agreed = agreement_from_counts(quarter.code, counts.pairs)
    sampled, moderated, reconciled, sample_moderated = counts.moderation
    moderation = ModerationFigures(
        sampled=sampled, moderated=moderated, reconciled=reconciled, sample_moderated=sample_moderated,
        exact_agreement=agreed.exact_agreement,
        kappa_quadratic=agreed.kappa_quadratic, moved_down=agreed.moved_down, moved_up=agreed.moved_up)

    raised, completed, on_time, open_, overdue = counts.actions
    automatic, overridden = counts.overrides
    return QuarterFigures(
        quarter=quarter.code,
        from_=quarter.start,
        to=quarter.end,
        audits=AuditFigures(completed=sum(done.values()), by_team=dict(sorted(counts.by_team)),
                            by_auditor=by_auditor),
        grades=grades,
        standards=standard_figures,
        themes=theme_figures,
        moderation=moderation,
        actions=ActionFigures(raised=raised, completed=completed, completed_on_time=on_time,
                              open=open_, overdue=overdue),
        overrides=OverrideFigures(automatic=automatic, overridden=overridden,
                                  rate=fraction(overridden, automatic), imported=counts.imported),
        concerns=concern_figures(quarter, concerns, calendar),
    )


def report_from_rows(quarter: Quarter, rows: ReportRows, include_notes: bool = False) -> ThemesReport:
    """The quarterly themes report from grouped counts and detail rows: the quarter's
    figures, the previous quarter's for trends, and the detail lists. Free text (notes,
    action descriptions, moderation reasons and feedback) appears only with include_notes;
    staff appear by username, children only by case reference."""
    this = figures_from_counts(quarter, rows.this, rows.users, rows.quota, rows.standards, rows.themes,
                               rows.concerns, rows.calendar)
    before = figures_from_counts(quarter.previous(), rows.previous, rows.users, rows.quota,
                                 rows.standards, rows.themes, rows.concerns, rows.calendar)
    as_at = quarter.end
    audit_list = [
        AuditRow(audit_id=r[0], case_ref=r[1], auditor=r[2], team=r[3], submitted_on=r[4],
                 grade=r[5], final_grade=r[6], moderated=bool(r[7]))
        for r in rows.audit_list
    ]
    action_list = []
    for audit_id, case_ref, standard, owner, due, completed_on, description in rows.action_list:
        due_day = date.fromisoformat(due) if due else None
        done_day = date.fromisoformat(completed_on) if completed_on else None
        action_list.append(ActionRow(
            audit_id=audit_id, case_ref=case_ref, standard=standard, owner=owner, due=due_day,
            completed_on=done_day, state=action_state(done_day, due_day, as_at),
            description=description if include_notes else None))
    notes = [NoteRow(audit_id=r[0], case_ref=r[1], source=r[2], topic=r[3], text=r[4])
             for r in rows.notes] if include_notes else []
    titles = dict(rows.standards)
    return ThemesReport(
        **this.model_dump(by_alias=True),
        label=quarter.label,
        previous=before,
        standard_titles={sid: titles.get(sid, sid) for sid in this.standards},
        theme_labels={t: rows.themes.get(t, t) for t in this.themes},
        audit_list=audit_list,
        action_list=action_list,
        include_notes=include_notes,
        notes=notes,
    )
