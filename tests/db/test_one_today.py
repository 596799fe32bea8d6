"""One today: a write's dates and its history entry come from one reading of the clock.

The clock below moves on a second every time it is read, starting one second before
midnight in London on 31 March (the last day of a financial year): a write that read it
twice would date the change in one quarter and record it in the next.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from audit_tools.calendar import london_day
from audit_tools.models import Moderation
from audit_tools.quarters import Quarter
from caseaudit.services import moderation as ms
from caseaudit.services import moderation_escalations
from db import open_store
from tests.support import admin_store, make_audit

# 23:59:59 in London (BST) on 31 March 2026 is 22:59:59 UTC.
LAST_SECOND = datetime(2026, 3, 31, 22, 59, 59, tzinfo=timezone.utc)


class TickingClock:
    """A clock that moves on a second each time it is read."""

    def __init__(self, start: datetime = LAST_SECOND) -> None:
        self.moment = start - timedelta(seconds=1)
        self.reads = 0

    def __call__(self) -> datetime:
        self.moment += timedelta(seconds=1)
        self.reads += 1
        return self.moment


def audit_as_at(day: date):
    """The shared test audit, as at `day`, its action due four weeks later."""
    audit = make_audit("A-0001", submitted_on=None)
    actions = [a.model_copy(update={"due": day + timedelta(days=28)}) for a in audit.actions]
    return audit.model_copy(update={"as_of": day, "actions": actions})


def entry_day(store, what: str) -> date:
    [entry] = store.history.entries(what=what)
    return london_day(datetime.fromisoformat(entry.at))


def test_a_submission_on_the_last_second_of_march_is_dated_and_recorded_on_the_same_day(tmp_path):
    path = tmp_path / "ca.db"
    admin_store(path).close()
    clock = TickingClock()
    amy = open_store(path, "amy", clock=clock)
    draft = audit_as_at(date(2026, 3, 31))
    revision = amy.audits.save_draft(draft, None)
    clock.moment = LAST_SECOND - timedelta(seconds=1)  # the next read is 23:59:59
    # A date the caller supplies is not taken: the store dates the submission.
    submitted = amy.audits.submit(draft.model_copy(update={"submitted_on": date(2026, 3, 1)}), revision)
    assert submitted.submitted_on == date(2026, 3, 31)
    assert entry_day(amy, "audit submitted") == submitted.submitted_on
    assert Quarter.of(submitted.submitted_on) == Quarter.of(entry_day(amy, "audit submitted"))
    assert amy.today() == date(2026, 4, 1)  # outside a write the clock is read afresh


def test_moderation_dates_agree_with_their_history_entries_across_midnight(tmp_path):
    path = tmp_path / "ca.db"
    admin_store(path).close()
    clock = TickingClock()
    amy = open_store(path, "amy", clock=clock)
    audit = audit_as_at(date(2026, 3, 30))
    amy.audits.submit(audit, amy.audits.save_draft(audit, None))
    open_store(path, "quinn", clock=clock).moderation.assign("A-0001", "cat")
    cat = open_store(path, "cat", clock=clock)

    clock.moment = LAST_SECOND - timedelta(seconds=1)
    done = ms.submit_blind(cat, "A-0001", Moderation(moderator="cat", grade="good", scores=dict(audit.scores),
                                                     notes=dict(audit.notes), moderated_on=date(2025, 1, 1)))
    assert done.moderated_on == date(2026, 3, 31)  # the day of the write, whatever was passed
    assert entry_day(cat, "moderation saved") == date(2026, 3, 31)

    ms.reconcile(cat, "A-0001", "agreed", None, None, "Well done")
    clock.moment = LAST_SECOND - timedelta(seconds=1)
    moderation_escalations.acknowledge(amy, "A-0001")
    acknowledged = amy.audits.get("A-0001").moderation.acknowledged_on
    assert acknowledged == date(2026, 3, 31)
    assert entry_day(amy, "moderation feedback acknowledged") == acknowledged


def test_the_clock_is_read_once_a_write(tmp_path):
    path = tmp_path / "ca.db"
    admin_store(path).close()
    clock = TickingClock()
    amy = open_store(path, "amy", clock=clock)
    audit = audit_as_at(date(2026, 3, 30))
    revision = amy.audits.save_draft(audit, None)
    before = clock.reads
    with amy.transaction():  # the service's transaction, with the store's own inside it
        amy.audits.submit(audit, revision)
    assert clock.reads == before + 1
