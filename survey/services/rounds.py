"""Survey rounds: one measuring period of one questionnaire version."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from questionnaires import Questionnaire
from questionnaires.validator import KEY_PATTERN
from survey.models import ANONYMOUS_TABLES, SurveyRound
from survey.services.errors import InvalidInput, NotFound


def parse_period(text: str) -> tuple[dt.date, dt.date]:
    """`2017-09-01:2017-10-31` → (start, end), both days included."""
    try:
        start_text, end_text = text.split(":")
        start, end = dt.date.fromisoformat(start_text), dt.date.fromisoformat(end_text)
    except ValueError as error:
        raise InvalidInput(f"period {text!r} must look like 2017-09-01:2017-10-31") from error
    if end < start:
        raise InvalidInput(f"period {text!r} ends before it starts")
    return start, end


async def create_round(
    session: AsyncSession, *, key: str, questionnaire: Questionnaire, start: dt.date, end: dt.date
) -> SurveyRound:
    if not KEY_PATTERN.match(key.replace("-", "_")):
        raise InvalidInput(f"round key {key!r} must be lower-case letters, digits, - and _ (e.g. ifo-2017)")
    if await session.scalar(select(SurveyRound.id).where(SurveyRound.key == key)) is not None:
        raise InvalidInput(f"a round with key {key!r} exists already")
    survey_round = SurveyRound(
        key=key, questionnaire=questionnaire.ident, period_start=start, period_end=end, closed=False
    )
    session.add(survey_round)
    await session.flush()
    return survey_round


async def get_round(session: AsyncSession, key: str) -> SurveyRound:
    survey_round = await session.scalar(select(SurveyRound).where(SurveyRound.key == key))
    if survey_round is None:
        raise NotFound(f"no survey round {key!r}")
    return survey_round


async def list_rounds(session: AsyncSession) -> list[SurveyRound]:
    return list(await session.scalars(select(SurveyRound).order_by(SurveyRound.period_start, SurveyRound.key)))


SWEDEN = ZoneInfo("Europe/Stockholm")


def swedish_today() -> dt.date:
    """Today's date in Sweden: a round's period is Swedish calendar days, whatever the server's zone."""
    return dt.datetime.now(SWEDEN).date()


async def close_round(session: AsyncSession, key: str) -> SurveyRound:
    """Stop accepting answers and, on PostgreSQL, rewrite the anonymous tables in key order.

    PostgreSQL stores rows in arrival order until a table is rewritten; CLUSTER on the random primary key
    removes that order, which would otherwise link the n-th card handed out to the n-th row (DESIGN.md §3.5).
    SQLite keeps these tables WITHOUT ROWID, in key order from the start.
    """
    survey_round = await get_round(session, key)
    survey_round.closed = True
    await session.flush()
    await erase_arrival_order(session)
    return survey_round


async def erase_arrival_order(session: AsyncSession) -> None:
    """Rewrite the anonymous tables in (random) key order on PostgreSQL; SQLite keeps them so already."""
    if session.bind.dialect.name == "postgresql":
        for table in ANONYMOUS_TABLES:
            await session.execute(text(f"CLUSTER {table} USING pk_{table}"))
