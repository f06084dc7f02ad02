"""Every staff route × every role × another municipality's data: 403 or 404, never that data (DESIGN.md §3.4).

The routes come from the app's own route table, so a new staff route is in this matrix the moment it exists; a
route with a path parameter this file has no foreign value for fails the test until one is added here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from survey.app import create_app
from survey.auth import ROLE_PERMISSIONS, STAFF_PATH, Permission, Role
from survey.config import Settings
from survey.models import Kiosk, Response, RoundUnit, TextRedaction, TokenBatch, Unit, User, UserUnit
from survey.services.batches import mint_card_batch
from survey.services.responses import count_answer, insert_response
from survey.services.rounds import get_round, swedish_today
from tests.conftest import SECRET
from tests.factories import IFO_WITH_FREE_TEXT, add_unit, add_user, csrf, join, open_round, sign_in

HOME, FOREIGN = "2085", "1480"
MARKERS = ("Hemliga enheten i Göteborg", "forsta@goteborg.se", "Göteborgs väntrumsplatta", "Hemlig fritext")
"""Strings only the foreign municipality's data contains: none may appear on a page shown to a Ludvika user."""


@dataclass(frozen=True, slots=True)
class StaffRoute:
    method: str
    path: str
    permission: Permission

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def staff_routes() -> list[StaffRoute]:
    """Every method of every route under /staff that needs a sign-in, read from the app itself."""
    app = create_app(Settings(database_url="sqlite+aiosqlite:////tmp/brukarenkat-route-table.db", secret_key=SECRET))
    found = []
    for route in app.routes:
        if not route.path.startswith(STAFF_PATH):
            continue
        for method, (handler, _) in getattr(route, "route_handler_map", {}).items():
            if method in {"OPTIONS", "HEAD"} or handler.opt.get("public"):
                continue
            found.append(StaffRoute(method, route.path, handler.opt.get("permission")))
    return sorted(found, key=str)


ROUTES = staff_routes()


def test_the_matrix_covers_the_staff_ui() -> None:
    """A smoke check on the generator itself: were it to find nothing, the matrix would pass vacuously."""
    assert len(ROUTES) >= 15
    assert all(isinstance(route.permission, Permission) for route in ROUTES)


@dataclass(frozen=True, slots=True)
class Foreign:
    """Ids of the other municipality's things (plain values: they outlive the test's session)."""

    unit_id: int
    batch_id: int
    kiosk_id: int
    user_id: int
    response_id: str
    response_ids: tuple[str, ...] = ()
    """Every response of the other municipality: a page or export listing respondent rows would show their ids."""

    def path_values(self) -> dict[str, str]:
        return {
            "unit_id": str(self.unit_id),
            "batch_id": str(self.batch_id),
            "kiosk_id": str(self.kiosk_id),
            "user_id": str(self.user_id),
            "round_key": "ifo-2026",
            "format_key": "html",  # the format that prints free text
        }


async def _two_municipalities(platform, session) -> Foreign:  # type: ignore[no-untyped-def]
    await open_round(session, questionnaire=IFO_WITH_FREE_TEXT)
    home_unit = await add_unit(session, HOME, "hvb_solrosen", "HVB Solrosen")
    foreign_unit = await add_unit(session, FOREIGN, "hemlig", MARKERS[0])
    await join(session, "ifo-2026", HOME, [home_unit.id])
    await join(session, "ifo-2026", FOREIGN, [foreign_unit.id])
    survey_round = await get_round(session, "ifo-2026")
    batch = await mint_card_batch(
        session,
        platform.questionnaires,
        survey_round=survey_round,
        unit=foreign_unit,
        area="ungdomar",
        count=4,
        today=swedish_today(),
    )
    kiosk = Kiosk(
        round_id=survey_round.id,
        kommunkod=FOREIGN,
        unit_id=foreign_unit.id,
        name=MARKERS[2],
        idle_seconds=120,
        revoked=False,
        created_on=swedish_today(),
    )
    session.add(kiosk)
    await session.commit()
    user = await add_user(platform, session, MARKERS[1], "analyst", FOREIGN)
    for n in range(6):  # enough respondents that the foreign analyst would see these texts
        await insert_response(
            session,
            IFO_WITH_FREE_TEXT,
            round_id=survey_round.id,
            kommunkod=FOREIGN,
            unit_id=foreign_unit.id,
            area="ungdomar",
            answers={"kontakt": "mycket_latt", "ovrigt": f"{MARKERS[3]} nummer {n}"},
        )
    await session.commit()
    response_ids = list(await session.scalars(select(Response.id).where(Response.kommunkod == FOREIGN)))
    for role in Role:
        await add_user(
            platform,
            session,
            f"{role.value}@ludvika.se",
            role.value,
            None if role is Role.NATIONAL else HOME,
            unit_ids=(home_unit.id,) if role is Role.UNIT_STAFF else (),
        )
    return Foreign(foreign_unit.id, batch.id, kiosk.id, user.id, response_ids[0], tuple(response_ids))


async def _foreign_state(session) -> list[tuple]:  # type: ignore[no-untyped-def]
    """Everything of the foreign municipality a staff route could change."""
    session.expire_all()
    rows: list[tuple] = []
    for unit in await session.scalars(select(Unit).where(Unit.kommunkod == FOREIGN).order_by(Unit.id)):
        rows.append(("unit", unit.id, unit.key, unit.name, unit.area))
    for batch in await session.scalars(
        select(TokenBatch).where(TokenBatch.kommunkod == FOREIGN).order_by(TokenBatch.id)
    ):
        rows.append(("batch", batch.id, batch.size, batch.handed_out, batch.voided, batch.unit_id))
    for kiosk in await session.scalars(select(Kiosk).where(Kiosk.kommunkod == FOREIGN).order_by(Kiosk.id)):
        rows.append(("kiosk", kiosk.id, kiosk.revoked, kiosk.idle_seconds))
    for user in await session.scalars(select(User).where(User.kommunkod == FOREIGN).order_by(User.id)):
        rows.append(("user", user.id, user.email, user.active, user.session_epoch, user.role))
    for link in await session.execute(
        select(RoundUnit.round_id, RoundUnit.unit_id)
        .join(Unit, Unit.id == RoundUnit.unit_id)
        .where(Unit.kommunkod == FOREIGN)
    ):
        rows.append(("round_unit", *link))
    for link in await session.execute(
        select(UserUnit.user_id, UserUnit.unit_id)
        .join(Unit, Unit.id == UserUnit.unit_id)
        .where(Unit.kommunkod == FOREIGN)
    ):
        rows.append(("user_unit", *link))
    for redaction in await session.execute(
        select(TextRedaction.response_id, TextRedaction.text)
        .join(Response, Response.id == TextRedaction.response_id)
        .where(Response.kommunkod == FOREIGN)
    ):
        rows.append(("redaction", *redaction))
    await session.rollback()  # hold no lock while the app works (closing a round CLUSTERs on PostgreSQL)
    return rows


def _fill(path: str, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            pytest.fail(f"{path}: no foreign value for path parameter {name!r}; add one to Foreign.path_values")
        return values[name]

    return re.sub(r"\{(\w+)(?::\w+)?\}", value, path)


def _form(foreign: Foreign) -> dict[str, str]:
    """A form that names the foreign municipality's things wherever a field can name one."""
    today = dt.date.today()
    return {
        "unit": str(foreign.unit_id),
        "units": str(foreign.unit_id),
        "area": "ungdomar",
        "count": "2",
        "name": "Intrång",
        "idle_seconds": "60",
        "handed_out": "1",
        "email": "ny@example.se",
        "role": "analyst",
        "password": "a long enough password",
        "kommunkod": FOREIGN,
        "key": "ifo-intrang",
        "questionnaire": "ifo@1",
        "start": today.isoformat(),
        "end": (today + dt.timedelta(days=5)).isoformat(),
        "response": foreign.response_id,
        "question": "ovrigt",
        "text": "Ändrad av någon annan",
        "action": "omit",
    }


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
async def test_no_staff_route_gives_a_role_more_than_it_may_or_another_municipalitys_data(
    role: Role, client, platform, session
) -> None:
    foreign = await _two_municipalities(platform, session)
    signed_in = await sign_in(client, f"{role.value}@ludvika.se")
    assert signed_in.status_code == 303
    before = await _foreign_state(session)
    failures = []
    for route in ROUTES:
        path = _fill(route.path, foreign.path_values())
        if route.method == "GET":
            response = await client.get(path)
        else:
            response = await client.post(path, data={**_form(foreign), "_csrf_token": await csrf(client, "/staff/")})
        allowed = route.permission in ROLE_PERMISSIONS[role]
        names_foreign_object = any(p in route.path for p in ("{unit_id", "{batch_id", "{kiosk_id", "{user_id"))
        kind = response.headers.get("content-type", "")
        body = response.text if kind.startswith("text") or "json" in kind else ""
        if not allowed and response.status_code != 403:
            failures.append(f"{route}: {role.value} lacks {route.permission.value} but got {response.status_code}")
        if names_foreign_object and response.status_code not in (403, 404):
            failures.append(f"{route}: another municipality's object gave {response.status_code}, not 403/404")
        if route.method == "GET" and response.headers.get("content-type", "").startswith("application/pdf"):
            failures.append(f"{route}: served a file of another municipality")
        leaked = [marker for marker in (*MARKERS, *foreign.response_ids) if marker in body]
        if leaked:
            failures.append(f"{route}: the page shows {leaked}")
        after = await _foreign_state(session)
        if after != before:
            failures.append(f"{route}: changed the other municipality's data: {set(after) ^ set(before)}")
            before = after
    assert failures == []


async def test_the_national_view_shows_other_municipalities_only_as_suppressed_counts(
    client, platform, session
) -> None:
    foreign = await _two_municipalities(platform, session)
    await _answers(session, foreign.batch_id, 3)
    await sign_in(client, "national@ludvika.se")
    page = (await client.get("/staff/national/ifo-2026")).text
    row = re.search(r"<tr><td>Göteborg \(1480\)</td>(.*?)</tr>", page, re.S)
    assert row is not None
    assert "för få svar" in row.group(1) and ">3<" not in row.group(1)
    await _answers(session, foreign.batch_id, 2)
    row = re.search(
        r"<tr><td>Göteborg \(1480\)</td>(.*?)</tr>", (await client.get("/staff/national/ifo-2026")).text, re.S
    )
    assert row is not None and ">5</td>" in row.group(1)
    assert not any(marker in page for marker in MARKERS)


async def _answers(session, batch_id: int, count: int) -> None:  # type: ignore[no-untyped-def]
    for _ in range(count):
        await count_answer(session, batch_id, swedish_today())
    await session.commit()


async def test_comparison_pages_show_every_municipality_only_as_an_aggregate(client, platform, session) -> None:
    """Göteborg's 6 respondents (ungdomar, kontakt all positive) reach Ludvika's analyst and the coordinator as a
    share and an n on the comparison page and in its exports, and as nothing else: no response, no free text."""
    foreign = await _two_municipalities(platform, session)
    query = "round=ifo-2026&area=ungdomar&question=kontakt"
    for email in ("analyst@ludvika.se", "national@ludvika.se"):
        client.cookies.clear()
        await sign_in(client, email)
        page = (await client.get(f"/staff/compare?{query}")).text
        row = re.search(r"<th scope=\"row\">Göteborg(.*?)</tr>", page, re.S)
        assert row is not None, email
        assert "100" in row.group(1) and ">6<" in row.group(1)
        for export in ("csv", "json"):
            body = (await client.get(f"/staff/compare/export?{query}&format={export}")).text
            assert "Göteborg" in body and "1480" in body
            assert not any(marker in body for marker in (*MARKERS, *foreign.response_ids)), (email, export)
        assert not any(marker in page for marker in (*MARKERS, *foreign.response_ids)), email
