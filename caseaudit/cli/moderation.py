"""`caseaudit sample draw|verify` and `caseaudit stats agreement`.

Thin shells over caseaudit.services.moderation (the same functions the sampling and agreement
screens call): parse, call, print. The JSON documents are the contract of cli.md.
"""

from __future__ import annotations

import argparse
import json
import textwrap
from typing import Any

from audit_tools.agreement import Agreement, flag_words
from audit_tools.errors import BadInput, CheckFailed
from audit_tools.models import SampleDraw
from audit_tools.quarters import Quarter
from audit_tools.wording import kappa_words, percent
from caseaudit.cli.options import db_path, open_as_user
from caseaudit.services.moderation import draw_sample, quarter_agreement, verify_sample
from db.store import Store


def _store(args: argparse.Namespace) -> Store:
    path = db_path(args)
    if not path.exists():  # never create an empty database as a side effect of a query
        raise BadInput(f"no caseaudit database at {path}: run `caseaudit init` first, or give --db")
    return open_as_user(path)


WIDTH = 80  # readable outputs fit a standard terminal


def sample_json(sample: SampleDraw) -> dict[str, Any]:
    """The `sample draw --json` document (cli.md)."""
    return {
        "sample_id": sample.sample_id,
        "quarter": sample.quarter,
        "seed": sample.seed,
        "algorithm": sample.algorithm,
        "rate": sample.rate,
        "min_per_auditor": sample.min_per_auditor,
        "frame_sha256": sample.frame_sha256,
        "frame_size": len(sample.frame),
        "selected": sorted(sample.selected),
    }


def sample_summary(sample: SampleDraw) -> list[str]:
    label = Quarter.parse(sample.quarter).label
    lines = [
        f"sample {sample.sample_id} drawn for {label}: {len(sample.selected)} of {len(sample.frame)} audits",
        f"algorithm {sample.algorithm}, rate {sample.rate}, at least {sample.min_per_auditor} per auditor",
        f"seed {sample.seed}",
        f"frame sha256 {sample.frame_sha256}",
    ]
    chosen = set(sample.selected)
    for auditor, ids in sample.strata.items():
        picked = [i for i in ids if i in chosen]
        # A large stratum's ids wrap under the auditor, so the summary reads at 80 columns.
        lines += textwrap.wrap(f"  {auditor}: {len(picked)} of {len(ids)}: {', '.join(picked) or '-'}",
                               width=WIDTH, subsequent_indent="      ", break_on_hyphens=False)
    if sample.drawn_by:
        when = sample.drawn_at.isoformat(sep=" ") if sample.drawn_at else "unknown time"
        lines.append(f"drawn by {sample.drawn_by} at {when}")
    return lines


def sample_draw(args: argparse.Namespace) -> int:
    store = _store(args)
    sample = draw_sample(store, args.quarter, args.rate, args.min_per_auditor, args.seed, again=args.again)
    if args.json:
        print(json.dumps(sample_json(sample), indent=2))
    else:
        print("\n".join(sample_summary(sample)))
    return 0


def sample_verify(args: argparse.Namespace) -> int:
    store = _store(args)
    sample, ok, reasons = verify_sample(store, args.sample_id)
    if not ok:
        raise CheckFailed(f"sample {sample.sample_id} does not verify:", *(f"  {r}" for r in reasons))
    print("\n".join([
        f"sample {sample.sample_id} verified: the frame hash and the selection both match",
        f"{len(sample.selected)} of {len(sample.frame)} audits re-derived from seed {sample.seed}",
        f"algorithm {sample.algorithm}, rate {sample.rate}, at least {sample.min_per_auditor} per auditor",
        f"frame sha256 {sample.frame_sha256}",
    ]))
    return 0


def agreement_table(figures: Agreement) -> list[str]:
    label = Quarter.parse(figures.quarter).label if figures.quarter else "all quarters"
    lines = [f"Moderation agreement, {label}"]
    if figures.pairs == 0:
        lines.append("no moderated audits yet (pairs 0)")
        return lines
    lines += [
        f"pairs {figures.pairs}; exact agreement {percent(figures.exact_agreement)}; "
        f"within one grade {percent(figures.within_one)}",
        f"Cohen's kappa {kappa_words(figures.kappa, figures.pairs)}",
        f"quadratic-weighted kappa {kappa_words(figures.kappa_quadratic, figures.pairs)}",
        f"moved down {figures.moved_down} (auditor more generous); moved up {figures.moved_up}",
        "",
    ]
    # Columns as wide as the longest name, so long usernames and standard ids stay aligned;
    # flagged auditors are marked and named underneath rather than lengthening their row.
    names = max((len(n) for n in figures.by_auditor), default=0)
    width = max(len("auditor"), names)
    lines.append(f"{'auditor':<{width}} {'pairs':>5} {'exact':>6} {'down':>5} {'up':>4}")
    for name, row in figures.by_auditor.items():
        mark = " *" if row.flagged else ""
        lines.append(f"{name:<{width}} {row.pairs:>5} {percent(row.exact_agreement):>6} "
                     f"{row.moved_down:>5} {row.moved_up:>4}{mark}")
    if figures.flagged_auditors:
        lines += textwrap.wrap(
            f"* {flag_words(figures.min_pairs)}: " + ", ".join(figures.flagged_auditors),
            width=WIDTH, subsequent_indent="  ")
    few = [f"{name} ({row.pairs})" for name, row in figures.by_auditor.items() if row.too_few_to_flag]
    if few:
        lines += textwrap.wrap(
            f"mostly moved down but under {figures.min_pairs} pairs, so not flagged: " + ", ".join(few),
            width=WIDTH, subsequent_indent="  ")
    if figures.by_standard:
        width = max(len("standard"), *(len(s) for s in figures.by_standard))
        lines += ["", f"{'standard':<{width}} {'pairs':>5} {'agreement':>9}"]
        for sid, standard in figures.by_standard.items():
            lines.append(f"{sid:<{width}} {standard.pairs:>5} {percent(standard.agreement):>9}")
    return lines


def stats_agreement(args: argparse.Namespace) -> int:
    store = _store(args)
    figures = quarter_agreement(store, args.quarter)
    if args.json:
        print(json.dumps(figures.as_json(), indent=2))
    else:
        print("\n".join(agreement_table(figures)))
    return 0
