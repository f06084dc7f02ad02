"""Comparisons a nämnd asks for: this municipality against rikssnitt, and this year against last year."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from scipy.stats import binomtest, fisher_exact

from analysis.shares import Share, round_half_up

SIGNIFICANCE = 0.05


class Verdict(StrEnum):
    """Plain-language outcome of a test, as a report writes it."""

    HIGHER = "högre"
    LOWER = "lägre"
    NO_CLEAR_DIFFERENCE = "ingen säker skillnad"


@dataclass(frozen=True, slots=True)
class Comparison:
    """A shown share against a reference share; absent (None) when the share is suppressed."""

    reference: Fraction
    difference_pp: float
    """This share minus the reference, in percentage points."""
    p_value: float
    verdict: Verdict

    @property
    def reference_percent(self) -> int:
        return round_half_up(self.reference * 100)


def _verdict(difference: float, p_value: float, significance: float) -> Verdict:
    if p_value >= significance or difference == 0:
        return Verdict.NO_CLEAR_DIFFERENCE
    return Verdict.HIGHER if difference > 0 else Verdict.LOWER


def against_rikssnitt(share: Share, rikssnitt: Fraction, *, significance: float = SIGNIFICANCE) -> Comparison | None:
    """Exact binomial test of the share's answers against the national proportion (two-sided).

    Rikssnitt is treated as known: it rests on thousands of answers against the municipality's tens.
    """
    if share.suppressed is not None or share.fraction is None:
        return None
    if not 0 <= rikssnitt <= 1:
        raise ValueError(f"rikssnitt must be a proportion from 0 to 1, got {rikssnitt}")
    p_value = float(binomtest(share.positive, share.valid, p=float(rikssnitt)).pvalue)
    difference = float((share.fraction - rikssnitt) * 100)
    return Comparison(rikssnitt, difference, p_value, _verdict(difference, p_value, significance))


@dataclass(frozen=True, slots=True)
class Trend:
    previous: Share
    difference_pp: float
    p_value: float
    """Fisher's exact test on the 2×2 table (positive, not positive) × (this round, previous round)."""
    verdict: Verdict


def trend(current: Share, previous: Share, *, significance: float = SIGNIFICANCE) -> Trend | None:
    """This round against the previous one; None unless both shares are shown."""
    if current.fraction is None or previous.fraction is None:
        return None
    table = [
        [current.positive, current.valid - current.positive],
        [previous.positive, previous.valid - previous.positive],
    ]
    p_value = float(fisher_exact(table).pvalue)
    difference = float((current.fraction - previous.fraction) * 100)
    return Trend(previous, difference, p_value, _verdict(difference, p_value, significance))
