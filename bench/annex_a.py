"""Annex A import at council scale: a generated 20,000-child workbook imported into a new
database, against the floor of openpyxl (read-only) just reading every cell of it.

    python -m bench.annex_a [--children N]

Prints both times and their ratio (the goal is under 3x). Deterministic workbook.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

PERSONAL = ["Gender", "Ethnicity", "Date of Birth", "Age", "Does the Child have a Disability"]
SHEETS = {
    "List 3": ["Child Unique ID", *PERSONAL, "Date of Referral", "Referral Source", "Allocated Team", "Allocated Worker"],
    "List 5": ["Child Unique ID", *PERSONAL, "Strategy discussion initiating Section 47 Enquiry Start Date",
               "Date of Initial Child Protection Conference", "Allocated Team", "Allocated Worker"],
    "List 6": ["Child Unique ID", *PERSONAL, "CIN Start Date", "Primary Need Code", "Date Child Was Last Seen",
               "CIN Closure Date", "Allocated Team", "Allocated Worker"],
    "List 7": ["Child Unique ID", *PERSONAL, "Child Protection Plan Start Date", "Date of the Last Statutory Visit",
               "Was the Child Seen Alone?", "Date of latest review conference", "Child Protection Plan End Date",
               "Allocated Team", "Allocated Worker"],
    "List 8": ["Child Unique ID", *PERSONAL, "Date Started to be Looked After", "Date of Latest Statutory Review",
               "Date of Last Social Work Visit", "Date Ceased to be Looked After", "Placement postcode",
               "Allocated Team", "Allocated Worker"],
}


def generate(path: Path, children: int, seed: int = 20) -> None:
    from openpyxl import Workbook

    rnd = random.Random(seed)
    book = Workbook(write_only=True)
    sheets = {title: book.create_sheet(title) for title in SHEETS}
    for title, sheet in sheets.items():
        sheet.append(SHEETS[title])
    base = date(2024, 4, 1)

    def day(back: int) -> datetime:
        return datetime.combine(base - timedelta(days=rnd.randrange(back)), datetime.min.time())

    for i in range(children):
        ref = 1_000_000 + i
        who = ["a) Male", "a) WBRI", day(6000), rnd.randrange(18), "b) No"]
        team = f"Team {i % 20 + 1}"
        worker = f"Worker {i % 400}"
        kind = ("List 6", "List 7", "List 8")[i % 3]
        if kind == "List 6":
            sheets[kind].append([ref, *who, day(900), "N1", day(60), None, team, worker])
        elif kind == "List 7":
            sheets[kind].append([ref, *who, day(500), day(20), rnd.choice(["a) Yes", "b) No", "c) Unknown"]),
                                 day(120), None, team, worker])
        else:
            sheets[kind].append([ref, *who, day(3000), day(150), day(40), None, "AB1 2CD", team, worker])
        if i % 4 == 0:
            sheets["List 3"].append([ref, *who, day(700), "Police", team, worker])
        if i % 6 == 1:
            sheets["List 5"].append([ref, *who, day(600), day(580), team, worker])
    book.save(path)


def read_floor(path: Path) -> float:
    from openpyxl import load_workbook

    start = time.perf_counter()
    book = load_workbook(path, read_only=True, data_only=True)
    cells = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells += len(row)
    book.close()
    return time.perf_counter() - start


def import_time(path: Path, folder: Path) -> tuple[float, dict]:
    from caseaudit.services.annex_a import import_annex_a
    from db import open_store

    store = open_store(folder / "bench.db", "bench")
    store.people.ensure_admin()
    start = time.perf_counter()
    plan = import_annex_a(store, path)
    elapsed = time.perf_counter() - start
    store.close()
    return elapsed, plan.as_json()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=20_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "annex_a.xlsx"
        t0 = time.perf_counter()
        generate(path, args.children)
        print(f"generated {args.children} children in {time.perf_counter() - t0:.1f}s "
              f"({path.stat().st_size / 1e6:.1f} MB)")
        floor = read_floor(path)
        took, doc = import_time(path, folder)
        created = sum(v["cases_created"] for v in doc["lists"].values())
        events = sum(v["events_added"] for v in doc["lists"].values())
        print(f"openpyxl read-only, reading every cell: {floor:.2f}s")
        print(f"import annex-a (read, check, write {created} cases and {events} events): {took:.2f}s")
        print(f"ratio {took / floor:.2f}x (goal under 3x)")


if __name__ == "__main__":
    main()
