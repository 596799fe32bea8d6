"""How fast the first screens appear on a large database: `python -m bench screens`.

Builds, once per run in a temporary folder, a database of 100,000 submitted audits over
20,000 cases (with their events) and 400 auditors, then opens the terminal application
headless several times and prints the median time until

- the dashboard shows its figures (as an auditor and as a QA lead), and
- the case list shows its first page, and the engine's failing counts for that page.

It also shows that the case list holds one page, not every case. Numbers are printed,
never asserted: a benchmark is read by a person, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from audit_tools.models import Audit, Case, CaseType, Event, EventKind, Grade, Role, Status, User
from audit_tools.standards import load_catalogue

TODAY = date(2025, 9, 30)
TYPES = [CaseType.EH, CaseType.CIN, CaseType.CP, CaseType.CLA, CaseType.CL]


def build(path: Path, audits: int, cases: int, auditors: int) -> None:
    from db import open_store

    catalogue = load_catalogue()
    store = open_store(path, "admin")
    store.people.ensure_admin("Bench Admin")
    teams = [f"team-{n:02d}" for n in range(40)]
    users = [User(username="admin", display_name="Bench Admin", roles=[Role.admin, Role.qa_lead])]
    users += [User(username=f"aud{n:03d}", display_name=f"Auditor {n}", roles=[Role.auditor],
                   team=teams[n % len(teams)]) for n in range(auditors)]
    store.people.upsert(users)
    case_list = []
    for n in range(cases):
        start = TODAY - timedelta(days=200 + n % 400)
        events = [Event(kind=EventKind.visit, date=start + timedelta(days=9 * k), seen_alone=True)
                  for k in range(1, 8)]
        events += [Event(kind=EventKind.supervision, date=start + timedelta(days=25 * k)) for k in range(1, 4)]
        case_list.append(Case(case_ref=f"C-{n:06d}", case_type=TYPES[n % len(TYPES)], start_date=start,
                              team=teams[n % len(teams)], worker=f"sw{n % 900:03d}",
                              line_manager=f"tm{n % 40:02d}", events=events))
    for chunk in range(0, cases, 2000):
        store.cases.upsert(case_list[chunk:chunk + 2000])
    applicable = {t: [s.id for s in catalogue.applicable(t)] for t in TYPES}
    batch: list[Audit] = []
    for n in range(audits):
        case = case_list[(n * 7) % cases]
        as_of = TODAY - timedelta(days=1 + n % 700)
        batch.append(Audit(
            audit_id=f"A-{n:07d}", case_ref=case.case_ref, auditor=f"aud{n % auditors:03d}",
            as_of=as_of, submitted_on=as_of, grade=Grade.good,
            scores={s: Status.met for s in applicable[case.case_type]},
            catalogue_version=catalogue.version,
        ))
        if len(batch) == 5000:
            store.audits.insert(batch)
            batch = []
    if batch:
        store.audits.insert(batch)
    store.close()


async def first_paint(path: Path, username: str, to_cases: bool) -> dict[str, float]:
    from textual.widgets import DataTable

    from tui.app import make_app

    started = time.perf_counter()
    app = make_app(path, username=username, today=TODAY)
    app.animation_level = "none"
    times: dict[str, float] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        times["dashboard"] = time.perf_counter() - started
        if to_cases:
            pressed = time.perf_counter()
            await pilot.press("c")
            table = app.screen.query_one("#case-table", DataTable)
            while table.row_count == 0:
                await asyncio.sleep(0.005)
            await pilot.pause()
            times["case list"] = time.perf_counter() - pressed
            await app.workers.wait_for_complete()
            await pilot.pause()
            times["failing counts"] = time.perf_counter() - pressed
            times["rows in the case list"] = table.row_count
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench screens", description=__doc__.splitlines()[0])
    parser.add_argument("--audits", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--auditors", type=int, default=400)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="caseaudit-bench-") as folder:
        path = Path(folder) / "bench.db"
        started = time.perf_counter()
        build(path, args.audits, args.cases, args.auditors)
        print(f"built {args.audits:,} audits, {args.cases:,} cases, {args.auditors} auditors "
              f"in {time.perf_counter() - started:.1f} s ({path.stat().st_size / 1e6:.0f} MB)")

        from db import open_store
        from db.maintenance import query_plans

        store = open_store(path, "admin")
        counts = store.row_counts()
        print(f"rows: audits {counts['audits']:,}, cases {counts['cases']:,}, "
              f"events {counts['case_events']:,}, scores {counts['scores']:,}")
        for what, plan in query_plans(store):
            print(f"query plan, {what}: {plan}")
        store.close()

        for label, username, to_cases in [("auditor", "aud001", True), ("QA lead", "admin", False)]:
            runs = [asyncio.run(first_paint(path, username, to_cases)) for _ in range(args.runs)]
            for key in runs[0]:
                values = [r[key] for r in runs]
                if key.startswith("rows"):
                    print(f"{label}: {key}: {int(values[0])} of {args.cases:,} cases "
                          "(one page; the rest stay in SQLite)")
                else:
                    print(f"{label}: {key}: median {statistics.median(values) * 1000:.0f} ms "
                          f"over {len(values)} runs (min {min(values) * 1000:.0f}, "
                          f"max {max(values) * 1000:.0f})")


if __name__ == "__main__":
    main()
