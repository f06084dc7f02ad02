"""Handing out tokens: card batches (minted, printed as a PDF of QR cards, voided, counted back) and kiosks."""

from __future__ import annotations

import functools

import anyio
from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from survey.auth import Permission, StaffMember
from survey.card_sheet import CARD_INSTRUCTION, Card, Instruction, card_sheet_pdf
from survey.models import Municipality, SurveyRound, TokenBatch, Unit
from survey.numbers import whole_number
from survey.platform import Platform
from survey.routes.problems import N_
from survey.routes.staff.base import STAFF_LOCALE, see_other
from survey.services.batches import batch_of, mint_card_batch, record_handed_out, void_batch
from survey.services.errors import InvalidInput, NotFound
from survey.services.kiosks import create_kiosk, revoke_kiosk
from survey.services.participation import unit_of
from survey.services.rounds import get_round, swedish_today

DEFAULT_IDLE_SECONDS = 120
WAITING_ON_TABLET = N_("Väntar på att skickas: %(count)s svar")
"""Shown small on a kiosk's start screen, for staff (their language): answers finished offline, not yet sent."""


def _number(data: dict[str, str], field: str, message: str) -> int:
    value = whole_number(data.get(field))
    if value is None:
        raise InvalidInput(message)
    return value


async def _unit_for(db_session: AsyncSession, staff: StaffMember, data: dict[str, str]) -> Unit:
    """The unit a form names, as `id` or `id:area` (the card form offers each unit with each of its areas)."""
    unit_id = whole_number((data.get("unit") or "").partition(":")[0])
    if staff.kommunkod is None or unit_id is None:
        raise InvalidInput("Välj en enhet.")
    unit = await unit_of(db_session, unit_id, kommunkod=staff.kommunkod)
    if not staff.sees_unit(unit.kommunkod, unit.id):
        raise NotFound(f"no unit {unit.id}")
    return unit


@post("/rounds/{round_key:str}/batches", opt={"permission": Permission.TOKENS_HAND_OUT})
async def add_batch(
    round_key: FromPath[str],
    data: URLEncodedBody[dict[str, str]],
    staff: NamedDependency[StaffMember],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
) -> Redirect:
    survey_round = await get_round(db_session, round_key)
    unit = await _unit_for(db_session, staff, data)
    count = _number(data, "count", "Skriv hur många kort som ska skrivas ut.")
    batch = await mint_card_batch(
        db_session,
        platform.questionnaires,
        survey_round=survey_round,
        unit=unit,
        area=unit.area or (data.get("unit") or "").partition(":")[2] or data.get("area") or "",
        count=count,
        today=swedish_today(),
    )
    await db_session.commit()
    return see_other(f"/staff/rounds/{round_key}", batch=str(batch.id))


@get("/batches/{batch_id:int}/cards.pdf", opt={"permission": Permission.TOKENS_HAND_OUT})
async def batch_cards(
    batch_id: FromPath[int],
    staff: NamedDependency[StaffMember],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
) -> Response:
    """The batch's cards, the same every time they are downloaded (their codes are derived, not stored)."""
    batch = await batch_of(db_session, batch_id, staff)
    if batch.kind != "cards" or batch.voided:
        raise NotFound(f"batch {batch_id} has no cards to print")
    survey_round = await db_session.get(SurveyRound, batch.round_id)
    municipality = await db_session.get(Municipality, batch.kommunkod)
    unit = await db_session.get(Unit, batch.unit_id) if batch.unit_id else None
    assert survey_round is not None and municipality is not None
    questionnaire = platform.questionnaires[survey_round.questionnaire]
    codes = platform.card_codes
    cards = []
    for index in range(batch.size):
        code = codes.code(batch.id, index)
        cards.append(Card(code=code, url=f"{platform.settings.base_url}/k/{code.replace('-', '')}"))
    instructions = []
    for language in platform.catalogs.offered_for(questionnaire):
        gettext = platform.catalogs.messages(language.code).gettext
        instructions.append(
            Instruction(
                lang=language.tag,
                dir=language.direction,
                text=gettext(CARD_INSTRUCTION),
            )
        )
    gettext = platform.catalogs.staff(STAFF_LOCALE).gettext
    area_name = platform.catalogs.questionnaire_gettext(STAFF_LOCALE).pgettext(
        f"{questionnaire.key}:area.{batch.area}", questionnaire.area(batch.area).name
    )
    place = " – ".join(part for part in (municipality.name, unit.name if unit else None, area_name) if part)
    render = functools.partial(
        card_sheet_pdf,
        cards,
        heading=f"{gettext('Brukarenkät')} – {place}",
        instructions=instructions,
        code_label=gettext("Kod:"),
        title=f"{gettext('Enkätkort')} {batch.id} – {place}",
    )
    pdf = await anyio.to_thread.run_sync(render)  # seconds of WeasyPrint: never on the event loop
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="enkatkort-{batch.id}.pdf"'},
    )


@post("/batches/{batch_id:int}/void", opt={"permission": Permission.TOKENS_HAND_OUT})
async def void(
    batch_id: FromPath[int], staff: NamedDependency[StaffMember], db_session: NamedDependency[AsyncSession]
) -> Redirect:
    batch = await batch_of(db_session, batch_id, staff)
    await void_batch(db_session, batch)
    await db_session.commit()
    return await _back_to_round(db_session, batch)


@post("/batches/{batch_id:int}/handed-out", opt={"permission": Permission.TOKENS_HAND_OUT})
async def handed_out(
    batch_id: FromPath[int],
    data: URLEncodedBody[dict[str, str]],
    staff: NamedDependency[StaffMember],
    db_session: NamedDependency[AsyncSession],
) -> Redirect:
    batch = await batch_of(db_session, batch_id, staff)
    await record_handed_out(db_session, batch, _number(data, "handed_out", "Skriv hur många kort som delades ut."))
    await db_session.commit()
    return await _back_to_round(db_session, batch)


async def _back_to_round(db_session: AsyncSession, batch: TokenBatch) -> Redirect:
    survey_round = await db_session.get(SurveyRound, batch.round_id)
    assert survey_round is not None
    return see_other(f"/staff/rounds/{survey_round.key}")


@post("/rounds/{round_key:str}/kiosks", opt={"permission": Permission.TOKENS_HAND_OUT})
async def add_kiosk(
    round_key: FromPath[str],
    data: URLEncodedBody[dict[str, str]],
    staff: NamedDependency[StaffMember],
    db_session: NamedDependency[AsyncSession],
) -> Redirect:

    unit = await _unit_for(db_session, staff, data)
    idle = whole_number(data.get("idle_seconds"))
    await create_kiosk(
        db_session,
        round_key=round_key,
        kommunkod=unit.kommunkod,
        unit_id=unit.id,
        name=(data.get("name") or "").strip() or unit.name,
        idle_seconds=DEFAULT_IDLE_SECONDS if idle is None else idle,
        today=swedish_today(),
    )
    await db_session.commit()
    return see_other(f"/staff/rounds/{round_key}")


@post("/kiosks/{kiosk_id:int}/revoke", opt={"permission": Permission.TOKENS_HAND_OUT})
async def revoke(
    kiosk_id: FromPath[int], staff: NamedDependency[StaffMember], db_session: NamedDependency[AsyncSession]
) -> Redirect:

    if staff.kommunkod is None:
        raise NotFound(f"no kiosk {kiosk_id}")
    kiosk = await revoke_kiosk(db_session, kiosk_id, kommunkod=staff.kommunkod)
    if not staff.sees_unit(kiosk.kommunkod, kiosk.unit_id):
        await db_session.rollback()
        raise NotFound(f"no kiosk {kiosk_id}")
    await db_session.commit()
    survey_round = await db_session.get(SurveyRound, kiosk.round_id)
    assert survey_round is not None
    return see_other(f"/staff/rounds/{survey_round.key}")
