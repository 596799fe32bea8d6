"""The themes report computed from whole audits: a test oracle, not product code.

The product counts the report in SQL (db.reports) and shapes the rows in
audit_tools.themes.report_from_rows. This second, plain-Python reading of the same rules
over whole audits is slow at council scale and kept only so tests can hold the SQL
counts to it on a department made in caseaudit (tests/services/test_themes_sql.py), and
so the export tests have a report built from a readable dataset.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from audit_tools.agreement import agreement, is_pair
from audit_tools.calendar import ENGLAND_AND_WALES, Calendar
from audit_tools.concerns import ConcernTimes
from audit_tools.models import Audit, Case, Role, Status, User
from audit_tools.quarters import Quarter
from audit_tools.themes import (
    DEFAULT_QUOTA,
    GRADE_ORDER,
    NO_TEAM,
    ActionFigures,
    ActionRow,
    AuditFigures,
    AuditorFigures,
    AuditRow,
    ModerationFigures,
    NoteRow,
    OverrideFigures,
    QuarterFigures,
    StandardFigures,
    ThemeFigures,
    ThemesReport,
    action_state,
    concern_figures,
    fraction,
    pct,
    standards_of,
)
from audit_tools.vocabulary import DEFAULT_THEMES


@dataclass
class ThemesInput:
    """Everything the figures need, gathered by the caller."""

    audits: list[Audit]
    cases: Mapping[str, Case]
    users: list[User]
    sampled_ids: set[str] = field(default_factory=set)
    quota: int = DEFAULT_QUOTA
    standards: list[tuple[str, str]] = field(default_factory=list)  # (id, title), catalogue order
    themes: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_THEMES))
    concerns: list[ConcernTimes] = field(default_factory=list)  # when each was raised, acknowledged, closed
    calendar: Calendar = ENGLAND_AND_WALES


def in_quarter(audits: Iterable[Audit], quarter: Quarter) -> list[Audit]:
    """Submitted audits whose submission date falls in the quarter, in submission order."""
    chosen = [a for a in audits if a.submitted_on is not None and quarter.contains(a.submitted_on)]
    return sorted(chosen, key=lambda a: (a.submitted_on, a.audit_id))


def _team(audit: Audit, cases: Mapping[str, Case]) -> str:
    case = cases.get(audit.case_ref)
    return (case.team if case and case.team else None) or NO_TEAM


def quarter_figures(quarter: Quarter, data: ThemesInput) -> QuarterFigures:
    audits = in_quarter(data.audits, quarter)
    months = len(quarter.months())

    # Audits: by the case's team, and by auditor against quota.
    by_team = Counter(_team(a, data.cases) for a in audits)
    done = Counter(a.auditor for a in audits)
    expected = data.quota * months
    by_auditor: dict[str, AuditorFigures] = {}
    for user in sorted(data.users, key=lambda u: u.username):
        if Role.auditor in user.roles:
            by_auditor[user.username] = AuditorFigures(completed=done[user.username], expected=expected)
    for name in sorted(done):
        # Someone outside the auditor role still audited: shown, with no quota of their own.
        by_auditor.setdefault(name, AuditorFigures(completed=done[name], expected=0))

    # Grades after moderation, best first, every grade shown.
    finals = Counter(a.final_grade for a in audits if a.final_grade is not None)
    grades = {g.value: finals[g] for g in GRADE_ORDER}

    # Standards: the auditor's scores as submitted; n leaves out not applicable.
    order = [sid for sid, _ in data.standards]
    seen = {sid for a in audits for sid in a.scores}
    order += sorted(seen - set(order))
    standards: dict[str, StandardFigures] = {}
    for sid in order:
        counts = Counter(a.scores[sid] for a in audits if sid in a.scores)
        n = counts[Status.met] + counts[Status.partly_met] + counts[Status.not_met]
        standards[sid] = StandardFigures(
            n=n,
            met=counts[Status.met],
            partly_met=counts[Status.partly_met],
            not_met=counts[Status.not_met],
            pct_met=pct(counts[Status.met], n),
            not_applicable=counts[Status.not_applicable],
        )

    # Themes: every vocabulary theme, plus any tagged outside it.
    strengths = Counter(t for a in audits for t in dict.fromkeys(a.themes.strengths))
    improvements = Counter(t for a in audits for t in dict.fromkeys(a.themes.improvements))
    theme_ids = list(data.themes) + sorted((set(strengths) | set(improvements)) - set(data.themes))
    themes = {
        t: ThemeFigures(strength=strengths[t], improvement=improvements[t]) for t in theme_ids
    }

    # Moderation: the same agreement figures as `stats agreement` for this quarter's audits.
    sampled = [a for a in audits if a.audit_id in data.sampled_ids]
    agreed = agreement(audits)
    moderation = ModerationFigures(
        sampled=len(sampled),
        moderated=sum(1 for a in audits if is_pair(a)),
        reconciled=sum(1 for a in audits if is_pair(a) and a.moderation.outcome is not None),
        sample_moderated=sum(1 for a in sampled if is_pair(a)),
        exact_agreement=agreed.exact_agreement,
        kappa_quadratic=agreed.kappa_quadratic,
        moved_down=agreed.moved_down,
        moved_up=agreed.moved_up,
    )

    # Actions of these audits, judged as at the quarter's last day.
    as_at = quarter.end
    states = Counter()
    on_time = 0
    raised = 0
    for a in audits:
        for action in a.actions:
            raised += 1
            state = action_state(action.completed_on, action.due, as_at)
            states[state] += 1
            if state == "completed" and action.due is not None and action.completed_on <= action.due:
                on_time += 1
    actions = ActionFigures(
        raised=raised,
        completed=states["completed"],
        completed_on_time=on_time,
        open=states["open"] + states["overdue"],
        overdue=states["overdue"],
    )

    # Overrides: an auditor's status differing from the automatic one they were shown;
    # imported audits were scored without it, so they are no one's override.
    automatic = overridden = 0
    for a in audits:
        if a.imported:
            continue
        for sid, auto in a.automatic.items():
            if auto is None or sid not in a.scores:
                continue
            automatic += 1
            overridden += a.scores[sid] != auto
    overrides = OverrideFigures(
        automatic=automatic, overridden=overridden, rate=fraction(overridden, automatic),
        imported=sum(1 for a in audits if a.imported),
    )

    return QuarterFigures(
        quarter=quarter.code,
        from_=quarter.start,
        to=quarter.end,
        audits=AuditFigures(completed=len(audits), by_team=dict(sorted(by_team.items())),
                            by_auditor=by_auditor),
        grades=grades,
        standards=standards,
        themes=themes,
        moderation=moderation,
        actions=actions,
        overrides=overrides,
        concerns=concern_figures(quarter, data.concerns, data.calendar),
    )


def themes_report(quarter: Quarter, data: ThemesInput, include_notes: bool = False) -> ThemesReport:
    """The quarter's figures, the previous quarter's for trends, and the detail lists.

    Free text (notes, action descriptions, moderation reasons and feedback) appears only
    with include_notes; staff appear by username, children only by case reference.
    """
    this = quarter_figures(quarter, data)
    before = quarter_figures(quarter.previous(), data)
    audits = in_quarter(data.audits, quarter)
    as_at = quarter.end

    audit_list = [
        AuditRow(
            audit_id=a.audit_id,
            case_ref=a.case_ref,
            auditor=a.auditor,
            team=_team(a, data.cases),
            submitted_on=a.submitted_on,
            grade=a.grade,
            final_grade=a.final_grade,
            moderated=a.moderation is not None and a.moderation.grade is not None,
        )
        for a in audits
    ]
    action_list = [
        ActionRow(
            audit_id=a.audit_id,
            case_ref=a.case_ref,
            standard=action.standard,
            owner=action.owner,
            due=action.due,
            completed_on=action.completed_on,
            state=action_state(action.completed_on, action.due, as_at),
            description=action.description if include_notes else None,
        )
        for a in audits
        for action in a.actions
    ]
    notes: list[NoteRow] = []
    if include_notes:
        for a in audits:
            for topic, text in a.notes.items():
                notes.append(NoteRow(audit_id=a.audit_id, case_ref=a.case_ref, source="auditor",
                                     topic=topic, text=text))
            for topic, text in a.override_reasons.items():
                notes.append(NoteRow(audit_id=a.audit_id, case_ref=a.case_ref, source="auditor",
                                     topic=f"override of {topic}", text=text))
            m = a.moderation
            if m is None:
                continue
            for topic, text in m.notes.items():
                notes.append(NoteRow(audit_id=a.audit_id, case_ref=a.case_ref, source="moderator",
                                     topic=topic, text=text))
            for topic in ("reason", "feedback"):
                text = getattr(m, topic)
                if text:
                    notes.append(NoteRow(audit_id=a.audit_id, case_ref=a.case_ref,
                                         source="moderator", topic=topic, text=text))

    titles = dict(data.standards)
    return ThemesReport(
        **this.model_dump(by_alias=True),
        label=quarter.label,
        previous=before,
        standard_titles={sid: titles.get(sid, sid) for sid in this.standards},
        theme_labels={t: data.themes.get(t, t) for t in this.themes},
        audit_list=audit_list,
        action_list=action_list,
        include_notes=include_notes,
        notes=notes,
    )


def themes_from_audits(store, quarter: Quarter, include_notes: bool = False, catalogue=None) -> ThemesReport:
    """The oracle's report of `quarter` over the submitted audits in `store` (an audit made
    in a thematic round is reported in its round, not here)."""
    previous = quarter.previous()
    audits = [a for a in store.audits.list(submitted_from=previous.start, submitted_to=quarter.end,
                                           status="submitted") if a.round_id is None]  # reported in their round
    cases = {}
    for ref in sorted({a.case_ref for a in audits}):
        case = store.cases.get(ref)
        if case is not None:
            cases[ref] = case
    if catalogue is None:
        catalogue = store.reference.catalogue_for()
    themes = store.reference.themes() or None
    data = ThemesInput(
        audits=audits,
        cases=cases,
        users=store.people.list(),
        sampled_ids=store.samples.audit_ids(),
        quota=store.reference.settings().audit_quota_per_month,
        standards=standards_of(catalogue),
        concerns=store.concerns.times(previous.start, quarter.end),
    )
    if themes:
        data.themes = themes
    return themes_report(quarter, data, include_notes=include_notes)
