"""Demo data for `make demo`: Ludvika (2085) with two units and an open IFO round covering today."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from questionnaires import load_shipped
from survey.config import Settings
from survey.models import SurveyRound, Unit
from survey.services.batches import issue_tokens
from survey.services.rounds import create_round, swedish_today
from survey.services.units import create_unit
from survey.tokens import TokenMinter

DEMO_MUNICIPALITY = "2085"
DEMO_ROUND = "ifo-demo"
DEMO_UNITS = {"ekonomiskt_bistand": "Ekonomiskt bistånd", "barn_och_unga": "Barn och unga"}
UNIT_OF_AREA = {
    "ekonomiskt_bistand": "ekonomiskt_bistand",
    "ungdomar": "barn_och_unga",
    "vardnadshavare": "barn_och_unga",
}


async def load_demo(session: AsyncSession, settings: Settings) -> list[tuple[str, str]]:
    """Create the demo round and units if missing, and mint one fresh link per area. Safe to run again."""
    questionnaires = load_shipped()
    ifo = questionnaires["ifo@1"]
    today = swedish_today()
    if await session.scalar(select(SurveyRound).where(SurveyRound.key == DEMO_ROUND)) is None:
        await create_round(
            session,
            key=DEMO_ROUND,
            questionnaire=ifo,
            start=today - dt.timedelta(days=30),
            end=today + dt.timedelta(days=90),
        )
    existing = set(await session.scalars(select(Unit.key).where(Unit.kommunkod == DEMO_MUNICIPALITY)))
    for key, name in DEMO_UNITS.items():
        if key not in existing:
            await create_unit(session, kommunkod=DEMO_MUNICIPALITY, key=key, name=name)
    minter = TokenMinter(settings.secret_key)
    links = []
    for area in ifo.areas:
        issued = await issue_tokens(
            session,
            minter,
            questionnaires,
            round_key=DEMO_ROUND,
            kommunkod=DEMO_MUNICIPALITY,
            area=area.key,
            unit_key=UNIT_OF_AREA.get(area.key),
            count=1,
            today=today,
        )
        links.append((area.key, f"{settings.base_url.rstrip('/')}/s/{issued.tokens[0]}"))
    return links
