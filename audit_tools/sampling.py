"""The quarterly moderation sample, algorithm v1 (product.md "Moderation").

Frame: submitted audits of the quarter (by `submitted_on`) not yet moderated and not
already in a sample. Strata: auditor. Per auditor k = max(min_per_auditor,
ceil(rate × n)), capped at n, with rate × n computed on the rate as written (decimal
arithmetic), so that "0.1" × 30 is exactly 3. Within a stratum audits are ranked by the
hex SHA-256 of "{seed}:{audit_id}", ascending, and the first k are taken.

Everything needed to re-derive a draw (seed, parameters, frame, strata) is kept in the
SampleDraw, so `verify` can prove later that the selection was not hand-picked.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from audit_tools.errors import BadInput
from audit_tools.models import Audit, SampleDraw
from audit_tools.quarters import Quarter

ALGORITHM = "v1"
DEFAULT_RATE = "0.10"
DEFAULT_MIN_PER_AUDITOR = 1


def parse_rate(rate: object) -> Decimal:
    """The sampling rate as an exact decimal, 0 < rate <= 1, or BadInput saying why."""
    text = str(rate).strip()
    if isinstance(rate, float):
        # A float has already lost the rate as written; repr gives the shortest round trip.
        text = repr(rate)
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise BadInput(f"rate: {text!r} is not a number; write a fraction such as 0.10") from None
    if not value.is_finite():
        raise BadInput(f"rate: {text!r} is not a number; write a fraction such as 0.10")
    if value <= 0 or value > 1:
        raise BadInput(f"rate: {text} is out of range; it must be more than 0 and at most 1 (e.g. 0.10)")
    return value


def parse_min_per_auditor(minimum: object) -> int:
    """The minimum sample size per auditor, a whole number >= 0, or BadInput saying why."""
    if isinstance(minimum, bool):
        raise BadInput(f"min per auditor: {minimum!r} is not a whole number")
    if isinstance(minimum, int):
        value = minimum
    else:
        try:
            value = int(str(minimum).strip())
        except ValueError:
            raise BadInput(f"min per auditor: {minimum!r} is not a whole number") from None
    if value < 0:
        raise BadInput(f"min per auditor: {value} is negative; it must be 0 or more")
    return value


def sample_size(n: int, rate: object, minimum: object) -> int:
    """k = max(minimum, ceil(rate × n)), capped at n; the product is exact."""
    exact = parse_rate(rate) * n
    k = max(parse_min_per_auditor(minimum), math.ceil(exact))
    return min(k, n)


def rank_key(seed: str, audit_id: str) -> str:
    """The v1 ranking key: hex SHA-256 of "{seed}:{audit_id}"."""
    return hashlib.sha256(f"{seed}:{audit_id}".encode("utf-8")).hexdigest()


def frame_sha256(audit_ids: Iterable[str]) -> str:
    """SHA-256 of the newline-joined sorted frame ids."""
    return hashlib.sha256("\n".join(sorted(audit_ids)).encode("utf-8")).hexdigest()


def new_seed() -> str:
    return secrets.token_hex(16)


def build_frame(
    audits: Iterable[Audit], quarter: Quarter | str, already_sampled: Iterable[str] = ()
) -> list[Audit]:
    """The audits a v1 draw may pick from, sorted by audit id."""
    q = quarter if isinstance(quarter, Quarter) else Quarter.parse(quarter)
    taken = set(already_sampled)
    frame = [
        audit
        for audit in audits
        if audit.submitted_on is not None
        and q.contains(audit.submitted_on)
        and audit.moderation is None
        and audit.audit_id not in taken
    ]
    ids = [a.audit_id for a in frame]
    if len(ids) != len(set(ids)):
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        raise BadInput(f"frame: audit ids appear more than once: {', '.join(dupes)}")
    return sorted(frame, key=lambda a: a.audit_id)


def strata_of(frame: Iterable[Audit]) -> dict[str, list[str]]:
    """Auditor -> sorted audit ids, auditors in name order."""
    out: dict[str, list[str]] = {}
    for audit in frame:
        out.setdefault(audit.auditor, []).append(audit.audit_id)
    return {auditor: sorted(out[auditor]) for auditor in sorted(out)}


def select(strata: Mapping[str, list[str]], seed: str, rate: object, minimum: object) -> dict[str, list[str]]:
    """Auditor -> the audit ids v1 picks from that stratum (in rank order)."""
    picked: dict[str, list[str]] = {}
    for auditor in sorted(strata):
        ids = list(strata[auditor])
        k = sample_size(len(ids), rate, minimum)
        ranked = sorted(ids, key=lambda audit_id: (rank_key(seed, audit_id), audit_id))
        picked[auditor] = ranked[:k]
    return picked


@dataclass(frozen=True)
class StratumPreview:
    auditor: str
    n: int
    k: int


def preview(frame: Iterable[Audit], rate: object = DEFAULT_RATE, minimum: object = DEFAULT_MIN_PER_AUDITOR) -> list[StratumPreview]:
    """Per auditor: audits in the frame (n) and how many a draw would take (k)."""
    parse_rate(rate)
    parse_min_per_auditor(minimum)
    return [
        StratumPreview(auditor, len(ids), sample_size(len(ids), rate, minimum))
        for auditor, ids in strata_of(frame).items()
    ]


def draw(
    frame: Iterable[Audit],
    quarter: Quarter | str,
    rate: object = DEFAULT_RATE,
    minimum: object = DEFAULT_MIN_PER_AUDITOR,
    seed: str | None = None,
    drawn_by: str | None = None,
    drawn_at: datetime | None = None,
) -> SampleDraw:
    """Draw a v1 sample from an already built frame (see `build_frame`)."""
    q = quarter if isinstance(quarter, Quarter) else Quarter.parse(quarter)
    rate_text = str(rate).strip()
    parse_rate(rate_text)
    min_value = parse_min_per_auditor(minimum)
    if seed is None:
        seed = new_seed()
    # Stored text is trimmed by the model, so the seed is trimmed before it ranks anything.
    seed = str(seed).strip()
    if not seed:
        raise BadInput("seed: it is empty; leave it out to have one chosen at random")
    frame = list(frame)
    strata = strata_of(frame)
    ids = sorted(a.audit_id for a in frame)
    picked = select(strata, seed, rate_text, min_value)
    return SampleDraw(
        quarter=q.code,
        seed=seed,
        algorithm=ALGORITHM,
        rate=rate_text,
        min_per_auditor=min_value,
        frame=ids,
        frame_sha256=frame_sha256(ids),
        selected=sorted(i for chosen in picked.values() for i in chosen),
        strata=strata,
        drawn_by=drawn_by,
        drawn_at=drawn_at,
    )


def verify(sample: SampleDraw, auditors: Mapping[str, str] | None = None) -> tuple[bool, list[str]]:
    """Re-derive a stored draw from its stored frame; (True, []) when everything matches.

    Reasons name each difference: the frame hash, the strata against the frame (and,
    given `auditors` — audit id -> auditor as stored now — against the audits
    themselves), and the audits selected that should not be, or not selected that should be.
    """
    reasons: list[str] = []
    if sample.algorithm != ALGORITHM:
        return False, [f"algorithm {sample.algorithm!r} is not known (expected {ALGORITHM!r})"]
    recomputed = frame_sha256(sample.frame)
    if recomputed != sample.frame_sha256:
        reasons.append(
            f"frame hash differs: stored {sample.frame_sha256}, the stored frame hashes to {recomputed}"
        )
    frame_ids = set(sample.frame)
    strata_ids = [i for ids in sample.strata.values() for i in ids]
    if sorted(strata_ids) != sorted(sample.frame):
        missing = sorted(frame_ids - set(strata_ids))
        extra = sorted(set(strata_ids) - frame_ids)
        twice = sorted({i for i in strata_ids if strata_ids.count(i) > 1})
        if missing:
            reasons.append(f"frame audits missing from the auditor strata: {', '.join(missing)}")
        if extra:
            reasons.append(f"strata audits not in the frame: {', '.join(extra)}")
        if twice:
            reasons.append(f"audits in more than one stratum: {', '.join(twice)}")
    if auditors is not None:
        for auditor, ids in sample.strata.items():
            for audit_id in ids:
                if audit_id not in auditors:
                    reasons.append(f"audit {audit_id} in the frame is no longer in the database")
                elif auditors[audit_id] != auditor:
                    reasons.append(
                        f"audit {audit_id} is in {auditor}'s stratum but its auditor is {auditors[audit_id]}"
                    )
    try:
        picked = select(sample.strata, sample.seed, sample.rate, sample.min_per_auditor)
    except BadInput as err:
        return False, reasons + [f"stored parameters are invalid: {line}" for line in err.lines]
    expected = sorted(i for chosen in picked.values() for i in chosen)
    stored = sorted(sample.selected)
    if expected != stored:
        unexpected = sorted(set(stored) - set(expected))
        left_out = sorted(set(expected) - set(stored))
        if unexpected:
            reasons.append(f"selected but not drawn by the seed: {', '.join(unexpected)}")
        if left_out:
            reasons.append(f"drawn by the seed but not selected: {', '.join(left_out)}")
        if not unexpected and not left_out:
            reasons.append("the selection lists an audit more than once")
    return not reasons, reasons
