"""Check a respondent's answers against a questionnaire before anything is stored."""

from __future__ import annotations

from collections.abc import Mapping

from questionnaires.model import Questionnaire


def answer_problems(questionnaire: Questionnaire, answers: Mapping[str, str]) -> list[str]:
    """Every reason the answers cannot be stored as they are; empty when they can.

    Unanswered questions are simply absent: answering is voluntary, question by question.
    """
    problems: list[str] = []
    for key, value in answers.items():
        question = questionnaire.question(key)
        if question is None:
            problems.append(f"{key!r} is not a question of {questionnaire.ident}")
        elif not isinstance(value, str) or not question.accepts(value):
            problems.append(f"{value!r} is not an answer to {key!r}")
    return problems
