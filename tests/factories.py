"""Plain functions that put rounds, units and token batches into a test database."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from questionnaires import load_shipped
from survey.platform import Platform
from survey.services.batches import issue_tokens
from survey.services.rounds import create_round, swedish_today
from survey.services.units import create_unit

IFO = load_shipped()["ifo@1"]


async def open_round(session: AsyncSession, key: str = "ifo-2026", *, days_left: int = 30, days_gone: int = 10):
    """An IFO round whose period runs from `days_gone` days ago to `days_left` days ahead."""
    today = swedish_today()
    survey_round = await create_round(
        session,
        key=key,
        questionnaire=IFO,
        start=today - dt.timedelta(days=days_gone),
        end=today + dt.timedelta(days=days_left),
    )
    await session.commit()
    return survey_round


async def add_unit(
    session: AsyncSession, kommunkod: str = "2085", key: str = "hvb_solrosen", name: str = "HVB Solrosen"
):
    unit = await create_unit(session, kommunkod=kommunkod, key=key, name=name)
    await session.commit()
    return unit


async def tokens(
    platform: Platform,
    session: AsyncSession,
    *,
    count: int = 1,
    round_key: str = "ifo-2026",
    kommunkod: str = "2085",
    area: str = "vardnadshavare",
    unit_key: str | None = None,
) -> list[str]:
    issued = await issue_tokens(
        session,
        platform.minter,
        platform.questionnaires,
        round_key=round_key,
        kommunkod=kommunkod,
        area=area,
        unit_key=unit_key,
        count=count,
        today=swedish_today(),
    )
    await session.commit()
    return issued.tokens
