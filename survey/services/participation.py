"""Which municipalities and units take part in a survey round: only joined units get token batches and kiosks."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from survey.models import RoundMunicipality, RoundUnit, SurveyRound, TokenBatch, Unit
from survey.services.errors import InvalidInput, NotFound


async def units_of(session: AsyncSession, kommunkod: str) -> list[Unit]:
    return list(await session.scalars(select(Unit).where(Unit.kommunkod == kommunkod).order_by(Unit.name)))


async def unit_of(session: AsyncSession, unit_id: int, *, kommunkod: str) -> Unit:
    """A unit of this municipality; another municipality's unit is as missing as one that never existed."""
    unit = await session.get(Unit, unit_id)
    if unit is None or unit.kommunkod != kommunkod:
        raise NotFound(f"no unit {unit_id}")
    return unit


async def joined_unit_ids(session: AsyncSession, round_id: int, kommunkod: str) -> set[int]:
    query = (
        select(RoundUnit.unit_id)
        .join(Unit, Unit.id == RoundUnit.unit_id)
        .where(RoundUnit.round_id == round_id, Unit.kommunkod == kommunkod)
    )
    return set(await session.scalars(query))


async def has_joined(session: AsyncSession, round_id: int, kommunkod: str) -> bool:
    return await session.get(RoundMunicipality, (round_id, kommunkod)) is not None


async def join_round(
    session: AsyncSession, survey_round: SurveyRound, *, kommunkod: str, unit_ids: Collection[int]
) -> None:
    """Join the municipality and exactly these of its units; a unit with batches in the round stays joined."""
    if survey_round.closed:
        raise InvalidInput(f"round {survey_round.key} is closed")
    own = {unit.id for unit in await units_of(session, kommunkod)}
    wanted = set(unit_ids)
    if not wanted <= own:
        raise NotFound("a unit given is not one of the municipality's")
    if not await has_joined(session, survey_round.id, kommunkod):
        session.add(RoundMunicipality(round_id=survey_round.id, kommunkod=kommunkod))
    current = await joined_unit_ids(session, survey_round.id, kommunkod)
    with_batches = set(
        await session.scalars(
            select(TokenBatch.unit_id).where(TokenBatch.round_id == survey_round.id, TokenBatch.kommunkod == kommunkod)
        )
    )
    leaving = current - wanted - with_batches
    if leaving:
        await session.execute(
            delete(RoundUnit).where(RoundUnit.round_id == survey_round.id, RoundUnit.unit_id.in_(leaving))
        )
    session.add_all(RoundUnit(round_id=survey_round.id, unit_id=unit_id) for unit_id in sorted(wanted - current))
    await session.flush()


async def require_joined(session: AsyncSession, survey_round: SurveyRound, unit: Unit) -> None:
    if await session.get(RoundUnit, (survey_round.id, unit.id)) is None:
        raise InvalidInput(f"unit {unit.name} has not joined round {survey_round.key}")
