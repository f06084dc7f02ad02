"""Plain functions that put rounds, units and token batches into a test database."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy.ext.asyncio import AsyncSession

from questionnaires import Questionnaire, load_shipped
from survey.platform import Platform
from survey.services.batches import issue_tokens
from survey.services.rounds import create_round, swedish_today
from survey.services.units import create_unit

IFO = load_shipped()["ifo@1"]
IFO_WITH_FREE_TEXT = load_shipped()["ifo@2"]


async def open_round(
    session: AsyncSession,
    key: str = "ifo-2026",
    *,
    days_left: int = 30,
    days_gone: int = 10,
    questionnaire: Questionnaire = IFO,
):
    """An IFO round whose period runs from `days_gone` days ago to `days_left` days ahead."""
    today = swedish_today()
    survey_round = await create_round(
        session,
        key=key,
        questionnaire=questionnaire,
        start=today - dt.timedelta(days=days_gone),
        end=today + dt.timedelta(days=days_left),
    )
    await session.commit()
    return survey_round


async def add_unit(
    session: AsyncSession, kommunkod: str = "2085", key: str = "hvb_solrosen", name: str = "HVB Solrosen"
):
    unit = await create_unit(session, kommunkod=kommunkod, key=key, name=name)
    await session.commit()
    return unit


async def tokens(
    platform: Platform,
    session: AsyncSession,
    *,
    count: int = 1,
    round_key: str = "ifo-2026",
    kommunkod: str = "2085",
    area: str = "vardnadshavare",
    unit_key: str | None = None,
) -> list[str]:
    issued = await issue_tokens(
        session,
        platform.minter,
        platform.questionnaires,
        round_key=round_key,
        kommunkod=kommunkod,
        area=area,
        unit_key=unit_key,
        count=count,
        today=swedish_today(),
    )
    await session.commit()
    return issued.tokens


PASSWORD = "a long enough password"


async def add_user(
    platform: Platform,
    session: AsyncSession,
    email: str,
    role: str,
    kommunkod: str | None = "2085",
    unit_ids: tuple[int, ...] = (),
):
    from survey.services.users import create_user

    user = await create_user(
        session,
        platform.passwords,
        email=email,
        name=email.split("@")[0].title(),
        role=role,
        password=PASSWORD,
        kommunkod=kommunkod,
        unit_ids=unit_ids,
    )
    await session.commit()
    return user


async def join(session: AsyncSession, round_key: str, kommunkod: str, unit_ids: list[int]) -> None:
    from survey.services.participation import join_round
    from survey.services.rounds import get_round

    await join_round(session, await get_round(session, round_key), kommunkod=kommunkod, unit_ids=unit_ids)
    await session.commit()


CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')


async def csrf(client, path: str = "/staff/login") -> str:  # type: ignore[no-untyped-def]
    """The CSRF token of a staff form, as a browser gets it: from the page (which also sets the cookie)."""
    page = await client.get(path)
    match = CSRF_FIELD.search(page.text)
    assert match, f"no CSRF field on {path} ({page.status_code})"
    return match.group(1)


async def sign_in(client, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    token = await csrf(client)
    response = await client.post(
        "/staff/login", data={"email": email, "password": password, "_csrf_token": token, "next": "/staff/"}
    )
    return response


async def post_form(client, path: str, data: dict | None = None, *, page: str = "/staff/"):  # type: ignore[no-untyped-def]
    """Post a staff form with the CSRF token of a page the user can see."""
    token = await csrf(client, page)
    return await client.post(path, data={**(data or {}), "_csrf_token": token})
