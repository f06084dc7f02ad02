"""What a kiosk tablet with JavaScript needs to run its survey without the network (DESIGN.md §4).

- `/kiosk-sw.js`: the service worker that keeps the kiosk's pages, scripts and screens for when the network is
  gone. Served from the root so that its scope covers the kiosk link and the survey pages.
- `/kiosk/<link>/screens/<lang>`: every screen of the survey in one language (welcome, each question, review,
  thank-you, accessibility statement), rendered by the same templates as the server's own pages, for a link
  placeholder (`/s/offline/…`) that kiosk-runner.js fills in. They hold the questionnaire and nothing else.
- `/kiosk/<link>/tokens`: a slice of single-use tokens for the respondents to come (survey.services.kiosk_offline).
- `/kiosk/<link>/sync`: the tablet reports how many finished answers wait on it, for the staff's round page.

Answers go to the server through the API (`POST /api/v1/survey/<token>` with a submission key), walked-away
tokens through `POST /s/<token>/abandon`, so a queued answer is stored by the same code as any other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.params import FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from survey.models import Kiosk
from survey.platform import Platform
from survey.routes.kiosk import kiosk_id_from_link, open_station
from survey.routes.kiosk_mode import RETURN_AFTER_SECONDS, KioskPage, KioskRole
from survey.routes.problems import problem_document
from survey.services.errors import InvalidInput
from survey.services.kiosk_offline import mint_offline_tokens, report_sync
from survey.services.kiosks import KioskProblem, KioskRefused, KioskStation
from survey.services.rounds import SWEDEN, swedish_today

PLACEHOLDER = "offline"
"""The token in the links of an offline screen: not a token (it verifies as tampered), replaced on the tablet."""
SERVICE_WORKER = Path(__file__).parent.parent / "static" / "kiosk-sw.js"


@get("/kiosk-sw.js", sync_to_thread=False)
def service_worker() -> Response[bytes]:
    """Checked by the browser on every kiosk start: `no-cache` so that a new version takes over the next day."""
    return Response(
        SERVICE_WORKER.read_bytes(),
        media_type="text/javascript; charset=utf-8",
        headers={"cache-control": "no-cache"},
    )


def render_screens(platform: Platform, station: KioskStation, lang: str) -> dict[str, Any]:
    """The survey's screens in `lang`, as the server renders them for a kiosk token (idle timer included)."""
    q = station.questionnaire
    total = len(q.questions)
    survey = KioskPage(
        role=KioskRole.SURVEY, start="", idle_seconds=station.kiosk.idle_seconds, abandon=f"/s/{PLACEHOLDER}/abandon"
    )
    common: dict[str, Any] = {"locale": lang, "q": q, "token": PLACEHOLDER, "total": total, "kiosk": survey}
    render = platform.pages.render
    offered = platform.catalogs.offered_for(q)
    review_items = [{"question": question, "option": None, "text": None} for question in q.questions]
    return {
        "lang": lang,
        "languages": [language.code for language in offered],
        "welcome": render("welcome.html", languages=offered, **common),
        "questions": [
            render("question.html", number=number, question=question, current=None, **common)
            for number, question in enumerate(q.questions, start=1)
        ],
        "review": render("review.html", items=review_items, submission="", offline=True, **common),
        "thanks": render(
            "thanks.html",
            locale=lang,
            kiosk=KioskPage(role=KioskRole.DONE, start="", return_after=RETURN_AFTER_SECONDS),
        ),
        "statement": render(
            "accessibility.html",
            locale=lang,
            contact=platform.settings.accessibility_contact.strip(),
            contact_href=None,
            back=f"/s/{PLACEHOLDER}",
            back_home=False,
            kiosk=survey,
        ),
    }


@get("/kiosk/{link:str}/screens/{lang:str}")
async def kiosk_screens(
    link: FromPath[str],
    lang: FromPath[str],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
) -> dict[str, Any]:
    station = await open_station(platform, db_session, link)
    if lang not in {language.code for language in platform.catalogs.offered_for(station.questionnaire)}:
        raise NotFoundException(f"{station.questionnaire.ident} is not offered in {lang!r}")
    return render_screens(platform, station, lang)


@dataclass(frozen=True)
class TokensIn:
    area: str
    count: int


@dataclass(frozen=True)
class TokensOut:
    tokens: list[str]


SLICES = RateLimitConfig(rate_limit=("minute", 10), set_rate_limit_headers=False, store="kiosk_slices")
"""A tablet tops up its slice when it starts and now and then after; dozens a minute is someone minting links."""


@post("/kiosk/{link:str}/tokens", status_code=200, middleware=[SLICES.middleware])
async def kiosk_tokens(
    link: FromPath[str],
    data: JSONBody[TokensIn],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
) -> TokensOut:
    """Tokens for respondents who start while the tablet is offline; they count as handed out once used."""
    station = await open_station(platform, db_session, link)
    area = station.area_for(data.area)
    if area is None or area != data.area:
        raise InvalidInput(f"{data.area!r} is not an area of this kiosk")
    tokens = await mint_offline_tokens(
        db_session,
        platform.minter,
        station.kiosk,
        area,
        data.count,
        questionnaires=platform.questionnaires,
        today=swedish_today(),
    )
    return TokensOut(tokens=tokens)


@dataclass(frozen=True)
class SyncIn:
    waiting: int


@post("/kiosk/{link:str}/sync", status_code=204)
async def kiosk_sync(
    link: FromPath[str],
    data: JSONBody[SyncIn],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
) -> None:
    """The tablet's report: how many answers wait on it. Accepted from a revoked or closed kiosk too, so that staff
    can see a tablet that still holds answers."""
    kiosk_id = kiosk_id_from_link(platform, link)
    kiosk = await db_session.get(Kiosk, kiosk_id) if kiosk_id is not None else None
    if kiosk is None:
        raise KioskRefused(KioskProblem.UNKNOWN)
    await report_sync(db_session, kiosk, waiting=data.waiting, now=dt.datetime.now(SWEDEN))


def _refused(_: Request, refused: KioskRefused) -> Response[dict[str, Any]]:
    status = 404 if refused.problem is KioskProblem.UNKNOWN else 410
    return problem_document(status, f"kiosk: {refused.problem.value}", refused.problem.value)


def _invalid(_: Request, error: InvalidInput) -> Response[dict[str, Any]]:
    return problem_document(400, str(error), "invalid_input")


kiosk_offline_router = Router(
    path="/",
    route_handlers=[service_worker, kiosk_screens, kiosk_tokens, kiosk_sync],
    exception_handlers={KioskRefused: _refused, InvalidInput: _invalid},
    include_in_schema=False,
)
