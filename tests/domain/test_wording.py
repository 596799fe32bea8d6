"""One way to write a percentage, a kappa and a figure that is not defined."""

from __future__ import annotations

from audit_tools.exporters.md_export import _pct as md_pct
from audit_tools.wording import NOT_DEFINED, kappa_words, percent


def test_percent_of_a_fraction_to_the_decimals_asked():
    assert percent(1 / 3) == "33%"
    assert percent(0.123, 1) == "12.3%"
    assert percent(1.0) == "100%"
    assert percent(0.0, 1) == "0.0%"


def test_no_fraction_is_the_one_not_defined_mark():
    assert percent(None) == NOT_DEFINED == "–"
    assert percent(None, 1) == NOT_DEFINED


def test_kappa_with_its_words_and_pairs():
    assert kappa_words(0.45, 12) == "0.45 moderate (n=12)"
    assert kappa_words(-0.1, 3) == "-0.10 poor (n=3)"
    assert kappa_words(None, 1) == "not defined (n=1)"


def test_board_paper_writes_its_0_to_100_figures_the_same_way():
    assert md_pct(12.3) == percent(0.123, 1) == "12.3%"
    assert md_pct(75.0) == "75.0%"
    assert md_pct(None) == NOT_DEFINED
