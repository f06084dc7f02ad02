"""Result tables: a municipality's answers counted in SQL (GROUP BY) and turned into one protected AreaTable,
broken down by its units and by kön. Every figure anyone sees of a municipality (its report, the API, the
national comparison) is read from a table built here, the same way, so no two views can disagree on what is
hidden."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from analysis import MIN_VALID, AreaTable, Counts, Share, area_table
from analysis.shares import ZERO
from questionnaires import QuestionKind, Questionnaire, Role
from survey.models import Answer, Response, Unit
from survey.services.errors import InvalidInput

KON_QUESTION = "kon"
KON_GROUPS = ("kvinna", "man")
"""The groups reported by kön, as Kolada reports K and M; everyone else is pooled (and protected) as övrigt."""


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose answers: a round, and one municipality or (None) all of them."""

    round_id: int
    kommunkod: str | None


OptionRow = tuple[str, str, str, tuple[str, ...], int]
"""(area, question, option, (unit key?, kön option?), number of answers)."""


async def option_counts(
    session: AsyncSession, scope: Scope, *, units: Mapping[int, str], by_kon: bool
) -> list[OptionRow]:
    """(area, question, option, (unit key?, kön option?), n), counted by the database (GROUP BY)."""
    kon = aliased(Answer)
    columns = [
        Response.area,
        Answer.question,
        Answer.option,
        *([Response.unit_id] if units else []),
        *([kon.option] if by_kon else []),
    ]
    query = select(*columns, func.count()).select_from(Response).join(Answer, Answer.response_id == Response.id)
    if by_kon:
        query = query.outerjoin(kon, (kon.response_id == Response.id) & (kon.question == KON_QUESTION))
    query = _where(query.where(Answer.option.is_not(None)), scope).group_by(*columns)
    rows = []
    for area, question, option, *groups, n in (await session.execute(query)).all():
        unit = [units.get(groups.pop(0), "")] if units else []
        rows.append((area, question, option, (*unit, *(g or "" for g in groups)), n))
    return rows


def _where(query: Any, scope: Scope) -> Any:
    query = query.where(Response.round_id == scope.round_id)
    return query if scope.kommunkod is None else query.where(Response.kommunkod == scope.kommunkod)


async def respondents_per_area(session: AsyncSession, scope: Scope) -> dict[str, int]:
    query = _where(select(Response.area, func.count()).group_by(Response.area), scope)
    return {area: n for area, n in (await session.execute(query)).all()}


def fold_counts(rows: list[OptionRow], questionnaire: Questionnaire) -> dict[tuple[str, ...], Counts]:
    """Fold option counts into positive / negative / excluded by each option's role."""
    folded: dict[tuple[str, ...], Counts] = {}
    for area, question_key, option_key, groups, n in rows:
        question = questionnaire.question(question_key)
        if question is None or question.kind is not QuestionKind.RATING or question.scale is None:
            continue
        option = question.scale.option(option_key)
        if option is None:
            raise InvalidInput(f"stored option {option_key!r} is not an option of {question_key!r}")
        key = (area, question_key, *groups)
        one = Counts(
            positive=n if option.role is Role.POSITIVE else 0,
            negative=n if option.role is Role.NEGATIVE else 0,
            excluded=n if option.role is Role.EXCLUDED else 0,
        )
        folded[key] = folded.get(key, ZERO) + one
    return folded


def rated_questions(questionnaire: Questionnaire) -> list[str]:
    return [q.key for q in questionnaire.questions if q.kind is QuestionKind.RATING]


async def table_for(
    session: AsyncSession,
    questionnaire: Questionnaire,
    scope: Scope,
    *,
    units: Mapping[int, str],
    min_valid: int = MIN_VALID,
) -> tuple[AreaTable, list[OptionRow]]:
    """The area table of a municipality, broken down by its units and by kön and protected as a whole, so
    that no unit's or kön's hidden figure follows from the municipality's and the others'; with the option
    counts it was made from."""
    rows = await option_counts(session, scope, units=units, by_kon=True)
    respondents = await respondents_per_area(session, scope)
    return build_table(questionnaire, rows, respondents, unit_keys=units.values(), min_valid=min_valid), rows


def build_table(
    questionnaire: Questionnaire,
    rows: list[OptionRow],
    respondents: Mapping[str, int],
    *,
    unit_keys: Collection[str],
    min_valid: int = MIN_VALID,
) -> AreaTable:
    """One municipality's table from its option counts (grouped by unit, if it has units, and kön): the one
    construction behind its report, the API and the national view, so that they can never disagree."""
    dimensions = [*([sorted(unit_keys)] if unit_keys else []), KON_GROUPS]
    return area_table(
        fold_counts(rows, questionnaire),
        respondents,
        areas=[a.key for a in questionnaire.areas],
        questions=rated_questions(questionnaire),
        dimensions=dimensions,
        min_valid=min_valid,
    )


def overall(table: AreaTable, area: str, question: str, kon: str | None = None) -> Share:
    """The share of everyone in the municipality (every unit), or of one kön group."""
    return table.get(area, question, *([None] * (len(table.dimensions) - 1)), kon)


CACHED_ROUNDS = 4
_cache: OrderedDict[tuple[Any, ...], Mapping[str, AreaTable]] = OrderedDict()


async def _fingerprint(session: AsyncSession, round_id: int) -> tuple[Any, ...]:
    """What the round's tables depend on that can change: its responses (only ever added, never changed: their
    number and the largest and smallest of their random ids tell one set from another), and the units (their
    keys order a table's breakdown)."""
    responses = (
        await session.execute(
            select(func.count(), func.min(Response.id), func.max(Response.id)).where(Response.round_id == round_id)
        )
    ).one()
    units = tuple(await session.execute(select(Unit.id, Unit.kommunkod, Unit.key).order_by(Unit.id)))
    return *responses, hash(units)


async def municipality_tables(
    session: AsyncSession, questionnaire: Questionnaire, round_id: int, *, min_valid: int = MIN_VALID
) -> Mapping[str, AreaTable]:
    """Every municipality's table for a round, each exactly as its own report builds it, from one GROUP BY over
    the whole country's answers rather than one query per municipality.

    The last few rounds' tables are kept in memory while their responses and units stay as they were: the
    comparison page, a report's rikssnitt and its comparison section, and every report of a batch worker all
    need the same tables, and at a million responses the GROUP BY takes seconds."""
    key = (str(session.bind.url), questionnaire.ident, round_id, min_valid, *await _fingerprint(session, round_id))
    if key in _cache:
        _cache.move_to_end(key)
        return _cache[key]
    tables = MappingProxyType(await _build_municipality_tables(session, questionnaire, round_id, min_valid=min_valid))
    _cache[key] = tables
    while len(_cache) > CACHED_ROUNDS:
        _cache.popitem(last=False)
    return tables


async def _build_municipality_tables(
    session: AsyncSession, questionnaire: Questionnaire, round_id: int, *, min_valid: int
) -> dict[str, AreaTable]:
    kon = aliased(Answer)
    columns = [Response.kommunkod, Response.area, Answer.question, Answer.option, Response.unit_id, kon.option]
    query = (
        select(*columns, func.count())
        .select_from(Response)
        .join(Answer, Answer.response_id == Response.id)
        .outerjoin(kon, (kon.response_id == Response.id) & (kon.question == KON_QUESTION))
        .where(
            Response.round_id == round_id,
            Answer.option.is_not(None),
            Answer.question.in_(rated_questions(questionnaire)),  # kön itself is the join, not a row to count
        )
        .group_by(*columns)
    )
    units: dict[str, dict[int, str]] = {}
    for unit in await session.scalars(select(Unit)):
        units.setdefault(unit.kommunkod, {})[unit.id] = unit.key
    rows: dict[str, list[OptionRow]] = {}
    for kommunkod, area, question, option, unit_id, kon_option, n in (await session.execute(query)).all():
        own_units = units.get(kommunkod, {})
        groups = (*([own_units.get(unit_id, "")] if own_units else []), kon_option or "")
        rows.setdefault(kommunkod, []).append((area, question, option, groups, n))
    respondents: dict[str, dict[str, int]] = {}
    per_area = select(Response.kommunkod, Response.area, func.count()).where(Response.round_id == round_id)
    for kommunkod, area, n in (await session.execute(per_area.group_by(Response.kommunkod, Response.area))).all():
        respondents.setdefault(kommunkod, {})[area] = n
    return {
        kommunkod: build_table(
            questionnaire,
            rows.get(kommunkod, []),
            counts,
            unit_keys=units.get(kommunkod, {}).values(),
            min_valid=min_valid,
        )
        for kommunkod, counts in sorted(respondents.items())
    }


async def units_of(session: AsyncSession, kommunkod: str) -> dict[int, str]:
    return {unit.id: unit.key for unit in await session.scalars(select(Unit).where(Unit.kommunkod == kommunkod))}
