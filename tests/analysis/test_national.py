"""One question × area across municipalities: what is hidden stays hidden, totals are sums of shown shares only,
and the two group values (pooled and unweighted mean) are each what they say."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest

from analysis import MIN_VALID, Counts, Share, Suppression, positive_share
from analysis.funnel import Position, position
from analysis.national import national_view
from analysis.ranks import SEED, Rank, rank_intervals
from analysis.shares import ZERO


def _shares():
    # a and b are the group's shown members, c is a member with three answers ("för få svar"), d is large and
    # outside the group, e arrives hidden by secondary suppression with real counts on it.
    return {
        "a": positive_share(Counts(90, 10, excluded=4)),
        "b": positive_share(Counts(5, 5)),
        "c": positive_share(Counts(3, 0)),
        "d": positive_share(Counts(400, 100, excluded=20)),
        "e": positive_share(Counts(40, 10)).suppress(Suppression.COMPLEMENT),
    }


def test_group_pooled_and_unweighted_mean_differ_and_leave_the_hidden_member_out():
    view = national_view(_shares(), group={"a", "b", "c"})
    group = view.group
    # Pooled: (90 + 5) / (100 + 10) = 95 / 110 = 86.4 % → 86. Mean: (90 % + 50 %) / 2 = 70 %. c (3 of 3) is in
    # neither: with it the pooled value would be 98 / 113 = 86.7 % and the mean 80 %.
    assert group.pooled.counts == Counts(95, 15, excluded=4)
    assert group.pooled.fraction == Fraction(95, 110)
    assert group.pooled.percent == 86
    assert group.mean == Fraction(7, 10)
    assert (group.shown, group.members) == (2, 3)
    assert [e.key for e in view.entries if e.in_group] == ["a", "b", "c"]


def test_the_national_share_is_the_sum_of_the_shown_shares_only():
    view = national_view(_shares())
    # a + b + d = (90 + 5 + 400) / (100 + 10 + 500) = 495 / 610; c (3 answers) and e (hidden by complement, though
    # it has 50) add nothing, so the national total less the shown ones is zero, never a hidden figure.
    assert view.national.counts == Counts(495, 115, excluded=24)
    assert view.national.fraction == Fraction(495, 610)
    assert view.national.suppressed is None
    assert view.reference == Fraction(495, 610)
    assert [e.key for e in view.shown] == ["a", "b", "d"]
    assert [e.key for e in view.too_few] == ["c", "e"]


def test_hidden_entries_carry_no_counts_and_keep_their_reason():
    entries = {e.key: e for e in national_view(_shares()).entries}
    assert entries["c"].share == Share(ZERO, Suppression.TOO_FEW_ANSWERS, None, None)
    assert entries["e"].share == Share(ZERO, Suppression.COMPLEMENT, None, None)
    for key in "ce":
        assert (entries[key].rank, entries[key].position) == (None, None)
        assert entries[key].share.fraction is None


def test_entries_come_in_key_order_and_shown_ones_unchanged():
    shares = _shares()
    view = national_view(dict(reversed(list(shares.items()))))
    assert [e.key for e in view.entries] == ["a", "b", "c", "d", "e"]
    for entry in view.shown:
        assert entry.share == shares[entry.key]


def test_a_share_shown_under_a_lower_threshold_is_hidden_here():
    # Published with its own threshold of 3: four valid answers, shown there. Here the threshold is five.
    published = positive_share(Counts(3, 1), min_valid=3)
    assert published.suppressed is None
    view = national_view({"x": published, "y": positive_share(Counts(8, 2))})
    x = view.entries[0]
    assert x.share == Share(ZERO, Suppression.TOO_FEW_ANSWERS, None, None)
    assert view.national.counts == Counts(8, 2)
    # And a raised threshold hides a share that five would show.
    raised = national_view({"x": published, "y": positive_share(Counts(8, 2))}, min_valid=11)
    assert raised.shown == ()
    assert raised.national.suppressed is Suppression.TOO_FEW_ANSWERS
    assert raised.national.counts == ZERO


def test_a_shown_share_without_an_interval_gets_the_wilson_interval():
    view = national_view({"x": Share(Counts(17, 3), None, None, None)})
    reference = binomtest(17, 20).proportion_ci(confidence_level=0.95, method="wilson")
    assert (view.entries[0].share.ci_low, view.entries[0].share.ci_high) == (reference.low, reference.high)


def test_positions_are_against_the_reference_when_given():
    # Rikssnitt given as 50 %: 90 of 100 and 400 of 500 are far above (z = 8 and 13), 5 of 10 is on it.
    view = national_view(_shares(), reference=Fraction(1, 2))
    assert view.reference == Fraction(1, 2)
    positions = {e.key: e.position for e in view.entries}
    assert positions == {
        "a": Position.ABOVE_998,
        "b": Position.WITHIN,
        "c": None,
        "d": Position.ABOVE_998,
        "e": None,
    }


def test_positions_are_against_the_pooled_national_share_otherwise():
    # p0 = 495 / 610 = 81.1 %. 90 of 100: P(X ≥ 90) = 1.2 % < 2.5 %, above the 95 % funnel but not the 99.8 % one.
    # 5 of 10: P(X ≤ 5) = 2.6 %, just inside. 400 of 500 = 80 %, close to p0.
    view = national_view(_shares())
    positions = {e.key: e.position for e in view.shown}
    assert positions == {"a": Position.ABOVE_95, "b": Position.WITHIN, "d": Position.WITHIN}
    p0 = float(Fraction(495, 610))
    for entry in view.shown:
        assert entry.position is position(entry.share.positive, entry.share.valid, p0)


def test_without_a_group_there_is_no_group_value():
    view = national_view(_shares(), group=None)
    assert view.group is None
    assert not any(e.in_group for e in view.entries)


def test_group_members_outside_the_view_are_not_counted():
    view = national_view(_shares(), group={"a", "z"})
    assert (view.group.shown, view.group.members) == (1, 1)
    assert view.group.pooled.counts == Counts(90, 10, excluded=4)
    assert view.group.mean == Fraction(9, 10)


def test_a_group_with_nobody_shown_has_no_values():
    view = national_view(_shares(), group={"c", "e"})
    assert view.group.pooled.suppressed is Suppression.TOO_FEW_ANSWERS
    assert view.group.pooled.counts == ZERO
    assert view.group.mean is None
    assert (view.group.shown, view.group.members) == (0, 2)


def test_with_nothing_shown_there_is_no_national_share_and_no_positions():
    view = national_view({"c": positive_share(Counts(3, 0)), "e": _shares()["e"]})
    assert view.national.fraction is None
    assert view.reference is None
    assert all(e.rank is None and e.position is None for e in view.entries)


def test_ranks_are_among_the_shown_only():
    view = national_view(_shares())
    ranks = {e.key: e.rank for e in view.shown}
    # a 90 %, d 80 %, b 50 %: three places among the three shown; c and e are not in the table.
    assert {key: r.rank for key, r in ranks.items()} == {"a": 1, "d": 2, "b": 3}
    assert {r.of for r in ranks.values()} == {3}
    shown_counts = {e.key: e.share.counts for e in view.shown}
    assert ranks == rank_intervals(shown_counts)
    assert national_view(_shares(), seed=SEED) == view
    assert national_view(_shares(), seed=7).entries[0].rank == rank_intervals(shown_counts, seed=7)["a"]
    assert isinstance(view.entries[0].rank, Rank)


@pytest.mark.parametrize("min_valid", [MIN_VALID, 10])
def test_the_threshold_is_the_one_given(min_valid):
    shares = {key: positive_share(Counts(valid, 0), min_valid=1) for key, valid in (("x", 4), ("y", 5), ("z", 10))}
    shown = [e.key for e in national_view(shares, min_valid=min_valid).shown]
    assert shown == (["y", "z"] if min_valid == MIN_VALID else ["z"])


KEYS = [f"k{i}" for i in range(12)]


@st.composite
def arriving_share(draw):
    """A share as a municipality's own report may hand it over: shown under its own (maybe lower) threshold,
    hidden for too few answers, hidden by secondary suppression with real counts, or shown without interval."""
    valid = draw(st.one_of(st.integers(min_value=0, max_value=4), st.integers(min_value=5, max_value=200)))
    positive = draw(st.integers(min_value=0, max_value=valid))
    counts = Counts(positive, valid - positive, draw(st.integers(min_value=0, max_value=3)))
    form = draw(st.sampled_from(["published", "lower_threshold", "complement", "no_interval"]))
    if form == "published":
        return positive_share(counts)
    if form == "lower_threshold":
        return positive_share(counts, min_valid=1) if valid else positive_share(counts)
    if form == "complement":
        return Share(counts, Suppression.COMPLEMENT, None, None)
    return Share(counts, None, None, None)


@settings(max_examples=100, deadline=None)
@given(
    shares=st.dictionaries(keys=st.sampled_from(KEYS), values=arriving_share(), max_size=len(KEYS)),
    group=st.none() | st.sets(st.sampled_from([*KEYS, "absent"])),
    reference=st.none() | st.fractions(min_value=0, max_value=1, max_denominator=1000),
    min_valid=st.sampled_from([MIN_VALID, 10]),
)
def test_no_output_rests_on_fewer_answers_than_the_threshold(shares, group, reference, min_valid):
    view = national_view(shares, group=group, reference=reference, min_valid=min_valid)
    assert [e.key for e in view.entries] == sorted(shares)
    shown = [e for e in view.entries if e.share.suppressed is None]
    for entry in view.entries:
        arrived = shares[entry.key]
        if entry.share.suppressed is None:
            # Shown: only what arrived shown with enough answers, counts as they came, with an interval.
            assert arrived.suppressed is None
            assert entry.share.valid >= min_valid
            assert entry.share.counts == arrived.counts
            assert entry.share.ci_low is not None
            assert entry.share.ci_high is not None
            assert entry.rank is not None
            assert (entry.position is None) == (view.reference is None)
        else:
            # Hidden: nothing left to print, not even n.
            assert arrived.suppressed is not None or arrived.valid < min_valid
            assert (entry.share.positive, entry.share.valid, entry.share.excluded) == (0, 0, 0)
            assert (entry.share.ci_low, entry.share.ci_high, entry.share.fraction) == (None, None, None)
            assert entry.rank is None
            assert entry.position is None
    # Totals are sums over the shown entries, so total − shown is always zero: no hidden count can be recovered.
    shown_total = sum((e.share.counts for e in shown), ZERO)
    assert view.national.counts == shown_total
    assert (view.national.suppressed is None) == bool(shown)
    if view.national.suppressed is None:
        assert view.national.valid >= min_valid
    # Ranks exactly for the shown entries, out of the number shown.
    assert {e.rank.of for e in shown} <= {len(shown)}
    for entry in shown:
        assert 1 <= entry.rank.low <= entry.rank.rank <= entry.rank.high <= len(shown)
    assert view.reference == (reference if reference is not None else view.national.fraction)
    if group is None:
        assert view.group is None
    else:
        members = [e for e in view.entries if e.key in group]
        shown_members = [e for e in members if e.share.suppressed is None]
        assert [e.in_group for e in view.entries] == [e.key in group for e in view.entries]
        assert view.group.pooled.counts == sum((e.share.counts for e in shown_members), ZERO)
        assert (view.group.pooled.suppressed is None) == bool(shown_members)
        assert (view.group.shown, view.group.members) == (len(shown_members), len(members))
        fractions = [e.share.fraction for e in shown_members]
        assert view.group.mean == (sum(fractions, Fraction(0)) / len(fractions) if fractions else None)
