"""Token batches: mint N survey tokens for one municipality, area and optionally unit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from questionnaires import Questionnaire
from survey.auth import StaffMember
from survey.models import SurveyRound, TokenBatch, Unit
from survey.services.errors import InvalidInput, NotFound
from survey.services.participation import require_joined
from survey.services.rounds import get_round
from survey.services.units import get_municipality, get_unit
from survey.tokens import TokenMinter

MAX_BATCH = 10_000
"""More than any unit hands out in a measuring period; a larger number is a typing mistake."""


MAX_PRINTED_CARDS = 500
"""Fifty A4 sheets, about 15 s of rendering; a unit needing more mints another batch (the codes allow 2048)."""


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
        handed_out=count,
        kind="links",
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


async def mint_card_batch(
    session: AsyncSession,
    questionnaires: dict[str, Questionnaire],
    *,
    survey_round: SurveyRound,
    unit: Unit,
    area: str,
    count: int,
    today: dt.date,
) -> TokenBatch:
    """A batch of printed cards for a joined unit; its cards (codes, links) are derived, never stored."""
    if not 1 <= count <= MAX_PRINTED_CARDS:
        raise InvalidInput(f"Ett utskick kan ha 1 till {MAX_PRINTED_CARDS} kort (fler satser går bra), inte {count}.")
    if survey_round.closed or today > survey_round.period_end:
        raise InvalidInput(f"round {survey_round.key} is over")
    _check_area(questionnaires[survey_round.questionnaire], unit, area)
    await require_joined(session, survey_round, unit)
    batch = TokenBatch(
        round_id=survey_round.id,
        kommunkod=unit.kommunkod,
        unit_id=unit.id,
        area=area,
        size=count,
        handed_out=count,
        kind="cards",
        created_on=today,
        voided=False,
    )
    session.add(batch)
    await session.flush()
    return batch


def _check_area(questionnaire: Questionnaire, unit: Unit, area: str) -> None:
    if questionnaire.area(area) is None:
        raise InvalidInput(f"{area!r} is not an area of {questionnaire.ident}")
    if unit.area is not None and unit.area != area:
        raise InvalidInput(f"unit {unit.name} answers about {unit.area} only")


async def batch_of(session: AsyncSession, batch_id: int, member: StaffMember) -> TokenBatch:
    """A batch the member may see; anyone else's is as missing as one that never existed."""
    batch = await session.get(TokenBatch, batch_id)
    if batch is None or not member.sees_unit(batch.kommunkod, batch.unit_id):
        raise NotFound(f"no batch {batch_id}")
    return batch


async def void_batch(session: AsyncSession, batch: TokenBatch) -> None:
    """Its unused cards stop working (lost or stolen cards); answers already given stay."""
    batch.voided = True
    await session.flush()


async def record_handed_out(session: AsyncSession, batch: TokenBatch, handed_out: int) -> None:
    """Staff's count of cards actually given to clients (some come back unused): the response rate's base."""
    if batch.kind != "cards":
        raise InvalidInput("only printed cards are counted by hand; a kiosk counts its own")
    if not 0 <= handed_out <= batch.size:
        raise InvalidInput(f"handed out must be from 0 to {batch.size}, got {handed_out}")
    batch.handed_out = handed_out
    await session.flush()
