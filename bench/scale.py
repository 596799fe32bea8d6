"""Council scale: a year of 100,000 audits over 20,000 cases, through the command line and the TUI.

`python -m bench` (or `make bench`) generates a council's history (bench.council), then times,
each in its own process so that start-up counts and peak RSS is the process's own:

- `caseaudit init` and `import users / cases / events / audits` of the generated files
  (once by default: --import-runs), with the import's peak RSS;
- `verify` over the whole file (the chain, every table against its recorded digest, the
  submitted audits) and its peak RSS;
- `export themes --format json` and `--format xlsx`, `stats agreement` and `sample draw`
  for one quarter (--quarter; the draw on a fresh copy of the database each run);
- the TUI's first screen (the dashboard, as the QA lead and as an auditor) and its peak RSS;
- the case list on every case: first page, a filter changed, PageDown to the next page;
- the audit form of a child-protection case: its open (key n to the fields shown) and the CPU
  of each key typed into it (median and 95th percentile);

against floors measured in the same run (bench.floors, bench.tui_probe): the same files
loaded into plain SQLite tables with json/csv and no checks; start-up plus plain SQL reading
one quarter's rows from the caseaudit database; a bare Textual app with a header and a
small DataTable reaching its first paint, refilled by plain SQL for the filter and page.

The reports and the dashboard are also given as the CPU (user + system seconds) of their
process beside the floor's: on a busy machine the clock is mostly waiting for a core.

Medians of --runs runs. Figures are printed, never asserted. A step that fails is reported
with the first lines of its error, and the rest goes on with what can still be measured.

The benchmark reaches caseaudit only through its command line (`python -m caseaudit --db`),
plain sqlite3 (bench.floors.quarter_rows, case_page_rows) and `tui.app.make_app`
(bench.tui_probe.open_app).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import council, floors
from bench.tui_probe import FORM_TEXT

ROOT = Path(__file__).resolve().parent.parent
QUICK = {"audits": 2_000, "cases": 1_000}
FULL = {"audits": 100_000, "cases": 20_000}
QA_LEAD = "qalead"
AUDITOR = "qap01"
SAMPLE_SEED = "council-bench"
ERROR_LINES = 6

_t0 = time.perf_counter()


def log(text: str) -> None:
    print(f"[{time.perf_counter() - _t0:7.1f}s] {text}", file=sys.stderr, flush=True)


# --- processes ------------------------------------------------------------------------------


@dataclass
class Proc:
    seconds: float
    rss_kb: int
    rc: int
    stdout: str
    stderr: str
    cpu: float = 0.0  # user + system seconds of the process: steadier than the clock on a busy machine

    @property
    def ok(self) -> bool:
        return self.rc == 0

    def error(self, lines: int = ERROR_LINES) -> str:
        text = (self.stderr.strip() or self.stdout.strip() or f"exit status {self.rc}").splitlines()
        more = f"\n    ... ({len(text) - lines} more lines)" if len(text) > lines else ""
        return "\n".join(f"    {line}" for line in text[:lines]) + more


def run(cmd: list[str], timeout: float | None = None) -> Proc:
    """Run `cmd` from the repository root; wall time from spawn to exit, and the peak RSS of
    that one process (os.wait4: the rusage of this child alone)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("CASEAUDIT_DB", None)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        timer = threading.Timer(timeout, proc.kill) if timeout else None
        if timer:
            timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            if timer:
                timer.cancel()
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Proc(seconds, usage.ru_maxrss, proc.returncode,
                    out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                    usage.ru_utime + usage.ru_stime)


def caseaudit(db: Path, *args: str, timeout: float | None = None) -> Proc:
    return run([sys.executable, "-m", "caseaudit", "--db", str(db), *args], timeout)


def module(name: str, *args: str, timeout: float | None = None) -> Proc:
    return run([sys.executable, "-m", name, *args], timeout)


# --- results --------------------------------------------------------------------------------


@dataclass
class Row:
    what: str
    values: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    floor_is: str = ""
    failed: str | None = None
    unit: str = "s"  # "s" seconds, "MB" megabytes, "n" a count


class Results:
    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.notes: list[str] = []

    def row(self, what: str, floor_is: str = "", unit: str = "s") -> Row:
        for r in self.rows:
            if r.what == what:
                return r
        r = Row(what, floor_is=floor_is, unit=unit)
        self.rows.append(r)
        return r

    def note(self, text: str) -> None:
        self.notes.append(text)
        log(text)

    def as_json(self) -> dict:
        return {"rows": [r.__dict__ for r in self.rows], "notes": self.notes}


def _median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _show(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "MB":
        return f"{value:,.0f} MB"
    if unit == "n":
        return f"{value:,.0f}"
    if value < 1:
        return f"{value * 1000:.0f} ms"
    if value < 100:
        return f"{value:.2f} s"
    return f"{value:,.0f} s"


def print_table(results: Results, runs: int) -> None:
    header = ("what", "caseaudit", "floor", "ratio", "floor is")
    lines = []
    for r in results.rows:
        mine, floor = _median(r.values), _median(r.floor)
        ratio = f"{mine / floor:,.1f}x" if mine is not None and floor else "-"
        shown = "FAILED" if r.failed and mine is None else _show(mine, r.unit)
        if r.failed and mine is not None:
            shown += " (some runs failed)"
        n = len([v for v in r.values if v is not None])
        what = r.what + (f" [n={n}]" if n > 1 else "")
        lines.append((what, shown, _show(floor, r.unit), ratio, r.floor_is))
    widths = [max(len(str(x[i])) for x in [header, *lines]) for i in range(len(header))]
    print()
    print(f"medians of up to {runs} runs (imports: as many as --import-runs); "
          "ratio = caseaudit / floor")
    for i, line in enumerate([header, *lines]):
        print("  ".join(str(c).ljust(w) if j in (0, 4) else str(c).rjust(w)
                        for j, (c, w) in enumerate(zip(line, widths))).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    used = {r.floor_is for r in results.rows}
    for key, text in LEGEND.items():
        if key in used:
            print(f"floor {key}: {text}")
    if results.notes:
        print()
        for text in results.notes:
            print(f"note: {text}")


# --- steps ----------------------------------------------------------------------------------

IMPORTS = ("users", "cases", "events", "audits")
FALLBACK_LABEL = "import audits, fallback: with override_reasons"
LEGEND = {
    "(a)": "the same file parsed with json/csv and inserted into plain SQLite tables in one "
           "transaction, no checks (bench.floors load); for RSS, that process",
    "(b)": "process start-up + plain SQL fetching the quarter's grades, scores, themes, actions and "
           "moderation rows from the caseaudit database (bench.floors quarter_rows)",
    "(c)": "a bare Textual app, Header + 50-row DataTable, to its first paint (bench.tui_probe bare); "
           "for RSS, that process",
    "(d)": "the bare app's DataTable refilled with one page of cases by plain SQL in a thread "
           "(bench.floors case_page_rows)",
    "(e)": "python -c 'import sqlite3, json'",
}


def import_all(ds: council.Dataset, db: Path, plain: Path, results: Results, first: bool) -> Path | None:
    """One run of init + the four imports into `db`, and floor (a) into `plain`.

    Returns the audits file that went in (None when no audits could be imported)."""
    for path in (db, plain):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    log(f"caseaudit init ({db.name})")
    p = caseaudit(db, "init")
    row = results.row("caseaudit init")
    row.values.append(p.seconds)
    if not p.ok:
        row.failed = p.error()
        results.note(f"`caseaudit init` failed (exit {p.rc}):\n{p.error()}")
        return None
    files = {"users": ds.users_csv, "cases": ds.cases_csv, "events": ds.events_csv, "audits": ds.audits_jsonl}
    counts = {"users": ds.users, "cases": ds.cases, "events": ds.events, "audits": ds.audits}
    imported: Path | None = ds.audits_jsonl
    for what in IMPORTS:
        log(f"caseaudit import {what} ({counts[what]:,} rows)")
        p = caseaudit(db, "import", what, str(files[what]))
        row = results.row(f"import {what} ({counts[what]:,})", "(a)")
        rss = results.row(f"peak RSS, import {what}", "(a)", unit="MB")
        log(f"floor (a): load {what} into plain tables")
        f = module("bench.floors", "load", what, str(files[what]), str(plain))
        if not f.ok:
            results.note(f"floor load of {what} failed:\n{f.error()}")
        extra: list[tuple[Row, Row]] = []  # rows that share this floor
        if p.ok:
            row.values.append(p.seconds)
            rss.values.append(p.rss_kb / 1024)
        else:
            row.failed = p.error()
            refused = results.row(f"import {what}: time until refused", "(a)")
            refused_rss = results.row(f"peak RSS, import {what} until refused", "(a)", unit="MB")
            refused.values.append(p.seconds)
            refused_rss.values.append(p.rss_kb / 1024)
            extra.append((refused, refused_rss))
            if first:
                results.note(f"`caseaudit import {what}` refused after {p.seconds:.1f} s (exit {p.rc}, "
                             f"peak RSS {p.rss_kb / 1024:,.0f} MB); first lines of its error:\n{p.error()}")
            if what == "audits":
                refused_for_reasons = "needs a reason" in p.stderr
                imported = _fallback(ds, db, results, first, extra) if refused_for_reasons else None
        if f.ok:
            for r, m in [(row, rss), *extra]:
                r.floor.append(f.seconds)
                m.floor.append(f.rss_kb / 1024)
        if not p.ok and what != "audits":
            return None  # nothing later can go in without these rows
    return imported


def _fallback(ds: council.Dataset, db: Path, results: Results, first: bool,
              extra: list[tuple[Row, Row]]) -> Path | None:
    """The import refused historic scores without reasons: import the same audits, each score
    with an `override_reasons` entry (cli.md allows them), so the rest can be measured."""
    fallback = ds.folder / "audits-with-reasons.jsonl"
    if not fallback.exists():
        log("writing the fallback audits file (override_reasons for every score)")
        council.with_override_reasons(ds.audits_jsonl, fallback)
    log(f"caseaudit import audits, fallback ({ds.audits:,} rows)")
    q = caseaudit(db, "import", "audits", str(fallback))
    frow = results.row(FALLBACK_LABEL, "(a)")
    frss = results.row("peak RSS, " + FALLBACK_LABEL, "(a)", unit="MB")
    extra.append((frow, frss))
    if not q.ok:
        frow.failed = q.error()
        if first:
            results.note(f"the fallback import failed too (exit {q.rc}):\n{q.error()}")
        return None
    frow.values.append(q.seconds)
    frss.values.append(q.rss_kb / 1024)
    if first:
        results.note(f"everything after the imports ran on the database the fallback built ({fallback.name}): "
                     "the same audits and scores, each score carrying a reason")
    return fallback


def quarter_commands(db: Path, work: Path, quarter: str, runs: int, results: Results) -> None:
    pristine = work / "pristine.db"
    copy = work / "sample-run.db"
    _backup(db, pristine)
    floor_is = "(b)"
    commands = [
        (f"export themes --format json ({quarter})",
         lambda: caseaudit(db, "export", "themes", "--quarter", quarter, "--format", "json",
                           "--out", str(work / "themes.json"))),
        (f"export themes --format xlsx ({quarter})",
         lambda: caseaudit(db, "export", "themes", "--quarter", quarter, "--format", "xlsx",
                           "--out", str(work / "themes.xlsx"))),
        (f"stats agreement ({quarter})",
         lambda: caseaudit(db, "stats", "agreement", "--quarter", quarter, "--json")),
        (f"sample draw ({quarter}, fresh copy each run)",
         lambda: caseaudit(_fresh_copy(pristine, copy), "sample", "draw", "--quarter", quarter,
                           "--seed", SAMPLE_SEED, "--json")),
    ]
    first_out: dict[str, str] = {}
    cpu_rows: dict[str, Row] = {}
    for label, command in commands:
        row = results.row(label, floor_is)
        cpu = cpu_rows[label] = results.row(f"{label}: CPU", floor_is)
        for n in range(runs):
            log(f"{label}, run {n + 1} of {runs}")
            # Each run writes a new report, as a person does: caseaudit never replaces a file
            # it was not told to (--force).
            for fmt in ("json", "xlsx"):
                if f"--format {fmt}" in label:
                    (work / f"themes.{fmt}").unlink(missing_ok=True)
            p = command()
            if p.ok:
                row.values.append(p.seconds)
                cpu.values.append(p.cpu)
                first_out.setdefault(label, p.stdout)
            else:
                if row.failed is None:
                    results.note(f"`{label}` failed (exit {p.rc}):\n{p.error()}")
                row.failed = p.error()
                break
    floor_row_counts = None
    for n in range(runs):
        f = module("bench.floors", "quarter", str(db), quarter)
        if not f.ok:
            results.note(f"floor (b) failed:\n{f.error()}")
            break
        floor_row_counts = f.stdout.strip()
        for label, _ in commands:
            results.row(label).floor.append(f.seconds)
            cpu_rows[label].floor.append(f.cpu)
    if floor_row_counts:
        results.note(f"floor (b) rows for {quarter}: {floor_row_counts}")
    _summarise_outputs(first_out, work, results)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)


def _summarise_outputs(outputs: dict[str, str], work: Path, results: Results) -> None:
    try:
        themes = json.loads((work / "themes.json").read_text())
        results.note(f"themes export: {themes.get('audits', {}).get('completed')} audits completed in "
                     f"{themes.get('quarter')}, grades {themes.get('grades')}")
    except (OSError, ValueError):
        pass
    for label, text in outputs.items():
        try:
            doc = json.loads(text)
        except ValueError:
            continue
        if label.startswith("stats agreement"):
            results.note(f"stats agreement: {doc.get('pairs')} pairs, exact {doc.get('exact_agreement')}, "
                         f"kappa_quadratic {doc.get('kappa_quadratic')}")
        elif label.startswith("sample draw"):
            results.note(f"sample draw: frame {doc.get('frame_size')}, selected {len(doc.get('selected', []))}")


def _backup(source: Path, dest: Path) -> None:
    """A consistent copy of the database (WAL included), for runs that must not see each other."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dest}{suffix}").unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(dest)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _fresh_copy(pristine: Path, copy: Path) -> Path:
    for suffix in ("-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(pristine, copy)
    return copy


def startup(db: Path, runs: int, results: Results) -> None:
    row = results.row("start-up: caseaudit --help", "(e)")
    for _ in range(runs):
        p = run([sys.executable, "-m", "caseaudit", "--help"])
        f = run([sys.executable, "-c", "import sqlite3, json"])
        if p.ok:
            row.values.append(p.seconds)
        if f.ok:
            row.floor.append(f.seconds)


def verify(db: Path, runs: int, results: Results) -> None:
    """`caseaudit verify` over the whole council file: the chain, every table recomputed from its
    rows against the digests the history recorded, and the submitted audits; its wall time and
    its peak RSS (the issue's bound: under 300 MB)."""
    row = results.row("verify (chain, every table, submitted audits)", "")
    rss = results.row("peak RSS, verify", "", unit="MB")
    for n in range(runs):
        log(f"verify, run {n + 1} of {runs}")
        p = caseaudit(db, "verify", "--progress")
        if not p.ok:
            results.note(f"`verify` failed (exit {p.rc}):\n{p.error()}")
            row.failed = rss.failed = p.error()
            return
        row.values.append(p.seconds)
        rss.values.append(p.rss_kb / 1024)
    results.note(f"verify: {p.stdout.strip()}")


def _probe(mode: str, db: Path | None, user: str | None, work: Path) -> tuple[Proc, dict | None]:
    out = work / f"probe-{mode}.json"
    out.unlink(missing_ok=True)
    args = [mode, "--out", str(out), "--spawned", repr(time.time())]
    if db is not None:
        args += ["--db", str(db)]
    if user:
        args += ["--user", user]
    p = module("bench.tui_probe", *args, timeout=900)
    data = json.loads(out.read_text()) if p.ok and out.exists() else None
    return p, data


def tui(db: Path, work: Path, runs: int, cases: int, results: Results) -> None:
    bare_floor = "(c)"
    sql_floor = "(d)"
    bare_runs = []
    for n in range(runs):
        log(f"bare Textual floor, run {n + 1} of {runs}")
        p, data = _probe("bare", db, None, work)
        if data is None:
            results.note(f"the bare Textual floor failed:\n{p.error()}")
            break
        bare_runs.append((p, data))
    for who, user in (("QA lead", QA_LEAD), ("auditor", AUDITOR)):
        launch = results.row(f"TUI dashboard as {who}: launch to first screen", bare_floor)
        cpu = results.row(f"TUI dashboard as {who}: CPU of the process (to first screen and exit)", bare_floor)
        inproc = results.row(f"TUI dashboard as {who}: import to first screen, in process", bare_floor)
        rss = results.row(f"peak RSS, TUI dashboard as {who}", bare_floor, unit="MB")
        for n in range(runs):
            log(f"TUI dashboard as {who} ({user}), run {n + 1} of {runs}")
            p, data = _probe("dashboard", db, user, work)
            if data is None:
                launch.failed = p.error()
                results.note(f"TUI dashboard as {who} failed (exit {p.rc}):\n{p.error()}")
                break
            launch.values.append(data["launch to first screen"])
            cpu.values.append(p.cpu)
            inproc.values.append(data["import to first screen"])
            rss.values.append(p.rss_kb / 1024)
        for p, data in bare_runs:
            launch.floor.append(data["launch to first screen"])
            cpu.floor.append(p.cpu)
            inproc.floor.append(data["import to first screen"])
            rss.floor.append(p.rss_kb / 1024)
    rows = {
        "case list first page": results.row(f"case list ({cases:,} cases): key c to first page", ""),
        "case list with failing counts": results.row("case list: key c to failing counts shown", ""),
        "filter to new rows": results.row("case list: filter type=CP to new rows", sql_floor),
        "filter with failing counts": results.row("case list: filter to failing counts shown", ""),
        "page down to new rows": results.row("case list: PageDown to next page's rows", sql_floor),
        "page down with failing counts": results.row("case list: PageDown to failing counts shown", ""),
    }
    rss = results.row("peak RSS, TUI case list session", "", unit="MB")
    presses = []
    for n in range(runs):
        log(f"TUI case list as QA lead, run {n + 1} of {runs}")
        p, data = _probe("cases", db, QA_LEAD, work)
        if data is None:
            rows["case list first page"].failed = p.error()
            results.note(f"TUI case list failed (exit {p.rc}):\n{p.error()}")
            break
        for key, row in rows.items():
            if data.get(key) is None:
                row.failed = row.failed or "never happened"
            row.values.append(data.get(key))
        rss.values.append(p.rss_kb / 1024)
        presses.append((data.get("page down presses"), data.get("rows shown"), data.get("rows after page down")))
    for _, data in bare_runs:
        if "filter to new rows" in data:
            rows["filter to new rows"].floor.append(data["filter to new rows"])
            rows["page down to new rows"].floor.append(data["page down to new rows"])
    if presses:
        results.note(f"case list at 80x24: PageDown presses until the next page loaded, rows before/after: "
                     f"{presses}")
    audit_form(db, work, runs, results)


def audit_form(db: Path, work: Path, runs: int, results: Results) -> None:
    """The audit form of a child-protection case (the most standards), as an auditor: key n on
    the case page to the fields on screen, and the CPU of each key typed into an action
    (bench.tui_probe form). Each run on a fresh copy of the database: the form saves a draft."""
    copy = work / "form-run.db"
    rows = {
        "open (wall)": results.row("audit form (CP case): key n to the fields shown", "", ),
        "open (cpu)": results.row("audit form: CPU of the open", ""),
        "key press cpu median": results.row("audit form: CPU of a key typed, median", ""),
        "key press cpu p95": results.row("audit form: CPU of a key typed, 95th percentile", ""),
    }
    widgets = results.row("audit form: widgets on the screen", "", unit="n")
    seen = None
    for n in range(runs):
        log(f"TUI audit form as auditor, run {n + 1} of {runs}")
        _backup(db, copy)
        p, data = _probe("form", copy, AUDITOR, work)
        if data is None:
            rows["open (wall)"].failed = p.error()
            results.note(f"TUI audit form failed (exit {p.rc}):\n{p.error()}")
            break
        for key, row in rows.items():
            row.values.append(data.get(key))
        widgets.values.append(data.get("widgets"))
        seen = data
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    if seen:
        asked = " (after the recent-audit question)" if seen.get("asked: recent audit") else ""
        results.note(f"audit form: case {seen.get('case')}{asked}, {len(FORM_TEXT)} keys typed into "
                     f"{seen.get('typing into')}; goals: open <= 250 ms, a key <= 16 ms median, <= 50 ms 95th")


# --- main -----------------------------------------------------------------------------------


def _dataset(folder: Path, args: argparse.Namespace, results: Results) -> council.Dataset:
    manifest = folder / "manifest.json"
    wanted = {"audits": args.audits, "cases": args.cases, "seed": args.seed, "with_manages": args.with_manages}
    if args.reuse and manifest.exists():
        saved = json.loads(manifest.read_text())
        if saved.get("params") == wanted and all((folder / n).exists() for n in
                                                 ("users.csv", "cases.csv", "events.csv", "audits.jsonl")):
            log(f"reusing the dataset in {folder}")
            c = saved["counts"]
            return council.Dataset(folder, c["users"], c["cases"], c["events"], c["audits"], c["moderated"],
                                   c["actions"], c["seconds"], council.make_council(args.seed))
    log(f"generating {args.audits:,} audits over {args.cases:,} cases into {folder}")
    ds = council.generate(folder, args.audits, args.cases, args.seed, with_manages=args.with_manages, log=log)
    manifest.write_text(json.dumps({"params": wanted, "counts": {
        "users": ds.users, "cases": ds.cases, "events": ds.events, "audits": ds.audits,
        "moderated": ds.moderated, "actions": ds.actions, "seconds": ds.seconds}}))
    results.row("generate the files (bench.council)", "").values.append(ds.seconds)
    return ds


def bench(folder: Path, args: argparse.Namespace) -> Results:
    results = Results()
    ds = _dataset(folder, args, results)
    sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:,.1f} MB" for p in
                      (ds.users_csv, ds.cases_csv, ds.events_csv, ds.audits_jsonl))
    results.note(f"dataset: {ds.users} users, {ds.cases:,} cases, {ds.events:,} events, {ds.audits:,} audits "
                 f"({ds.moderated:,} moderated, {ds.actions:,} actions); {sizes}")
    db = folder / "caseaudit.db"
    plain = folder / "plain.db"
    imported = None
    for n in range(max(1, args.import_runs)):
        log(f"imports, run {n + 1} of {args.import_runs}")
        imported = import_all(ds, db, plain, results, first=n == 0)
    if db.exists():
        plain_size = f"{plain.stat().st_size / 1e6:,.0f} MB" if plain.exists() else "-"
        results.note(f"caseaudit database: {db.stat().st_size / 1e6:,.0f} MB; plain floor database: {plain_size}")
        try:
            results.note(f"rows in the caseaudit database: {floors.row_counts(db)}")
        except sqlite3.Error as err:
            results.note(f"cannot count rows in the caseaudit database: {err}")
    if imported is None:
        results.note("no audits were imported: the quarter's figures below run on a database without audits")
    if args.only == "verify":  # the council file and verify's time and memory over it, nothing else
        if db.exists():
            verify(db, args.runs, results)
        return results
    startup(db, args.runs, results)
    if db.exists():
        verify(db, args.runs, results)
        quarter_commands(db, folder, args.quarter, args.runs, results)
        if not args.no_tui:
            tui(db, folder, args.runs, ds.cases, results)
    return results


def _compile_bytecode() -> None:
    """caseaudit's modules compiled as an installed package has them (pip compiles on install):
    under PYTHONDONTWRITEBYTECODE each process would otherwise compile them again at start-up,
    a cost the floors (whose libraries came from pip) do not pay."""
    import compileall

    for package in ("audit_tools", "db", "caseaudit", "tui", "bench"):
        compileall.compile_dir(ROOT / package, quiet=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0],
                                     epilog="`python -m bench screens` runs the older first-screen benchmark.")
    parser.add_argument("--audits", type=int, help=f"audits to generate (default {FULL['audits']:,}; "
                                                   f"--quick {QUICK['audits']:,})")
    parser.add_argument("--cases", type=int, help=f"cases to generate (default {FULL['cases']:,}; "
                                                  f"--quick {QUICK['cases']:,})")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a run of a minute or two")
    parser.add_argument("--runs", type=int, default=3, help="runs of each cheap measurement (median; default 3)")
    parser.add_argument("--import-runs", type=int, default=1, help="runs of the whole import (default 1)")
    parser.add_argument("--quarter", default="2024-25-Q3", help="quarter for export, stats and sample")
    parser.add_argument("--seed", type=int, default=council.SEED)
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="put the files and databases in DIR and keep them (default: a temporary folder)")
    parser.add_argument("--reuse", action="store_true",
                        help="with --keep: reuse the files already generated there with the same sizes and seed")
    parser.add_argument("--with-manages", action="store_true",
                        help="write the optional `manages` column of users.csv (cli.md)")
    parser.add_argument("--no-tui", action="store_true", help="skip the TUI measurements")
    parser.add_argument("--only", choices=["verify"],
                        help="verify: build the council file (or reuse it) and time only `caseaudit verify`")
    parser.add_argument("--json-out", type=Path, metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    _compile_bytecode()
    args.audits = args.audits or sizes["audits"]
    args.cases = args.cases or sizes["cases"]

    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        results = bench(args.keep.resolve(), args)
    else:
        with tempfile.TemporaryDirectory(prefix="caseaudit-council-") as folder:
            results = bench(Path(folder), args)
    print_table(results, args.runs)
    if args.json_out:
        args.json_out.write_text(json.dumps(results.as_json(), indent=1, default=str))
    log("done")
    return 0
