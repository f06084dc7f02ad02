"""Statistics for survey results: counts in, frozen result objects out. Pure: no web, database or plotting."""

from analysis.shares import MIN_VALID, Counts, Share, Suppression, positive_share, round_half_up
from analysis.suppression import protect, recoverable
from analysis.tables import OTHER, TOTAL, AreaTable, area_table

__all__ = [
    "MIN_VALID",
    "OTHER",
    "TOTAL",
    "AreaTable",
    "Counts",
    "Share",
    "Suppression",
    "area_table",
    "positive_share",
    "protect",
    "recoverable",
    "round_half_up",
]
