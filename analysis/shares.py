"""Andel positiva svar: positive answers over valid answers, with its Wilson interval and suppression.

"Valid" answers are the positive and negative ones; options with role `excluded` ("Vet inte", "Har inte fått
någon hjälp") and unanswered questions count nowhere (SKR's method for the IFO survey).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction
from functools import cache

from scipy.stats import norm

MIN_VALID = 5
"""SKR: a share is shown only when at least five valid answers stand behind it ("för få svar" otherwise)."""

CONFIDENCE = 0.95


class Suppression(StrEnum):
    """Why a figure is not shown; carried on the result so that every format says the same."""

    TOO_FEW_ANSWERS = "too_few_answers"
    """Fewer valid answers than the threshold behind this figure."""
    AREA_EXCLUDED = "area_excluded"
    """The area had fewer respondents than the threshold in this round and is left out of every figure."""
    COMPLEMENT = "complement"
    """Shown, it would let a suppressed figure be computed by subtraction (secondary suppression)."""


@dataclass(frozen=True, slots=True)
class Counts:
    positive: int
    negative: int
    excluded: int = 0

    def __post_init__(self) -> None:
        for name in ("positive", "negative", "excluded"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative, got {getattr(self, name)}")

    @property
    def valid(self) -> int:
        return self.positive + self.negative

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.positive + other.positive, self.negative + other.negative, self.excluded + other.excluded)


ZERO = Counts(0, 0, 0)


@dataclass(frozen=True, slots=True)
class Share:
    """One positive share. When `suppressed`, nothing of it may be shown: not the share, not n."""

    counts: Counts
    suppressed: Suppression | None
    ci_low: float | None
    ci_high: float | None

    @property
    def positive(self) -> int:
        return self.counts.positive

    @property
    def valid(self) -> int:
        return self.counts.valid

    @property
    def excluded(self) -> int:
        return self.counts.excluded

    @property
    def fraction(self) -> Fraction | None:
        """The exact share, kept so that rounding happens once, at the very end."""
        if self.suppressed or self.counts.valid == 0:
            return None
        return Fraction(self.counts.positive, self.counts.valid)

    @property
    def share(self) -> float | None:
        fraction = self.fraction
        return None if fraction is None else float(fraction)

    @property
    def percent(self) -> int | None:
        """Whole percent rounded half up (86.5 → 87), as the published reports round."""
        fraction = self.fraction
        return None if fraction is None else round_half_up(fraction * 100)

    def suppress(self, reason: Suppression) -> Share:
        return replace(self, suppressed=reason, ci_low=None, ci_high=None)


def round_half_up(value: Fraction) -> int:
    """Round half away from zero for non-negative values; Python's round() goes to even (86.5 → 86)."""
    return int((Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def positive_share(counts: Counts, *, min_valid: int = MIN_VALID, confidence: float = CONFIDENCE) -> Share:
    """The share with its Wilson interval, or a suppressed share when fewer than `min_valid` answers."""
    if min_valid < 1:
        raise ValueError(f"min_valid must be at least 1, got {min_valid}")
    if counts.valid < min_valid:
        return Share(counts=counts, suppressed=Suppression.TOO_FEW_ANSWERS, ci_low=None, ci_high=None)
    low, high = wilson_interval(counts.positive, counts.valid, confidence)
    return Share(counts=counts, suppressed=None, ci_low=low, ci_high=high)


@cache
def _z(confidence: float) -> float:
    return float(norm.ppf(1 - (1 - confidence) / 2))


def wilson_interval(positive: int, valid: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson's score interval, in closed form (Wilson 1927), as scipy's binomtest(...).proportion_ci gives it
    with method="wilson", without working out the exact test's p-value first (most of its cost)."""
    z = _z(confidence)
    centre = (positive + z * z / 2) / (valid + z * z)
    half = z / (valid + z * z) * (positive * (valid - positive) / valid + z * z / 4) ** 0.5
    return max(centre - half, 0.0), min(centre + half, 1.0)
