"""Svarsfrekvens: tokens handed out against answers received, per batch, per unit and area, per day.

Counts only, from `token_batches` and `batch_days`; nothing here reads a response or an answer. Aggregated in
SQL (DESIGN.md §6).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from analysis import MIN_VALID
from survey.auth import StaffMember
from survey.models import BatchDay, Municipality, SurveyRound, TokenBatch, Unit


@dataclass(frozen=True, slots=True)
class Rate:
    handed_out: int
    answered: int

    @property
    def percent(self) -> int | None:
        """Whole percent, None when nothing was handed out. Can pass 100 when cards were under-counted."""
        return round(100 * self.answered / self.handed_out) if self.handed_out else None


@dataclass(frozen=True, slots=True)
class BatchLine:
    batch: TokenBatch
    unit_name: str
    answered: int

    @property
    def rate(self) -> Rate:
        # A voided batch's unanswered cards were lost, not handed out: count only the ones that came back.
        handed_out = self.answered if self.batch.voided else max(self.batch.handed_out, self.answered)
        return Rate(handed_out, self.answered)


@dataclass(frozen=True, slots=True)
class UnitAreaLine:
    unit_name: str
    area: str
    rate: Rate


@dataclass(frozen=True, slots=True)
class Svarsfrekvens:
    batches: list[BatchLine]
    by_unit_area: list[UnitAreaLine]
    by_day: list[tuple[dt.date, int]]
    total: Rate


def _answered_per_batch():  # type: ignore[no-untyped-def]
    return (
        select(BatchDay.batch_id, func.sum(BatchDay.answered).label("answered")).group_by(BatchDay.batch_id).subquery()
    )


async def svarsfrekvens(session: AsyncSession, survey_round: SurveyRound, member: StaffMember) -> Svarsfrekvens:
    """The round's counts for what the member may see: their municipality, and for unit staff their units."""
    answered = _answered_per_batch()
    query = (
        select(TokenBatch, Unit.name, func.coalesce(answered.c.answered, 0))
        .outerjoin(Unit, Unit.id == TokenBatch.unit_id)
        .outerjoin(answered, answered.c.batch_id == TokenBatch.id)
        .where(TokenBatch.round_id == survey_round.id, TokenBatch.kommunkod == member.kommunkod)
        .order_by(Unit.name, TokenBatch.area, TokenBatch.id)
    )
    lines = [
        BatchLine(batch, unit_name or "", int(count))
        for batch, unit_name, count in await session.execute(query)
        if member.sees_unit(batch.kommunkod, batch.unit_id)
    ]
    grouped: dict[tuple[str, str], list[Rate]] = {}
    for line in lines:
        grouped.setdefault((line.unit_name, line.batch.area), []).append(line.rate)
    by_unit_area = [UnitAreaLine(unit, area, _sum(rates)) for (unit, area), rates in grouped.items()]
    batch_ids = [line.batch.id for line in lines]
    by_day = [
        (day, int(count))
        for day, count in await session.execute(
            select(BatchDay.day, func.sum(BatchDay.answered))
            .where(BatchDay.batch_id.in_(batch_ids))
            .group_by(BatchDay.day)
            .order_by(BatchDay.day)
        )
    ]
    return Svarsfrekvens(lines, by_unit_area, by_day, _sum([line.rate for line in lines]))


def _sum(rates: list[Rate]) -> Rate:
    return Rate(sum(r.handed_out for r in rates), sum(r.answered for r in rates))


@dataclass(frozen=True, slots=True)
class MunicipalityCount:
    """A municipality in the national overview: below MIN_VALID answers, only that there were few."""

    kommunkod: str
    name: str
    handed_out: int
    answered: int | None
    """None when fewer than MIN_VALID: the national view shows other municipalities only as suppressed
    aggregates (DESIGN.md §3.4)."""

    @property
    def percent(self) -> int | None:
        if self.answered is None or not self.handed_out:
            return None
        return round(100 * self.answered / self.handed_out)


async def national_counts(session: AsyncSession, survey_round: SurveyRound) -> list[MunicipalityCount]:
    answered = _answered_per_batch()
    query = (
        select(
            TokenBatch.kommunkod,
            Municipality.name,
            func.sum(TokenBatch.handed_out),
            func.coalesce(func.sum(answered.c.answered), 0),
        )
        .join(Municipality, Municipality.kommunkod == TokenBatch.kommunkod)
        .outerjoin(answered, answered.c.batch_id == TokenBatch.id)
        .where(TokenBatch.round_id == survey_round.id, TokenBatch.voided.is_(False))
        .group_by(TokenBatch.kommunkod, Municipality.name)
        .order_by(Municipality.name)
    )
    return [
        MunicipalityCount(kommunkod, name, int(handed_out), int(count) if count >= MIN_VALID else None)
        for kommunkod, name, handed_out, count in await session.execute(query)
    ]
