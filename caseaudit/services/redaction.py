"""`caseaudit redact`: free text replaced by "[redacted DATE: REASON]" for an erasure or
rectification request or a retention schedule. The policy (Op.redact, an admin's) is asked
here and again by the store; what a selection reaches is db/redaction.py's, the mark and
the selection's rules audit_tools/redaction.py's."""

from __future__ import annotations

from audit_tools.permissions import Op
from audit_tools.redaction import Reach, Selection
from audit_tools.text import Kind, checked
from caseaudit.services import access
from db.store import Store

__all__ = ["Reach", "Selection", "redact", "as_json", "lines"]

SHOWN = 20  # ids listed per kind before "and N more"


def redact(store: Store, selection: Selection, reason: str, dry_run: bool = False) -> Reach:
    """Redact what `selection` reaches, or (`dry_run`) say what it would; BadInput for a
    selection that is not exactly one choice, an empty reason or a record not there."""
    access.require(store, Op.redact)
    selection.check()
    reason = checked(reason, Kind.name, "--reason")
    return store.redaction.redact(selection, reason, dry_run=dry_run)


def as_json(reach: Reach) -> dict[str, object]:
    return reach.as_json()


def _listed(ids: list[str] | list[int]) -> str:
    shown = ", ".join(str(i) for i in ids[:SHOWN])
    return shown + (f" and {len(ids) - SHOWN:,} more" if len(ids) > SHOWN else "")


def lines(reach: Reach) -> list[str]:
    """What `caseaudit redact` prints: what went (or would go), what was held back, and why."""
    verb = "would be redacted" if reach.dry_run else "redacted"
    out = [f"{'dry run: nothing changed; ' if reach.dry_run else ''}free text {verb} as \"{reach.replacement}\":"]
    for kind in ("audits", "events", "actions", "concerns", "moderations", "amendments"):
        ids = getattr(reach, kind)
        out.append(f"  {kind}: {len(ids):,}" + (f" ({_listed(ids)})" if ids else ""))
    out.append(f"held back: {reach.on_hold:,} on cases on hold, {reach.open_concerns:,} open concerns, "
               f"{reach.open_actions:,} open actions")
    if not reach.dry_run and not reach.checkpointed:
        out.append("note: others have the database open, so the old pages leave the file at its next "
                   "checkpoint (when they close it); run `caseaudit redact` again later, or check with the "
                   "database closed")
    return out
