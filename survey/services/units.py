"""Municipalities and their units (enheter)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from questionnaires.validator import KEY_PATTERN
from survey.models import Municipality, Unit
from survey.services.errors import InvalidInput, NotFound


async def get_municipality(session: AsyncSession, kommunkod: str) -> Municipality:
    municipality = await session.get(Municipality, kommunkod)
    if municipality is None:
        raise NotFound(f"no municipality with kommunkod {kommunkod!r} (four digits, e.g. 2085)")
    return municipality


async def get_unit(session: AsyncSession, kommunkod: str, key: str) -> Unit:
    unit = await session.scalar(select(Unit).where(Unit.kommunkod == kommunkod, Unit.key == key))
    if unit is None:
        raise NotFound(f"municipality {kommunkod} has no unit {key!r}")
    return unit


async def create_unit(session: AsyncSession, *, kommunkod: str, key: str, name: str, area: str | None = None) -> Unit:
    await get_municipality(session, kommunkod)
    if not KEY_PATTERN.match(key):
        raise InvalidInput(f"unit key {key!r} must be lower-case ASCII letters, digits and _")
    if await session.scalar(select(Unit.id).where(Unit.kommunkod == kommunkod, Unit.key == key)) is not None:
        raise InvalidInput(f"municipality {kommunkod} has a unit {key!r} already")
    if area is not None and not KEY_PATTERN.match(area):
        raise InvalidInput(f"area {area!r} must be an area key such as ekonomiskt_bistand")
    unit = Unit(kommunkod=kommunkod, key=key, name=name.strip() or key, area=area or None)
    session.add(unit)
    await session.flush()
    return unit


async def update_unit(session: AsyncSession, unit_id: int, *, kommunkod: str, name: str, area: str | None) -> Unit:
    """Rename a unit or change its fixed area; batches already minted keep the area they were minted for."""
    unit = await session.get(Unit, unit_id)
    if unit is None or unit.kommunkod != kommunkod:
        raise NotFound(f"no unit {unit_id}")
    if not name.strip():
        raise InvalidInput("Ge enheten ett namn.")
    if area is not None and not KEY_PATTERN.match(area):
        raise InvalidInput(f"area {area!r} must be an area key such as ekonomiskt_bistand")
    unit.name = name.strip()
    unit.area = area or None
    await session.flush()
    return unit
