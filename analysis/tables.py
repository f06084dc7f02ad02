"""Result tables: positive shares per area (and IFO-totalt), optionally broken down along dimensions such as kön
or unit, with every suppression rule applied once, here, so that every format that shows them shows the same."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from analysis.shares import MIN_VALID, ZERO, Counts, Share, Suppression, positive_share
from analysis.suppression import Line, protect

TOTAL = "total"
"""The key of IFO-totalt: all included areas pooled (Σ positive / Σ valid, never a mean of area shares)."""

OTHER = "ovrigt"
"""In a breakdown, everyone not in a listed group (kön annat, vill inte svara, unanswered; answers without a
unit): never reported, but a part of the whole, so that whole − the listed groups cannot give it away."""

Key = tuple[str | None, ...]
"""(area, question, group per dimension); a group of None means "everyone" along that dimension."""


@dataclass(frozen=True, slots=True)
class AreaTable:
    areas: tuple[str, ...]
    questions: tuple[str, ...]
    respondents: Mapping[str, int]
    excluded_areas: frozenset[str]
    shares: Mapping[Key, Share]
    dimensions: tuple[tuple[str, ...], ...] = ()

    def get(self, area: str, question: str, *groups: str | None) -> Share:
        """The share of an area (or TOTAL) and question; `groups` picks one group per dimension (None: all)."""
        padded = (*groups, *([None] * (len(self.dimensions) - len(groups))))
        return self.shares[(area, question, *padded)]


def area_table(
    counts: Mapping[tuple[str, ...], Counts],
    respondents: Mapping[str, int],
    *,
    areas: Sequence[str],
    questions: Sequence[str],
    groups: Sequence[str] = (),
    dimensions: Sequence[Sequence[str]] = (),
    min_valid: int = MIN_VALID,
) -> AreaTable:
    """Build the table from counts keyed (area, question, value per dimension).

    SKR's inclusion rule comes first: an area with fewer than `min_valid` respondents in the round is left out
    of every figure, IFO-totalt included ("minst fem ifyllda enkäter per område"). Then each share with fewer
    than `min_valid` valid answers is hidden, then whatever would give a hidden one away by subtraction.
    `groups` is shorthand for one dimension.
    """
    dims = tuple(tuple(d) for d in (dimensions or ([groups] if groups else [])))
    included = [a for a in areas if respondents.get(a, 0) >= min_valid]
    choices = [[None, *d, OTHER] for d in dims]
    by_cell: dict[tuple[str, str], list[tuple[tuple[str, ...], Counts]]] = {}
    for key, cell in counts.items():
        by_cell.setdefault((key[0], key[1]), []).append((key[2:], cell))
    shares: dict[Key, Share] = {}
    for question in questions:
        for combo in itertools.product(*choices):
            total = ZERO
            for area in areas:
                cell = _cell_counts(by_cell.get((area, question), []), combo, dims)
                key = (area, question, *combo)
                if area in included:
                    shares[key] = positive_share(cell, min_valid=min_valid)
                    total = total + cell
                else:
                    shares[key] = Share(cell, Suppression.AREA_EXCLUDED, None, None)
            shares[(TOTAL, question, *combo)] = positive_share(total, min_valid=min_valid)
    return AreaTable(
        areas=tuple(areas),
        questions=tuple(questions),
        respondents=dict(respondents),
        excluded_areas=frozenset(areas) - frozenset(included),
        shares=protect(shares, table_lines(included, questions, dims)),
        dimensions=dims,
    )


def _matches(value: str, wanted: str | None, listed: Sequence[str]) -> bool:
    return wanted is None or (value not in listed if wanted == OTHER else value == wanted)


def _cell_counts(
    cells: Sequence[tuple[tuple[str, ...], Counts]], combo: Sequence[str | None], dims: Sequence[Sequence[str]]
) -> Counts:
    """The sum of one area's and question's counts whose group values match `combo`."""
    total = ZERO
    for values, cell in cells:
        if all(_matches(values[i], wanted, dims[i]) for i, wanted in enumerate(combo)):
            total = total + cell
    return total


def table_lines(included: Sequence[str], questions: Sequence[str], dims: Sequence[Sequence[str]]) -> list[Line[Key]]:
    """Every additive relation the table shows: along each dimension the groups add up to "everyone", and the
    included areas add up to IFO-totalt. Finest lines first: protecting them first hides fewer cells."""
    choices = [[None, *d, OTHER] for d in dims]
    lines: list[Line[Key]] = []
    for question in questions:
        for combo in itertools.product(*choices):
            for i, dim in enumerate(dims):
                if combo[i] is None:
                    for area in [*included, TOTAL]:
                        parts = [(area, question, *combo[:i], g, *combo[i + 1 :]) for g in [*dim, OTHER]]
                        lines.append(((area, question, *combo), parts))
        for combo in itertools.product(*choices):
            lines.append(((TOTAL, question, *combo), [(a, question, *combo) for a in included]))
    return lines
