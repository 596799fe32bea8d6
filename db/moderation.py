"""Moderation: assignments, blind re-audits and outcomes, feedback and its
acknowledgement, and the QA lead's resolutions of escalations.

A resolution is kept apart from the moderation row so that the moderator's reason and
feedback, and both sides' grades and scores, stay exactly as they were recorded. The
moderation row takes only the final grade (so the audit's final grade, the case list and
the themes report follow the resolution) and loses its acknowledgement, so the auditor
acknowledges the settled outcome as with any other.
"""

from __future__ import annotations

from typing import Any

from audit_tools.errors import Refused
from audit_tools.models import Audit, Moderation
from audit_tools.permissions import Facts, Moderating, Op, decide, moderator_independence
from audit_tools.reconciliation import Resolution
from db import rows
from db.audit_reads import COLUMNS
from db.errors import NotFound
from db.rows import PAGE, Assignment
from db.session import Aggregate

# Text with nothing in it but whitespace is no feedback (SQLite's trim strips only spaces
# unless told which characters to strip).
_BLANK = "' ' || char(9) || char(10) || char(13)"

# The auditor's reconciled audits whose feedback they have not acknowledged: the one
# definition the dashboard counts and the feedback screen lists. The auditor's audits are
# found by auditor (+a.status: not by status, which would read every submitted audit).
_FEEDBACK_WAITING = (
    "FROM audits a JOIN moderations m ON m.audit_id = a.audit_id "
    "WHERE a.auditor = ? AND +a.status = 'submitted' AND m.outcome IS NOT NULL "
    f"AND m.acknowledged_on IS NULL AND (trim(coalesce(m.feedback, ''), {_BLANK}) != '' "
    # a QA lead's settlement of an escalation is feedback too, with or without the moderator's words
    "OR EXISTS (SELECT 1 FROM escalation_resolutions r WHERE r.audit_id = a.audit_id))"
)

_RESOLUTION = "audit_id, final_grade, reason, feedback, resolved_by, resolved_at"


def _resolution(row: tuple[Any, ...]) -> Resolution:
    return Resolution(**dict(zip(_RESOLUTION.split(", "), row)))


class ModerationAggregate(Aggregate):
    def _submitted(self, audit_id: str) -> Audit:
        audit = self.store.audits.get(audit_id)
        if audit is None:
            raise NotFound(f"audit {audit_id}: not in the database")
        if not audit.submitted:
            raise Refused(f"audit {audit_id} is a draft; only submitted audits are moderated")
        return audit

    def assign(self, audit_id: str, moderator: str) -> None:
        self.session.require(Op.assign_moderators)
        with self.session.transaction():
            audit = self._submitted(audit_id)
            who = self.store.people.get(moderator)
            if who is None:
                raise NotFound(f"moderator {moderator}: not a known user")
            # The one assigned must be someone the policy lets moderate this audit.
            if not decide(who, Op.moderate, Facts(audit_id=audit_id, moderations=(Moderating(audit_id, moderator),))):
                raise Refused(f"{moderator} may not moderate: needs the moderator role")
            problems = moderator_independence(audit, self.store.cases.get(audit.case_ref), moderator)
            if problems:
                raise Refused(*problems)
            self.db.execute(
                "INSERT INTO assignments (audit_id, moderator, assigned_by, assigned_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(audit_id) DO UPDATE SET moderator = excluded.moderator, "
                "assigned_by = excluded.assigned_by, assigned_at = excluded.assigned_at",
                [audit_id, moderator, self.session.actor, self.session.at()],
            )
            self.session.record("moderator assigned", {"audit_id": audit_id, "moderator": moderator})

    def assignments(self, moderator: str | None = None) -> list[Assignment]:
        sql = (
            "SELECT s.audit_id, s.moderator, s.assigned_by, s.assigned_at, m.audit_id IS NOT NULL, "
            "a.case_ref, a.auditor, a.submitted_on, coalesce(m.outcome IS NOT NULL, 0) FROM assignments s "
            "JOIN audits a ON a.audit_id = s.audit_id "
            "LEFT JOIN moderations m ON m.audit_id = s.audit_id"
        )
        params: list[object] = []
        if moderator is not None:
            sql += " WHERE s.moderator = ?"
            params.append(moderator)
        sql += " ORDER BY s.audit_id"
        keys = list(Assignment.model_fields)
        return [Assignment(**dict(zip(keys, r))) for r in self.db.execute(sql, params)]

    def moderating(self, audit_ids: list[str] | None = None, case_ref: str | None = None,
                   moderator: str | None = None) -> tuple[Moderating, ...]:
        """The policy's facts of moderation: for the given audits (or a case's, or a
        moderator's), who is assigned and whether their blind re-audit is submitted."""
        sql = ("SELECT s.audit_id, s.moderator, coalesce(m.grade IS NOT NULL, 0) FROM assignments s "
               "LEFT JOIN moderations m ON m.audit_id = s.audit_id")
        where, params = [], []
        if audit_ids is not None:
            if not audit_ids:
                return ()
            where.append(f"s.audit_id IN ({', '.join('?' for _ in audit_ids)})")
            params += list(audit_ids)
        if case_ref is not None:
            where.append("s.audit_id IN (SELECT audit_id FROM audits WHERE case_ref = ?)")
            params.append(case_ref)
        if moderator is not None:
            where.append("s.moderator = ?")
            params.append(moderator)
        if where:
            sql += " WHERE " + " AND ".join(where)
        return tuple(Moderating(audit_id, who, bool(done))
                     for audit_id, who, done in self.db.execute(sql + " ORDER BY s.audit_id", params))

    def write(self, audit_id: str, moderation: Moderation) -> None:
        """Store a moderation row (inside the caller's transaction)."""
        self.write_many([(audit_id, moderation)])

    def write_many(self, moderations: list[tuple[str, Moderation]]) -> None:
        """Store moderation rows in one statement (inside the caller's transaction)."""
        self.db.conn.executemany(
            "INSERT INTO moderations (audit_id, moderator, moderated_on, grade, outcome, final_grade, "
            "reason, feedback, acknowledged_on, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(audit_id) DO UPDATE SET moderator = excluded.moderator, "
            "moderated_on = excluded.moderated_on, grade = excluded.grade, outcome = excluded.outcome, "
            "final_grade = excluded.final_grade, reason = excluded.reason, feedback = excluded.feedback, "
            "acknowledged_on = excluded.acknowledged_on, data = excluded.data",
            [(audit_id, moderation.moderator, rows.iso(moderation.moderated_on),
              moderation.grade.value if moderation.grade else None,
              moderation.outcome.value if moderation.outcome else None,
              moderation.final_grade.value if moderation.final_grade else None,
              moderation.reason, moderation.feedback, rows.iso(moderation.acknowledged_on),
              rows.dumps(moderation.model_dump(mode="json"))) for audit_id, moderation in moderations],
        )

    def save(self, audit_id: str, moderation: Moderation) -> None:
        # Recording a moderator's work: that moderator, or a QA lead who moderates (the policy).
        self.session.require(Op.moderate, Facts(audit_id=audit_id,
                                                moderations=(Moderating(audit_id, moderation.moderator),)))
        with self.session.transaction():
            audit = self._submitted(audit_id)
            problems = moderator_independence(audit, self.store.cases.get(audit.case_ref), moderation.moderator)
            if problems:
                raise Refused(*problems)
            self.write(audit_id, moderation)
            self.session.record_concealed("moderation saved",
                                {"audit_id": audit_id, "moderation": moderation.model_dump(mode="json")})

    # --- a blind re-audit not yet submitted ------------------------------------------

    def save_blind_draft(self, audit_id: str, moderation: Moderation) -> None:
        """Keep the moderator's half-done blind re-audit (one per audit), as an audit draft
        is kept; refused once the re-audit has been submitted."""
        user = self.session.require(Op.moderate, Facts(audit_id=audit_id,
                                                       moderations=(Moderating(audit_id, moderation.moderator),)))
        if moderation.moderator != user.username:  # a draft is only ever its own moderator's
            raise Refused(f"{user.username} may not save {moderation.moderator}'s re-audit")
        with self.session.transaction():
            self._submitted(audit_id)
            done = self.db.execute("SELECT grade IS NOT NULL FROM moderations WHERE audit_id = ?",
                                   [audit_id]).fetchone()
            if done and done[0]:
                raise Refused(f"audit {audit_id}: the blind re-audit was already submitted; "
                              "it cannot change once the original has been shown")
            data = moderation.model_dump(mode="json")
            self.db.execute(
                "INSERT INTO reaudit_drafts (audit_id, moderator, saved_at, data) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(audit_id) DO UPDATE SET moderator = excluded.moderator, "
                "saved_at = excluded.saved_at, data = excluded.data",
                [audit_id, moderation.moderator, self.session.at(), rows.dumps(data)])
            self.session.record_concealed("re-audit draft saved", {"audit_id": audit_id, "moderation": data})

    def blind_draft(self, audit_id: str, moderator: str) -> Moderation | None:
        """The moderator's own saved draft of the blind re-audit of `audit_id`, if any."""
        row = self.db.execute("SELECT data FROM reaudit_drafts WHERE audit_id = ? AND moderator = ?",
                              [audit_id, moderator]).fetchone()
        return Moderation.model_validate_json(row[0]) if row else None

    def blind_drafts_of(self, moderator: str) -> set[str]:
        """The audits whose blind re-audit `moderator` has saved a draft of."""
        rows = self.db.execute("SELECT audit_id FROM reaudit_drafts WHERE moderator = ?", [moderator])
        return {row[0] for row in rows}

    def drop_blind_draft(self, audit_id: str) -> None:
        """The draft is done with once the re-audit is submitted (inside that transaction)."""
        self.db.execute("DELETE FROM reaudit_drafts WHERE audit_id = ?", [audit_id])

    def acknowledge(self, audit_id: str) -> None:
        """The auditor confirms they have read the moderator's feedback (today, by the store's clock)."""
        self.session.require(Op.acknowledge_feedback, Facts(audit_id=audit_id, auditor=self.session.actor))
        with self.session.transaction():
            on = self.session.today()
            audit = self.store.audits.get(audit_id)
            if audit is None or audit.moderation is None:
                raise NotFound(f"audit {audit_id}: no moderation to acknowledge")
            self.session.require(Op.acknowledge_feedback, Facts(audit_id=audit_id, auditor=audit.auditor))
            self.write(audit_id, audit.moderation.model_copy(update={"acknowledged_on": on}))
            self.session.record("moderation feedback acknowledged", {"audit_id": audit_id, "on": on.isoformat()})

    def moderated_audit_ids(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT audit_id FROM moderations")}

    # -- what the dashboard counts and the queues list ----------------------------------

    def count_waiting(self, moderator: str) -> int:
        """Audits assigned to the moderator and not yet reconciled (blind part or outcome owed)."""
        return int(self.db.execute(
            "SELECT count(*) FROM assignments s LEFT JOIN moderations m ON m.audit_id = s.audit_id "
            "WHERE s.moderator = ? AND m.outcome IS NULL", [moderator]).fetchone()[0])

    def count_feedback_waiting(self, auditor: str) -> int:
        """The auditor's reconciled audits whose moderation feedback they have not acknowledged."""
        return int(self.db.execute(f"SELECT count(*) {_FEEDBACK_WAITING}", [auditor]).fetchone()[0])

    def feedback_waiting(self, auditor: str, limit: int | None = PAGE) -> list[Audit]:
        """Those audits (the first `limit`, or all), oldest submission first."""
        ids = f"SELECT a.audit_id {_FEEDBACK_WAITING} ORDER BY a.submitted_on, a.audit_id LIMIT ?"
        params = [auditor, -1 if limit is None else limit]
        found = self.db.execute(
            f"SELECT {COLUMNS} FROM audits a WHERE a.audit_id IN ({ids}) "
            "ORDER BY a.submitted_on, a.audit_id", params).fetchall()
        return self.store.audits.from_rows(found, ids, params)

    # -- escalations --------------------------------------------------------------------

    def resolution(self, audit_id: str) -> Resolution | None:
        row = self.db.execute(f"SELECT {_RESOLUTION} FROM escalation_resolutions WHERE audit_id = ?",
                              [audit_id]).fetchone()
        return _resolution(row) if row else None

    def resolutions(self, audit_ids: list[str] | None = None) -> dict[str, Resolution]:
        """Stored resolutions by audit id (all of them, or those of `audit_ids`)."""
        if audit_ids is None:
            return {r[0]: _resolution(r) for r in self.db.execute(
                f"SELECT {_RESOLUTION} FROM escalation_resolutions")}
        found: dict[str, Resolution] = {}
        for chunk, marks in rows.chunks(list(audit_ids)):
            found.update((r[0], _resolution(r)) for r in self.db.execute(
                f"SELECT {_RESOLUTION} FROM escalation_resolutions WHERE audit_id IN ({marks})", chunk))
        return found

    def escalated_audit_ids(self) -> list[str]:
        """Audits whose moderation outcome is `escalated`, by id."""
        return [r[0] for r in self.db.execute(
            "SELECT audit_id FROM moderations WHERE outcome = 'escalated' ORDER BY audit_id")]

    def resolve(self, audit: Audit, resolution: Resolution) -> None:
        """Store the resolution, give the moderation its final grade, record it in the history.

        Call inside store.transaction(), after audit_tools.reconciliation.resolve has checked it.
        """
        assert audit.moderation is not None
        self.db.execute(
            f"INSERT INTO escalation_resolutions ({_RESOLUTION}) VALUES (?, ?, ?, ?, ?, ?)",
            [resolution.audit_id, resolution.final_grade.value, resolution.reason, resolution.feedback,
             resolution.resolved_by, resolution.resolved_at.isoformat(timespec="seconds")],
        )
        moderation = audit.moderation.model_copy(update={"final_grade": resolution.final_grade,
                                                         "acknowledged_on": None})
        self.db.execute(
            "UPDATE moderations SET final_grade = ?, acknowledged_on = NULL, data = ? WHERE audit_id = ?",
            [resolution.final_grade.value, rows.dumps(moderation.model_dump(mode="json")), audit.audit_id],
        )
        self.session.record_concealed("escalation resolved", {
            "audit_id": audit.audit_id,
            "resolution": resolution.model_dump(mode="json"),
            "auditor_grade": audit.grade.value if audit.grade else None,
            "moderator_grade": audit.moderation.grade.value if audit.moderation.grade else None,
        })
