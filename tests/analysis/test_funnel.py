"""Funnel limits: Spiegelhalter's interpolated exact-binomial limits, and where a share lies among them.

The expected limits are worked out here without the module: the binomial CDF is summed exactly with math.comb
over integers, r is the smallest count whose CDF reaches the tail probability (checked against scipy's
binom.ppf too), and the limit is Spiegelhalter's (r − α) / n, α = (F(r) − p) / (F(r) − F(r − 1)).
"""

from __future__ import annotations

from fractions import Fraction
from math import comb

import pytest
from scipy.stats import binom

from analysis.funnel import LEVELS, Position, binomial_limit, curve_points, funnel_limits, position


def _cdf(p0: Fraction, n: int) -> list[Fraction]:
    """F(0), …, F(n) of Binomial(n, p0), exactly: Σ C(n, k) a^k (b − a)^(n − k) / b^n for p0 = a / b."""
    a, b = p0.numerator, p0.denominator
    total, cdf = 0, []
    for k in range(n + 1):
        total += comb(n, k) * a**k * (b - a) ** (n - k)
        cdf.append(Fraction(total, b**n))
    return cdf


def _spiegelhalter(p0: Fraction, n: int, p: Fraction) -> tuple[int, float]:
    """r and the interpolated limit, by hand; a limit below 0 (r = 0 with mass to spare) is drawn at 0."""
    cdf = _cdf(p0, n)
    r = next(k for k in range(n + 1) if cdf[k] >= p)
    below = cdf[r - 1] if r > 0 else Fraction(0)
    alpha = (cdf[r] - p) / (cdf[r] - below)
    return r, max(float((r - alpha) / n), 0.0)


def _tails(level: float) -> tuple[Fraction, Fraction]:
    tail = (1 - Fraction(str(level))) / 2
    return tail, 1 - tail


def test_hand_worked_lower_limit_for_80_percent_and_ten_answers():
    # p0 = 0.8, n = 10, the lower 2.5 % tail. P(X = k) = C(10, k) · 0.8^k · 0.2^(10 − k):
    #   k:      0          1          2          3          4          5
    #   P:  0.0000001  0.0000041  0.0000737  0.0007864  0.0055050  0.0264241
    #   F:  0.0000001  0.0000042  0.0000779  0.0008644  0.0063694  0.0327935
    # F(4) = 0.0063694 < 0.025 ≤ F(5) = 0.0327935, so r = 5 (5 of 10 is the first count reaching the tail).
    # α = (F(5) − 0.025) / P(X = 5) = 0.0077935 / 0.0264241 = 0.29494 (exactly 86981 / 294912),
    # limit = (5 − 0.29494) / 10 = 0.470506: between 4/10 and 5/10, as a limit at r must be.
    assert float(binom.ppf(0.025, 10, 0.8)) == 5
    assert binomial_limit(0.8, 10, 0.025) == pytest.approx((5 - 86981 / 294912) / 10, abs=1e-12)
    assert binomial_limit(0.8, 10, 0.025) == pytest.approx(0.470506117, abs=1e-9)
    assert funnel_limits(0.8, [10], 0.95).low == pytest.approx((0.470506117,), abs=1e-9)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("n", [5, 6, 20, 87, 1000])
@pytest.mark.parametrize("p0", ["0.5", "0.85", "0.9", "0.93"])
def test_limits_are_the_interpolated_exact_binomial_limits(p0, n, level):
    limits = funnel_limits(float(p0), [n], level)
    assert (limits.level, limits.n) == (level, (n,))
    for p, got in zip(_tails(level), (limits.low[0], limits.high[0]), strict=True):
        r, expected = _spiegelhalter(Fraction(p0), n, p)
        # r is scipy's binomial quantile too, and the limit lies in ((r − 1) / n, r / n].
        assert float(binom.ppf(float(p), n, float(p0))) == r
        assert got == pytest.approx(expected, abs=1e-9)
        assert (r - 1) / n < got <= r / n + 1e-12


def test_a_lower_limit_below_zero_is_drawn_at_zero():
    # p0 = 0.5, n = 5: F(0) = 1/32 = 0.03125 already reaches 0.025, so r = 0 and α = (0.03125 − 0.025) / 0.03125
    # = 0.2: (0 − 0.2) / 5 = −0.04 would lie below every possible share, and is clamped to 0.
    assert _spiegelhalter(Fraction(1, 2), 5, Fraction(1, 40)) == (0, 0.0)
    assert binomial_limit(0.5, 5, 0.025) == 0.0
    assert binomial_limit(0.5, 5, 0.001) == 0.0


@pytest.mark.parametrize("p0", [0.5, 0.85, 0.9])
def test_the_998_funnel_contains_the_95_funnel(p0):
    ns = range(1, 1001)
    inner, outer = funnel_limits(p0, ns, 0.95), funnel_limits(p0, ns, 0.998)
    for n, low95, high95, low998, high998 in zip(ns, inner.low, inner.high, outer.low, outer.high, strict=True):
        assert low998 <= low95 < p0 < high95 <= high998, n


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("p0", [0.5, 0.85, 0.9])
def test_the_funnel_narrows_as_n_grows(p0, level):
    # From five answers on (the smallest shown) the width never grows with n; one step at n = 1 → 2 or 2 → 3
    # is discreteness, and no share with fewer than five answers is ever placed in the funnel.
    ns = range(5, 1001)
    limits = funnel_limits(p0, ns, level)
    widths = [high - low for low, high in zip(limits.low, limits.high, strict=True)]
    for n, wider, narrower in zip(ns[1:], widths, widths[1:], strict=False):
        assert narrower <= wider + 1e-12, n
    assert widths[-1] < widths[0] / 5


def test_curve_points_run_from_one_to_the_largest_n():
    points = curve_points(2500)
    assert points[0] == 1
    assert points[-1] == 2500
    assert list(points) == sorted(set(points))
    assert curve_points(1) == (1, 2)


def test_bad_arguments_are_refused_with_the_value():
    with pytest.raises(ValueError, match="n must be at least 1, got 0"):
        binomial_limit(0.5, 0, 0.025)
    with pytest.raises(ValueError, match=r"got 1\.5 and 0\.025"):
        binomial_limit(1.5, 10, 0.025)
    with pytest.raises(ValueError, match=r"got 0\.5 and 1$"):
        binomial_limit(0.5, 10, 1)


def test_shares_just_beyond_the_lower_limits():
    # n = 1000, p0 = 0.85: the lower limits are 0.8270 (95 %) and 0.8136 (99.8 %), to four places.
    low95 = binomial_limit(0.85, 1000, 0.025)
    low998 = binomial_limit(0.85, 1000, 0.001)
    assert low95 == pytest.approx(0.8270, abs=1e-4)
    assert low998 == pytest.approx(0.8136, abs=1e-4)
    first_within, first_95 = int(low95 * 1000) + 1, int(low998 * 1000) + 1
    assert position(first_within, 1000, 0.85) is Position.WITHIN
    assert position(first_within - 1, 1000, 0.85) is Position.BELOW_95
    assert position(first_95, 1000, 0.85) is Position.BELOW_95
    assert position(first_95 - 1, 1000, 0.85) is Position.BELOW_998
    assert position(850, 1000, 0.85) is Position.WITHIN


def test_shares_well_beyond_the_upper_limits():
    # n = 1000, p0 = 0.85: the upper 97.5 % count is r = 872 and the 99.9 % count r = 884; one count past r has
    # P(X ≥ r + 1) = 1 − F(r) ≤ the tail, so it is above whatever the interpolation does at r itself.
    assert float(binom.ppf(0.975, 1000, 0.85)) == 872
    assert float(binom.ppf(0.999, 1000, 0.85)) == 884
    assert position(871, 1000, 0.85) is Position.WITHIN
    assert position(873, 1000, 0.85) is Position.ABOVE_95
    assert position(883, 1000, 0.85) is Position.ABOVE_95
    assert position(885, 1000, 0.85) is Position.ABOVE_998


def test_no_answer_positive_of_five_at_even_odds_lies_on_the_lower_limit():
    # p0 = 0.5, n = 5: both lower limits are clamped to 0 (see above), and 0 of 5 lies exactly on them:
    # P(X = 0) = 1/32 = 3.1 %, not rare enough for even the 95 % funnel.
    assert position(0, 5, 0.5) is Position.WITHIN


def test_six_of_six_at_85_percent_is_within():
    # p0 = 0.85, n = 6: P(6 of 6) = 0.85^6 = 0.3771. A municipality with six answers all positive is what chance
    # gives more than one year in three: well within any funnel. The other way round: F(5) = 1 − 0.3771 =
    # 0.6229 < 0.975, so r = 6, and P(X ≥ 6) = 0.3771 is far from the 2.5 % (let alone 0.1 %) tail.
    # (The interpolated upper limits are (6 − 0.025/0.3771)/6 = 0.98895 and (6 − 0.001/0.3771)/6 = 0.99956: a
    # share of 1.0 is drawn just over both curves, and is still within; position() uses the tail probability.)
    assert float(binom.sf(5, 6, 0.85)) == pytest.approx(0.377149515625)
    assert position(6, 6, 0.85) is Position.WITHIN


@pytest.mark.parametrize(("n", "p0"), [(5, 0.5), (6, 0.85), (20, 0.85), (87, 0.9), (1000, 0.85)])
def test_above_means_the_upper_tail_probability_is_beyond_the_level(n, p0):
    # Mirror of the lower tail (which holds: below means F(k) < tail): above the `level` funnel means
    # P(X ≥ k) ≤ its tail. 5 of 5 at 0.5 (P = 1/32) and 20 of 20 at 0.85 (P = 0.0388) are not above 99.8 %.
    for k in range(n + 1):
        upper = float(binom.sf(k - 1, n, p0))
        expected_above = Position.ABOVE_998 if upper <= 0.001 else Position.ABOVE_95 if upper <= 0.025 else None
        got = position(k, n, p0)
        assert (got if got in (Position.ABOVE_998, Position.ABOVE_95) else None) is expected_above, k


@pytest.mark.parametrize(("n", "p0"), [(5, 0.5), (6, 0.85), (20, 0.85), (87, 0.9), (1000, 0.85)])
def test_below_means_the_lower_tail_probability_is_beyond_the_level(n, p0):
    for k in range(n + 1):
        lower = float(binom.cdf(k, n, p0))
        expected_below = Position.BELOW_998 if lower < 0.001 else Position.BELOW_95 if lower < 0.025 else None
        got = position(k, n, p0)
        assert (got if got in (Position.BELOW_998, Position.BELOW_95) else None) is expected_below, k
