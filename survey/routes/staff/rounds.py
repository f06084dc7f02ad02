"""Survey rounds from the staff side: national coordinators open and close them; a municipality joins with its
units, hands out tokens (card batches, kiosks) and follows the answers coming in."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from survey.auth import Permission, StaffMember
from survey.numbers import whole_numbers
from survey.platform import Platform
from survey.routes.staff.base import own_municipality, see_other, staff_page
from survey.services.counts import national_counts, svarsfrekvens
from survey.services.errors import InvalidInput
from survey.services.kiosks import kiosks_of
from survey.services.participation import has_joined, join_round, joined_unit_ids, units_of
from survey.services.rounds import close_round, create_round, get_round, list_rounds, parse_period, swedish_today


def N_(message: str) -> str:
    return message


BATCH_KINDS = {"cards": N_("Kort"), "kiosk": N_("Surfplatta"), "links": N_("Länkar")}
"""How a batch's tokens reach clients (TokenBatch.kind), as the round page names it."""


@get("/rounds", opt={"permission": Permission.ROUNDS_VIEW})
async def rounds_page(
    request: Request[Any, Any, Any], platform: NamedDependency[Platform], db_session: NamedDependency[AsyncSession]
) -> Response:
    rounds = await list_rounds(db_session)
    return staff_page(
        request,
        "rounds.html",
        rounds=rounds,
        questionnaires=platform.questionnaires,
        idents=sorted(platform.questionnaires),
        default_ident=max(
            (q for q in platform.questionnaires.values() if q.key == "ifo"), key=lambda q: q.version
        ).ident,
    )


@post("/rounds", opt={"permission": Permission.ROUNDS_MANAGE})
async def add_round(
    data: URLEncodedBody[dict[str, str]], platform: NamedDependency[Platform], db_session: NamedDependency[AsyncSession]
) -> Redirect:
    questionnaire = platform.questionnaires.get(data.get("questionnaire", ""))
    if questionnaire is None:
        raise InvalidInput("Välj en enkät.")
    start, end = parse_period(f"{data.get('start', '')}:{data.get('end', '')}")
    await create_round(
        db_session, key=(data.get("key") or "").strip(), questionnaire=questionnaire, start=start, end=end
    )
    await db_session.commit()
    return see_other("/staff/rounds")


@post("/rounds/{round_key:str}/close", opt={"permission": Permission.ROUNDS_MANAGE})
async def close(round_key: FromPath[str], db_session: NamedDependency[AsyncSession]) -> Redirect:
    await close_round(db_session, round_key)
    await db_session.commit()
    return see_other("/staff/rounds")


@get("/rounds/{round_key:str}", opt={"permission": Permission.COUNTS_VIEW})
async def round_page(
    request: Request[Any, Any, Any],
    round_key: FromPath[str],
    staff: NamedDependency[StaffMember],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
) -> Response:
    """The municipality's round: which units take part, batches and kiosks, svarsfrekvens."""
    kommunkod = own_municipality(staff)
    survey_round = await get_round(db_session, round_key)
    units = [u for u in await units_of(db_session, kommunkod) if staff.sees_unit(kommunkod, u.id)]
    joined = await joined_unit_ids(db_session, survey_round.id, kommunkod)
    counts = await svarsfrekvens(db_session, survey_round, staff)

    kiosks = [
        k for k in await kiosks_of(db_session, survey_round.id, kommunkod) if staff.sees_unit(kommunkod, k.unit_id)
    ]
    questionnaire = platform.questionnaires[survey_round.questionnaire]
    return staff_page(
        request,
        "round.html",
        round=survey_round,
        q=questionnaire,
        units=units,
        unit_names={u.id: u.name for u in units},
        joined=joined,
        municipality_joined=await has_joined(db_session, survey_round.id, kommunkod),
        counts=counts,
        kiosks=kiosks,
        kinds=BATCH_KINDS,
        kiosk_url=lambda kiosk: f"{platform.settings.base_url}/kiosk/{platform.kiosk_links.sign(kiosk.id)}",
        today=swedish_today(),
    )


@post("/rounds/{round_key:str}/join", opt={"permission": Permission.ROUNDS_JOIN})
async def join(
    request: Request[Any, Any, Any],
    round_key: FromPath[str],
    staff: NamedDependency[StaffMember],
    db_session: NamedDependency[AsyncSession],
) -> Redirect:
    form = await request.form()
    unit_ids = whole_numbers(form.getall("units", []))
    survey_round = await get_round(db_session, round_key)
    await join_round(db_session, survey_round, kommunkod=own_municipality(staff), unit_ids=unit_ids)
    await db_session.commit()
    return see_other(f"/staff/rounds/{round_key}")


@get("/national/{round_key:str}", opt={"permission": Permission.NATIONAL_VIEW})
async def national_page(
    request: Request[Any, Any, Any], round_key: FromPath[str], db_session: NamedDependency[AsyncSession]
) -> Response:
    """Every municipality's svarsfrekvens for a round, counts below the threshold suppressed."""
    survey_round = await get_round(db_session, round_key)
    return staff_page(
        request, "national.html", round=survey_round, municipalities=await national_counts(db_session, survey_round)
    )
