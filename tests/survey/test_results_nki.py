"""NKI in the results document, for a questionnaire with an index question (hand-computed values)."""

from __future__ import annotations

import copy

from questionnaires import parse
from survey.services.imports import import_responses
from survey.services.results import municipality_results
from survey.services.rounds import create_round, parse_period
from tests.questionnaires.test_validator import MINIMAL


def two_area_questionnaire():
    raw = copy.deepcopy(MINIMAL)
    raw["areas"].append({"key": "andra", "name": "Andra"})
    return parse(raw)


async def test_nki_per_area_and_total_with_suppression(session):
    mini = two_area_questionnaire()
    questionnaires = {mini.ident: mini}
    start, end = parse_period("2026-01-01:2026-12-31")
    await create_round(session, key="mini-2026", questionnaire=mini, start=start, end=end)
    rows = ["municipality,area,hjalp,betyg"]
    rows += [f"2085,alla,1,{grade}" for grade in (10, 8, 7, 7, 3)]
    rows += [f"2085,andra,1,{grade}" for grade in (1, 1, 1, 1, "")]  # five respondents, four grades
    await import_responses(session, questionnaires, round_key="mini-2026", text="\n".join(rows))
    await session.commit()

    document = await municipality_results(session, questionnaires, round_key="mini-2026", kommunkod="2085")
    nki = document["indices"]["nki"]
    # andra: 4 grades, hidden. alla alone (mean 7 → 66.7) would then give andra away from the total: hidden too.
    assert (nki["andra"]["reason"], nki["alla"]["reason"]) == ("too_few_answers", "complement")
    assert nki["alla"]["value"] is None and nki["alla"]["answers"] is None
    # Pooled by hand: (10 + 8 + 7 + 7 + 3 + 1 + 1 + 1 + 1) / 9 = 39/9; (39/9 − 1) × 100 / 9 = 37.04 → 37
    assert (nki["total"]["rounded"], nki["total"]["answers"], nki["total"]["band"]) == (37, 9, "inte godkänt")
