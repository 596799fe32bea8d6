"""Writes the sample data: a made-up children's services department with two quarters of audits.

    python -m sample_audits.generate [--out FOLDER]

Everything comes from one fixed seed, so running it again writes the same bytes; the
tests regenerate into a temporary folder and compare. Names are invented; case
references are pseudonymous. Event dates are placed with audit_tools.calendar, so
working-day standards count around bank holidays, and scores come from the standards
engine, so every audit passes the same rules an import or the audit form applies.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from pathlib import Path

from audit_tools.models import EventKind
from sample_audits.audits import make_audits
from sample_audits.department import make_cases, make_events, make_users

SEED = 20250401
HERE = Path(__file__).resolve().parent
FILES = ("users.csv", "cases.csv", "events.csv", "audits.jsonl")


def _write_csv(path: Path, header: list[str], rows: list[list[str | None]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def generate(out: Path = HERE, seed: int = SEED) -> list[Path]:
    rng = random.Random(seed)
    users = make_users(rng)
    cases = make_cases(rng, users)
    for case in cases:
        case.events.extend(make_events(rng, case))
    audits = make_audits(rng, users, cases)

    out.mkdir(parents=True, exist_ok=True)
    _write_csv(out / "users.csv", ["username", "display_name", "roles", "team"],
               [[u.username, u.display_name, ";".join(r.value for r in u.roles), u.team] for u in users])
    _write_csv(out / "cases.csv",
               ["case_ref", "case_type", "start_date", "team", "worker", "line_manager", "closed_date"],
               [[c.case_ref, c.case_type.value, c.start_date.isoformat(), c.team, c.worker,
                 c.line_manager, _text(c.closed_date)] for c in cases])
    _write_csv(out / "events.csv",
               ["case_ref", "kind", "date", "child_seen", "seen_alone", "reason_not_alone", "note"],
               [[c.case_ref, e.kind.value, e.date.isoformat(),
                 _text(e.child_seen) if e.kind is EventKind.visit else "",
                 _text(e.seen_alone), _text(e.reason_not_alone), _text(e.note)]
                for c in cases for e in c.events])
    with (out / "audits.jsonl").open("w", encoding="utf-8", newline="\n") as fh:
        for line in audits:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    return [out / name for name in FILES]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sample_audits.generate",
                                     description="Rewrite the caseaudit sample data files.")
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write to (default: sample_audits/)")
    args = parser.parse_args(argv)
    for path in generate(args.out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
