"""Rank intervals: seeded, order-independent, wide where the data are thin, and always around the printed rank."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import beta

from analysis import Counts
from analysis.ranks import SEED, Rank, point_ranks, rank_intervals

# Fifteen large municipalities of 2 000 answers each, from 78 % to 92 % in steps of one point, and one with
# six answers, all positive.
LARGE = {f"k{i:02d}": Counts(1560 + 20 * i, 440 - 20 * i) for i in range(15)}
WITH_SMALL = {**LARGE, "small": Counts(6, 0)}


def test_tied_shares_share_the_best_place():
    assert point_ranks({"a": 0.9, "b": 0.8, "c": 0.8, "d": 0.7}) == {"a": 1, "b": 2, "c": 2, "d": 4}


def test_tied_counts_rank_alike_and_of_is_the_number_ranked():
    # 8/10 and 16/20 are the same share: both second, and the next place is 4 (competition ranks 1, 2, 2, 4).
    ranks = rank_intervals({"a": Counts(9, 1), "b": Counts(8, 2), "c": Counts(16, 4), "d": Counts(7, 3)})
    assert {key: r.rank for key, r in ranks.items()} == {"a": 1, "b": 2, "c": 2, "d": 4}
    assert {r.of for r in ranks.values()} == {4}


def test_the_same_data_give_the_same_intervals_in_any_order():
    first = rank_intervals(WITH_SMALL)
    assert rank_intervals(WITH_SMALL) == first
    assert rank_intervals(dict(reversed(list(WITH_SMALL.items())))) == first
    assert rank_intervals(WITH_SMALL, seed=SEED) == first


def test_another_seed_may_give_other_intervals():
    # The middle municipality (85 %) sits among neighbours one point away, where the 2.5 % quantile of its
    # simulated ranks moves with the draws.
    assert rank_intervals(WITH_SMALL, seed=1) != rank_intervals(WITH_SMALL)
    assert rank_intervals(WITH_SMALL, seed=1)["k07"] != rank_intervals(WITH_SMALL)["k07"]


def test_six_of_six_tops_the_table_with_an_interval_down_to_its_bottom():
    # The Jeffreys posterior of 6 of 6 is Beta(6.5, 0.5): 7.8 % of it lies below 78 %, the lowest large share,
    # so well over 2.5 % of the draws put "small" last of 16. A large municipality's posterior has a standard
    # deviation of √(0.85 · 0.15 / 2000) = 0.8 points, under a step of the table: its interval spans a few places.
    assert float(beta.cdf(0.78, 6.5, 0.5)) == pytest.approx(0.0778, abs=1e-4)
    ranks = rank_intervals(WITH_SMALL)
    assert ranks["small"] == Rank(rank=1, low=1, high=16, of=16)
    for key in LARGE:
        assert ranks[key].high - ranks[key].low <= 4, key
    assert ranks["k14"].rank == 2
    assert ranks["k14"].high <= 3


def test_the_interval_of_a_lone_municipality_is_its_place():
    assert rank_intervals({"a": Counts(5, 5)}) == {"a": Rank(rank=1, low=1, high=1, of=1)}
    assert rank_intervals({}) == {}


def test_bad_input_is_refused_with_the_value():
    with pytest.raises(ValueError, match="'a' has no valid answers to rank"):
        rank_intervals({"a": Counts(0, 0, excluded=3), "b": Counts(5, 0)})
    with pytest.raises(ValueError, match=r"got 0 and 0\.95"):
        rank_intervals({"a": Counts(5, 0)}, draws=0)


shown_counts = st.integers(min_value=5, max_value=300).flatmap(
    lambda valid: st.integers(min_value=0, max_value=valid).map(lambda positive: Counts(positive, valid - positive))
)


@settings(max_examples=100, deadline=None)
@given(
    counts=st.dictionaries(keys=st.text("abcdefgh", min_size=1, max_size=2), values=shown_counts, max_size=25),
    draws=st.sampled_from([1, 50, 4000]),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_the_interval_always_contains_the_printed_rank(counts, draws, seed):
    ranks = rank_intervals(counts, draws=draws, seed=seed)
    assert set(ranks) == set(counts)
    observed = point_ranks({key: c.positive / c.valid for key, c in counts.items()})
    for key, r in ranks.items():
        assert r.rank == observed[key]
        assert 1 <= r.low <= r.rank <= r.high <= r.of == len(counts), key
