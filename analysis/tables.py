"""Result tables: positive shares per area (and IFO-totalt), optionally by kön, with every suppression rule
applied once, here, so that every format that shows them shows the same."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from analysis.shares import MIN_VALID, ZERO, Counts, Share, Suppression, positive_share
from analysis.suppression import Line, protect

TOTAL = "total"
"""The key of IFO-totalt: all included areas pooled (Σ positive / Σ valid, never a mean of area shares)."""

OTHER = "ovrigt"
"""The kön group of everyone not in a reported group (annat, vill inte svara, unanswered): never shown, but a
part of the total, so that total − kvinna − man cannot give it away."""


@dataclass(frozen=True, slots=True)
class AreaTable:
    """Shares keyed by (area or TOTAL, question) and, when broken down, (area or TOTAL, question, group)."""

    areas: tuple[str, ...]
    questions: tuple[str, ...]
    respondents: Mapping[str, int]
    excluded_areas: frozenset[str]
    shares: Mapping[tuple[str, ...], Share]
    groups: tuple[str, ...] = ()

    def get(self, area: str, question: str, group: str | None = None) -> Share:
        return self.shares[(area, question) if group is None else (area, question, group)]


def area_table(
    counts: Mapping[tuple[str, ...], Counts],
    respondents: Mapping[str, int],
    *,
    areas: Sequence[str],
    questions: Sequence[str],
    groups: Sequence[str] = (),
    min_valid: int = MIN_VALID,
) -> AreaTable:
    """Build the table from counts keyed (area, question) or, with `groups`, (area, question, group).

    SKR's inclusion rule comes first: an area with fewer than `min_valid` respondents in the round is left
    out of every figure, IFO-totalt included ("minst fem ifyllda enkäter per område"). Then each share with
    fewer than `min_valid` valid answers is hidden, then whatever would give a hidden one away.
    """
    included = [a for a in areas if respondents.get(a, 0) >= min_valid]
    group_keys: list[str | None] = [None, *groups, OTHER] if groups else [None]
    totals: dict[tuple[str, ...], Counts] = {}
    shares: dict[tuple[str, ...], Share] = {}
    for question in questions:
        for group in group_keys:
            for area in areas:
                key = _key(area, question, group)
                cell = _cell_counts(counts, area, question, group, groups)
                if area in included:
                    shares[key] = positive_share(cell, min_valid=min_valid)
                    total_key = _key(TOTAL, question, group)
                    totals[total_key] = totals.get(total_key, ZERO) + cell
                else:
                    shares[key] = Share(cell, Suppression.AREA_EXCLUDED, None, None)
            total_key = _key(TOTAL, question, group)
            shares[total_key] = positive_share(totals.get(total_key, ZERO), min_valid=min_valid)
    lines = _lines(included, questions, groups)
    return AreaTable(
        areas=tuple(areas),
        questions=tuple(questions),
        respondents=dict(respondents),
        excluded_areas=frozenset(areas) - frozenset(included),
        shares=protect(shares, lines),
        groups=tuple(groups),
    )


def _key(area: str, question: str, group: str | None) -> tuple[str, ...]:
    return (area, question) if group is None else (area, question, group)


def _cell_counts(
    counts: Mapping[tuple[str, ...], Counts], area: str, question: str, group: str | None, groups: Sequence[str]
) -> Counts:
    """Counts of one cell; without a group the sum over every group (the area as a whole)."""
    if not groups:
        return counts.get((area, question), ZERO)
    if group is None:
        return sum((c for k, c in counts.items() if k[:2] == (area, question)), ZERO)
    if group == OTHER:
        return sum((c for k, c in counts.items() if k[:2] == (area, question) and k[2] not in groups), ZERO)
    return counts.get((area, question, group), ZERO)


def _lines(included: Sequence[str], questions: Sequence[str], groups: Sequence[str]) -> list[Line[tuple[str, ...]]]:
    """Every additive relation the table shows: areas add up to the total, groups add up to their area."""
    parts_of_group = [*groups, OTHER] if groups else []
    group_keys: list[str | None] = [None, *parts_of_group]
    lines: list[Line[tuple[str, ...]]] = []
    for question in questions:
        # Each area's kön line first: protecting the finest level first hides fewer cells than starting
        # from the totals (measured on the hand-counted tables in tests/survey/test_results.py).
        if parts_of_group:
            for area in [*included, TOTAL]:
                lines.append(((area, question), [(area, question, g) for g in parts_of_group]))
        for group in group_keys:
            lines.append((_key(TOTAL, question, group), [_key(a, question, group) for a in included]))
    return lines
