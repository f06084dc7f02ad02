"""Area tables: SKR's inclusion rule, the pooled IFO-totalt and secondary suppression, against hand counts."""

from __future__ import annotations

from fractions import Fraction

from analysis import TOTAL, Counts, Suppression, area_table

AREAS = ["ungdomar", "vardnadshavare", "missbruk", "ekonomiskt_bistand", "ensamkommande"]

# Hand-made counts for the question "nojd" (positive, negative, excluded):
COUNTS = {
    ("ungdomar", "nojd"): Counts(4, 0, 0),  # 4 respondents: the area is left out entirely
    ("vardnadshavare", "nojd"): Counts(9, 2, 1),
    ("missbruk", "nojd"): Counts(17, 3, 0),
    ("ekonomiskt_bistand", "nojd"): Counts(3, 1, 2),  # 6 respondents, but only 4 valid answers
}
RESPONDENTS = {"ungdomar": 4, "vardnadshavare": 12, "missbruk": 20, "ekonomiskt_bistand": 6}


def test_an_area_with_fewer_than_five_respondents_is_left_out_of_everything():
    table = area_table(COUNTS, RESPONDENTS, areas=AREAS, questions=["nojd"])
    assert table.excluded_areas == {"ungdomar", "ensamkommande"}
    assert table.get("ungdomar", "nojd").suppressed is Suppression.AREA_EXCLUDED
    # IFO-totalt pools the included areas only: (9 + 17 + 3) / (11 + 20 + 4) = 29/35 = 82.9 % → 83 %.
    total = table.get(TOTAL, "nojd")
    assert (total.positive, total.valid, total.fraction, total.percent) == (29, 35, Fraction(29, 35), 83)


def test_a_hidden_area_is_protected_by_hiding_the_smallest_shown_one():
    table = area_table(COUNTS, RESPONDENTS, areas=AREAS, questions=["nojd"])
    assert table.get("ekonomiskt_bistand", "nojd").suppressed is Suppression.TOO_FEW_ANSWERS
    # Total 29/35 minus missbruk 17/20 would otherwise leave vårdnadshavare + ekb; minus vårdnadshavare → ekb.
    assert table.get("vardnadshavare", "nojd").suppressed is Suppression.COMPLEMENT
    assert table.get("missbruk", "nojd").percent == 85  # 17/20


def test_total_is_pooled_not_a_mean_of_area_shares():
    counts = {("a", "q"): Counts(5, 0), ("b", "q"): Counts(10, 10)}
    table = area_table(counts, {"a": 5, "b": 20}, areas=["a", "b"], questions=["q"])
    # Pooled: 15/25 = 60 %; the mean of 100 % and 50 % would be 75 %.
    assert table.get(TOTAL, "q").percent == 60


def test_kon_breakdown_hides_the_other_gender_when_one_is_hidden():
    counts = {
        ("missbruk", "nojd", "kvinna"): Counts(3, 1),  # 4 valid: hidden
        ("missbruk", "nojd", "man"): Counts(12, 4),
    }
    table = area_table(counts, {"missbruk": 20}, areas=["missbruk"], questions=["nojd"], groups=["kvinna", "man"])
    assert table.get("missbruk", "nojd").percent == 75  # 15/20
    assert table.get("missbruk", "nojd", "kvinna").suppressed is Suppression.TOO_FEW_ANSWERS
    # Shown, 75 % of 20 minus man would give kvinna: 15 − 12 = 3 of 20 − 16 = 4.
    assert table.get("missbruk", "nojd", "man").suppressed is Suppression.COMPLEMENT


def test_a_few_answers_outside_kvinna_and_man_are_protected_too():
    counts = {
        ("missbruk", "nojd", "kvinna"): Counts(8, 2),
        ("missbruk", "nojd", "man"): Counts(12, 4),
        ("missbruk", "nojd", "annat"): Counts(1, 0),  # one person: total − kvinna − man would show their answer
    }
    table = area_table(counts, {"missbruk": 27}, areas=["missbruk"], questions=["nojd"], groups=["kvinna", "man"])
    assert table.get("missbruk", "nojd").valid == 27
    assert table.get("missbruk", "nojd", "kvinna").suppressed is Suppression.COMPLEMENT  # the smaller of the two
    assert table.get("missbruk", "nojd", "man").suppressed is None


def test_a_total_that_equals_a_hidden_part_is_hidden():
    counts = {("missbruk", "nojd", "kvinna"): Counts(3, 1), ("missbruk", "nojd", "man"): Counts(12, 4)}
    table = area_table(counts, {"missbruk": 20}, areas=["missbruk"], questions=["nojd"], groups=["kvinna", "man"])
    # Only one area: IFO-totalt for kvinna would be missbruk's kvinna figure itself.
    assert table.get(TOTAL, "nojd", "kvinna").suppressed is not None
    assert table.get(TOTAL, "nojd", "man").suppressed is not None
