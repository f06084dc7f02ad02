"""The shipped barnenkät (children 6–18) and the survey for placed youths: keys, scales and roles that results
count on, the smiley presentation, and the total label that replaces a hard-coded "IFO-totalt"."""

from __future__ import annotations

from questionnaires import Presentation, QuestionKind, Role, load_shipped
from questionnaires.extract import respondent_texts, translatable_texts

SHIPPED = load_shipped()
BARN = SHIPPED["barn@1"]
PLACERAD = SHIPPED["placerad@1"]


def rated(questionnaire):
    return [q for q in questionnaire.questions if q.kind is QuestionKind.RATING]


def test_barn_asks_at_most_five_rated_questions_then_free_text():
    assert [q.key for q in rated(BARN)] == ["vet_varfor", "lyssnat", "fatt_saga", "forstatt", "bra_prata"]
    assert BARN.question("vet_varfor").text == "Vet du varför du och din familj träffar mig?"
    assert BARN.question("lyssnat").text == "Tycker du att jag har lyssnat på dig?"
    last = BARN.questions[-1]
    assert (last.key, last.kind, last.text) == (
        "forslag",
        QuestionKind.TEXT,
        "Har du förslag på hur vi kan bli bättre?",
    )
    assert last.help and last.max_length == 500
    assert [q.kind for q in BARN.questions].count(QuestionKind.BACKGROUND) == 0, "no kön question for children"


def test_barn_is_reported_by_age_band():
    assert [(a.key, a.name) for a in BARN.areas] == [
        ("barn_6_12", "Barn 6–12 år"),
        ("ungdomar_13_18", "Ungdomar 13–18 år"),
    ]


def test_barn_rates_on_three_smileys_with_only_ja_counted_positive():
    for question in rated(BARN):
        scale = question.scale
        assert scale.presentation is Presentation.SMILEYS, question.key
        steps = [o for o in scale.options if o.role is not Role.EXCLUDED]
        assert [(o.label, o.role) for o in steps] == [
            ("Ja", Role.POSITIVE),
            ("Lite", Role.NEGATIVE),
            ("Nej", Role.NEGATIVE),
        ], question.key
        assert [scale.face(o.key) for o in steps] == ["happy", "neutral", "sad"]


def test_vet_inte_is_excluded_except_where_not_knowing_is_the_answer():
    excluded = {q.key: [o.label for o in q.scale.options if o.role is Role.EXCLUDED] for q in rated(BARN)}
    assert excluded == {
        "vet_varfor": [],  # "Vet du varför …?" – not knowing is "Nej"
        "lyssnat": ["Vet inte"],
        "fatt_saga": ["Vet inte"],
        "forstatt": ["Vet inte"],
        "bra_prata": ["Vet inte"],
    }
    assert BARN.question("lyssnat").scale.face("vet_inte") == "unsure"


def test_placerad_has_the_eight_topics_each_with_vet_inte_excluded():
    assert [q.key for q in rated(PLACERAD)] == [
        "trygg", "vuxen", "bestamma", "laxor", "trivs", "egen_bostad", "framtid", "fritid",
    ]  # fmt: skip
    for question in rated(PLACERAD):
        scale = question.scale
        assert scale.presentation is Presentation.PLAIN
        roles = [o.role for o in scale.options]
        assert roles[:4] == [Role.POSITIVE, Role.POSITIVE, Role.NEGATIVE, Role.NEGATIVE], question.key
        assert ("vet_inte", Role.EXCLUDED) in [(o.key, o.role) for o in scale.options], question.key
    assert [o.label for o in PLACERAD.question("laxor").scale.options if o.role is Role.EXCLUDED] == [
        "Vet inte",
        "Jag har inga läxor",
    ]


def test_placerad_areas_are_the_forms_of_placement_and_kon_keeps_ifos_keys():
    assert [a.key for a in PLACERAD.areas] == ["hvb", "stodboende", "familjehem"]
    kon = PLACERAD.question("kon")
    assert kon.kind is QuestionKind.BACKGROUND
    assert [o.key for o in kon.scale.options] == [o.key for o in SHIPPED["ifo@1"].question("kon").scale.options]


def test_the_total_label_comes_from_the_questionnaire():
    assert [SHIPPED[i].total_label for i in ("ifo@1", "ifo@2", "barn@1", "placerad@1")] == [
        "IFO-totalt",
        "IFO-totalt",
        "Totalt",
        "Totalt",
    ]
    assert ("barn:total_label", "Totalt") in translatable_texts(BARN)
    assert not any(context.endswith(":total_label") for context, _ in respondent_texts(BARN)), (
        "respondents never see it, so a language does not wait for it"
    )


def test_the_definition_as_data_carries_presentation_and_total_label():
    assert all(not q.indices for q in (BARN, PLACERAD)), "no NKI: neither has index questions"
    assert BARN.to_dict()["total_label"] == "Totalt"
    assert BARN.to_dict()["questions"][0]["presentation"] == "smileys"
