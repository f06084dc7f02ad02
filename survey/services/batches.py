"""Token batches: mint N survey tokens for one municipality, area and optionally unit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from questionnaires import Questionnaire
from survey.models import TokenBatch
from survey.services.errors import InvalidInput
from survey.services.rounds import get_round
from survey.services.units import get_municipality, get_unit
from survey.tokens import TokenMinter

MAX_BATCH = 10_000
"""More than any unit hands out in a measuring period; a larger number is a typing mistake."""


@dataclass(frozen=True, slots=True)
class IssuedBatch:
    batch: TokenBatch
    tokens: list[str]


async def issue_tokens(
    session: AsyncSession,
    minter: TokenMinter,
    questionnaires: dict[str, Questionnaire],
    *,
    round_key: str,
    kommunkod: str,
    area: str,
    count: int,
    unit_key: str | None = None,
    today: dt.date,
) -> IssuedBatch:
    """Record a batch (its size only) and return its freshly minted tokens; they are not stored anywhere."""
    if not 1 <= count <= MAX_BATCH:
        raise InvalidInput(f"count must be from 1 to {MAX_BATCH}, got {count}")
    survey_round = await get_round(session, round_key)
    if survey_round.closed:
        raise InvalidInput(f"round {round_key!r} is closed")
    questionnaire = questionnaires[survey_round.questionnaire]
    if questionnaire.area(area) is None:
        known = ", ".join(a.key for a in questionnaire.areas)
        raise InvalidInput(f"{area!r} is not an area of {questionnaire.ident} (use one of {known})")
    await get_municipality(session, kommunkod)
    unit = await get_unit(session, kommunkod, unit_key) if unit_key else None
    batch = TokenBatch(
        round_id=survey_round.id,
        kommunkod=kommunkod,
        unit_id=unit.id if unit else None,
        area=area,
        size=count,
        created_on=today,
        voided=False,
    )
    session.add(batch)
    await session.flush()
    tokens = [
        minter.mint(round_key=round_key, kommunkod=kommunkod, area=area, unit_id=batch.unit_id, batch_id=batch.id)
        for _ in range(count)
    ]
    return IssuedBatch(batch=batch, tokens=tokens)
