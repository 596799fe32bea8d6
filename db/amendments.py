"""Amendments and actions: the append-only amendment log, which updates the audit's
stored current state in the same transaction, and the action plans in force."""

from __future__ import annotations

import builtins  # the aggregate's own list() shadows the type in its methods' annotations

import json
from datetime import date
from typing import Any

from pydantic import ValidationError

from audit_tools import amendments as rules
from audit_tools.errors import BadInput, Refused
from audit_tools.models import Amendment, Audit
from audit_tools.permissions import Facts, Op
from db import projection, rows
from db.errors import NotFound
from db.rows import PAGE, ActionRow
from db.session import Aggregate


class Amendments(Aggregate):
    def amend(self, audit_id: str, changes: dict[str, Any], reason: str) -> Audit:
        """Correct a submitted audit: the change is kept beside it with who, when and why.

        The amended audit must still meet every rule of submission, and an action plan
        amendment keeps each completed action as it was (audit_tools.amendments).
        """
        # The role first (nothing is read for someone who may never amend), then the audit's owner.
        self.session.require(Op.amend_audit, Facts(audit_id=audit_id, auditor=self.session.actor))
        problems = rules.field_problems(audit_id, changes, reason)
        if problems:
            raise BadInput(*problems)
        with self.session.transaction():
            audit = self.store.audits.get(audit_id)
            if audit is None:
                raise NotFound(f"audit {audit_id}: not in the database")
            if not audit.submitted:
                raise BadInput(f"audit {audit_id} is a draft; change it directly and save it")
            self.session.require(Op.amend_audit, Facts(audit_id=audit_id, auditor=audit.auditor))
            try:
                amended = Audit.model_validate({**audit.model_dump(mode="json"), **changes})
            except ValidationError as err:
                raise BadInput(*(f"audit {audit_id}: {'.'.join(map(str, e['loc']))}: {e['msg']}"
                                 for e in err.errors())) from None
            problems = rules.amendment_problems(
                audit, amended, changes, self.store.cases.get(audit.case_ref),
                self.store.reference.catalogue_for(amended), self.store.people.usernames(),
                self.store.reference.themes().keys(),
                round=self.store.rounds.get(audit.round_id) if audit.round_id is not None else None)
            if problems:
                raise Refused(*(f"audit {audit_id}: {p}" for p in problems))
            self._write(audit, {k: v for k, v in amended.model_dump(mode="json").items() if k in changes},
                        reason)
        stored = self.store.audits.get(audit_id)
        assert stored is not None
        return stored

    def _write(self, audit: Audit, clean: dict[str, Any], reason: str) -> None:
        """Append the amendment (values as validated) and its history entry, and update the
        audit's current state to match; inside the caller's transaction."""
        data = audit.model_dump(mode="json", exclude={"moderation"})
        at = self.session.at()  # one moment for both, so verify can match the amendment to its entry
        cursor = self.db.execute(
            "INSERT INTO amendments (audit_id, by, at, reason, changes) VALUES (?, ?, ?, ?, ?)",
            [audit.audit_id, self.session.actor, at, reason.strip(), rows.dumps(clean)],
        )
        assert cursor.lastrowid is not None  # the amendment just inserted
        projection.project(self.db, audit.audit_id, rules.apply(data, clean), cursor.lastrowid, set(clean))
        self.session.record_concealed("audit amended", {
            "audit_id": audit.audit_id, "reason": reason.strip(), "changes": clean,
            "before": {k: data.get(k) for k in clean},
        }, at=at)

    def list(self, audit_id: str) -> list[Amendment]:
        return [
            Amendment(audit_id=r[0], by=r[1], at=r[2], reason=r[3], changes=json.loads(r[4]))
            for r in self.db.execute(
                "SELECT audit_id, by, at, reason, changes FROM amendments WHERE audit_id = ? ORDER BY id",
                [audit_id])
        ]

    # -- actions ------------------------------------------------------------------------

    def actions(
        self,
        owner: str | None = None,
        team: str | None = None,
        state: str | None = None,
        today: date | None = None,
        audit_id: str | None = None,
        due_from: date | None = None,
        due_to: date | None = None,
        after: int | None = None,
        limit: int | None = PAGE,
        order: str = "id",
    ) -> builtins.list[ActionRow]:
        """Actions in force of submitted audits; `state` open | overdue (needs `today`) | done.

        `order` "id" pages by action id (`after`); "urgency" puts the overdue first (needs
        `today`), then the rest, each by due date (no date last), so a page holds the most
        pressing ones.
        """
        if order not in ("id", "urgency"):
            raise BadInput(f"order: {order!r} is not id or urgency")
        if order == "urgency" and (today is None or after is not None):
            raise BadInput("actions by urgency need today's date and are not paged by id")
        where: list[str] = ["a.status = 'submitted'"]
        params: list[object] = []
        for column, value in (("x.owner", owner), ("c.team", team), ("x.audit_id", audit_id)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if due_from is not None:
            where.append("x.due >= ?")
            params.append(due_from.isoformat())
        if due_to is not None:
            where.append("x.due <= ?")
            params.append(due_to.isoformat())
        if state == "open":
            where.append("x.completed_on IS NULL")
        elif state == "overdue":
            if today is None:
                raise BadInput("overdue actions need today's date")
            where.append("x.completed_on IS NULL AND x.due < ?")
            params.append(today.isoformat())
        elif state == "done":
            where.append("x.completed_on IS NOT NULL")
        elif state is not None:
            raise BadInput(f"state: {state!r} is not open, overdue or done")
        if after is not None:
            where.append("x.id > ?")
            params.append(after)
        sql = (
            "SELECT x.id, x.audit_id, a.case_ref, c.team, a.auditor, x.description, x.owner, x.due, "
            "x.completed_on, x.standard FROM actions x JOIN audits a ON a.audit_id = x.audit_id "
            "LEFT JOIN cases c ON c.case_ref = a.case_ref WHERE " + " AND ".join(where)
        )
        if order == "urgency":
            assert today is not None
            sql += " ORDER BY (x.completed_on IS NULL AND x.due < ?) DESC, x.due IS NULL, x.due, x.id"
            params.append(today.isoformat())
        else:
            sql += " ORDER BY x.id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        keys = list(ActionRow.model_fields)
        return [ActionRow(**dict(zip(keys, r))) for r in self.db.execute(sql, params)]

    def complete_action(self, action_id: int, on: date, reason: str | None = None) -> None:
        """Mark an action done: its owner, the audit's auditor or a QA lead may. Never on a
        day after today; a completion already recorded is corrected to another day only
        with a reason, which the history keeps (audit_tools.amendments.completion_problem)."""
        with self.session.transaction():
            completed = self._completable(action_id, "complete")
            problem = rules.completion_problem(action_id, on, self.session.today(), completed, reason)
            if problem:
                raise BadInput(problem)
            self.db.execute("UPDATE actions SET completed_on = ? WHERE id = ?", [on.isoformat(), action_id])
            if completed is None:
                self.session.record("action completed", {"action_id": action_id, "on": on.isoformat()})
            else:
                self.session.record("action completion corrected", {
                    "action_id": action_id, "was": completed.isoformat(), "on": on.isoformat(),
                    "reason": (reason or "").strip()})  # completion_problem asked for one

    def reopen_action(self, action_id: int, reason: str) -> None:
        """Undo a completion recorded by mistake: the action is open again, and the history
        keeps who undid it, when, why and the day it had been marked done."""
        with self.session.transaction():
            completed = self._completable(action_id, "reopen")
            problem = rules.completion_problem(action_id, self.session.today(), self.session.today(),
                                               completed, reason, reopening=True)
            if problem:
                raise BadInput(problem)
            assert completed is not None  # completion_problem refuses to reopen an open action
            self.db.execute("UPDATE actions SET completed_on = NULL WHERE id = ?", [action_id])
            self.session.record("action reopened", {
                "action_id": action_id, "was": completed.isoformat(), "reason": reason.strip()})

    def action_owner(self, action_id: int) -> tuple[str | None, str, str] | None:
        """(owner, the audit's auditor, audit id) of an action in force, for the policy's facts."""
        row = self.db.execute(
            "SELECT x.owner, a.auditor, a.audit_id FROM actions x JOIN audits a ON a.audit_id = x.audit_id "
            "WHERE x.id = ? AND a.status = 'submitted'", [action_id]).fetchone()
        return (row[0], row[1], row[2]) if row else None

    def _completable(self, action_id: int, doing: str) -> date | None:
        """The action's completion date, once the actor is known to be one who may
        complete it: its owner, the audit's auditor or a QA lead."""
        if self.session.user is None:
            self.session.require(Op.record_action, Facts(action_id=action_id))
        row = self.db.execute(
            "SELECT x.owner, a.auditor, x.completed_on FROM actions x JOIN audits a ON a.audit_id = x.audit_id "
            "WHERE x.id = ? AND a.status = 'submitted'", [action_id]).fetchone()
        if row is None:
            raise NotFound(f"action {action_id}: not in the database (the action plan may have been "
                           "amended since you looked; look again)")
        owner, auditor, completed = row
        self.session.require(Op.record_action, Facts(action_id=action_id, owner=owner, auditor=auditor))
        return date.fromisoformat(completed) if completed else None

    def count_overdue(self, owner: str, today: date) -> int:
        """Open actions the owner holds on submitted audits, due before `today`."""
        return int(self.db.execute(
            "SELECT count(*) FROM actions x JOIN audits a ON a.audit_id = x.audit_id "
            "WHERE a.status = 'submitted' AND x.owner = ? AND x.completed_on IS NULL AND x.due < ?",
            [owner, today.isoformat()]).fetchone()[0])
