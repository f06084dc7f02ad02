"""What staff add to a report: analysis text per question and måltal (targets)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from questionnaires import QuestionKind, Questionnaire
from survey.models import AnalysisText, Target
from survey.services.errors import InvalidInput
from survey.services.rounds import get_round
from survey.services.units import get_municipality

MAX_ANALYSIS_TEXT = 20_000


def _rated(questionnaire: Questionnaire, question: str) -> None:
    found = questionnaire.question(question)
    if found is None or found.kind is not QuestionKind.RATING:
        raise InvalidInput(f"{question!r} is not a rated question of {questionnaire.ident}")


async def set_analysis_text(
    session: AsyncSession,
    questionnaires: dict[str, Questionnaire],
    *,
    round_key: str,
    kommunkod: str,
    question: str,
    text: str,
) -> None:
    survey_round = await get_round(session, round_key)
    _rated(questionnaires[survey_round.questionnaire], question)
    await get_municipality(session, kommunkod)
    if len(text) > MAX_ANALYSIS_TEXT:
        raise InvalidInput(f"the analysis text has {len(text)} characters; at most {MAX_ANALYSIS_TEXT}")
    row = await session.get(AnalysisText, (survey_round.id, kommunkod, question))
    if row is None:
        session.add(AnalysisText(round_id=survey_round.id, kommunkod=kommunkod, question=question, text=text.strip()))
    else:
        row.text = text.strip()
    await session.flush()


async def analysis_texts(session: AsyncSession, round_id: int, kommunkod: str) -> dict[str, str]:
    rows = await session.scalars(
        select(AnalysisText).where(AnalysisText.round_id == round_id, AnalysisText.kommunkod == kommunkod)
    )
    return {row.question: row.text for row in rows}


async def set_target(
    session: AsyncSession, questionnaire: Questionnaire, *, kommunkod: str, question: str, percent: int
) -> None:
    _rated(questionnaire, question)
    await get_municipality(session, kommunkod)
    if not 0 <= percent <= 100:
        raise InvalidInput(f"a target is a percentage from 0 to 100, got {percent}")
    row = await session.get(Target, (kommunkod, questionnaire.key, question))
    if row is None:
        session.add(Target(kommunkod=kommunkod, questionnaire=questionnaire.key, question=question, percent=percent))
    else:
        row.percent = percent
    await session.flush()


async def targets(session: AsyncSession, kommunkod: str, questionnaire_key: str) -> dict[str, int]:
    rows = await session.scalars(
        select(Target).where(Target.kommunkod == kommunkod, Target.questionnaire == questionnaire_key)
    )
    return {row.question: row.percent for row in rows}
