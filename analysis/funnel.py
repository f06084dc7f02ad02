"""Funnel plots: each municipality's share against its number of answers, inside control limits around the
national share that narrow as n grows (Spiegelhalter 2005, "Funnel plots for comparing institutional
performance", Statistics in Medicine 24:1185–1202).

The limits come from the exact binomial distribution for each n, not from a normal approximation, which is
wrong exactly where funnel plots matter: small municipalities, and shares near 90 %. The binomial is discrete,
so Spiegelhalter interpolates between the counts on either side of the wanted tail probability; the limit is
then a smooth curve in n, and a point on it is exactly at the wanted level.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from scipy.stats import binom

LEVELS = (0.95, 0.998)
"""Spiegelhalter's two funnels: about 2 and 3 standard deviations ("warning" and "alarm")."""


def binomial_limit(p0: float, n: int, probability: float) -> float:
    """The share below which `probability` of municipalities with `n` answers fall if their true share is `p0`.

    r is the smallest count with P(X ≤ r) ≥ probability (scipy's binom.ppf); the limit moves down from r/n by
    the part of r's own probability mass that overshoots: (r − α) / n, α = (P(X ≤ r) − p) / P(X = r).
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if not 0 <= p0 <= 1 or not 0 < probability < 1:
        raise ValueError(f"p0 must be in [0, 1] and probability in (0, 1), got {p0} and {probability}")
    r = float(binom.ppf(probability, n, p0))
    below = float(binom.cdf(r - 1, n, p0)) if r > 0 else 0.0
    at_or_below = float(binom.cdf(r, n, p0))
    mass = at_or_below - below
    alpha = (at_or_below - probability) / mass if mass > 0 else 0.0
    return min(max((r - alpha) / n, 0.0), 1.0)


@dataclass(frozen=True, slots=True)
class Limits:
    """A funnel's lower and upper limit at one level, for each n in `n`."""

    level: float
    n: tuple[int, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]


def funnel_limits(p0: float, ns: Iterable[int], level: float) -> Limits:
    """Both limits of the `level` funnel (e.g. 0.95) around `p0` at each n."""
    tail = (1 - level) / 2
    ns = tuple(int(n) for n in ns)
    return Limits(
        level=level,
        n=ns,
        low=tuple(binomial_limit(p0, n, tail) for n in ns),
        high=tuple(binomial_limit(p0, n, 1 - tail) for n in ns),
    )


def curve_points(largest: int, *, count: int = 120) -> tuple[int, ...]:
    """The n at which to draw the funnel from 1 to `largest`: dense where it bends (small n), sparse after."""
    grid = np.unique(np.round(np.geomspace(1, max(largest, 2), count)).astype(int))
    return tuple(int(n) for n in grid)


class Position(StrEnum):
    """Where a municipality's share lies in the funnel; ASCII keys, the reports word them."""

    ABOVE_998 = "above_998"
    ABOVE_95 = "above_95"
    WITHIN = "within"
    BELOW_95 = "below_95"
    BELOW_998 = "below_998"


def position(positive: int, valid: int, p0: float) -> Position:
    """The funnel position of `positive` out of `valid` against the national share `p0`.

    Decided from the exact tail probabilities, not from the drawn curve: above a level when P(X ≥ positive) is
    at most its tail, below when P(X ≤ positive) is under it. The curve interpolates between the counts that can
    occur, so with few answers a point may sit just over it and still be within: 6 of 6 against 85 % happens
    by chance 38 times in 100 (0.85⁶), whatever the curve at n = 6 looks like.
    """
    if not 0 <= positive <= valid or valid < 1:
        raise ValueError(f"need 0 ≤ positive ≤ valid and valid ≥ 1, got {positive} of {valid}")
    for level, above, below in (
        (0.998, Position.ABOVE_998, Position.BELOW_998),
        (0.95, Position.ABOVE_95, Position.BELOW_95),
    ):
        tail = (1 - level) / 2
        if positive > binom.ppf(1 - tail, valid, p0):
            return above
        if positive < binom.ppf(tail, valid, p0):
            return below
    return Position.WITHIN
