"""Demo data for `make demo`: Ludvika (2085) with two units and an open IFO round covering today."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from questionnaires import load_shipped
from survey.auth import Passwords, Role
from survey.config import Settings
from survey.demo_comparison import load_comparison_demo
from survey.models import Kiosk, SurveyRound, Unit, User
from survey.services.batches import issue_tokens
from survey.services.kiosks import create_kiosk
from survey.services.participation import join_round, units_of
from survey.services.rounds import create_round, swedish_today
from survey.services.units import create_unit
from survey.services.users import create_user
from survey.tokens import KIOSK_LINK, Signer, TokenMinter

DEMO_MUNICIPALITY = "2085"
DEMO_ROUND = "ifo-demo"
DEMO_UNITS = {"ekonomiskt_bistand": "Ekonomiskt bistånd", "barn_och_unga": "Barn och unga"}
UNIT_OF_AREA = {
    "ekonomiskt_bistand": "ekonomiskt_bistand",
    "ungdomar": "barn_och_unga",
    "vardnadshavare": "barn_och_unga",
}


async def load_demo(session: AsyncSession, settings: Settings) -> list[tuple[str, str]]:
    """Create the demo round and units if missing, with synthetic answers across Dalarna and a synthetic
    Kolada file for the comparison, and mint one fresh link per area. Safe to run again."""
    questionnaires = load_shipped()
    ifo = questionnaires["ifo@1"]
    today = swedish_today()
    if await session.scalar(select(SurveyRound).where(SurveyRound.key == DEMO_ROUND)) is None:
        await create_round(
            session,
            key=DEMO_ROUND,
            questionnaire=ifo,
            start=today - dt.timedelta(days=30),
            end=today + dt.timedelta(days=90),
        )
    existing = set(await session.scalars(select(Unit.key).where(Unit.kommunkod == DEMO_MUNICIPALITY)))
    for key, name in DEMO_UNITS.items():
        if key not in existing:
            await create_unit(session, kommunkod=DEMO_MUNICIPALITY, key=key, name=name)
    demo_round = await session.scalar(select(SurveyRound).where(SurveyRound.key == DEMO_ROUND))
    await load_comparison_demo(session, questionnaires, round_id=demo_round.id, year=demo_round.period_start.year)
    units = await units_of(session, DEMO_MUNICIPALITY)
    await join_round(session, demo_round, kommunkod=DEMO_MUNICIPALITY, unit_ids=[unit.id for unit in units])
    minter = TokenMinter(settings.secret_key)
    links = []
    for area in ifo.areas:
        issued = await issue_tokens(
            session,
            minter,
            questionnaires,
            round_key=DEMO_ROUND,
            kommunkod=DEMO_MUNICIPALITY,
            area=area.key,
            unit_key=UNIT_OF_AREA.get(area.key),
            count=1,
            today=today,
        )
        links.append((area.key, f"{settings.base_url.rstrip('/')}/s/{issued.tokens[0]}"))
    return links


async def load_demo_kiosk(session: AsyncSession, settings: Settings) -> str:
    """The demo's tablet link (a kiosk for Ekonomiskt bistånd), created if missing."""
    demo_round = await session.scalar(select(SurveyRound).where(SurveyRound.key == DEMO_ROUND))
    unit = await session.scalar(
        select(Unit).where(Unit.kommunkod == DEMO_MUNICIPALITY, Unit.key == "ekonomiskt_bistand")
    )
    assert demo_round is not None and unit is not None
    kiosk = await session.scalar(select(Kiosk).where(Kiosk.round_id == demo_round.id, Kiosk.unit_id == unit.id))
    if kiosk is None:
        kiosk = await create_kiosk(
            session,
            round_key=DEMO_ROUND,
            kommunkod=DEMO_MUNICIPALITY,
            unit_id=unit.id,
            name="Väntrummet",
            idle_seconds=120,
            today=swedish_today(),
        )
    signed = Signer(settings.secret_key, KIOSK_LINK).sign(kiosk.id)
    return f"{settings.base_url.rstrip('/')}/kiosk/{signed}"


DEMO_PASSWORD = "demo-brukarenkat"  # noqa: S105 - printed by `make demo` for a local demo database only
DEMO_USERS = (
    ("samordnare@demo.brukarenkat.se", "Nora Nationell", Role.NATIONAL, None),
    ("admin@ludvika.demo.brukarenkat.se", "Anna Admin", Role.ADMIN, None),
    ("analys@ludvika.demo.brukarenkat.se", "Ali Analytiker", Role.ANALYST, None),
    ("enhet@ludvika.demo.brukarenkat.se", "Eva Enhet", Role.UNIT_STAFF, "ekonomiskt_bistand"),
)


async def load_demo_users(session: AsyncSession) -> list[tuple[str, str, str]]:
    """One login per role (email, password, role), created if missing; for a local demo only."""
    passwords = Passwords()
    existing = set(await session.scalars(select(User.email)))
    units = {unit.key: unit.id for unit in await units_of(session, DEMO_MUNICIPALITY)}
    for email, name, role, unit_key in DEMO_USERS:
        if email not in existing:
            await create_user(
                session,
                passwords,
                email=email,
                name=name,
                role=role,
                password=DEMO_PASSWORD,
                kommunkod=None if role is Role.NATIONAL else DEMO_MUNICIPALITY,
                unit_ids=[units[unit_key]] if unit_key else (),
            )
    return [(email, DEMO_PASSWORD, role.value) for email, _, role, _ in DEMO_USERS]
