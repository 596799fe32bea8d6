"""The sample audits: each scored by the standards engine against its case as at its date,
with an auditor's judgements, notes, actions and themes on top, a third of them moderated,
and each line written as `import audits` reads it."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from audit_tools.audit import submission_problems
from audit_tools.models import Action, Audit, Case, Grade, Role, Status, Themes, User, audit_id_for
from audit_tools.standards import Catalogue, evaluate, load_catalogue
from audit_tools.vocabulary import DEFAULT_THEMES
from sample_audits.department import working_on_or_before

# Audits are dated across 2025-26 Q1 and Q2.
AUDIT_MONTHS = [(2025, m) for m in range(4, 10)]

# Judgement standards and the themes they speak to.
THEME_OF = {
    "voice-of-child": "voice-of-child", "management-oversight": "management-oversight",
    "plan-quality": "plans", "absent-parent-views": "absent-fathers", "life-story-work": "identity-diversity",
    "cp-visits": "visits", "cin-visits": "visits", "cla-visits": "visits", "cl-contact": "visits",
    "cp-seen-alone": "voice-of-child", "supervision": "supervision", "chronology": "chronology",
    "cin-plan-review": "plans", "pathway-plan-review": "plans", "icpc-timeliness": "drift-and-delay",
    "cp-review-conference": "drift-and-delay", "cla-review": "drift-and-delay",
    "assessment-timeliness": "drift-and-delay", "return-interview": "multi-agency",
}
JUDGEMENT_NOTES = {
    "voice-of-child": "the child's wishes and feelings are not recorded at recent visits",
    "management-oversight": "supervision records list tasks but no analysis or direction",
    "plan-quality": "the plan has actions without owners or timescales",
    "absent-parent-views": "father's views were not sought",
    "life-story-work": "life-story work agreed at review but not started",
}
ACTION_TEXT = {
    "voice-of-child": "Record the child's views in their own words at the next visit",
    "management-oversight": "Team manager to record a reflective supervision with clear direction",
    "plan-quality": "Rewrite the plan with named owners and timescales",
    "absent-parent-views": "Contact the father and record his views",
    "life-story-work": "Start life-story work and agree who will lead it",
    "supervision": "Book monthly supervision for this case and record it",
    "chronology": "Bring the chronology up to date",
}
OVERRIDE_REASONS = [
    "visit recorded under the wrong case; case notes show the child was seen on time",
    "the system date is the recording date; the case note shows the real date",
    "timescale agreed with the conference chair and recorded on file",
]


def _grade(scores: dict[str, Status], rng: random.Random) -> Grade:
    not_met = sum(1 for s in scores.values() if s is Status.not_met)
    partly = sum(1 for s in scores.values() if s is Status.partly_met)
    if not_met >= 3:
        return Grade.inadequate
    if not_met or partly >= 3:
        return Grade.requires_improvement
    if partly == 0 and rng.random() < 0.35:
        return Grade.outstanding
    return Grade.good


def make_audit(rng: random.Random, audit_id: str, case: Case, auditor: str, as_of: date,
               submitted_on: date, catalogue: Catalogue) -> Audit:
    report = evaluate(case, as_of, catalogue)
    automatic = {r.standard: r.status for r in report.results}
    evidence = {r.standard: r.evidence for r in report.results}
    quality = rng.random()
    scores: dict[str, Status] = {}
    notes: dict[str, str] = {}
    reasons: dict[str, str] = {}
    for standard, status in automatic.items():
        if status is None:
            status = (Status.met if quality > 0.45 or rng.random() < 0.5
                      else rng.choice([Status.partly_met, Status.not_met]))
            if standard == "absent-parent-views" and rng.random() < 0.2:
                status = Status.not_applicable
        elif status is Status.not_met and rng.random() < 0.12:
            reasons[standard] = rng.choice(OVERRIDE_REASONS)
            status = Status.partly_met
        elif status is Status.met and rng.random() < 0.05:
            reasons[standard] = "on time by the dates, but the records are thin: little of the child's day-to-day life"
            status = Status.partly_met
        scores[standard] = status
        if status in (Status.partly_met, Status.not_met):
            notes[standard] = JUDGEMENT_NOTES.get(standard) or evidence[standard]
    grade = _grade(scores, rng)
    owner_pool = [u for u in (case.worker, case.line_manager) if u]
    actions: list[Action] = []

    def action(standard: str | None, text: str) -> None:
        due = as_of + timedelta(days=rng.choice([14, 21, 28, 42, 56]))
        done = None
        fate = rng.random()
        if fate < 0.5:
            done = as_of + timedelta(days=rng.randint(3, (due - as_of).days))  # on time
        elif fate < 0.7:
            done = due + timedelta(days=rng.randint(1, 20))  # late
        actions.append(Action(description=text, owner=rng.choice(owner_pool), due=due,
                              completed_on=done, standard=standard))

    for standard, status in scores.items():
        if status is Status.not_met or (status is Status.partly_met and rng.random() < 0.3):
            scored = catalogue.get(standard)
            assert scored is not None  # every score is one of the catalogue's standards
            action(standard, ACTION_TEXT.get(standard) or f"Put right: {scored.title.lower()}")
    if grade.rank < Grade.good.rank and not actions:
        action(None, "Review the plan with the family and agree next steps")

    strengths = sorted({THEME_OF[s] for s, v in scores.items() if v is Status.met and s in THEME_OF})
    improvements = sorted({THEME_OF[s] for s, v in scores.items()
                           if v in (Status.partly_met, Status.not_met) and s in THEME_OF})
    strengths = rng.sample(strengths, min(len(strengths), rng.randint(1, 2)))
    if rng.random() < 0.3:
        improvements.append(rng.choice(["risk-analysis", "recording-timeliness", "multi-agency"]))
    improvements = sorted(set(improvements) - set(strengths))
    return Audit(
        audit_id=audit_id, case_ref=case.case_ref, auditor=auditor, as_of=as_of,
        submitted_on=submitted_on, grade=grade, scores=scores, notes=notes,
        themes=Themes(strengths=sorted(strengths), improvements=improvements),
        actions=actions, automatic=automatic, override_reasons=reasons,
        catalogue_version=catalogue.version,
    )


def moderate(rng: random.Random, audit: Audit, case: Case, moderators: list[str]) -> dict[str, Any]:
    grade, submitted_on = audit.grade, audit.submitted_on
    assert grade is not None and submitted_on is not None  # make_audit grades and dates every audit
    eligible = [m for m in moderators if m not in (audit.auditor, case.worker, case.line_manager)]
    moderator = rng.choice(eligible)
    roll = rng.random()
    moderated_on = submitted_on + timedelta(days=rng.randint(7, 25))
    block: dict[str, Any] = {"moderator": moderator, "moderated_on": moderated_on.isoformat()}
    scores = {k: v.value for k, v in audit.scores.items()}
    if roll < 0.6:
        block.update(grade=grade.value, outcome="agreed", final_grade=None,
                     reason=None, feedback="A thorough audit; the action plan is clear.")
    elif roll < 0.9:
        down = {"outstanding": "good", "good": "requires_improvement",
                "requires_improvement": "inadequate", "inadequate": "requires_improvement"}[grade.value]
        for standard in ("voice-of-child", "plan-quality", "management-oversight"):
            if scores.get(standard) == "met":
                scores[standard] = "partly_met"
                break
        block.update(grade=down, outcome="grade_changed", final_grade=down,
                     reason="the evidence on file does not support the original grade",
                     feedback="Look harder at what the records show about the child's experience.")
    else:
        block.update(grade=grade.value, outcome="escalated", final_grade=None,
                     reason="practice concerns passed to the service manager",
                     feedback="Escalated for a practice discussion.")
    block["scores"] = scores
    if rng.random() < 0.7:
        block["acknowledged_on"] = (moderated_on + timedelta(days=rng.randint(1, 10))).isoformat()
    return block


def audit_line(audit: Audit, moderation: dict[str, Any] | None) -> dict[str, Any]:
    assert audit.grade is not None and audit.submitted_on is not None  # as make_audit made it
    line: dict[str, Any] = {
        "audit_id": audit.audit_id, "case_ref": audit.case_ref, "auditor": audit.auditor,
        "as_of": audit.as_of.isoformat(), "submitted_on": audit.submitted_on.isoformat(),
        "grade": audit.grade.value,
        "scores": {k: v.value for k, v in audit.scores.items()},
        "notes": audit.notes,
        "themes": {"strengths": audit.themes.strengths, "improvements": audit.themes.improvements},
        "actions": [a.model_dump(mode="json") for a in audit.actions],
    }
    if audit.override_reasons:
        line["override_reasons"] = audit.override_reasons
    if moderation:
        line["moderation"] = moderation
    return line


def make_audits(rng: random.Random, users: list[User], cases: list[Case]) -> list[dict[str, Any]]:
    catalogue = load_catalogue()
    auditors = [u.username for u in users if Role.auditor in u.roles]
    moderators = [u.username for u in users if Role.moderator in u.roles]
    known = {u.username for u in users}
    audited: dict[str, int] = {c.case_ref: 0 for c in cases}
    lines: list[dict[str, Any]] = []
    number = 1
    for year, month in AUDIT_MONTHS:
        for auditor in auditors:
            for _ in range(rng.choice([2, 2, 3])):
                as_of = working_on_or_before(date(year, month, rng.randint(2, 24)), date.min)
                eligible = [c for c in cases if auditor not in (c.worker, c.line_manager)
                            and c.start_date + timedelta(days=30) < as_of]
                fewest = min(audited[c.case_ref] for c in eligible)
                case = rng.choice([c for c in eligible if audited[c.case_ref] == fewest])
                audited[case.case_ref] += 1
                submitted_on = as_of + timedelta(days=rng.randint(0, 3))
                audit = make_audit(rng, audit_id_for(number), case, auditor, as_of, submitted_on, catalogue)
                problems = submission_problems(audit, case, catalogue, known, DEFAULT_THEMES)
                if problems:  # the generator must only write audits the importer accepts
                    raise AssertionError(f"{audit.audit_id}: {problems}")
                moderation = moderate(rng, audit, case, moderators) if rng.random() < 0.3 else None
                lines.append(audit_line(audit, moderation))
                number += 1
    return lines

