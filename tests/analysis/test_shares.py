"""Positive shares: counts, rounding, interval and the five-answer rule."""

from __future__ import annotations

from fractions import Fraction

import pytest
from scipy.stats import binomtest

from analysis import Counts, Suppression, positive_share, round_half_up
from analysis.shares import wilson_interval


def test_excluded_answers_leave_the_denominator():
    # Hand count: 9 positive, 2 negative, 1 "Vet inte" → 9 / 11 = 81.8 % → 82 %.
    share = positive_share(Counts(positive=9, negative=2, excluded=1))
    assert (share.positive, share.valid, share.excluded) == (9, 11, 1)
    assert share.fraction == Fraction(9, 11)
    assert share.percent == 82


@pytest.mark.parametrize(
    ("positive", "valid", "percent"),
    [(173, 200, 87), (171, 200, 86), (1, 8, 13), (5, 8, 63), (7, 8, 88), (2, 3, 67), (0, 5, 0), (5, 5, 100)],
)
def test_percent_rounds_half_up_like_the_published_reports(positive, valid, percent):
    # 173/200 = 86.5 % and 1/8 = 12.5 %: Python's round() would give 86 and 12.
    assert positive_share(Counts(positive, valid - positive), min_valid=1).percent == percent


def test_round_half_up_on_exact_halves():
    assert [round_half_up(Fraction(n, 2)) for n in (1, 3, 5, 171)] == [1, 2, 3, 86]


@pytest.mark.parametrize(("positive", "negative"), [(17, 3), (5, 0), (0, 7), (120, 48)])
def test_the_interval_is_scipys_wilson_interval(positive, negative):
    share = positive_share(Counts(positive, negative))
    reference = binomtest(positive, positive + negative).proportion_ci(confidence_level=0.95, method="wilson")
    assert (share.ci_low, share.ci_high) == (reference.low, reference.high)


@pytest.mark.parametrize("valid", [0, 1, 4])
def test_fewer_than_five_valid_answers_are_not_shown(valid):
    share = positive_share(Counts(valid, 0, excluded=10))
    assert share.suppressed is Suppression.TOO_FEW_ANSWERS
    assert (share.share, share.percent, share.ci_low, share.ci_high) == (None, None, None, None)


def test_five_valid_answers_are_shown_and_the_threshold_can_be_raised():
    assert positive_share(Counts(4, 1)).percent == 80
    assert positive_share(Counts(4, 1), min_valid=10).suppressed is Suppression.TOO_FEW_ANSWERS


def test_bad_counts_are_refused_with_the_value():
    with pytest.raises(ValueError, match="negative must not be negative, got -1"):
        Counts(3, -1)
    with pytest.raises(ValueError, match="min_valid must be at least 1, got 0"):
        positive_share(Counts(3, 1), min_valid=0)


@pytest.mark.parametrize("valid", [1, 5, 6, 20, 87, 1000])
def test_the_closed_form_wilson_interval_is_scipys(valid):
    """Every count of n against scipy's binomtest(...).proportion_ci(method="wilson"), worked out independently."""
    for positive in range(valid + 1):
        expected = binomtest(positive, valid).proportion_ci(confidence_level=0.95, method="wilson")
        low, high = wilson_interval(positive, valid)
        assert low == pytest.approx(expected.low, abs=1e-12) and high == pytest.approx(expected.high, abs=1e-12)
