"""Ranks with their uncertainty: "plats 12 (8–31) av 87" instead of a bare "plats 12".

A league table of small samples misleads: a unit with 6 answers at 100 % tops it with no business being there.
Each municipality's true share is drawn many times from its sampling distribution, the municipalities are
ranked in every draw, and the middle 95 % of the ranks a municipality gets is its interval.

The draws come from the Jeffreys posterior Beta(positive + ½, negative + ½) rather than from Binomial(n, p̂):
the binomial resample of "6 of 6" is always 100 %, which would give the smallest municipality the narrowest
interval of all. The generator is seeded from a fixed number and the municipalities are taken in key order, so
the same data always give the same intervals, whoever asks and in whatever order the rows came.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from scipy.stats import rankdata

from analysis.shares import Counts

K = TypeVar("K", bound=Hashable)

DRAWS = 4000
SEED = 20_171_116
"""Any fixed number; fixed so that a report printed twice shows the same intervals."""
LEVEL = 0.95


@dataclass(frozen=True, slots=True)
class Rank:
    """Place 1 is the highest share. Tied shares share the best place among them (1, 2, 2, 4)."""

    rank: int
    low: int
    high: int
    of: int


def point_ranks(shares: Mapping[K, float]) -> dict[K, int]:
    """Competition ranks of the observed shares, highest first."""
    keys = list(shares)
    ranks = rankdata([-shares[k] for k in keys], method="min")
    return {key: int(r) for key, r in zip(keys, ranks, strict=True)}


def rank_intervals(
    counts: Mapping[K, Counts], *, draws: int = DRAWS, seed: int = SEED, level: float = LEVEL
) -> dict[K, Rank]:
    """Each municipality's observed rank and the `level` interval of its rank under resampling.

    Every municipality in `counts` must be one that is shown (at least the threshold of valid answers). The
    interval is widened to take in the observed rank should the simulation miss it (it can, for a share far
    from its posterior mode), so that the printed rank always lies inside its printed interval.
    """
    if draws < 1 or not 0 < level < 1:
        raise ValueError(f"draws must be at least 1 and level in (0, 1), got {draws} and {level}")
    keys = sorted(counts, key=str)
    if not keys:
        return {}
    for key in keys:
        if counts[key].valid == 0:
            raise ValueError(f"{key!r} has no valid answers to rank")
    observed = point_ranks({k: counts[k].positive / counts[k].valid for k in keys})
    positive = np.array([counts[k].positive for k in keys], dtype=float)
    negative = np.array([counts[k].negative for k in keys], dtype=float)
    generator = np.random.default_rng(seed)
    simulated = generator.beta(positive + 0.5, negative + 0.5, size=(draws, len(keys)))
    ranks = rankdata(-simulated, method="min", axis=1)
    tail = (1 - level) / 2
    low = np.quantile(ranks, tail, axis=0, method="inverted_cdf")
    high = np.quantile(ranks, 1 - tail, axis=0, method="inverted_cdf")
    return {
        key: Rank(
            rank=observed[key],
            low=min(int(low[i]), observed[key]),
            high=max(int(high[i]), observed[key]),
            of=len(keys),
        )
        for i, key in enumerate(keys)
    }
