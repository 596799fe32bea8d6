"""The stored current state of a submitted audit: its row, scores, themes and actions.

Written at submission and again, in the same transaction, by each amendment, so every
read (screens, reports, counts) takes the audit as it stands without re-applying the
amendment log. The audit as submitted is kept apart, unchangeable, in `submitted_audits`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: the store opens without sqlite-utils (db/connection.py)
    import sqlite_utils

from db.rows import dumps


# Each part's rows of one audit (JSON values), in its INSERT's column order: what a submission,
# an amendment and an import write alike.
INSERT_SCORE = ("INSERT INTO scores (audit_id, standard, automatic_status, status, note, override_reason) "
                "VALUES (?, ?, ?, ?, ?, ?)")
INSERT_THEME = "INSERT INTO audit_themes (audit_id, theme, kind) VALUES (?, ?, ?)"
INSERT_ACTION = ("INSERT INTO actions (description, owner, due, standard, completed_on, audit_id, position) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?)")
INSERT_ANSWER = "INSERT INTO round_answers (audit_id, round_id, question, answer, comment) VALUES (?, ?, ?, ?, ?)"
Row = tuple[Any, ...]


def score_rows(audit_id: str, audit: dict[str, Any]) -> list[Row]:
    scores, automatic = audit.get("scores") or {}, audit.get("automatic") or {}
    notes, reasons = audit.get("notes") or {}, audit.get("override_reasons") or {}
    return [(audit_id, s, automatic.get(s), scores.get(s), notes.get(s), reasons.get(s))
            for s in sorted(set(scores) | set(automatic))]


def theme_rows(audit_id: str, audit: dict[str, Any]) -> list[Row]:
    themes = audit.get("themes") or {}
    rows = [(audit_id, t, "strength") for t in dict.fromkeys(themes.get("strengths") or [])]
    rows += [(audit_id, t, "improvement") for t in dict.fromkeys(themes.get("improvements") or [])]
    return rows


def action_values(action: dict[str, Any]) -> list[Any]:
    return [action.get("description") or "", action.get("owner"), action.get("due"),
            action.get("standard"), action.get("completed_on")]


def action_rows(audit_id: str, plan: list[dict[str, Any]]) -> list[Row]:
    """A new audit's actions, each at its place in the plan."""
    return [(*action_values(action), audit_id, position) for position, action in enumerate(plan)]


def answer_rows(audit_id: str, round_id: str, answers: dict[str, Any]) -> list[Row]:
    """A round audit's answers, one row a question answered."""
    return [(audit_id, round_id, q, a["answer"], a.get("comment") or None)
            for q, a in answers.items() if a.get("answer") is not None]


def write_scores(db: sqlite_utils.Database, audit_id: str, audit: dict[str, Any]) -> None:
    db.execute("DELETE FROM scores WHERE audit_id = ?", [audit_id])
    db.conn.executemany(INSERT_SCORE, score_rows(audit_id, audit))


def write_themes(db: sqlite_utils.Database, audit_id: str, audit: dict[str, Any]) -> None:
    db.execute("DELETE FROM audit_themes WHERE audit_id = ?", [audit_id])
    db.conn.executemany(INSERT_THEME, theme_rows(audit_id, audit))


def write_actions(db: sqlite_utils.Database, audit_id: str, plan: list[dict[str, Any]]) -> None:
    """Make the actions table hold `plan`, matched by place: a kept place keeps its id and
    its completion, a new place gets a row of its own, a dropped place loses its row."""
    stored = dict(db.execute("SELECT position, id FROM actions WHERE audit_id = ?", [audit_id]).fetchall())
    for position, action in enumerate(plan):
        if position in stored:
            db.execute("UPDATE actions SET description = ?, owner = ?, due = ?, standard = ?, "
                       "completed_on = coalesce(completed_on, ?) WHERE id = ?",
                       [*action_values(action), stored[position]])
    db.conn.executemany(INSERT_ACTION, [row for row in action_rows(audit_id, plan) if row[-1] not in stored])
    for position, action_id in stored.items():
        if position >= len(plan):
            db.execute("DELETE FROM actions WHERE id = ? AND completed_on IS NULL", [action_id])


def project(db: sqlite_utils.Database, audit_id: str, audit: dict[str, Any], amendment_id: int,
            changed: set[str] | None = None) -> None:
    """Store `audit` (JSON values, no moderation) as the current state after amendment
    `amendment_id`; the guards allow this only while that amendment is the newest and
    not yet carried by the row."""
    if changed is None or changed & {"scores", "automatic", "notes", "override_reasons"}:
        write_scores(db, audit_id, audit)
    if changed is None or "themes" in changed:
        write_themes(db, audit_id, audit)
    if changed is None or "actions" in changed:
        write_actions(db, audit_id, audit.get("actions") or [])
    if audit.get("round_id") and (changed is None or "answers" in changed):
        write_answers(db, audit_id, audit["round_id"], audit.get("answers") or {}, replace=True)
    db.execute("UPDATE audits SET data = ?, grade = ?, amendment_id = ? WHERE audit_id = ?",
               [dumps({k: v for k, v in audit.items() if k != "moderation"}), audit.get("grade"),
                amendment_id, audit_id])


def write_answers(db: sqlite_utils.Database, audit_id: str, round_id: str, answers: dict[str, Any],
                  replace: bool = False) -> None:
    """A round audit's answers, one row a question (`replace`: an amendment's new ones)."""
    if replace:
        db.execute("DELETE FROM round_answers WHERE audit_id = ?", [audit_id])
    db.conn.executemany(INSERT_ANSWER, answer_rows(audit_id, round_id, answers))
