"""The translatable texts of a questionnaire, as (msgctxt, msgid) pairs for the `questionnaires` domain.

The context is "<questionnaire>:<key>" and the msgid the Swedish wording, so a changed wording is a new
msgid: it can never be shown with the translation of the old one (DESIGN.md §2).
"""

from __future__ import annotations

from questionnaires.model import Questionnaire


def translatable_texts(questionnaire: Questionnaire) -> list[tuple[str, str]]:
    """Every text of the questionnaire: what respondents see (`respondent_texts`) and the report's total label."""
    return [*respondent_texts(questionnaire), (total_label_context(questionnaire.key), questionnaire.total_label)]


def total_label_context(questionnaire_key: str) -> str:
    return f"{questionnaire_key}:total_label"


def respondent_texts(questionnaire: Questionnaire) -> list[tuple[str, str]]:
    """The texts a respondent (or the staff member handing over a kiosk) can meet in the survey's pages: a
    language is offered for the questionnaire only when all of them are translated. The total label appears
    only in results and reports, so a language never waits for it."""
    key = questionnaire.key
    texts = [(f"{key}:title", questionnaire.title), (f"{key}:intro", questionnaire.intro)]
    texts += [(f"{key}:area.{area.key}", area.name) for area in questionnaire.areas]
    for question in questionnaire.questions:
        texts.append((f"{key}:{question.key}", question.text))
        if question.help:
            texts.append((f"{key}:{question.key}.help", question.help))
    for scale in questionnaire.scales:
        texts += [(f"{key}:{scale.key}.{option.key}", option.label) for option in scale.options]
    return texts


def option_context(questionnaire_key: str, scale_key: str, option_key: str) -> str:
    return f"{questionnaire_key}:{scale_key}.{option_key}"


def extract_babel(fileobj, keywords, comment_tags, options):  # type: ignore[no-untyped-def]
    """Babel extraction method for questionnaire TOML files (see babel.cfg): yields pgettext messages."""
    import tomllib

    from questionnaires.loader import parse

    questionnaire = parse(tomllib.loads(fileobj.read().decode("utf-8")), source=getattr(fileobj, "name", "<toml>"))
    for context, msgid in translatable_texts(questionnaire):
        yield 0, "pgettext", (context, msgid), []
