"""Moderation sample, algorithm v1: exact sizes, reproducibility, fairness, verification."""

from __future__ import annotations

import hashlib
from collections import Counter
from fractions import Fraction
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit_tools import sampling
from audit_tools.errors import BadInput
from audit_tools.models import Audit, Grade, Moderation
from audit_tools.quarters import Quarter

Q1 = Quarter.parse("2024-25-Q1")


def audit(audit_id: str, auditor: str = "amy", submitted: date | None = date(2024, 5, 2), **kw) -> Audit:
    return Audit(
        audit_id=audit_id,
        case_ref=f"C-{audit_id}",
        auditor=auditor,
        as_of=date(2024, 5, 1),
        submitted_on=submitted,
        grade=Grade.good,
        **kw,
    )


def many(auditor: str, n: int, prefix: str | None = None) -> list[Audit]:
    prefix = prefix or auditor
    return [audit(f"{prefix}-{i:03d}", auditor) for i in range(n)]


# --- exact sample sizes ---------------------------------------------------------------


@pytest.mark.parametrize(
    "n, rate, minimum, k",
    [
        (30, "0.1", 1, 3),
        (100, "0.07", 1, 7),  # 0.07 * 100 in binary floating point is 7.000000000000001
        (3, "0.1", 5, 3),  # min larger than n: capped at n
        (0, "0.1", 1, 0),
        (31, "0.1", 1, 4),
        (10, "0.10", 0, 1),
        (10, "1", 1, 10),
        (7, "0.5", 0, 4),
        (4, "0.1", 2, 2),
        (1, "0.01", 0, 1),
    ],
)
def test_sample_size_is_exact(n, rate, minimum, k):
    assert sampling.sample_size(n, rate, minimum) == k


def test_float_products_would_overshoot_which_is_why_decimal_is_used():
    import math

    assert math.ceil(0.07 * 100) == 8  # the trap the decimal arithmetic avoids
    assert sampling.sample_size(100, 0.07, 1) == 7
    assert sampling.sample_size(100, "0.07", 1) == 7


@pytest.mark.parametrize("rate", ["0", "-0.1", "1.01", "abc", "", "nan", "inf"])
def test_bad_rate_is_refused_with_a_reason(rate):
    with pytest.raises(BadInput) as err:
        sampling.parse_rate(rate)
    assert "rate" in str(err.value)


@pytest.mark.parametrize("minimum", [-1, "x", "1.5", True])
def test_bad_minimum_is_refused(minimum):
    with pytest.raises(BadInput) as err:
        sampling.parse_min_per_auditor(minimum)
    assert "min per auditor" in str(err.value)


# --- frame ----------------------------------------------------------------------------


def test_frame_takes_submitted_unmoderated_unsampled_audits_of_the_quarter():
    audits = [
        audit("A-1"),
        audit("A-2", submitted=date(2024, 3, 31)),  # previous quarter
        audit("A-3", submitted=date(2024, 7, 1)),  # next quarter
        audit("A-4", submitted=None),  # draft
        audit("A-5", moderation=Moderation(moderator="cat")),
        audit("A-6"),  # already sampled
        audit("A-7", submitted=date(2024, 4, 1)),
        audit("A-8", submitted=date(2024, 6, 30)),
    ]
    frame = sampling.build_frame(audits, Q1, already_sampled={"A-6"})
    assert [a.audit_id for a in frame] == ["A-1", "A-7", "A-8"]


def test_frame_hash_is_sha256_of_sorted_newline_joined_ids():
    expected = hashlib.sha256(b"A-1\nA-2\nB-1").hexdigest()
    assert sampling.frame_sha256(["B-1", "A-2", "A-1"]) == expected


# --- the draw -------------------------------------------------------------------------


def test_ranking_takes_the_lowest_hashes_per_auditor():
    frame = many("amy", 10) + many("ben", 5)
    sample = sampling.draw(frame, Q1, rate="0.2", minimum=1, seed="s")
    for auditor, n, k in [("amy", 10, 2), ("ben", 5, 1)]:
        ids = [a.audit_id for a in frame if a.auditor == auditor]
        by_hash = sorted(ids, key=lambda i: hashlib.sha256(f"s:{i}".encode()).hexdigest())
        assert set(by_hash[:k]) <= set(sample.selected)
        assert not set(by_hash[k:]) & set(sample.selected)
    assert len(sample.selected) == 3
    assert sample.selected == sorted(sample.selected)


def test_draw_stores_everything_needed_to_rederive_it():
    frame = many("amy", 4) + many("ben", 2)
    sample = sampling.draw(frame, "2024-25-Q1", rate="0.10", minimum=1, seed="abc", drawn_by="lee")
    assert sample.quarter == "2024-25-Q1"
    assert sample.algorithm == "v1"
    assert sample.rate == "0.10"
    assert sample.min_per_auditor == 1
    assert sample.frame == sorted(a.audit_id for a in frame)
    assert sample.frame_sha256 == sampling.frame_sha256(sample.frame)
    assert sample.strata == {"amy": [f"amy-{i:03d}" for i in range(4)], "ben": ["ben-000", "ben-001"]}
    assert sample.drawn_by == "lee"


def test_same_seed_and_frame_give_the_same_sample():
    frame = many("amy", 25) + many("ben", 12)
    one = sampling.draw(frame, Q1, seed="fixed-seed")
    two = sampling.draw(list(reversed(frame)), Q1, seed="fixed-seed")
    assert one.selected == two.selected
    assert one.frame_sha256 == two.frame_sha256


def test_one_changed_audit_changes_the_frame_hash():
    frame = many("amy", 25)
    changed = frame[:-1] + [audit("amy-999", "amy")]
    assert sampling.draw(frame, Q1, seed="x").frame_sha256 != sampling.draw(changed, Q1, seed="x").frame_sha256


def test_seed_comes_from_secrets_when_not_given():
    frame = many("amy", 5)
    one = sampling.draw(frame, Q1)
    two = sampling.draw(frame, Q1)
    assert len(one.seed) == 32 and int(one.seed, 16) >= 0
    assert one.seed != two.seed


def test_empty_seed_is_refused():
    with pytest.raises(BadInput):
        sampling.draw(many("amy", 3), Q1, seed="  ")


def test_preview_gives_n_and_k_per_auditor():
    frame = many("amy", 30) + many("ben", 3) + many("cat", 100)
    rows = sampling.preview(frame, "0.07", 2)
    assert [(r.auditor, r.n, r.k) for r in rows] == [("amy", 30, 3), ("ben", 3, 2), ("cat", 100, 7)]


def test_each_audit_in_a_stratum_is_picked_equally_often():
    # 2,000 deterministic seeds, 10 audits, k = 2: each audit expected 400 times.
    # The binomial standard deviation is sqrt(2000 * 0.2 * 0.8) ≈ 17.9; ±100 is over 5.5 sd,
    # wide enough never to flake and still narrow enough to catch a biased ranking.
    frame = many("amy", 10)
    counts: Counter[str] = Counter()
    seeds = 2000
    for i in range(seeds):
        counts.update(sampling.draw(frame, Q1, rate="0.2", minimum=0, seed=f"seed-{i}").selected)
    assert sum(counts.values()) == 2 * seeds
    for a in frame:
        assert 300 <= counts[a.audit_id] <= 500, counts


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.dictionaries(st.sampled_from(["amy", "ben", "cat", "dan"]), st.integers(0, 40), max_size=4),
    rate=st.sampled_from(["0.01", "0.05", "0.1", "0.10", "0.25", "0.333", "0.5", "1"]),
    minimum=st.integers(0, 6),
    seed=st.text(min_size=1, max_size=12).filter(str.strip),
)
def test_any_draw_verifies_and_has_the_right_size(sizes, rate, minimum, seed):
    frame = [a for auditor, n in sizes.items() for a in many(auditor, n)]
    sample = sampling.draw(frame, Q1, rate=rate, minimum=minimum, seed=seed)
    assert sampling.verify(sample) == (True, [])
    by_auditor = Counter(i.rsplit("-", 1)[0] for i in sample.selected)
    for auditor, n in sizes.items():
        # The rule as written, in exact fractions: k = min(n, max(minimum, ceil(rate * n))).
        exact = Fraction(rate) * n
        expected = min(n, max(minimum, -(-exact.numerator // exact.denominator)))
        assert by_auditor[auditor] == expected


# --- verify ---------------------------------------------------------------------------


def test_verify_passes_an_untouched_draw():
    sample = sampling.draw(many("amy", 12) + many("ben", 8), Q1, seed="s1")
    assert sampling.verify(sample) == (True, [])


def test_verify_finds_a_hand_picked_selection():
    sample = sampling.draw(many("amy", 12), Q1, seed="s1")
    other = next(i for i in sample.frame if i not in sample.selected)
    tampered = sample.model_copy(update={"selected": sorted([other])})
    ok, reasons = sampling.verify(tampered)
    assert not ok
    assert any(other in r and "not drawn by the seed" in r for r in reasons)
    assert any(sample.selected[0] in r and "not selected" in r for r in reasons)


def test_verify_finds_a_changed_frame():
    sample = sampling.draw(many("amy", 12), Q1, seed="s1")
    tampered = sample.model_copy(update={"frame": sample.frame[:-1]})
    ok, reasons = sampling.verify(tampered)
    assert not ok
    assert any("frame hash differs" in r for r in reasons)


def test_verify_finds_a_changed_seed():
    sample = sampling.draw(many("amy", 12), Q1, seed="s1")
    ok, reasons = sampling.verify(sample.model_copy(update={"seed": "s2"}))
    assert not ok and reasons


def test_verify_checks_strata_against_the_audits_as_stored():
    sample = sampling.draw(many("amy", 3) + many("ben", 3), Q1, seed="s1")
    auditors = {i: i.split("-")[0] for i in sample.frame}
    assert sampling.verify(sample, auditors) == (True, [])
    auditors["amy-000"] = "ben"
    ok, reasons = sampling.verify(sample, auditors)
    assert not ok
    assert reasons == ["audit amy-000 is in amy's stratum but its auditor is ben"]
