"""The validator lists every problem in a questionnaire file, each naming where it is."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import pytest

from questionnaires import Presentation, QuestionnaireError, load_file, parse, validate
from questionnaires.loader import shipped_files

MINIMAL = {
    "key": "mini",
    "version": 1,
    "title": "Liten enkät",
    "intro": "Några frågor.",
    "areas": [{"key": "alla", "name": "Alla"}],
    "scales": {
        "ja_nej": {
            "options": [
                {"key": "ja", "code": 1, "label": "Ja", "role": "positive"},
                {"key": "nej", "code": 2, "label": "Nej", "role": "negative"},
                {"key": "vet_inte", "code": 3, "label": "Vet inte", "role": "excluded"},
            ]
        },
        "tio": {"options": [{"key": f"s{n}", "code": n, "label": str(n)} for n in range(1, 11)]},
        "lite": {
            "presentation": "smileys",
            "options": [
                {"key": "ja", "code": 1, "label": "Ja", "role": "positive"},
                {"key": "lite", "code": 2, "label": "Lite", "role": "negative"},
                {"key": "nej", "code": 3, "label": "Nej", "role": "negative"},
                {"key": "vet_inte", "code": 4, "label": "Vet inte", "role": "excluded"},
            ],
        },
    },
    "questions": [
        {"key": "hjalp", "kind": "rating", "text": "Fick du hjälp?", "scale": "ja_nej"},
        {"key": "betyg", "kind": "index", "text": "Betyg 1–10?", "scale": "tio"},
        {"key": "forslag", "kind": "text", "text": "Förslag?", "max_length": 500},
        {"key": "lyssnat", "kind": "rating", "text": "Har jag lyssnat på dig?", "scale": "lite"},
    ],
    "indices": [{"key": "nki", "kind": "nki", "name": "Nöjd-Kund-Index", "questions": ["betyg"]}],
}


def mutated(change) -> dict:
    raw = copy.deepcopy(MINIMAL)
    change(raw)
    return raw


def test_a_sound_definition_has_no_problems_and_builds_frozen_objects():
    assert validate(MINIMAL) == []
    questionnaire = parse(MINIMAL)
    assert questionnaire.ident == "mini@1"
    assert questionnaire.question("forslag").accepts("x" * 500)
    assert not questionnaire.question("forslag").accepts("x" * 501)
    assert questionnaire.indices[0].questions == ("betyg",)
    with pytest.raises(AttributeError):
        questionnaire.key = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda r: r["questions"].append(dict(r["questions"][0])), "questions: 'hjalp' appears 2 times"),
        (lambda r: r["scales"]["ja_nej"]["options"][0].update(role="positiv"), "unknown role 'positiv'"),
        (lambda r: r["scales"]["ja_nej"]["options"][0].update(role="negative"), "has no positive option"),
        (lambda r: r["scales"]["ja_nej"]["options"][1].update(code=1), "options code: 1 appears 2 times"),
        (lambda r: r["questions"][0].update(scale="finns_inte"), "scale 'finns_inte' is not defined"),
        (lambda r: r["questions"][0].update(kind="betyg"), "unknown kind 'betyg'"),
        (lambda r: r["questions"][0].update(rol="x"), "unknown field 'rol'"),
        (lambda r: r["areas"].append({"key": "Alla Områden", "name": "x"}), "is not a key"),
        (lambda r: r["questions"][2].update(max_length=100000), "max_length: must be a whole number from 1 to 2000"),
        (lambda r: r["indices"][0].update(questions=["hjalp"]), "'hjalp' is not a question of kind 'index'"),
        (lambda r: r.update(version=0), "version: must be a whole number from 1"),
        (lambda r: r["scales"]["tio"]["options"].pop(0), "must have the codes 1, 2, … n"),
        (lambda r: r["scales"]["ja_nej"].update(presentation="emoji"), "unknown presentation 'emoji'"),
        (
            lambda r: r["scales"]["ja_nej"].update(presentation="smileys"),
            "has 3 answer steps (happy, neutral, sad), not 2",
        ),
        (lambda r: r["scales"]["lite"]["options"][1].update(role="positive"), "must be positive, negative, negative"),
        (lambda r: r["scales"]["lite"]["options"].reverse(), "must be positive, negative, negative"),
        (
            lambda r: r["scales"]["lite"]["options"].insert(0, r["scales"]["lite"]["options"].pop()),
            "after the three faces",
        ),
        (lambda r: r.update(total_label=" "), "total_label: must be a non-empty text"),
        (lambda r: r["areas"].append({"key": "total", "name": "Alla"}), "'total' is reserved"),
    ],
)
def test_each_problem_is_reported_with_where_it_is(change, expected):
    problems = validate(mutated(change))
    assert any(expected in p for p in problems), problems


def test_a_smiley_scale_draws_happy_neutral_sad_and_a_question_mark_for_vet_inte():
    questionnaire = parse(MINIMAL)
    assert questionnaire.total_label == "Totalt", "the default when a file names none"
    smileys = questionnaire.question("lyssnat").scale
    assert smileys.presentation is Presentation.SMILEYS
    assert [smileys.face(o.key) for o in smileys.options] == ["happy", "neutral", "sad", "unsure"]
    plain = questionnaire.question("hjalp").scale
    assert plain.presentation is Presentation.PLAIN and plain.face("ja") == ""


def test_every_problem_is_listed_not_only_the_first():
    def break_three_things(raw):
        raw["scales"]["ja_nej"]["options"][0]["role"] = "unknown"
        raw["questions"][1]["scale"] = "missing"
        raw["title"] = ""

    problems = validate(mutated(break_three_things))
    assert len(problems) >= 3
    with pytest.raises(QuestionnaireError) as raised:
        parse(mutated(break_three_things), source="mini-1.toml")
    assert raised.value.problems == problems


def test_a_file_must_be_named_after_the_key_and_version_inside_it(tmp_path: Path):
    ifo = next(path for path in shipped_files() if path.name == "ifo-1.toml")
    wrong = tmp_path / "ifo-2.toml"
    wrong.write_bytes(ifo.read_bytes())
    with pytest.raises(QuestionnaireError, match=r"file name must be 'ifo-1\.toml'"):
        load_file(wrong)


def test_every_shipped_file_is_valid():
    for path in shipped_files():
        assert validate(tomllib.loads(path.read_text(encoding="utf-8"))) == [], path.name
