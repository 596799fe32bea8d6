"""Audits: drafts (with a revision for conflict detection), submission, and historic
imports; the stored current state of each audit is read, listed and paged by SQL in
`AuditReads` (db/audit_reads.py), which this aggregate extends."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from audit_tools.audit import audit_problems, auditor_independence
from audit_tools.errors import BadInput, Refused
from audit_tools.models import Audit, Case, User, audit_id_for
from audit_tools.permissions import Facts, Op, moderator_independence
from db import coverage, projection, rows
from db.audit_reads import AuditReads
from db.errors import DraftConflict, NotFound


class Audits(AuditReads):
    def next_id(self) -> str:
        """A new audit id, "A-000123", never used before (imported ids are skipped)."""
        def taken(number: int) -> bool:
            return self.db.execute("SELECT 1 FROM audits WHERE audit_id = ?",
                                   [audit_id_for(number)]).fetchone() is not None

        with self.session.transaction():
            return audit_id_for(self.session.next_number("audit", taken))

    # -- writing ------------------------------------------------------------------------

    def _write_row(self, audit: Audit, revision: int, exists: bool) -> None:
        values = {
            "audit_id": audit.audit_id,
            "case_ref": audit.case_ref,
            "auditor": audit.auditor,
            "as_of": audit.as_of.isoformat(),
            "submitted_on": None,  # set when the status turns to submitted
            "grade": audit.grade.value if audit.grade else None,
            "status": "draft",
            "catalogue_version": audit.catalogue_version,
            "round_id": audit.round_id,
            "revision": revision,
            "saved_by": self.session.actor,
            "saved_at": self.session.at(),
            # Moderation lives in its own table: it is written later, by someone else.
            "data": rows.dumps(audit.model_dump(mode="json", exclude={"moderation"})),
        }
        if exists:
            sets = ", ".join(f"{k} = :{k}" for k in values if k != "audit_id")
            self.db.execute(f"UPDATE audits SET {sets} WHERE audit_id = :audit_id", values)
        else:
            cols = ", ".join(values)
            marks = ", ".join(f":{k}" for k in values)
            self.db.execute(f"INSERT INTO audits ({cols}) VALUES ({marks})", values)

    def _write_submitted(self, audit: Audit) -> None:
        """Scores, themes and actions, written while the row is still a draft, then locked;
        and the audit as submitted, kept apart from the current state for good."""
        data = audit.model_dump(mode="json", exclude={"moderation"})
        projection.write_scores(self.db, audit.audit_id, data)
        projection.write_themes(self.db, audit.audit_id, data)
        projection.write_actions(self.db, audit.audit_id, data["actions"])
        if audit.round_id is not None:
            self.store.rounds.write_answers(audit.audit_id, audit.round_id, data["answers"])
        self.db.execute("INSERT INTO submitted_audits (audit_id, grade, data) VALUES (?, ?, ?)",
                        [audit.audit_id, data["grade"], rows.dumps(data)])
        self.db.execute("UPDATE audits SET status = 'submitted', submitted_on = ? WHERE audit_id = ?",
                        [data["submitted_on"], audit.audit_id])

    def _problems(self, audit: Audit, case: Case | None, known: set[str] | None = None,
                  themes: Iterable[str] | None = None) -> list[str]:
        settings = self.store.reference.settings()
        block = settings.independence_mode == "block"
        made = self.store.rounds.of_audit(audit) if audit.round_id is not None else None
        return audit_problems(
            audit, case, self.store.reference.catalogue_for(audit),
            self.store.people.usernames() if known is None else known,
            self.store.reference.themes().keys() if themes is None else themes,
            last_audit=self.last_for_case(audit.case_ref, before=audit.as_of, exclude=audit.audit_id)
            if block else None,
            window_months=settings.independence_window_months, block_recent=block, round=made)

    def _may_edit(self, audit: Audit) -> User:
        """The actor, once the policy lets them write `audit` as its owner stored and given."""
        stored = self.db.execute("SELECT auditor FROM audits WHERE audit_id = ?", [audit.audit_id]).fetchone()
        # The stored owner counts too: reusing someone's audit id must not take their draft over.
        user = None
        for owner in ([stored[0]] if stored else []) + [audit.auditor]:
            user = self.session.require(Op.save_audit, Facts(audit_id=audit.audit_id, auditor=owner))
        assert user is not None
        return user

    def insert(self, audits: list[Audit]) -> int:
        """Import completed audits: all of them or, if any is refused, none."""
        self.session.require(Op.import_data, Facts(what="audits"))
        with self.session.transaction():
            problems: list[str] = []
            ids = [a.audit_id for a in audits]
            duplicates = sorted({i for i in ids if ids.count(i) > 1}) if len(set(ids)) != len(ids) else []
            problems += [f"audit {i}: appears more than once" for i in duplicates]
            cases: dict[str, Case | None] = {}
            known, themes = self.store.people.usernames(), list(self.store.reference.themes())
            for audit in audits:
                if self.db.execute("SELECT 1 FROM audits WHERE audit_id = ?", [audit.audit_id]).fetchone():
                    problems.append(f"audit {audit.audit_id}: already in the database")
                    continue
                if audit.submitted_on is None:
                    problems.append(f"audit {audit.audit_id}: submitted_on: only completed audits can be imported")
                    continue
                if audit.case_ref not in cases:
                    cases[audit.case_ref] = self.store.cases.get(audit.case_ref)
                problems += [f"audit {audit.audit_id}: {p}"
                             for p in self._problems(audit, cases[audit.case_ref], known, themes)]
                if audit.moderation is not None:
                    problems += [f"audit {audit.audit_id}: moderation: {p}" for p in
                                 moderator_independence(audit, cases[audit.case_ref], audit.moderation.moderator)]
            if problems:
                raise BadInput(*problems)
            self._write_imported(audits, self.session.at(), self.session.actor, lambda _: None)
            self.session.record("audits imported", {"audits": [a.model_dump(mode="json") for a in audits]})
        return len(audits)

    def import_checked(self, batches: Iterable[Sequence[Audit]]) -> int:
        """Write historic audits the import service has checked, batch by batch, in audit id
        order, all or none; ONE history entry records the import: how many, their ids (the first
        and last apart for reading) and a digest of the audits as submitted (history.IMPORT_DIGEST, what `verify` recomputes).

        The import service ran every rule of the domain on each line, against the cases as
        stored, inside the caller's transaction; so here only what is cheap per batch is run
        again (the role, ids not yet stored and in order, cases that exist), not the rules.
        """
        self.session.require(Op.import_data, Facts(what="audits"))
        digest = hashlib.sha256()
        count = 0
        first: str | None = None
        last: str | None = None
        ids: list[str] = []
        with self.session.transaction():
            at, actor = self.session.at(), self.session.actor
            # each row's hash summed in memory, not one update of its table's digest a row
            with coverage.summed_inserts(self.db):
                for batch in batches:
                    if not batch:
                        continue
                    self._refuse_unwritable(batch, last)
                    self._write_imported(batch, at, actor, digest.update)
                    ids.extend(a.audit_id for a in batch)
                    count += len(batch)
                    first = first or batch[0].audit_id
                    last = batch[-1].audit_id
            if count:
                # the ids say which audits the digest covers, however imports interleave
                self.session.record("audits imported", {
                    "count": count, "first": first, "last": last, "digest": digest.hexdigest(), "ids": ids}, at=at)
        return count

    def _refuse_unwritable(self, batch: Sequence[Audit], last: str | None) -> None:
        """BadInput naming what the checks cannot have seen: ids out of order or stored since, and
        cases gone since."""
        problems: list[str] = []
        previous = last
        for audit in batch:
            if previous is not None and audit.audit_id <= previous:
                problems.append(f"audit {audit.audit_id}: given twice or out of audit id order")
            if audit.submitted_on is None:
                problems.append(f"audit {audit.audit_id}: submitted_on: only completed audits can be imported")
            previous = audit.audit_id
        problems += [f"audit {i}: already in the database"
                     for i in sorted(self.stored_ids(a.audit_id for a in batch))]
        known = self.store.cases.known({a.case_ref for a in batch})
        problems += [f"audit {a.audit_id}: case {a.case_ref}: not in the database; import the case first"
                     for a in batch if a.case_ref not in known]
        if problems:
            raise BadInput(*problems)

    def _write_imported(self, batch: Sequence[Audit], at: str, actor: str, digest: Callable[[bytes], None]) -> None:
        """One batch of completed audits, each row written once, as it stays: each statement
        once per batch, not once per audit; each audit's text as submitted goes into `digest`.

        The guards lock a submitted audit's parts (a score, theme, action or answer added to
        one is refused), so the parts go in first and each audit last, already submitted. Their
        references to an audit not yet written are checked at the commit instead
        (defer_foreign_keys, which SQLite switches off there; switching it off sooner would let
        a part without its audit through): by then every audit of the batch is in."""
        data = [a.model_dump(mode="json", exclude={"moderation"}) for a in batch]
        texts = [rows.dumps(d) for d in data]
        for text in texts:
            digest(text.encode("utf-8") + b"\n")
        conn = self.db.conn
        conn.execute("PRAGMA defer_foreign_keys = ON")
        conn.executemany(projection.INSERT_SCORE, [r for d in data for r in projection.score_rows(d["audit_id"], d)])
        conn.executemany(projection.INSERT_THEME, [r for d in data for r in projection.theme_rows(d["audit_id"], d)])
        conn.executemany(projection.INSERT_ACTION, [r for d in data for r in projection.action_rows(
            d["audit_id"], d.get("actions") or [])])
        conn.executemany(projection.INSERT_ANSWER, [r for d in data if d.get("round_id") for r in
                                                    projection.answer_rows(d["audit_id"], d["round_id"],
                                                                           d.get("answers") or {})])
        conn.executemany("INSERT INTO submitted_audits (audit_id, grade, data) VALUES (?, ?, ?)",
                         [(d["audit_id"], d["grade"], text) for d, text in zip(data, texts)])
        conn.executemany(
            "INSERT INTO audits (audit_id, case_ref, auditor, as_of, submitted_on, grade, status, "
            "catalogue_version, round_id, revision, saved_by, saved_at, data) "
            "VALUES (?, ?, ?, ?, ?, ?, 'submitted', ?, ?, 1, ?, ?, ?)",
            [(d["audit_id"], d["case_ref"], d["auditor"], d["as_of"], d["submitted_on"], d["grade"],
              d["catalogue_version"], d.get("round_id"), actor, at, text) for d, text in zip(data, texts)])
        self.store.moderation.write_many([(a.audit_id, a.moderation) for a in batch if a.moderation is not None])

    def save_draft(self, audit: Audit, expected_revision: int | None) -> int:
        """Save a draft; returns its new revision.

        `expected_revision` is the revision the form opened (None or 0 for a new audit).
        If someone saved in between, DraftConflict: reopen, never overwrite.
        """
        self._may_edit(audit)
        if audit.submitted_on is not None:
            raise BadInput(f"audit {audit.audit_id}: a draft has no submission date; submit it instead")
        with self.session.transaction():
            current = self._revision(audit.audit_id, expected_revision)
            case = self.store.cases.get(audit.case_ref)
            if case is None:
                raise NotFound(f"case {audit.case_ref}: not in the database; import the case first")
            problems = auditor_independence(case, audit.auditor)
            if problems:
                raise Refused(*problems)
            if audit.round_id is not None:
                self.store.rounds.of_audit(audit)
            revision = current + 1
            self._write_row(audit, revision, exists=current > 0)
            self.session.record_concealed("audit draft saved", {"revision": revision, "audit": audit.model_dump(mode="json")})
            return revision

    def _revision(self, audit_id: str, expected: int | None) -> int:
        """The stored revision (0: none yet), after checking nobody saved since `expected`."""
        row = self.db.execute(
            "SELECT revision, status, saved_by, saved_at FROM audits WHERE audit_id = ?", [audit_id]
        ).fetchone()
        if row is None:
            if expected:
                raise DraftConflict(f"audit {audit_id} was deleted since you opened it; start a new audit",
                                    audit_id=audit_id)
            return 0
        revision, status, saved_by, saved_at = row
        if status == "submitted":
            raise Refused(f"audit {audit_id} is submitted and locked; record an amendment to correct it")
        if expected != revision:
            raise DraftConflict.changed(audit_id, saved_by, datetime.fromisoformat(saved_at) if saved_at else None,
                                        self.session.now())
        return int(revision)

    def submit(self, audit: Audit, expected_revision: int | None = None) -> Audit:
        """Submit (and lock) an audit; every rule it breaks is listed at once (Refused)."""
        self._may_edit(audit)
        with self.session.transaction():
            # Dated by the store, on the day the history entry below records.
            today = self.session.today()
            audit = audit.model_copy(update={"submitted_on": today})
            if today < audit.as_of:
                raise BadInput(f"audit {audit.audit_id}: submitted_on is before the as-at date")
            row = self.db.execute("SELECT revision, status FROM audits WHERE audit_id = ?",
                                  [audit.audit_id]).fetchone()
            if row is not None and row[1] == "submitted":
                raise Refused(f"audit {audit.audit_id} is already submitted")
            # None means "whatever is stored": submitting straight from an import or a test.
            expected = (row[0] if row else None) if expected_revision is None else expected_revision
            current = self._revision(audit.audit_id, expected)
            problems = self._problems(audit, self.store.cases.get(audit.case_ref))
            if problems:
                raise Refused(*problems)
            self._write_row(audit, current + 1, exists=current > 0)
            self._write_submitted(audit)
            self.session.record_concealed("audit submitted", {"audit": audit.model_dump(mode="json")})
        stored = self.get(audit.audit_id)
        assert stored is not None
        return stored

    def discard(self, audit_id: str, expected_revision: int) -> None:
        self.session.require(Op.save_audit, Facts(audit_id=audit_id, auditor=self.session.actor))
        with self.session.transaction():
            audit = self.get(audit_id)
            if audit is None:
                raise NotFound(f"audit {audit_id}: not in the database")
            self._may_edit(audit)
            self._revision(audit_id, expected_revision)
            self.db.execute("DELETE FROM audits WHERE audit_id = ?", [audit_id])
            self.session.record("audit draft discarded", {"audit_id": audit_id})

