"""Holds on cases: a legal or safeguarding hold keeps a case's words through any redaction.

`hold` and `release` are an admin's (Op.hold_case), each its own transaction with its
history entry; the reason is kept in the history as a salted hash (db/free_text.py), like
every free text. The redaction (db/redaction.py) leaves a held case's audits, events,
actions and concerns as they are.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from audit_tools.errors import BadInput
from audit_tools.permissions import Op
from db.errors import NotFound
from db.session import Aggregate


class Hold(BaseModel):
    case_ref: str
    reason: str
    held_by: str
    held_at: datetime


class Holds(Aggregate):
    def hold(self, case_ref: str, reason: str) -> Hold:
        """Put a case on hold; BadInput when it already is, NotFound when there is no such case."""
        self.session.require(Op.hold_case)
        reason = reason.strip()
        if not reason:
            raise BadInput("--reason: say why the case is held (a legal or safeguarding hold)")
        with self.session.transaction():
            if self.db.execute("SELECT 1 FROM cases WHERE case_ref = ?", [case_ref]).fetchone() is None:
                raise NotFound(f"case {case_ref}: not in the database")
            held = self.get(case_ref)
            if held is not None:
                raise BadInput(f"case {case_ref} is already on hold (since {held.held_at:%Y-%m-%d}, "
                               f"by {held.held_by}); release it first to give another reason")
            at = self.session.at()
            self.db.execute("INSERT INTO case_holds (case_ref, reason, held_by, held_at) VALUES (?, ?, ?, ?)",
                            [case_ref, reason, self.session.actor, at])
            self.session.record_concealed("case held", {"case_ref": case_ref, "reason": reason})
        done = self.get(case_ref)
        assert done is not None
        return done

    def release(self, case_ref: str) -> Hold:
        """Take a case off hold; BadInput when it is not on hold. Returns the hold released."""
        self.session.require(Op.hold_case)
        with self.session.transaction():
            held = self.get(case_ref)
            if held is None:
                if self.db.execute("SELECT 1 FROM cases WHERE case_ref = ?", [case_ref]).fetchone() is None:
                    raise NotFound(f"case {case_ref}: not in the database")
                raise BadInput(f"case {case_ref} is not on hold")
            self.db.execute("DELETE FROM case_holds WHERE case_ref = ?", [case_ref])
            self.session.record("case hold released", {"case_ref": case_ref})
        return held

    def get(self, case_ref: str) -> Hold | None:
        row = self.db.execute("SELECT case_ref, reason, held_by, held_at FROM case_holds WHERE case_ref = ?",
                              [case_ref]).fetchone()
        return None if row is None else Hold(case_ref=row[0], reason=row[1], held_by=row[2],
                                             held_at=datetime.fromisoformat(row[3]))

    def all(self) -> list[Hold]:
        return [Hold(case_ref=r[0], reason=r[1], held_by=r[2], held_at=datetime.fromisoformat(r[3]))
                for r in self.db.execute(
                    "SELECT case_ref, reason, held_by, held_at FROM case_holds ORDER BY case_ref")]
