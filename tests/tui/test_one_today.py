"""An app left open across midnight at the end of a financial year: its today moves on
with the store's clock, and a submission made after midnight is dated on the day its
history entry records (one today, never one captured when the app was opened)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from textual.widgets import Select

from audit_tools.calendar import london_day
from audit_tools.models import Grade, Status
from audit_tools.quarters import Quarter
from db import open_store
from tests.support import FixedClock
from tests.tui.conftest import TODAY, build_db, cp_case
from tests.tui.keys import settle
from tests.tui.test_audit_keyboard import open_new_audit
from tui.app import make_app
from tui.screens.audit_form import AuditFormScreen

# 23:59:59 in London (BST) on 31 March 2026 is 22:59:59 UTC; a minute later it is April.
LAST_SECOND_OF_MARCH = datetime(2026, 3, 31, 22, 59, 59, tzinfo=timezone.utc)
FIRST_MINUTE_OF_APRIL = datetime(2026, 3, 31, 23, 0, 30, tzinfo=timezone.utc)
JUDGEMENT = ["voice-of-child", "management-oversight", "plan-quality", "absent-parent-views"]


def case_kept_up_to(day: date):
    """The small CP case with its visits and supervision moved on to end just before `day`."""
    case = cp_case("C-1")
    shift = day - TODAY
    events = [e.model_copy(update={"date": e.date + shift}) for e in case.events]
    return case.model_copy(update={"start_date": case.start_date + shift, "events": events})


async def test_an_app_left_open_past_midnight_dates_the_submission_by_the_day_it_is_made(tmp_path):
    path = tmp_path / "caseaudit.db"
    build_db(path, [case_kept_up_to(date(2026, 3, 31))])
    clock = FixedClock(LAST_SECOND_OF_MARCH)
    app = make_app(path, username="amy", clock=clock)
    app.animation_level = "none"
    async with app.run_test(size=(100, 36)) as pilot:
        assert app.today == date(2026, 3, 31)
        form = await open_new_audit(pilot)
        assert isinstance(form, AuditFormScreen)
        assert form.audit.as_of == date(2026, 3, 31)  # opened on the last day of March
        for standard in JUDGEMENT:
            form.query_one(f"#status-{standard}", Select).value = Status.met
        form.query_one("#grade-select", Select).value = Grade.good
        await settle(pilot)

        clock.moment = FIRST_MINUTE_OF_APRIL  # the app stays open past midnight
        assert app.today == date(2026, 4, 1)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert form.audit.submitted, form.query_one("#audit-problems").render()

    store = open_store(path, "admin")
    [audit] = store.audits.list(auditor="amy")
    [entry] = store.history.entries(what="audit submitted")
    recorded = london_day(datetime.fromisoformat(entry.at))
    assert audit.submitted_on == recorded == date(2026, 4, 1)
    assert Quarter.of(audit.submitted_on) == Quarter.of(recorded) == Quarter.parse("2026-27-Q1")
    assert audit.as_of == date(2026, 3, 31)  # the as-at date is the day the form was opened


async def test_the_screens_today_is_read_from_the_store_each_time(tmp_path):
    path = tmp_path / "caseaudit.db"
    build_db(path)
    clock = FixedClock(LAST_SECOND_OF_MARCH)
    app = make_app(path, username="amy", clock=clock)
    assert app.today == date(2026, 3, 31)
    clock.moment += timedelta(seconds=1)
    assert app.today == date(2026, 4, 1) == app.store.today()
