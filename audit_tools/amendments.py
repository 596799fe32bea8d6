"""What an amendment of a submitted audit may change, and how it changes the audit.

The store refuses what these rules refuse, and the audit form and the command line ask
the same functions, so there is one list of amendable fields and one action-plan rule.
Nothing here reads the database: the audit as it stands and the changes are passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from datetime import date

from audit_tools.audit import auditor_independence, submission_problems
from audit_tools.calendar import format_day
from audit_tools.models import Action, Grade, Status

# Fields an amendment may correct. Who, which case and when are the audit's identity and
# what the quarter, quota and sample are counted by, so they are never amended. The
# engine's statuses (`automatic`) may be corrected with the scores they explain.
AMENDABLE = ("grade", "scores", "notes", "override_reasons", "automatic", "themes", "actions",
             "answers")  # a thematic round's answers


def field_problems(audit_id: str, changes: dict[str, Any], reason: str | None) -> list[str]:
    """Why these changes cannot be an amendment at all (empty: they may be checked further)."""
    if not (reason or "").strip():
        return [f"audit {audit_id}: an amendment needs a reason"]
    bad = sorted(set(changes) - set(AMENDABLE))
    if bad:
        return [f"audit {audit_id}: {field}: cannot be amended (amendable: {', '.join(sorted(AMENDABLE))})"
                for field in bad]
    if not changes:
        return [f"audit {audit_id}: the amendment changes nothing"]
    return []


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The amendable fields of `after` that differ from `before` (both as JSON values)."""
    return {name: after.get(name) for name in AMENDABLE if before.get(name) != after.get(name)}


def action_plan_problems(before: list[Action], after: list[Action]) -> list[str]:
    """Actions are matched by their place in the plan. A completed action stays exactly
    as it is, where it is; completing an action is done in the actions tracker."""
    problems = []
    for number, old in enumerate(before, start=1):
        new = after[number - 1] if number <= len(after) else None
        if old.completed_on is not None and new != old:
            problems.append(f"action {number} ({old.description}) was completed on {old.completed_on}: "
                            "an amendment keeps it as it is and where it is in the plan")
        elif old.completed_on is None and new is not None and new.completed_on is not None:
            problems.append(f"action {number}: mark it complete in the actions tracker, not by amendment")
    for number, new in enumerate(after[len(before):], start=len(before) + 1):
        if new.completed_on is not None:
            problems.append(f"action {number}: a new action cannot be completed already; "
                            "mark it complete in the actions tracker")
    return problems


def plan_in_force(before: list[dict[str, Any]], plan: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An amended plan with each completion the plan in force had kept: a completed
    action is never lost, whatever the amendment carried for its place."""
    out = [dict(action) for action in plan]
    for position, action in enumerate(out):
        if position < len(before) and before[position].get("completed_on") is not None:
            action["completed_on"] = before[position]["completed_on"]
    return out


def apply(audit: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The audit (as JSON values) with one amendment's changes applied."""
    out = {**audit, **{k: v for k, v in changes.items() if k != "actions"}}
    if isinstance(changes.get("actions"), list):
        out["actions"] = plan_in_force(audit.get("actions") or [], changes["actions"])
    return out


def replay(submitted: dict[str, Any], log: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The audit as submitted with every amendment of the log applied in order."""
    audit = dict(submitted)
    for changes in log:
        audit = apply(audit, changes)
    return audit


def amendment_problems(before: Any, amended: Any, changes: dict[str, Any], case: Any, catalogue: Any,
                       known_users: Any, themes_vocabulary: Any, round: Any = None) -> list[str]:
    """What submission would refuse in the amended audit, and the action-plan rule (the
    recent-audit check is about starting an audit, so it does not apply to correcting one).
    `round` is a round audit's thematic round: its questions, and its standards and grade
    only when it asks for them."""
    problems = action_plan_problems(before.actions, amended.actions) if "actions" in changes else []
    if case is None:
        return problems + [f"case {amended.case_ref}: not in the database"]
    return problems + list(auditor_independence(case, amended.auditor)) + submission_problems(
        amended, case, catalogue, known_users, themes_vocabulary, round=round)


def completion_problem(action_id: int, on: date, today: date, completed: date | None,
                       reason: str | None, reopening: bool = False) -> str | None:
    """Why an action cannot be marked complete on `on` (or, `reopening`, put back to open).

    A completion is a fact about the past: never after today. A completion already
    recorded is corrected (another date) or undone only with a reason, which the history
    keeps with who and when; the actions tracker and the store ask this one rule.
    """
    where = f"action {action_id}"
    if reopening:
        if completed is None:
            return f"{where}: is not completed, so there is nothing to undo"
        if not (reason or "").strip():
            return f"{where}: say why the completion on {format_day(completed)} is undone (kept in its history)"
        return None
    if on > today:
        return (f"{where}: completed on {format_day(on)} is after today ({format_day(today)}); "
                "give the day it was done")
    if completed is not None:
        if completed == on:
            return f"{where}: already completed on {format_day(completed)}"
        if not (reason or "").strip():
            return (f"{where}: already completed on {format_day(completed)}; to correct the date "
                    "say why (kept in its history)")
    return None


def _status_words(value: object) -> str:
    try:
        return Status(value).label
    except ValueError:
        return "no status" if value is None else str(value)


def _grade_words(value: object) -> str:
    try:
        return Grade(value).label
    except ValueError:
        return "no grade" if value is None else str(value)


def describe(before: dict[str, Any], changes: dict[str, Any]) -> list[str]:
    """What one amendment changed, a line a field (or a standard), as a person reads it:
    "grade: Good → Requires improvement", "chronology: met → not met"."""
    lines: list[str] = []
    for name in AMENDABLE:
        if name not in changes:
            continue
        old, new = before.get(name), changes[name]
        if name == "grade":
            lines.append(f"grade: {_grade_words(old)} → {_grade_words(new)}")
        elif name in ("scores", "automatic"):
            old, new = old or {}, new or {}
            what = "" if name == "scores" else "automatic status of "
            for standard in sorted(set(old) | set(new)):
                if old.get(standard) != new.get(standard):
                    lines.append(f"{what}{standard}: {_status_words(old.get(standard))} → "
                                 f"{_status_words(new.get(standard))}")
        elif name in ("notes", "override_reasons"):
            old, new = old or {}, new or {}
            what = "note" if name == "notes" else "override reason"
            for standard in sorted(set(old) | set(new)):
                if old.get(standard) != new.get(standard):
                    done = "added" if not old.get(standard) else ("removed" if not new.get(standard) else "changed")
                    lines.append(f"{what} on {standard} {done}")
        elif name == "themes":
            old, new = old or {}, new or {}
            for kind, words in (("strengths", "strength"), ("improvements", "improvement")):
                added = [t for t in new.get(kind, []) if t not in old.get(kind, [])]
                taken = [t for t in old.get(kind, []) if t not in new.get(kind, [])]
                if added or taken:
                    lines.append(f"{words} themes: " + ", ".join(
                        [f"+ {t}" for t in added] + [f"− {t}" for t in taken]))
        elif name == "actions":
            old, new = old or [], new or []
            for number in range(1, max(len(old), len(new)) + 1):
                was = old[number - 1] if number <= len(old) else None
                now = new[number - 1] if number <= len(new) else None
                if was is None and now is not None:
                    lines.append(f"action {number} added: {now.get('description', '')}")
                elif now is None and was is not None:
                    lines.append(f"action {number} removed: {was.get('description', '')}")
                elif was != now and was is not None and now is not None:
                    fields = [k for k in ("description", "owner", "due", "standard") if was.get(k) != now.get(k)]
                    lines.append(f"action {number}: {', '.join(fields) or 'changed'} changed")
    return lines
