"""The QA lead's resolutions of escalated moderations, in a table of their own.

A resolution is kept apart from the moderation row so that the moderator's reason and
feedback, and both sides' grades and scores, stay exactly as they were recorded. The
moderation row takes only the final grade (so the audit's final grade, the case list and
the themes report follow the resolution) and loses its acknowledgement, so the auditor
acknowledges the settled outcome as with any other.

The table comes from migration m006 (db/migrations.py), which refuses any change to a
stored resolution.
"""

from __future__ import annotations

import json
from typing import Any

from audit_tools.models import Audit
from audit_tools.reconciliation import Resolution

TABLE = "escalation_resolutions"

_COLUMNS = "audit_id, final_grade, reason, feedback, resolved_by, resolved_at"


def _resolution(row: tuple) -> Resolution:
    return Resolution(**dict(zip(_COLUMNS.split(", "), row)))


def get_resolution(store: Any, audit_id: str) -> Resolution | None:
    row = store.db.execute(f"SELECT {_COLUMNS} FROM {TABLE} WHERE audit_id = ?", [audit_id]).fetchone()
    return _resolution(row) if row else None


def resolutions(store: Any, audit_ids: list[str] | None = None) -> dict[str, Resolution]:
    """Stored resolutions by audit id (all of them, or those of `audit_ids`)."""
    sql = f"SELECT {_COLUMNS} FROM {TABLE}"
    params: list[str] = []
    if audit_ids is not None:
        if not audit_ids:
            return {}
        sql += f" WHERE audit_id IN ({', '.join('?' * len(audit_ids))})"
        params = list(audit_ids)
    return {r[0]: _resolution(r) for r in store.db.execute(sql, params)}


def escalated_audit_ids(store: Any) -> list[str]:
    """Audits whose moderation outcome is `escalated`, by id."""
    return [r[0] for r in store.db.execute(
        "SELECT audit_id FROM moderations WHERE outcome = 'escalated' ORDER BY audit_id")]


def save_resolution(store: Any, audit: Audit, resolution: Resolution) -> None:
    """Store the resolution, give the moderation its final grade, record it in the history.

    Call inside store.transaction(), after audit_tools.reconciliation.resolve has checked it.
    """
    assert audit.moderation is not None
    store.db.execute(
        f"INSERT INTO {TABLE} ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
        [resolution.audit_id, resolution.final_grade.value, resolution.reason, resolution.feedback,
         resolution.resolved_by, resolution.resolved_at.isoformat(timespec="seconds")],
    )
    moderation = audit.moderation.model_copy(update={"final_grade": resolution.final_grade,
                                                     "acknowledged_on": None})
    data = json.dumps(moderation.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    store.db.execute(
        "UPDATE moderations SET final_grade = ?, acknowledged_on = NULL, data = ? WHERE audit_id = ?",
        [resolution.final_grade.value, data, audit.audit_id],
    )
    store._record("escalation resolved", {
        "audit_id": audit.audit_id,
        "resolution": resolution.model_dump(mode="json"),
        "auditor_grade": audit.grade.value if audit.grade else None,
        "moderator_grade": audit.moderation.grade.value if audit.moderation.grade else None,
    })
