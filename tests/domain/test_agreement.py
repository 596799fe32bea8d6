"""Agreement between auditors and moderators, checked against published kappa values."""

from __future__ import annotations

from datetime import date

import pytest

from audit_tools.agreement import agreement, cohen_kappa, landis_koch
from audit_tools.models import Audit, Grade, Moderation, Status

G = Grade
S = Status


# --- kappa against scikit-learn's test_cohen_kappa (Artstein & Poesio 2008) -----------


def test_kappa_two_categories_artstein_poesio_table_1():
    first = [0] * 40 + [1] * 60
    second = [0] * 20 + [1] * 20 + [0] * 10 + [1] * 50
    assert round(cohen_kappa(first, second), 3) == 0.348
    assert cohen_kappa(first, second) == cohen_kappa(second, first)


def test_kappa_three_categories_artstein_poesio_table_4():
    first = [0] * 46 + [1] * 44 + [2] * 10
    second = [0] * 52 + [1] * 32 + [2] * 16
    assert cohen_kappa(first, second) == pytest.approx(0.8013, abs=5e-5)


def test_kappa_weighting_example():
    first = [0] * 46 + [1] * 44 + [2] * 10
    second = [0] * 50 + [1] * 40 + [2] * 10
    assert cohen_kappa(first, second) == pytest.approx(0.9315, abs=5e-5)
    assert cohen_kappa(first, second, weights="linear") == pytest.approx(0.9412, abs=5e-5)
    assert cohen_kappa(first, second, weights="quadratic") == pytest.approx(0.9541, abs=5e-5)


def test_unused_grade_categories_do_not_change_kappa():
    first = [0] * 46 + [1] * 44 + [2] * 10
    second = [0] * 50 + [1] * 40 + [2] * 10
    shifted = cohen_kappa([x + 1 for x in first], [x + 1 for x in second], categories=4, weights="quadratic")
    assert shifted == pytest.approx(0.9541, abs=5e-5)


def test_kappa_is_one_for_perfect_agreement_and_none_when_undefined():
    assert cohen_kappa([0, 1, 2, 3], [0, 1, 2, 3]) == 1.0
    assert cohen_kappa([], []) is None
    assert cohen_kappa([2, 2, 2], [2, 2, 2]) is None  # chance agreement is 1
    assert cohen_kappa([2, 2, 2], [2, 2, 2], weights="quadratic") is None
    assert cohen_kappa([0, 1], [1, 0]) == -1.0


@pytest.mark.parametrize(
    "kappa, words",
    [
        (None, "not defined"),
        (-0.1, "poor"),
        (0.0, "slight"),
        (0.2, "slight"),
        (0.21, "fair"),
        (0.4, "fair"),
        (0.5, "moderate"),
        (0.61, "substantial"),
        (0.8, "substantial"),
        (0.81, "almost perfect"),
        (1.0, "almost perfect"),
    ],
)
def test_landis_koch_words(kappa, words):
    assert landis_koch(kappa) == words


# --- figures over audits --------------------------------------------------------------


def moderated(
    audit_id: str,
    auditor: str,
    grade: Grade | None,
    blind: Grade | None,
    submitted: date = date(2024, 5, 2),
    scores: dict | None = None,
    mod_scores: dict | None = None,
    final: Grade | None = None,
) -> Audit:
    return Audit(
        audit_id=audit_id,
        case_ref="C-1",
        auditor=auditor,
        as_of=date(2024, 5, 1),
        submitted_on=submitted,
        grade=grade,
        scores=scores or {},
        moderation=None
        if blind is None and mod_scores is None
        else Moderation(moderator="cat", grade=blind, scores=mod_scores or {}, final_grade=final),
    )


def test_overall_and_per_auditor_figures():
    audits = [
        moderated("A-1", "amy", G.good, G.good),
        moderated("A-2", "amy", G.outstanding, G.requires_improvement),  # down 2
        moderated("A-3", "amy", G.good, G.requires_improvement),  # down 1
        moderated("A-4", "ben", G.requires_improvement, G.good),  # up 1
        moderated("A-5", "ben", G.inadequate, G.inadequate),
        moderated("A-6", "ben", G.good, None),  # not re-graded yet: no pair
        moderated("A-7", "dan", G.good, G.good, submitted=date(2024, 7, 1)),  # next quarter
    ]
    figures = agreement(audits, "2024-25-Q1")
    doc = figures.as_json()
    assert doc["quarter"] == "2024-25-Q1"
    assert doc["pairs"] == 5
    assert doc["exact_agreement"] == pytest.approx(2 / 5)
    assert doc["within_one"] == pytest.approx(4 / 5)
    assert doc["moved_down"] == 2
    assert doc["moved_up"] == 1
    # Pairs (auditor, moderator) on inadequate 0 .. outstanding 3:
    #   (2,2) (3,1) (2,1) (1,2) (0,0);  row totals R = [1, 1, 2, 1], column totals C = [1, 2, 2, 0], n = 5.
    # Unweighted: observed agreement 2/5; chance sum R[i]C[i] / n^2 = (1 + 2 + 4 + 0) / 25 = 7/25;
    #   kappa = (2/5 - 7/25) / (1 - 7/25) = (3/25) / (18/25) = 1/6.
    # Quadratic, w = (i - j)^2: sum w*O = 0 + 4 + 1 + 1 + 0 = 6, times n = 30;
    #   sum w*R[i]*C[j] = row 0: 1*(0*1 + 1*2 + 4*2 + 9*0) = 10, row 1: 1*(1*1 + 0 + 1*2 + 0) = 3,
    #   row 2: 2*(4*1 + 1*2 + 0 + 0) = 12, row 3: 1*(9*1 + 4*2 + 1*2 + 0) = 19; total 44;
    #   kappa = 1 - 30/44 = 7/22 = 0.31818...
    assert doc["kappa"] == pytest.approx(1 / 6)
    assert doc["kappa_quadratic"] == pytest.approx(7 / 22)
    assert doc["by_auditor"] == {
        "amy": {"pairs": 3, "exact_agreement": pytest.approx(1 / 3), "moved_down": 2, "moved_up": 0},
        "ben": {"pairs": 2, "exact_agreement": 0.5, "moved_down": 0, "moved_up": 1},
    }
    assert figures.flagged_auditors == []  # 3 pairs: under the minimum of 5
    assert agreement(audits, "2024-25-Q1", min_pairs=3).flagged_auditors == ["amy"]
    assert set(doc) == {
        "quarter", "pairs", "exact_agreement", "within_one", "kappa", "kappa_quadratic",
        "moved_down", "moved_up", "by_auditor", "by_standard",
    }


def test_hand_computed_kappa_on_grades():
    # amy good/good, good/ri, ri/ri, outstanding/good: p_o = 2/4.
    # Auditor marginals ri 1, good 2, outst 1; moderator ri 2, good 2:
    # p_e = (1*2 + 2*2) / 16 = 6/16; kappa = (0.5 - 0.375) / 0.625 = 0.2.
    audits = [
        moderated("A-1", "amy", G.good, G.good),
        moderated("A-2", "amy", G.good, G.requires_improvement),
        moderated("A-3", "amy", G.requires_improvement, G.requires_improvement),
        moderated("A-4", "amy", G.outstanding, G.good),
    ]
    assert agreement(audits).kappa == pytest.approx(0.2)


def test_the_blind_grade_counts_not_the_final_grade():
    audit = moderated("A-1", "amy", G.good, G.requires_improvement, final=G.good)
    doc = agreement([audit]).as_json()
    assert doc["moved_down"] == 1 and doc["exact_agreement"] == 0.0


def test_flag_needs_more_than_half_moved_down():
    half = [moderated("A-1", "amy", G.good, G.requires_improvement), moderated("A-2", "amy", G.good, G.good)]
    assert agreement(half, min_pairs=1).flagged_auditors == []
    most = half + [moderated("A-3", "amy", G.outstanding, G.good)]
    assert agreement(most, min_pairs=1).flagged_auditors == ["amy"]


def test_flag_needs_the_minimum_pairs():
    one = [moderated("A-1", "ben", G.good, G.requires_improvement)]
    figures = agreement(one)
    assert figures.min_pairs == 5 and figures.flagged_auditors == []
    assert figures.by_auditor["ben"].too_few_to_flag
    five = one + [moderated(f"A-{i}", "ben", G.good, g) for i, g in
                  [(2, G.requires_improvement), (3, G.inadequate), (4, G.good), (5, G.good)]]
    assert agreement(five).flagged_auditors == ["ben"]
    assert not agreement(five).by_auditor["ben"].too_few_to_flag


def test_no_pairs_gives_nulls_not_errors():
    doc = agreement([], "2024-25-Q1").as_json()
    assert doc["pairs"] == 0
    assert doc["exact_agreement"] is None and doc["within_one"] is None
    assert doc["kappa"] is None and doc["kappa_quadratic"] is None
    assert doc["by_auditor"] == {} and doc["by_standard"] == {}


def test_everyone_agreeing_on_one_grade_has_null_kappa_but_full_agreement():
    audits = [moderated(f"A-{i}", "amy", G.good, G.good) for i in range(3)]
    doc = agreement(audits).as_json()
    assert doc["exact_agreement"] == 1.0
    assert doc["kappa"] is None and doc["kappa_quadratic"] is None


def test_by_standard_counts_standards_both_scored_including_not_applicable():
    audits = [
        moderated(
            "A-1", "amy", G.good, G.good,
            scores={"cp-visits": S.met, "chronology": S.partly_met, "supervision": S.not_applicable},
            mod_scores={"cp-visits": S.met, "chronology": S.not_met, "supervision": S.not_applicable},
        ),
        moderated(
            "A-2", "ben", G.good, G.good,
            scores={"cp-visits": S.not_met, "voice-of-child": S.met},
            mod_scores={"cp-visits": S.not_met},  # voice-of-child scored by one side only
        ),
    ]
    doc = agreement(audits).as_json()
    assert doc["by_standard"] == {
        "chronology": {"pairs": 1, "agreement": 0.0},
        "cp-visits": {"pairs": 2, "agreement": 1.0},
        "supervision": {"pairs": 1, "agreement": 1.0},
    }


def test_kappa_quadratic_over_rank_pairs_matches_the_figures():
    from audit_tools.agreement import kappa_quadratic

    first = [0] * 46 + [1] * 44 + [2] * 10
    second = [0] * 50 + [1] * 40 + [2] * 10
    assert kappa_quadratic(zip(first, second)) == pytest.approx(0.9541, abs=5e-5)
    assert kappa_quadratic([]) is None
