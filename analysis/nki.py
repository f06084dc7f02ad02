"""Nöjd-Kund-Index (SCB): the mean grade rescaled to 0–100, with SCB's bands."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from analysis.shares import MIN_VALID, Counts, Suppression, positive_share, round_half_up
from analysis.suppression import protect
from analysis.tables import TOTAL


class NkiBand(StrEnum):
    NOT_APPROVED = "inte godkänt"
    APPROVED = "godkänt"
    SATISFIED = "nöjd"
    VERY_SATISFIED = "mycket nöjd"


BANDS = ((75, NkiBand.VERY_SATISFIED), (55, NkiBand.SATISFIED), (40, NkiBand.APPROVED))
"""SCB's limits: under 40 not approved, 40 approved, 55 satisfied, 75 very satisfied."""


@dataclass(frozen=True, slots=True)
class Nki:
    value: Fraction
    answers: int
    band: NkiBand

    @property
    def rounded(self) -> int:
        return round_half_up(self.value)


def nki(grades: Mapping[int, int], *, scale_max: int) -> Nki | None:
    """NKI from a count per grade (1 … scale_max): (mean − 1) × 100 / (scale_max − 1).

    On a 1–10 scale that is (mean − 1) × 100 / 9; on a 1–5 scale the grades map to 0/25/50/75/100.
    None when there are no answers.
    """
    if scale_max < 2:
        raise ValueError(f"scale_max must be at least 2, got {scale_max}")
    for grade, count in grades.items():
        if not 1 <= grade <= scale_max or count < 0:
            raise ValueError(f"grade {grade} with count {count} does not fit a 1–{scale_max} scale")
    answers = sum(grades.values())
    if answers == 0:
        return None
    mean = Fraction(sum(grade * count for grade, count in grades.items()), answers)
    value = (mean - 1) * 100 / (scale_max - 1)
    band = next((band for limit, band in BANDS if value >= limit), NkiBand.NOT_APPROVED)
    return Nki(value=value, answers=answers, band=band)


@dataclass(frozen=True, slots=True)
class NkiCell:
    """An NKI for one area (or TOTAL), or the reason it is not shown."""

    nki: Nki | None
    suppressed: Suppression | None


def nki_by_area(
    grades: Mapping[str, Mapping[int, int]],
    *,
    areas: list[str],
    included: list[str],
    scale_max: int,
    min_valid: int = MIN_VALID,
) -> dict[str, NkiCell]:
    """NKI per included area and pooled over them (TOTAL), under the same rules as shares: fewer than
    `min_valid` answers hides a value, and so does being the only hidden area under a shown total (a total
    mean and the other areas' means and counts would give the hidden mean away)."""
    pooled: dict[int, int] = {}
    proxies = {}
    for area in included:
        for grade, count in grades.get(area, {}).items():
            pooled[grade] = pooled.get(grade, 0) + count
        proxies[area] = positive_share(Counts(sum(grades.get(area, {}).values()), 0), min_valid=min_valid)
    proxies[TOTAL] = positive_share(Counts(sum(pooled.values()), 0), min_valid=min_valid)
    protected = protect(proxies, [(TOTAL, included)])
    cells = {area: NkiCell(None, Suppression.AREA_EXCLUDED) for area in areas if area not in included}
    for area, proxy in protected.items():
        values = pooled if area == TOTAL else grades.get(area, {})
        cells[area] = (
            NkiCell(None, proxy.suppressed) if proxy.suppressed else NkiCell(nki(values, scale_max=scale_max), None)
        )
    return cells
