"""A pack case's tables: what the md and xlsx forms both render."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from audit_tools.models import GRADE_LABELS, Grade
from audit_tools.pack.model import PackCase

def day_text(value: date | None) -> str:
    return value.isoformat() if value else ""


def grade_label(value: str | None) -> str:
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
                       [[ref, a.audit_id, day_text(a.as_of), day_text(a.submitted_on), a.auditor, grade_label(a.grade),
                         grade_label(a.final_grade), a.round or ""] for a in c.audits])
    moderation_headers = ["case_ref", "audit", "moderator", "moderated", "moderator's grade", "outcome",
                          "final grade"] + (["reason", "feedback"] if notes else [])
    moderation = PackTable("moderation", moderation_headers,
                           [[ref, m.audit_id, m.moderator, day_text(m.moderated_on), grade_label(m.grade),
                             (m.outcome or "").replace("_", " "), grade_label(m.final_grade)]
                            + ([m.reason or "", m.feedback or ""] if notes else []) for m in c.moderation])
    actions = PackTable("actions", ["case_ref", "audit", "owner", "due", "done", "state", "standard"]
                        + (["description"] if notes else []),
                        [[ref, a.audit_id, a.owner or "", day_text(a.due), day_text(a.completed_on), a.state,
                          c.titles.get(a.standard or "", a.standard or "")] + ([a.description or ""] if notes else [])
                         for a in c.actions])
    concerns = PackTable("concerns", ["case_ref", "concern", "audit", "raised by", "raised", "state",
                                      "acknowledged", "closed"]
                         + (["found", "should happen", "action taken"] if notes else []),
                         [[ref, k.concern_id, k.audit_id or "", k.raised_by, day_text(k.raised_on), k.state,
                           day_text(k.acknowledged_on), day_text(k.closed_on)]
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
    return [["case_ref", case.case_ref], ["case type", case.case_type.value], ["start", day_text(case.start_date)],
            ["team", case.team or ""], ["worker", case.worker or ""], ["line manager", case.line_manager or ""],
            ["closed", day_text(case.closed_date)]]
