"""One question in one area across every municipality: who is shown, the national and group values, each
shown municipality's position in the funnel and its rank with an interval.

What is shown is decided before this: each municipality's share arrives as its own report shows it (its table
protected with units and kön). Here every total is a sum of *shown* shares only, so no national or group figure,
subtracted from the shown ones, can give away a municipality that is "för få svar". A hidden share leaves this
module with its counts wiped, so nothing downstream can print them by mistake.

Two group values, each to be labelled: pooled (Σ positive / Σ valid, the way rikssnitt is computed) and the
unweighted mean of the members' shares (the way Kolada computes its group averages). They differ whenever the
members differ in size, and a reader who takes one for the other draws the wrong conclusion.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from fractions import Fraction

from analysis.funnel import Position, position
from analysis.ranks import Rank, rank_intervals
from analysis.shares import MIN_VALID, ZERO, Share, Suppression, positive_share


@dataclass(frozen=True, slots=True)
class Entry:
    key: str
    share: Share
    """Shown, or suppressed with zero counts (the real ones are not carried past this point)."""
    rank: Rank | None
    position: Position | None
    """Against the reference share; None when hidden or when there is no reference."""
    in_group: bool


@dataclass(frozen=True, slots=True)
class GroupValue:
    pooled: Share
    """Σ positive / Σ valid over the members that are shown; suppressed when none is."""
    mean: Fraction | None
    """The unweighted mean of the shown members' shares (Kolada's way); None when none is shown."""
    shown: int
    members: int
    """Members with any figure at all in this view (shown or "för få svar")."""


@dataclass(frozen=True, slots=True)
class NationalView:
    entries: tuple[Entry, ...]
    """Every municipality given, in key order."""
    national: Share
    """All shown municipalities pooled."""
    reference: Fraction | None
    """The share the funnel is centred on: the published rikssnitt when given, else `national`."""
    group: GroupValue | None

    @property
    def shown(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.share.suppressed is None)

    @property
    def too_few(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.share.suppressed is not None)


def _checked(share: Share, min_valid: int) -> Share:
    """The share as this view may show it: with its interval, or hidden and emptied."""
    if share.suppressed is None and share.valid >= min_valid:
        return share if share.ci_low is not None else positive_share(share.counts, min_valid=min_valid)
    return Share(ZERO, share.suppressed or Suppression.TOO_FEW_ANSWERS, None, None)


def pooled(shares: Collection[Share], *, min_valid: int = MIN_VALID) -> Share:
    """The shown shares pooled (Σ positive / Σ valid); hidden ones are left out, not added in."""
    total = ZERO
    for share in shares:
        if share.suppressed is None:
            total = total + share.counts
    return positive_share(total, min_valid=min_valid)


def unweighted_mean(shares: Collection[Share]) -> Fraction | None:
    fractions = [s.fraction for s in shares if s.fraction is not None]
    return sum(fractions, Fraction(0)) / len(fractions) if fractions else None


def national_view(
    shares: Mapping[str, Share],
    *,
    reference: Fraction | None = None,
    group: Collection[str] | None = None,
    min_valid: int = MIN_VALID,
    seed: int | None = None,
) -> NationalView:
    """The comparison of one question and area. A share below `min_valid` valid answers is hidden here too,
    whatever it arrived as (published figures come with their own, possibly lower, thresholds)."""
    checked = {key: _checked(share, min_valid) for key, share in shares.items()}
    national = pooled(list(checked.values()), min_valid=min_valid)
    centre = reference if reference is not None else national.fraction
    shown = {key: share.counts for key, share in checked.items() if share.suppressed is None}
    ranks = rank_intervals(shown) if seed is None else rank_intervals(shown, seed=seed)
    members = set(group or ())
    entries = tuple(
        Entry(
            key=key,
            share=share,
            rank=ranks.get(key),
            position=(
                position(share.positive, share.valid, float(centre))
                if share.suppressed is None and centre is not None
                else None
            ),
            in_group=key in members,
        )
        for key, share in sorted(checked.items())
    )
    group_value = None
    if group is not None:
        in_view = [checked[key] for key in sorted(members) if key in checked]
        group_value = GroupValue(
            pooled=pooled(in_view, min_valid=min_valid),
            mean=unweighted_mean(in_view),
            shown=sum(1 for s in in_view if s.suppressed is None),
            members=len(in_view),
        )
    return NationalView(entries=entries, national=national, reference=centre, group=group_value)
