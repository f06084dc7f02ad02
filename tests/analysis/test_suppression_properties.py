"""Property tests (hypothesis): whatever the counts, nothing under five is shown and nothing hidden can be
recovered by subtracting shown figures from a shown total."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import MIN_VALID, OTHER, TOTAL, Counts, area_table, recoverable
from analysis.tables import table_lines

AREAS = ["a", "b", "c"]
GROUPS = ["kvinna", "man"]
KON = [*GROUPS, "annat"]

small = st.integers(min_value=0, max_value=9)
cell = st.builds(Counts, positive=small, negative=small, excluded=st.integers(min_value=0, max_value=2))
counts_strategy = st.dictionaries(
    keys=st.tuples(st.sampled_from(AREAS), st.sampled_from(["q1", "q2"]), st.sampled_from(KON)),
    values=cell,
    max_size=18,
)


def _respondents(counts):
    """Respondents per area: at least everyone who answered (more when some skipped the question)."""
    per_area = {}
    for (area, *_), c in counts.items():
        per_area[area] = per_area.get(area, 0) + c.valid + c.excluded
    return per_area


@settings(max_examples=300, deadline=None)
@given(counts=counts_strategy, extra=st.integers(min_value=0, max_value=3))
def test_no_shown_share_rests_on_fewer_than_five_answers(counts, extra):
    respondents = {a: n + extra for a, n in _respondents(counts).items()}
    table = area_table(counts, respondents, areas=AREAS, questions=["q1", "q2"], groups=GROUPS)
    for key, share in table.shares.items():
        if share.suppressed is None:
            assert share.valid >= MIN_VALID, key
            assert key[0] == TOTAL or respondents.get(key[0], 0) >= MIN_VALID, key


@settings(max_examples=300, deadline=None)
@given(counts=counts_strategy)
def test_no_hidden_share_can_be_recovered_by_subtraction(counts):
    respondents = _respondents(counts)
    table = area_table(counts, respondents, areas=AREAS, questions=["q1", "q2"], groups=GROUPS)
    included = [a for a in AREAS if a not in table.excluded_areas]
    lines = table_lines(included, ["q1", "q2"], [GROUPS])
    assert recoverable(table.shares, lines) == []
    # And the lines cover what a reader can add up: every shown kön figure and its area.
    for question in ["q1", "q2"]:
        for area in [*included, TOTAL]:
            assert ((area, question, None), [(area, question, g) for g in [*GROUPS, OTHER]]) in lines


UNITS = ["hvb_a", "hvb_b"]
two_way = st.dictionaries(
    keys=st.tuples(st.sampled_from(AREAS), st.just("q1"), st.sampled_from([*UNITS, ""]), st.sampled_from(KON)),
    values=cell,
    max_size=20,
)


@settings(max_examples=200, deadline=None)
@given(counts=two_way)
def test_units_and_kon_together_give_nothing_away(counts):
    """Unit × kön within each area, and areas within IFO-totalt: every additive line stays safe."""
    respondents = _respondents(counts)
    table = area_table(counts, respondents, areas=AREAS, questions=["q1"], dimensions=[UNITS, GROUPS])
    included = [a for a in AREAS if a not in table.excluded_areas]
    assert recoverable(table.shares, table_lines(included, ["q1"], [UNITS, GROUPS])) == []
    for share in table.shares.values():
        assert share.suppressed is not None or share.valid >= MIN_VALID
