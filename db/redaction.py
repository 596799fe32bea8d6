"""Redaction: free text replaced by one mark, in every place it lives, in one transaction.

The words of an audit live in its row's JSON (`audits.data`), its copy as submitted
(`submitted_audits.data`), its scores' notes and override reasons, its actions'
descriptions, its round answers' comments, its amendments' reasons and changed values,
its moderation (notes, reason, feedback), the resolution of an escalation and a blind
re-audit's draft; an event's in its note and why the child was not seen alone; a concern's
in what was found, what should happen and the action taken. A redaction reaches all of
them for the records it selects (audit_tools.redaction), never a held case's, an open
concern's or an open action's.

The lock triggers let exactly this change through (db/migrations/steps_i25.py, m152): only
while the redaction's mark is in `redacting`, written and removed inside this transaction
with the history entry ("free text redacted") that names every record reached, and for a
text column only from words to the mark. The record digests move with the writes, so
`verify` still proves every table; it accepts a redacted value in a submitted audit or an
amendment only where that entry names it (db/history_audits.py).

The words leave the file as well as the tables: the connection writes with
`PRAGMA secure_delete = ON` (SQLite overwrites what it frees with zeros) and the redaction
ends with a TRUNCATE checkpoint, which copies the new pages over the old ones in the main
file and empties the write-ahead log. The history holds the words of entries written since
free text left it only as salted hashes (db/free_text.py).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from audit_tools.errors import BadInput
from audit_tools.permissions import Op
from audit_tools.redaction import Reach, Selection, mark
from db import rows
from db.errors import NotFound
from db.free_text import redact_text, redact_value
from db.session import Aggregate

REDACTED = "free text redacted"  # the history entry's `what` (db.history_audits.REDACTED)


def _case(column: str) -> str:
    """SQL: a text column as the redaction leaves it (the mark is the parameter :r)."""
    return (f"{column} = CASE WHEN {column} IS NULL OR {column} = '' OR {column} LIKE '[redacted %' "
            f"THEN {column} ELSE :r END")


def _has_words(text: str | None, json_text: bool, keep: frozenset[str]) -> bool:
    """Whether a stored value still holds words a redaction would replace (`keep`: open
    actions' descriptions, which it would not)."""
    if not text:
        return False
    if not json_text:
        return redact_text(text, "x") != text
    value: object = json.loads(text)
    return redact_value(value, "x", keep) != value


class Redaction(Aggregate):
    # -- what a selection reaches ---------------------------------------------------------

    def plan(self, selection: Selection) -> Reach:
        """What redacting `selection` would reach and hold back; NotFound for a record not
        in the database. Reads only."""
        selection.check()
        held = {r[0] for r in self.db.execute("SELECT case_ref FROM case_holds")}
        reach = Reach()
        if selection.audit is not None:
            row = self.db.execute("SELECT case_ref FROM audits WHERE audit_id = ?", [selection.audit]).fetchone()
            if row is None:
                raise NotFound(f"audit {selection.audit}: not in the database")
            self._audits(reach, [(selection.audit, row[0])], held)
        elif selection.event is not None:
            row = self.db.execute("SELECT case_ref FROM case_events WHERE id = ?", [selection.event]).fetchone()
            if row is None:
                raise NotFound(f"event {selection.event}: not in the database")
            if row[0] in held:
                reach.on_hold += 1
            else:
                reach.events.append(selection.event)
        elif selection.action is not None:
            row = self.db.execute(
                "SELECT a.case_ref, a.status, x.completed_on FROM actions x JOIN audits a ON a.audit_id = x.audit_id "
                "WHERE x.id = ?", [selection.action]).fetchone()
            if row is None:
                raise NotFound(f"action {selection.action}: not in the database")
            if row[0] in held:
                reach.on_hold += 1
            elif row[1] == "submitted" and row[2] is None:
                reach.open_actions += 1
            else:
                reach.actions.append(selection.action)
        elif selection.concern is not None:
            row = self.db.execute("SELECT case_ref, closed_at FROM concerns WHERE concern_id = ?",
                                  [selection.concern]).fetchone()
            if row is None:
                raise NotFound(f"concern {selection.concern}: not in the database")
            if row[0] in held:
                reach.on_hold += 1
            elif row[1] is None:
                reach.open_concerns += 1
            else:
                reach.concerns.append(selection.concern)
        else:
            assert selection.older_than is not None
            self._older_than(reach, selection.older_than, held)
        return reach

    def _older_than(self, reach: Reach, before: date, held: set[str]) -> None:
        day = before.isoformat()
        # A schedule run again reaches only the audits with words left (a later amendment's,
        # a later moderation's), so each run's entry names what it changed.
        open_actions: dict[str, set[str]] = {}
        for audit_id, description in self.db.execute(
                "SELECT x.audit_id, x.description FROM actions x JOIN audits a ON a.audit_id = x.audit_id "
                "WHERE a.status = 'submitted' AND a.submitted_on < ? AND x.completed_on IS NULL", [day]):
            open_actions.setdefault(audit_id, set()).add(description)
        self._audits(reach, [
            (audit_id, case_ref) for audit_id, case_ref, *texts in self.db.execute(
                "SELECT a.audit_id, a.case_ref, a.data, s.data, m.data, m.reason, m.feedback, e.reason, e.feedback "
                "FROM audits a LEFT JOIN submitted_audits s ON s.audit_id = a.audit_id "
                "LEFT JOIN moderations m ON m.audit_id = a.audit_id "
                "LEFT JOIN escalation_resolutions e ON e.audit_id = a.audit_id "
                "WHERE a.status = 'submitted' AND a.submitted_on < ? ORDER BY a.audit_id", [day])
            if any(_has_words(t, n < 3, frozenset(open_actions.get(audit_id, ()))) for n, t in enumerate(texts))],
            held)
        words = ("((note IS NOT NULL AND note != '' AND note NOT LIKE '[redacted %') OR (reason_not_alone IS NOT "
                 "NULL AND reason_not_alone != '' AND reason_not_alone NOT LIKE '[redacted %'))")
        for event_id, case_ref in self.db.execute(
                f"SELECT id, case_ref FROM case_events WHERE date < ? AND {words} ORDER BY id", [day]):
            if case_ref in held:
                reach.on_hold += 1
            else:
                reach.events.append(event_id)
        for concern_id, case_ref, closed_at in self.db.execute(
                "SELECT concern_id, case_ref, closed_at FROM concerns WHERE (closed_at < ? OR "
                "(closed_at IS NULL AND raised_at < ?)) AND found NOT LIKE '[redacted %' ORDER BY concern_id",
                [day, day]):
            if closed_at is None:
                reach.open_concerns += 1
            elif case_ref in held:
                reach.on_hold += 1
            else:
                reach.concerns.append(concern_id)

    def _audits(self, reach: Reach, found: list[tuple[str, str]], held: set[str]) -> None:
        """The audits of `found` ((audit id, case)) not on hold, with their moderations,
        amendments and actions (an open action held back)."""
        ids = []
        for audit_id, case_ref in found:
            if case_ref in held:
                reach.on_hold += 1
            else:
                ids.append(audit_id)
        reach.audits += ids
        for chunk, marks in rows.chunks(ids):
            reach.moderations += [r[0] for r in self.db.execute(
                f"SELECT audit_id FROM moderations WHERE audit_id IN ({marks}) UNION "
                f"SELECT audit_id FROM reaudit_drafts WHERE audit_id IN ({marks}) ORDER BY 1", chunk + chunk)]
            reach.amendments += [r[0] for r in self.db.execute(
                f"SELECT id FROM amendments WHERE audit_id IN ({marks}) ORDER BY id", chunk)]
            for action_id, status, completed_on in self.db.execute(
                    f"SELECT x.id, a.status, x.completed_on FROM actions x JOIN audits a ON a.audit_id = x.audit_id "
                    f"WHERE x.audit_id IN ({marks}) ORDER BY x.id", chunk):
                if status == "submitted" and completed_on is None:
                    reach.open_actions += 1
                else:
                    reach.actions.append(action_id)

    # -- the redaction --------------------------------------------------------------------

    def redact(self, selection: Selection, reason: str, dry_run: bool = False) -> Reach:
        """Redact what `selection` reaches (or, `dry_run`, only say what that is)."""
        self.session.require(Op.redact)
        reason = " ".join(reason.split())
        if not reason:
            raise BadInput("--reason: say why the text is redacted (it is shown in every redacted value)")
        if dry_run:
            reach = self.plan(selection)
            return reach.model_copy(update={"dry_run": True, "replacement": mark(self.session.today(), reason)})
        (was,) = self.db.execute("PRAGMA secure_delete").fetchone()
        self.db.execute("PRAGMA secure_delete = ON")
        try:
            return self._redact(selection, reason)
        finally:
            self.db.execute(f"PRAGMA secure_delete = {int(was)}")

    def _redact(self, selection: Selection, reason: str) -> Reach:
        with self.session.transaction():
            reach = self.plan(selection)
            reach.replacement = mark(self.session.today(), reason)
            self.db.execute("INSERT INTO redacting (replacement) VALUES (?)", [reach.replacement])
            copies, amendments = self._write(reach, selection)
            # Gone before the entry is written, so the entry's digests show `redacting` as empty
            # again (the table is covered: a mark left behind outside caseaudit is a finding).
            self.db.execute("DELETE FROM redacting")
            self.session.record(REDACTED, {
                "replacement": reach.replacement, "selection": selection.model_dump(mode="json", exclude_none=True),
                "audits": reach.audits, "events": reach.events, "actions": reach.actions,
                "concerns": reach.concerns, "moderations": reach.moderations, "amendments": amendments,
                "audit_copies": copies,
                "held_back": {"on_hold": reach.on_hold, "open_concerns": reach.open_concerns,
                              "open_actions": reach.open_actions}})
        busy = self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        reach.checkpointed = busy is None or busy[0] == 0
        return reach

    def _write(self, reach: Reach, selection: Selection) -> tuple[list[str], list[int]]:
        """Every write of the redaction; returns the audits whose JSON copies changed and the
        amendments changed (an action's redaction reaches its audit's copies too)."""
        r = {"r": reach.replacement}
        db = self.db
        only: frozenset[str] | None = None
        audit_ids = list(reach.audits)
        if selection.action is not None and reach.actions:
            audit_id, description = db.execute("SELECT audit_id, description FROM actions WHERE id = ?",
                                               [selection.action]).fetchone()
            only, audit_ids = frozenset({description}), [audit_id]
        copies: list[str] = []
        amendments: list[int] = list(reach.amendments)
        for audit_id in audit_ids:
            keep = frozenset(d for (d,) in db.execute(
                "SELECT x.description FROM actions x JOIN audits a ON a.audit_id = x.audit_id "
                "WHERE x.audit_id = ? AND a.status = 'submitted' AND x.completed_on IS NULL", [audit_id]))
            changed = False
            for table in ("audits", "submitted_audits", "reaudit_drafts"):
                changed |= self._json(f"SELECT data FROM {table} WHERE audit_id = ?",
                                      f"UPDATE {table} SET data = ? WHERE audit_id = ?", audit_id, reach, keep, only)
            if changed:
                copies.append(audit_id)
            for (amendment_id,) in db.execute("SELECT id FROM amendments WHERE audit_id = ? ORDER BY id",
                                              [audit_id]).fetchall():
                moved = self._json("SELECT changes FROM amendments WHERE id = ?",
                                   "UPDATE amendments SET changes = ? WHERE id = ?", amendment_id, reach, keep, only)
                if only is None:
                    db.execute(f"UPDATE amendments SET {_case('reason')} WHERE id = :id", {**r, "id": amendment_id})
                elif moved and amendment_id not in amendments:
                    amendments.append(amendment_id)
        for chunk, _ in rows.chunks(reach.audits):
            named = {f"a{i}": v for i, v in enumerate(chunk)}
            among = ", ".join(f":{k}" for k in named)
            db.execute(f"UPDATE scores SET {_case('note')}, {_case('override_reason')} WHERE audit_id IN ({among})",
                       {**r, **named})
            db.execute(f"UPDATE round_answers SET {_case('comment')} WHERE audit_id IN ({among})", {**r, **named})
            db.execute(f"UPDATE moderations SET {_case('reason')}, {_case('feedback')} WHERE audit_id IN ({among})",
                       {**r, **named})
            db.execute(f"UPDATE escalation_resolutions SET {_case('reason')}, {_case('feedback')} "
                       f"WHERE audit_id IN ({among})", {**r, **named})
        for audit_id in reach.moderations:
            self._json("SELECT data FROM moderations WHERE audit_id = ?",
                       "UPDATE moderations SET data = ? WHERE audit_id = ?", audit_id, reach, frozenset(), None)
        self._many("actions", "id", [_case("description")], reach.actions, reach.replacement)
        self._many("case_events", "id", [_case("note"), _case("reason_not_alone")], reach.events,
                   reach.replacement)
        self._many("concerns", "concern_id", [_case("found"), _case("should_happen"), _case("action_taken")],
                   reach.concerns, reach.replacement)
        return copies, amendments

    def _json(self, select: str, update: str, key: Any, reach: Reach, keep: frozenset[str],
              only: frozenset[str] | None) -> bool:
        row = self.db.execute(select, [key]).fetchone()
        if row is None:
            return False
        before = json.loads(row[0])
        after = redact_value(before, reach.replacement, keep, only)
        if after == before:
            return False
        self.db.execute(update, [rows.dumps(after), key])
        return True

    def _many(self, table: str, key: str, sets: list[str], keys: list[Any], replacement: str) -> None:
        for chunk, _ in rows.chunks(keys):
            named = {f"k{i}": v for i, v in enumerate(chunk)}
            among = ", ".join(f":{k}" for k in named)
            self.db.execute(f"UPDATE {table} SET {', '.join(sets)} WHERE {key} IN ({among})",
                            {**named, "r": replacement})
