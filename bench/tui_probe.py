"""Timing the terminal application headless, one process per measurement (for its peak RSS).

    python -m bench.tui_probe dashboard --db PATH --user U --spawned T --out RESULT.json
    python -m bench.tui_probe cases     --db PATH --user U --spawned T --out RESULT.json
    python -m bench.tui_probe bare      [--db PATH] --spawned T --out RESULT.json
    python -m bench.tui_probe form      --db PATH --user U [--case REF] [--opens N] [--profile FILE] --out RESULT.json

`--spawned` is the wall-clock time (time.time()) at which the parent started this
process, so "launch" figures include interpreter start-up and imports, as a person
typing `caseaudit` waits for them. Results are seconds, written as JSON to `--out`.

The application is reached only through `tui.app.make_app(path, username=...)`, in
`open_app` below; the case list is driven the way a person drives it (keys), and waited on
through what it shows: the `#case-table` DataTable and its rows. The filter is changed by
setting the `#type-filter` Select's value, as choosing an option does.

`form` opens the case detail of case REF (default: a child-protection case the user may
audit, `form_case`), presses n (a new audit) and times the open, from
the key to the form's fields on screen, then types into a new action's description and
measures each key press as the CPU time the process spends (all threads,
`time.process_time`) from the key until it is idle again: what a key costs whoever shares the
machine, steadier than wall time on a busy one. Keys go in as Pilot sends them, without
Pilot.press's round of messages to every widget (a cost of the test harness, not the app).
The form autosaves a draft into the database: give it a copy.

`bare` is the floor: a Textual app with a header and a 50-row DataTable reaching its first
paint; given --db, it also refills its table with one page of cases by plain SQL in a
thread (bench.floors.case_page_rows), the floor of the case list's filter and page down.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from datetime import date
from pathlib import Path

SIZE = (80, 24)
TODAY = date(2025, 5, 30)  # bench.council.TODAY: the screens see the data as of the generator's today
FILTER_TYPE = "CP"


def open_app(path: str, username: str):
    """The one place the benchmark builds the application; adapt here if the entry point moves."""
    from tui.app import make_app

    try:
        app = make_app(path, username=username, today=TODAY)
    except TypeError:  # an entry point without `today`: the screens use the real date
        app = make_app(path, username=username)
    app.animation_level = "none"
    return app


async def _until(condition, timeout: float = 120.0, step: float = 0.002) -> bool:
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > timeout:
            return False
        await asyncio.sleep(step)
    return True


async def _settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


def _busy(app) -> bool:
    return any(w.is_running for w in app.workers)


async def dashboard(path: str, username: str, spawned: float) -> dict:
    times: dict = {}
    started = time.perf_counter()
    app = open_app(path, username)
    times["import and make_app"] = time.perf_counter() - started
    async with app.run_test(size=SIZE) as pilot:
        await _settle(app, pilot)
        times["import to first screen"] = time.perf_counter() - started
        times["launch to first screen"] = time.time() - spawned
        times["screen"] = type(app.screen).__name__
    return times


async def _press(pilot, key: str, shown, timeout: float = 120.0) -> float | None:
    """Press `key` and return the seconds until `shown()` is true (None if it never is).

    The press runs as its own task: Pilot.press returns only once the process looks idle
    (by CPU time, all threads counted), which would add the engine's work in background
    workers to a figure about rows appearing in the table.
    """
    pressed = time.perf_counter()
    task = asyncio.create_task(pilot.press(key))
    await _until(lambda: shown() or task.done(), timeout)
    if not shown():
        await task
        await _until(lambda: shown() or not _busy(pilot.app), timeout)
    seconds = time.perf_counter() - pressed if shown() else None
    await task
    return seconds


async def _page_down(app, pilot, table, limit: int = 20) -> tuple[float | None, int, float]:
    """Press PageDown until the table holds more rows: the seconds from the press that
    loaded them, how many presses it took, and when that press was made."""
    for presses in range(1, limit + 1):
        before = table.row_count
        pressed = time.perf_counter()
        seconds = await _press(pilot, "pagedown", lambda: table.row_count > before)
        if seconds is not None:
            return seconds, presses, pressed
        await pilot.pause()
    return None, limit, time.perf_counter()


async def cases(path: str, username: str, spawned: float) -> dict:
    from textual.widgets import DataTable, Select

    times: dict = {}
    started = time.perf_counter()
    app = open_app(path, username)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(app, pilot)
        times["import to first screen"] = time.perf_counter() - started

        def first_page() -> bool:
            tables = app.screen.query("#case-table")
            return bool(tables) and tables.first(DataTable).row_count > 0

        pressed = time.perf_counter()
        times["case list first page"] = await _press(pilot, "c", first_page)
        table = app.screen.query_one("#case-table", DataTable)
        await _settle(app, pilot)
        times["case list with failing counts"] = time.perf_counter() - pressed
        times["rows shown"] = table.row_count

        def filtered() -> bool:
            n = table.row_count
            return n > 0 and table.get_row_at(0)[1] == FILTER_TYPE and table.get_row_at(n - 1)[1] == FILTER_TYPE

        changed = time.perf_counter()
        app.screen.query_one("#type-filter", Select).value = FILTER_TYPE
        ok = await _until(filtered)
        times["filter to new rows"] = time.perf_counter() - changed if ok else None
        await _settle(app, pilot)
        times["filter with failing counts"] = time.perf_counter() - changed if ok else None
        times["rows after filter"] = table.row_count

        seconds, presses, pressed = await _page_down(app, pilot, table)
        times["page down to new rows"] = seconds
        times["page down presses"] = presses
        await _settle(app, pilot)
        times["page down with failing counts"] = time.perf_counter() - pressed if seconds is not None else None
        times["rows after page down"] = table.row_count
    times["launch to end"] = time.time() - spawned
    return times


async def bare(spawned: float, db: str | None) -> dict:
    started = time.perf_counter()  # before importing Textual, as open_app imports the application
    import sqlite3

    from textual import work
    from textual.app import App
    from textual.widgets import DataTable, Header

    from bench.floors import case_page_rows

    class Bare(App):
        def __init__(self) -> None:
            super().__init__()
            self.last: str | None = None
            self.conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, check_same_thread=False) if db else None

        def compose(self):
            yield Header()
            yield DataTable(id="t", cursor_type="row", zebra_stripes=True)

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            for column in ("case", "type", "team", "worker", "start", "last audit", "not met", "partly"):
                table.add_column(column, key=column)
            for n in range(50):
                table.add_row(f"C-{n:06d}", "CIN", "team", "sw001", "1 Apr 2024", "never", "0", "0", key=str(n))
            table.focus()

        @work(thread=True, exclusive=True)
        def fetch(self, case_type: str, after: str | None) -> None:
            rows, _count = case_page_rows(self.conn, case_type, after)
            self.call_from_thread(self.show, rows, after is None)

        def show(self, rows: list, replace: bool) -> None:
            table = self.query_one(DataTable)
            if replace:
                table.clear()
            for r in rows:
                table.add_row(r[0], r[1], r[2] or "", r[3] or "", r[4], r[5] or "never", "…", "…", key=r[0])
            if rows:
                self.last = rows[-1][0]

    times: dict = {}
    app = Bare()
    async with app.run_test(size=SIZE) as pilot:
        await _settle(app, pilot)
        times["import to first screen"] = time.perf_counter() - started
        times["launch to first screen"] = time.time() - spawned
        if db:
            table = app.query_one(DataTable)
            changed = time.perf_counter()
            app.fetch(FILTER_TYPE, None)
            await _until(lambda: table.row_count > 0 and table.get_row_at(0)[1] == FILTER_TYPE)
            times["filter to new rows"] = time.perf_counter() - changed
            await _settle(app, pilot)
            before = table.row_count
            pressed = time.perf_counter()
            app.fetch(FILTER_TYPE, app.last)
            await _until(lambda: table.row_count > before)
            times["page down to new rows"] = time.perf_counter() - pressed
            await _settle(app, pilot)
    return times


FORM_TEXT = "Ask the worker to update the chronology by Friday"


async def _open_form(app, pilot) -> dict:
    """Key n on the case page to the form's fields on screen: its wall and CPU seconds.
    The form's modules are imported before (by `form`): the figure is the open's own."""
    from tui.screens.audit_form import AuditFormScreen
    from tui.widgets.prompts import Confirm

    times: dict = {}
    wall, cpu = time.perf_counter(), time.process_time()
    await app._press_keys(["n"])

    def ready() -> bool:
        screen = app.screen
        return (isinstance(screen, AuditFormScreen) and screen.mode.name != "LOADING"
                and bool(screen.query("AuditFields")))

    await _until(lambda: ready() or isinstance(app.screen, Confirm), timeout=60)
    if isinstance(app.screen, Confirm):
        # Audited within the independence window: the manager says "audit anyway", and
        # the form's open is timed from that answer.
        times["asked: recent audit"] = True
        wall, cpu = time.perf_counter(), time.process_time()
        app.screen.dismiss(True)
    if not await _until(ready, timeout=60):
        raise RuntimeError(f"the audit form did not open: {app.screen!r}")
    await pilot.pause()
    times["open (wall)"] = time.perf_counter() - wall
    times["open (cpu)"] = time.process_time() - cpu
    return times


async def form(path: str, username: str, case_ref: str | None, presses: int = len(FORM_TEXT),
               opens: int = 1, profile: Path | None = None) -> dict:
    """See the module's docstring. With `opens` > 1 the form is opened, left (escape) and
    opened again that many times, the first open's figures kept as "open (…)" and every
    open's CPU listed with its median; `profile` writes a cProfile of the opens there."""
    import gc
    import statistics

    from tui.screens.audit_form import AuditFormScreen  # noqa: F401 (imported before the open is timed)
    from tui.screens.case_detail import CaseDetailScreen
    from tui.widgets.prompts import Confirm  # noqa: F401 (as the form)

    from bench.floors import form_case

    case_ref = case_ref or form_case(path, username)
    times: dict = {"case": case_ref}
    app = open_app(path, username)
    profiler = None
    if profile is not None:
        import cProfile  # only when a profile is asked for

        profiler = cProfile.Profile()
    async with app.run_test(size=SIZE) as pilot:
        await _settle(app, pilot)
        # As a manager comes to it: from the case's page, whose key n opens the form.
        app.push_screen(CaseDetailScreen(case_ref))
        await _settle(app, pilot)
        cpus = []
        for n in range(opens):
            if n:
                await app._press_keys(["escape"])
                await _until(lambda: isinstance(app.screen, CaseDetailScreen), timeout=60)
                await _settle(app, pilot)
            gc.collect()
            if profiler is not None:
                profiler.enable()
            opened = await _open_form(app, pilot)
            if profiler is not None:
                profiler.disable()
            if not n:
                times.update(opened)
            cpus.append(opened["open (cpu)"])
        if opens > 1:
            times["open cpu, each"] = cpus
            times["open cpu median"] = statistics.median(cpus)
        if profiler is not None:
            profiler.dump_stats(str(profile))
        screen = app.screen
        times["widgets"] = len(list(screen.walk_children()))
        await pilot.press("ctrl+n")
        await pilot.pause()
        focused = app.focused
        times["typing into"] = getattr(focused, "id", None)
        costs = []
        for char in FORM_TEXT[:presses]:
            cpu = time.process_time()
            # The key and the app's work until it is idle again, without Pilot.press's own
            # round of messages to every widget of the screen (a cost of the test harness).
            await app._press_keys([char])
            costs.append(time.process_time() - cpu)
        times["typed"] = getattr(app.focused, "value", None)
        costs.sort()
        times["key press cpu median"] = statistics.median(costs)
        times["key press cpu p95"] = costs[min(len(costs) - 1, round(0.95 * (len(costs) - 1)))]
        times["key press cpu max"] = costs[-1]
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.tui_probe")
    parser.add_argument("mode", choices=["dashboard", "cases", "bare", "form"])
    parser.add_argument("--case", help="form: the case to open a new audit of (default: form_case)")
    parser.add_argument("--db")
    parser.add_argument("--user")
    parser.add_argument("--spawned", type=float, default=None)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--opens", type=int, default=1, help="form: open it this many times (median CPU)")
    parser.add_argument("--profile", type=Path, help="form: write a cProfile of the opens to this file")
    args = parser.parse_args(argv)
    spawned = args.spawned if args.spawned is not None else time.time()
    if args.mode == "dashboard":
        result = asyncio.run(dashboard(args.db, args.user, spawned))
    elif args.mode == "cases":
        result = asyncio.run(cases(args.db, args.user, spawned))
    elif args.mode == "form":
        result = asyncio.run(form(args.db, args.user, args.case, opens=args.opens, profile=args.profile))
    else:
        result = asyncio.run(bare(spawned, args.db))
    args.out.write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
