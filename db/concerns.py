"""Safeguarding concerns: raised from an audit, acknowledged, closed; never deleted.

Each write is its own short transaction with its history entry, never part of a draft's
save, so a concern is stored the moment it is raised whatever becomes of the audit. The
line manager a concern reaches is the case's line manager now (read through the case),
so a case that changes hands takes its open concerns with it.
"""

from __future__ import annotations

import builtins  # the aggregate's own list() shadows the type in its methods' annotations

from datetime import date, datetime, timedelta
from typing import Any

from audit_tools import concerns as rules
from audit_tools.concerns import Concern, ConcernTimes
from audit_tools.errors import Refused
from db.errors import NotFound
from db.session import Aggregate

_COLUMNS = ("k.concern_id, k.case_ref, k.audit_id, k.raised_by, k.raised_at, k.found, k.should_happen, "
            "k.source, c.line_manager, k.acknowledged_by, k.acknowledged_at, k.closed_by, k.closed_at, "
            "k.action_taken")
_FROM = "FROM concerns k LEFT JOIN cases c ON c.case_ref = k.case_ref"

# What a user is shown: concerns on cases they line-manage, or every one for a QA lead.
_FOR_USER = "(:everyone OR c.line_manager = :username)"


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _concern(row: tuple[Any, ...]) -> Concern:
    (concern_id, case_ref, audit_id, raised_by, raised_at, found, should_happen, source, line_manager,
     acknowledged_by, acknowledged_at, closed_by, closed_at, action_taken) = row
    return Concern(concern_id=concern_id, case_ref=case_ref, audit_id=audit_id, raised_by=raised_by,
                   raised_at=datetime.fromisoformat(raised_at), found=found, should_happen=should_happen, source=source,
                   line_manager=line_manager, acknowledged_by=acknowledged_by,
                   acknowledged_at=_moment(acknowledged_at), closed_by=closed_by,
                   closed_at=_moment(closed_at), action_taken=action_taken)


class Concerns(Aggregate):
    def raise_concern(self, case_ref: str, audit_id: str | None, found: str, should_happen: str,
                      source: str = "audit") -> Concern:
        """Store a new concern at once, in its own transaction; returns it with its id."""
        rules.check_raise(self.session.user, found, should_happen, source)
        with self.session.transaction():
            if self.store.cases.get(case_ref) is None:
                raise NotFound(f"case {case_ref}: not in the database")
            concern_id = f"SC-{self.session.next_number('concern'):06d}"
            at = self.session.at()
            found, should_happen = found.strip(), should_happen.strip()
            self.db.execute(
                "INSERT INTO concerns (concern_id, case_ref, audit_id, source, raised_by, raised_at, found, "
                "should_happen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [concern_id, case_ref, audit_id, source, self.session.actor, at, found, should_happen])
            self.session.record_concealed("safeguarding concern raised", {
                "concern_id": concern_id, "case_ref": case_ref, "audit_id": audit_id, "source": source,
                "found": found, "should_happen": should_happen}, at=at)
            return self._get(concern_id)

    def _get(self, concern_id: str) -> Concern:
        row = self.db.execute(f"SELECT {_COLUMNS} {_FROM} WHERE k.concern_id = ?", [concern_id]).fetchone()
        if row is None:
            raise NotFound(f"concern {concern_id}: not in the database")
        return _concern(row)

    def get(self, concern_id: str) -> Concern | None:
        try:
            return self._get(concern_id)
        except NotFound:
            return None

    def acknowledge(self, concern_id: str) -> Concern:
        with self.session.transaction():
            concern = self._get(concern_id)
            rules.check_acknowledge(self.session.user, concern)
            at = self.session.at()
            changed = self.db.execute(
                "UPDATE concerns SET acknowledged_by = ?, acknowledged_at = ? "
                "WHERE concern_id = ? AND acknowledged_at IS NULL",
                [self.session.actor, at, concern_id]).rowcount
            if changed != 1:  # pragma: no cover - the check above read inside this transaction
                raise Refused(f"concern {concern_id} was acknowledged meanwhile")
            self.session.record("safeguarding concern acknowledged", {"concern_id": concern_id}, at=at)
            return self._get(concern_id)

    def close(self, concern_id: str, action_taken: str) -> Concern:
        with self.session.transaction():
            concern = self._get(concern_id)
            rules.check_close(self.session.user, concern, action_taken)
            at = self.session.at()
            self.db.execute(
                "UPDATE concerns SET closed_by = ?, closed_at = ?, action_taken = ? "
                "WHERE concern_id = ? AND closed_at IS NULL",
                [self.session.actor, at, action_taken.strip(), concern_id])
            self.session.record_concealed("safeguarding concern closed",
                                {"concern_id": concern_id, "action_taken": action_taken.strip()}, at=at)
            return self._get(concern_id)

    def list(self, *, open_only: bool = False, username: str | None = None, everyone: bool = True,
             raised_too: bool = False, limit: int | None = None) -> builtins.list[Concern]:
        """Concerns newest first; `open_only` leaves out closed ones; `everyone=False` keeps
        those on cases `username` line-manages (and, with `raised_too`, those they raised)."""
        where = ["(" + _FOR_USER + (" OR k.raised_by = :username" if raised_too else "") + ")"]
        if open_only:
            where.append("k.closed_at IS NULL")
        sql = f"SELECT {_COLUMNS} {_FROM} WHERE {' AND '.join(where)} ORDER BY k.raised_at DESC, k.concern_id DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [_concern(r) for r in self.db.execute(sql, {"everyone": int(everyone), "username": username})]

    def count_unacknowledged(self, username: str | None, everyone: bool) -> int:
        """How many concerns the user would see that nobody has acknowledged yet (cheap: polled)."""
        return int(self.db.execute(
            f"SELECT count(*) {_FROM} WHERE {_FOR_USER} AND k.acknowledged_at IS NULL",
            {"everyone": int(everyone), "username": username}).fetchone()[0])

    def waiting_figures(self, username: str | None, everyone: bool) -> tuple[int, int]:
        """(not acknowledged, not closed) among the concerns the user would see; polled."""
        row = self.db.execute(
            f"SELECT coalesce(sum(k.acknowledged_at IS NULL), 0), count(*) {_FROM} "
            f"WHERE {_FOR_USER} AND k.closed_at IS NULL",
            {"everyone": int(everyone), "username": username}).fetchone()
        return int(row[0]), int(row[1])

    def times(self, start: date, end: date) -> builtins.list[ConcernTimes]:
        """When each concern that may count in a report for [start, end] was raised,
        acknowledged and closed: raised by `end`, not closed before `start`. Two days' margin
        either side, as the stored moments carry their own offset; audit_tools.concerns
        decides exactly by the date in London."""
        rows = self.db.execute(
            "SELECT raised_at, acknowledged_at, closed_at FROM concerns WHERE raised_at < ? "
            "AND (closed_at IS NULL OR closed_at >= ?) ORDER BY raised_at",
            [(end + timedelta(days=2)).isoformat(), (start - timedelta(days=2)).isoformat()])
        return [ConcernTimes(datetime.fromisoformat(r[0]), _moment(r[1]), _moment(r[2])) for r in rows]
