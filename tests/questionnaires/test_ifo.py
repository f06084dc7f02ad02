"""The shipped SKR IFO questionnaire: the keys, options and roles that results join and count on."""

from __future__ import annotations

from questionnaires import QuestionKind, Role, load_shipped

IFO = load_shipped()["ifo@1"]


def test_ifo_has_the_five_areas_and_seven_quality_questions():
    assert [a.key for a in IFO.areas] == [
        "ungdomar",
        "vardnadshavare",
        "missbruk",
        "ekonomiskt_bistand",
        "ensamkommande",
    ]
    rated = [q.key for q in IFO.questions if q.kind is QuestionKind.RATING]
    assert rated == ["kontakt", "information", "forstaelse", "synpunkter", "paverka", "nojd", "forandring"]
    assert [q.key for q in IFO.questions if q.kind is QuestionKind.BACKGROUND] == ["kon"]


def test_kon_offers_kvinna_man_annat_and_vill_inte_svara_without_roles():
    kon = IFO.question("kon")
    assert [o.label for o in kon.scale.options] == ["Kvinna", "Man", "Annat", "Vill inte svara"]
    assert {o.role for o in kon.scale.options} == {Role.NONE}


def test_change_question_has_five_steps_with_ingen_skillnad_in_the_middle_counted_negative():
    steps = [o for o in IFO.question("forandring").scale.options if o.role is not Role.EXCLUDED]
    assert [o.label for o in steps] == ["Mycket bättre", "Lite bättre", "Ingen skillnad", "Lite sämre", "Mycket sämre"]
    assert [o.role for o in steps] == [Role.POSITIVE, Role.POSITIVE, Role.NEGATIVE, Role.NEGATIVE, Role.NEGATIVE]


def test_vet_inte_and_no_help_are_excluded_from_the_denominator():
    excluded = {(q.key, o.label) for q in IFO.questions if q.scale for o in q.scale.options if o.role is Role.EXCLUDED}
    assert ("kontakt", "Vet inte") in excluded
    assert ("nojd", "Har inte fått någon hjälp") in excluded
    assert ("forandring", "Har inte fått någon hjälp") in excluded


def test_every_rating_question_has_two_positive_options_first_as_on_the_paper_form():
    for question in IFO.questions:
        if question.kind is QuestionKind.RATING:
            roles = [o.role for o in question.scale.options]
            assert roles[:2] == [Role.POSITIVE, Role.POSITIVE], question.key
            assert [o.code for o in question.scale.options] == list(range(1, len(roles) + 1)), question.key
