"""Allocation through the store over random services: what the database holds after two
allocations of a month never breaks independence, never holds a case twice in the month,
never a case closed, not yet started or audited in the year before; both verify."""

from __future__ import annotations

import tempfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit_tools.errors import BadInput
from audit_tools.models import Audit, Case, User
from caseaudit.services import allocation as service
from db import open_store
from tests.support import FixedClock

FIRST = date(2025, 9, 1)
TEAMS = ["north", "south", "east", None]
STAFF = [f"u{i}" for i in range(6)]
SCORES = {"return-interview": "not_applicable", "voice-of-child": "met", "management-oversight": "met"}


@st.composite
def services(draw):
    users = [User(username=n, display_name=n, roles=draw(st.sampled_from([["auditor"], []])),
                  team=draw(st.sampled_from(TEAMS))) for n in STAFF]
    users.append(User(username="ext", display_name="Ext", roles=["auditor"], team="ext"))
    cases = []
    for i in range(draw(st.integers(1, 25))):
        start = FIRST + timedelta(days=draw(st.integers(-500, 3)))
        closed = draw(st.one_of(st.none(), st.integers(-60, 30).map(lambda d: FIRST + timedelta(days=d))))
        cases.append(Case(case_ref=f"C-{i:03d}", case_type="EH", start_date=start,
                          team=draw(st.sampled_from(TEAMS)), worker=draw(st.sampled_from(STAFF)),
                          line_manager=draw(st.sampled_from(STAFF)),
                          closed_date=None if closed is None else max(closed, start)))
    audits = []
    for n, c in enumerate(draw(st.lists(st.sampled_from(cases), max_size=10))):
        on = FIRST + timedelta(days=draw(st.integers(-400, 10)))
        if on >= c.start_date:
            audits.append(Audit(audit_id=f"H-{n:03d}", case_ref=c.case_ref, auditor="ext", as_of=on,
                                submitted_on=on, grade="good", scores=dict(SCORES)))
    return users, cases, audits


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(services(), st.integers(1, 3), st.integers(1, 3))
def test_what_is_stored_keeps_independence_and_once_a_month(service_data, k1, k2):
    users, cases, audits = service_data
    with tempfile.TemporaryDirectory() as folder:
        clock = FixedClock(datetime(2025, 9, 20, 9, 0, tzinfo=timezone.utc))
        store = open_store(Path(folder) / "caseaudit.db", "root", clock=clock)
        store.people.ensure_admin()
        store.people.upsert(users + [User(username="lead", display_name="Lead", roles=["qa_lead"])])
        store.cases.upsert(cases)
        store.audits.insert(audits)
        lead = store.clone("lead")
        made = []
        for k, seed in ((k1, "one"), (k2, "two")):
            try:
                made.append(service.allocate_month(lead, "2025-09", k, seed))
            except BadInput as err:
                assert "no case can be allocated" in err.lines[0]
        by_ref = {c.case_ref: c for c in cases}
        team = {u.username: u.team for u in users}
        recent = {a.case_ref for a in audits if date(2024, 9, 1) <= a.submitted_on < FIRST}
        rows = list(lead.db.execute("SELECT month, case_ref, auditor FROM allocated_cases"))
        assert len({(m, ref) for m, ref, _ in rows}) == len(rows)
        for _, ref, auditor in rows:
            c = by_ref[ref]
            assert auditor not in (c.worker, c.line_manager)
            assert team[auditor] is None or team[auditor] != c.team
            assert c.start_date <= FIRST and (c.closed_date is None or c.closed_date >= FIRST)
            assert ref not in recent
        for allocation in made:
            assert service.verify_allocation(lead, allocation.allocation_id)[1]
        lead.close()
        store.close()
