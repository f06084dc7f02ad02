"""Free-text answers for analysts: per area of a municipality's round, shown only when the area has at least
MIN_VALID respondents (DESIGN.md §3.3), in random-id order (never arrival order), with the analyst's
redactions; and the redacted texts a report prints."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from analysis import MIN_VALID
from questionnaires import QuestionKind, Questionnaire
from survey.models import Answer, Response, SurveyRound, TextRedaction
from survey.services.errors import InvalidInput, NotFound


@dataclass(frozen=True, slots=True)
class FreeText:
    response_id: str
    question: str
    original: str
    redacted: str | None
    """The analyst's version; None when not redacted, "" when left out of reports."""

    @property
    def for_report(self) -> str:
        return self.original if self.redacted is None else self.redacted


@dataclass(frozen=True, slots=True)
class TextGroup:
    area: str
    respondents: int
    texts: tuple[FreeText, ...]
    """Empty when `suppressed`."""

    @property
    def suppressed(self) -> bool:
        return self.respondents < MIN_VALID


def text_questions(questionnaire: Questionnaire) -> list[str]:
    return [q.key for q in questionnaire.questions if q.kind is QuestionKind.TEXT]


async def _respondents_per_area(session: AsyncSession, round_id: int, kommunkod: str) -> dict[str, int]:
    query = (
        select(Response.area, func.count())
        .where(Response.round_id == round_id, Response.kommunkod == kommunkod)
        .group_by(Response.area)
    )
    return {area: int(count) for area, count in await session.execute(query)}


async def free_texts(
    session: AsyncSession, questionnaire: Questionnaire, survey_round: SurveyRound, kommunkod: str
) -> list[TextGroup]:
    """Every area of the questionnaire with its respondents and, when not suppressed, its texts."""
    questions = text_questions(questionnaire)
    respondents = await _respondents_per_area(session, survey_round.id, kommunkod)
    shown = [area.key for area in questionnaire.areas if respondents.get(area.key, 0) >= MIN_VALID]
    texts: dict[str, list[FreeText]] = {}
    if questions and shown:
        query = (
            select(Response.area, Answer.response_id, Answer.question, Answer.text, TextRedaction.text)
            .join(Response, Response.id == Answer.response_id)
            .outerjoin(
                TextRedaction,
                (TextRedaction.response_id == Answer.response_id) & (TextRedaction.question == Answer.question),
            )
            .where(
                Response.round_id == survey_round.id,
                Response.kommunkod == kommunkod,
                Response.area.in_(shown),
                Answer.question.in_(questions),
                Answer.text.is_not(None),
            )
            .order_by(Answer.response_id, Answer.question)  # random ids: an order that says nothing of arrival
        )
        for area, response_id, question, text, redacted in await session.execute(query):
            texts.setdefault(area, []).append(FreeText(response_id, question, text, redacted))
    return [
        TextGroup(
            area=area.key,
            respondents=respondents.get(area.key, 0),
            texts=tuple(texts.get(area.key, ())) if area.key in shown else (),
        )
        for area in questionnaire.areas
        if respondents.get(area.key, 0)
    ]


async def redact(
    session: AsyncSession,
    questionnaire: Questionnaire,
    survey_round: SurveyRound,
    *,
    kommunkod: str,
    response_id: str,
    question: str,
    text: str | None,
) -> None:
    """Save the analyst's version of one answer (None: back to the original; "": leave out of reports).

    Only an answer the analyst could see: their municipality, this round, an area above the threshold.
    """
    if question not in text_questions(questionnaire):
        raise NotFound(f"no free-text question {question!r}")
    row = (
        await session.execute(
            select(Response.area)
            .join(Answer, Answer.response_id == Response.id)
            .where(
                Response.id == response_id,
                Response.round_id == survey_round.id,
                Response.kommunkod == kommunkod,
                Answer.question == question,
                Answer.text.is_not(None),
            )
        )
    ).first()
    if row is None:
        raise NotFound("no such answer")
    respondents = await _respondents_per_area(session, survey_round.id, kommunkod)
    if respondents.get(row.area, 0) < MIN_VALID:
        raise NotFound("no such answer")  # as invisible here as on the page
    await session.execute(
        delete(TextRedaction).where(TextRedaction.response_id == response_id, TextRedaction.question == question)
    )
    if text is not None:
        if len(text) > 2000:
            raise InvalidInput("Texten är för lång.")
        session.add(TextRedaction(response_id=response_id, question=question, text=text.strip()))
    await session.flush()


async def report_texts(
    session: AsyncSession, questionnaire: Questionnaire, survey_round: SurveyRound, kommunkod: str
) -> Mapping[str, tuple[str, ...]]:
    """Per area above the threshold, the texts a report prints: redacted where redacted, left-out ones gone."""
    groups = await free_texts(session, questionnaire, survey_round, kommunkod)
    printed = {}
    for group in groups:
        texts = tuple(t.for_report for t in group.texts if t.for_report)
        if texts:
            printed[group.area] = texts
    return printed
