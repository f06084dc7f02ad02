"""Rikssnitt comparison, trends and NKI against scipy's reference calls and hand computation."""

from __future__ import annotations

from fractions import Fraction

import pytest
from scipy.stats import binomtest, fisher_exact

from analysis import Counts, positive_share
from analysis.compare import Verdict, against_rikssnitt, trend
from analysis.nki import NkiBand, nki


def test_rikssnitt_comparison_is_scipys_exact_binomial_test():
    share = positive_share(Counts(17, 3))  # 85 %
    comparison = against_rikssnitt(share, Fraction(86, 100))
    assert comparison.p_value == binomtest(17, 20, p=0.86).pvalue
    assert comparison.difference_pp == pytest.approx(-1.0)
    assert comparison.verdict is Verdict.NO_CLEAR_DIFFERENCE
    assert comparison.reference_percent == 86


def test_a_clear_difference_is_named_higher_or_lower():
    assert against_rikssnitt(positive_share(Counts(95, 5)), Fraction(3, 4)).verdict is Verdict.HIGHER
    assert against_rikssnitt(positive_share(Counts(40, 60)), Fraction(3, 4)).verdict is Verdict.LOWER


def test_a_suppressed_share_is_not_compared():
    assert against_rikssnitt(positive_share(Counts(3, 1)), Fraction(1, 2)) is None


def test_trend_is_fishers_exact_test_between_rounds():
    result = trend(positive_share(Counts(30, 10)), positive_share(Counts(18, 22)))
    assert result.p_value == fisher_exact([[30, 10], [18, 22]]).pvalue
    assert result.difference_pp == pytest.approx(30.0)  # 75 % against 45 %
    assert result.verdict is Verdict.HIGHER
    assert trend(positive_share(Counts(30, 10)), positive_share(Counts(2, 2))) is None


def test_nki_on_a_ten_step_scale():
    # Hand computation: grades 10, 8, 7, 7, 3 → mean 7 → (7 − 1) × 100 / 9 = 66.67 → "nöjd".
    result = nki({10: 1, 8: 1, 7: 2, 3: 1}, scale_max=10)
    assert result.value == Fraction(200, 3)
    assert (result.rounded, result.answers, result.band) == (67, 5, NkiBand.SATISFIED)


@pytest.mark.parametrize(("grade", "value"), [(1, 0), (2, 25), (3, 50), (4, 75), (5, 100)])
def test_nki_on_a_five_step_scale_maps_grades_to_quarters(grade, value):
    assert nki({grade: 3}, scale_max=5).value == value


@pytest.mark.parametrize(
    ("grade", "band"),
    [(1, NkiBand.NOT_APPROVED), (5, NkiBand.APPROVED), (6, NkiBand.SATISFIED), (10, NkiBand.VERY_SATISFIED)],
)
def test_nki_bands_follow_scb(grade, band):
    # On 1–10: grade 1 → 0, 5 → 44.4, 6 → 55.6, 10 → 100.
    assert nki({grade: 1}, scale_max=10).band is band


def test_nki_limits_are_inclusive():
    # (mean − 1) × 100 / 4 on a 1–5 scale: mean 2.6 → 40 exactly → godkänt; mean 3.2 → 55 → nöjd; 4 → 75.
    assert nki({2: 2, 3: 3}, scale_max=5).band is NkiBand.APPROVED  # mean 2.6
    assert nki({3: 4, 4: 1}, scale_max=5).band is NkiBand.SATISFIED  # mean 3.2
    assert nki({4: 1}, scale_max=5).band is NkiBand.VERY_SATISFIED


def test_nki_refuses_grades_off_the_scale():
    with pytest.raises(ValueError, match="grade 11 with count 1 does not fit a 1–10 scale"):
        nki({11: 1}, scale_max=10)
    assert nki({}, scale_max=10) is None
