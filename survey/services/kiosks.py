"""Kiosks: a shared tablet that mints a fresh single-use token for each respondent of one unit.

A kiosk is one row (round, unit, idle time) behind a signed, revocable link. It never stores tokens: each start
adds one to its batch's size and handed-out count (svarsfrekvens) and mints a token with a random nonce, so a
kiosk's answers are as anonymous as a printed card's (DESIGN.md §3).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from questionnaires import Questionnaire
from survey.models import Kiosk, RedeemedToken, RoundUnit, SurveyRound, TokenBatch, Unit
from survey.services.errors import InvalidInput, NotFound
from survey.services.responses import count_handed_out
from survey.services.rounds import get_round
from survey.tokens import TokenClaims, TokenMinter

MIN_IDLE_SECONDS = 30
"""Less than this and a respondent reading a long question would be wiped mid-thought."""
MAX_IDLE_SECONDS = 1800
"""More than this and an abandoned survey waits too long for the next person to see it."""
DEFAULT_IDLE_SECONDS = 120
MAX_NAME = 100


class KioskProblem(StrEnum):
    """Why a kiosk link does not open a survey station today."""

    UNKNOWN = "unknown"
    REVOKED = "revoked"
    CLOSED = "closed"
    EXPIRED = "expired"
    NOT_YET_OPEN = "not_yet_open"


class KioskRefused(Exception):
    def __init__(self, problem: KioskProblem) -> None:
        self.problem = problem
        super().__init__(problem.value)


@dataclass(frozen=True, slots=True)
class KioskStation:
    """A kiosk that may mint tokens today, with what its pages show."""

    kiosk: Kiosk
    survey_round: SurveyRound
    unit: Unit
    questionnaire: Questionnaire

    def area_for(self, wanted: str | None) -> str | None:
        """The area a respondent answers about: the unit's own, else `wanted` when the questionnaire has it."""
        if self.unit.area is not None:
            return self.unit.area
        if wanted and self.questionnaire.area(wanted) is not None:
            return wanted
        return None


@dataclass(frozen=True, slots=True)
class KioskSetting:
    """What a respondent page of a kiosk token needs to send the tablet back to the start screen."""

    kiosk_id: int
    idle_seconds: int
    fixed_area: str | None
    """The unit's area, or None when staff choose the area per respondent."""


async def create_kiosk(
    session: AsyncSession,
    *,
    round_key: str,
    kommunkod: str,
    unit_id: int,
    name: str,
    idle_seconds: int,
    today: dt.date,
) -> Kiosk:
    """A new kiosk for a unit taking part in an open round; the caller commits."""
    if not MIN_IDLE_SECONDS <= idle_seconds <= MAX_IDLE_SECONDS:
        raise InvalidInput(
            f"idle time must be from {MIN_IDLE_SECONDS} to {MAX_IDLE_SECONDS} seconds, got {idle_seconds}"
        )
    name = name.strip()
    if not 1 <= len(name) <= MAX_NAME:
        raise InvalidInput(f"a kiosk needs a name of 1 to {MAX_NAME} characters")
    survey_round = await get_round(session, round_key)
    if survey_round.closed or today > survey_round.period_end:
        raise InvalidInput(f"round {round_key!r} is closed")
    unit = await session.get(Unit, unit_id)
    if unit is None or unit.kommunkod != kommunkod:
        raise NotFound(f"municipality {kommunkod} has no unit {unit_id}")
    if await session.get(RoundUnit, (survey_round.id, unit.id)) is None:
        raise InvalidInput(f"unit {unit.key!r} does not take part in round {round_key!r}")
    kiosk = Kiosk(
        round_id=survey_round.id,
        kommunkod=kommunkod,
        unit_id=unit.id,
        name=name,
        idle_seconds=idle_seconds,
        revoked=False,
        created_on=today,
    )
    session.add(kiosk)
    await session.flush()
    return kiosk


async def revoke_kiosk(session: AsyncSession, kiosk_id: int, *, kommunkod: str) -> Kiosk:
    """Stop the kiosk link from minting tokens; tokens already minted stay valid. The caller commits."""
    kiosk = await session.get(Kiosk, kiosk_id)
    if kiosk is None or kiosk.kommunkod != kommunkod:
        raise NotFound(f"municipality {kommunkod} has no kiosk {kiosk_id}")
    kiosk.revoked = True
    await session.flush()
    return kiosk


async def kiosks_of(session: AsyncSession, round_id: int, kommunkod: str) -> list[Kiosk]:
    statement = (
        select(Kiosk).where(Kiosk.round_id == round_id, Kiosk.kommunkod == kommunkod).order_by(Kiosk.name, Kiosk.id)
    )
    return list(await session.scalars(statement))


async def open_kiosk(
    session: AsyncSession, questionnaires: Mapping[str, Questionnaire], kiosk_id: int | None, *, today: dt.date
) -> KioskStation:
    """The kiosk behind a (verified) link, or `KioskRefused` saying why it cannot take respondents today."""
    row = None
    if kiosk_id is not None:
        statement = (
            select(Kiosk, SurveyRound, Unit)
            .join(SurveyRound, SurveyRound.id == Kiosk.round_id)
            .join(Unit, Unit.id == Kiosk.unit_id)
            .where(Kiosk.id == kiosk_id)
        )
        row = (await session.execute(statement)).first()
    if row is None:
        raise KioskRefused(KioskProblem.UNKNOWN)
    kiosk, survey_round, unit = row
    if kiosk.revoked:
        raise KioskRefused(KioskProblem.REVOKED)
    if survey_round.closed:
        raise KioskRefused(KioskProblem.CLOSED)
    if today > survey_round.period_end:
        raise KioskRefused(KioskProblem.EXPIRED)
    if today < survey_round.period_start:
        raise KioskRefused(KioskProblem.NOT_YET_OPEN)
    return KioskStation(kiosk, survey_round, unit, questionnaires[survey_round.questionnaire])


async def mint_kiosk_token(
    session: AsyncSession,
    minter: TokenMinter,
    kiosk: Kiosk,
    area: str,
    *,
    questionnaires: Mapping[str, Questionnaire],
    today: dt.date,
) -> str:
    """A fresh token for the next respondent at the kiosk, counted as handed out in the kiosk's batch for `area`.

    One batch per kiosk and area; the count goes up in a single UPDATE, so two tablets starting at once both
    count. Commits, so that the count is there before the respondent can answer.
    """
    survey_round, batch_id = await kiosk_batch_for(session, kiosk, area, questionnaires=questionnaires, today=today)
    await session.execute(
        update(TokenBatch)
        .where(TokenBatch.id == batch_id)
        .values(size=TokenBatch.size + 1, handed_out=TokenBatch.handed_out + 1)
    )
    await session.commit()
    return minter.mint(
        round_key=survey_round.key, kommunkod=kiosk.kommunkod, area=area, unit_id=kiosk.unit_id, batch_id=batch_id
    )


async def kiosk_batch_for(
    session: AsyncSession, kiosk: Kiosk, area: str, *, questionnaires: Mapping[str, Questionnaire], today: dt.date
) -> tuple[SurveyRound, int]:
    """The round and the batch id a kiosk mints tokens for `area` into, once the kiosk may mint for it today."""
    survey_round = await session.get(SurveyRound, kiosk.round_id)
    unit = await session.get(Unit, kiosk.unit_id)
    if survey_round is None or unit is None:
        raise NotFound(f"kiosk {kiosk.id} has no round or unit")
    if kiosk.revoked or survey_round.closed or not survey_round.period_start <= today <= survey_round.period_end:
        raise InvalidInput(f"kiosk {kiosk.id} no longer takes respondents")
    questionnaire = questionnaires[survey_round.questionnaire]
    if questionnaire.area(area) is None:
        raise InvalidInput(f"{area!r} is not an area of {questionnaire.ident}")
    if unit.area is not None and area != unit.area:
        raise InvalidInput(f"unit {unit.key!r} answers about {unit.area!r} only, not {area!r}")
    return survey_round, await _kiosk_batch(session, kiosk, area, today)


async def _kiosk_batch(session: AsyncSession, kiosk: Kiosk, area: str, today: dt.date) -> int:
    """The id of the kiosk's batch for `area`, created (empty) with the first start in that area.

    Two first starts racing could each create one; both batches count, so svarsfrekvens stays right.
    """
    existing = await session.scalar(
        select(TokenBatch.id)
        .where(TokenBatch.kiosk_id == kiosk.id, TokenBatch.area == area, TokenBatch.voided.is_(False))
        .order_by(TokenBatch.id)
        .limit(1)
    )
    if existing is not None:
        return existing
    batch = TokenBatch(
        round_id=kiosk.round_id,
        kommunkod=kiosk.kommunkod,
        unit_id=kiosk.unit_id,
        area=area,
        size=0,
        handed_out=0,
        created_on=today,
        voided=False,
        kind="kiosk",
        kiosk_id=kiosk.id,
    )
    session.add(batch)
    await session.flush()
    return batch.id


async def kiosk_setting(
    session: AsyncSession, *, kiosk_id: int | None = None, batch_id: int | None = None
) -> KioskSetting | None:
    """The kiosk (given directly, or as the kiosk of a token batch) a respondent page returns to; None if none."""
    statement = select(Kiosk.id, Kiosk.idle_seconds, Unit.area).join(Unit, Unit.id == Kiosk.unit_id)
    if batch_id is not None:
        statement = statement.join(TokenBatch, TokenBatch.kiosk_id == Kiosk.id).where(TokenBatch.id == batch_id)
    elif kiosk_id is not None:
        statement = statement.where(Kiosk.id == kiosk_id)
    else:
        return None
    row = (await session.execute(statement)).first()
    if row is None:
        return None
    return KioskSetting(kiosk_id=row.id, idle_seconds=row.idle_seconds, fixed_area=row.area)


async def burn_token(session: AsyncSession, claims: TokenClaims) -> None:
    """Mark a kiosk token used without an answer (the respondent walked away); already used is fine.

    Nothing else is written: `batch_days` counts answers, and this is none.
    """
    upsert = postgresql_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    statement = upsert(RedeemedToken).values(nonce_hash=claims.nonce_hash, batch_id=claims.batch_id)
    result = await session.execute(statement.on_conflict_do_nothing(index_elements=[RedeemedToken.nonce_hash]))
    if claims.counted_on_use and result.rowcount == 1:
        await count_handed_out(session, claims.batch_id)
    await session.commit()
