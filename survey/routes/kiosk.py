"""Kiosk pages: a signed, revocable link turns a shared tablet into a survey station for one unit.

Staff open the link, choose the area (unless the unit has one) and hand the tablet over; each respondent presses
"Börja" and gets a fresh single-use token. Submitting, or walking away (the idle timeout posts to `abandon`),
wipes that respondent's cookies and brings the start screen back (DESIGN.md §4). Kiosk pages are in the default
language: the respondent picks theirs on the survey's own welcome page.
"""

from __future__ import annotations

from litestar import MediaType, Request, Response, Router, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from survey.platform import Platform
from survey.progress import cleared_cookie
from survey.routes.kiosk_mode import KioskPage, KioskRole, OfflineKiosk, kiosk_start_url, refused_kiosk
from survey.routes.locale import cleared_language_cookie
from survey.routes.problems import N_, PROBLEMS, link_problem_page
from survey.routes.staff.base import staff_cookies_cleared
from survey.routes.staff.handout import WAITING_ON_TABLET
from survey.routes.statement import STATEMENT, statement_page
from survey.services.errors import InvalidInput
from survey.services.kiosks import (
    KioskProblem,
    KioskRefused,
    KioskStation,
    burn_token,
    kiosk_setting,
    mint_kiosk_token,
    open_kiosk,
)
from survey.services.responses import LinkProblem, LinkRefused, open_link
from survey.services.rounds import swedish_today

KIOSK_PROBLEMS: dict[KioskProblem, tuple[int, str, str]] = {
    KioskProblem.UNKNOWN: (
        404,
        N_("Kiosklänken fungerar inte"),
        N_("Länken är inte hel, eller så finns kiosken inte längre. Be den som ansvarar för enkäten om en ny länk."),
    ),
    KioskProblem.REVOKED: (
        410,
        N_("Kiosken är avstängd"),
        N_("Den här kiosklänken har stängts av. Be den som ansvarar för enkäten om en ny länk."),
    ),
    KioskProblem.CLOSED: PROBLEMS[LinkProblem.CLOSED],
    KioskProblem.EXPIRED: (410, N_("Enkätperioden är slut"), N_("Tiden för att svara på enkäten har gått ut.")),
    KioskProblem.NOT_YET_OPEN: PROBLEMS[LinkProblem.NOT_YET_OPEN],
}
"""Status, heading and message per problem; the reader is staff setting up the tablet as often as a client."""

WRONG_AREA = (
    400,
    N_("Området finns inte i enkäten"),
    N_("Välj område på nytt innan du lämnar över surfplattan."),
)


def _html(content: str, status_code: int = 200, cookies: list[Cookie] | None = None) -> Response[str]:
    return Response(content=content, media_type=MediaType.HTML, status_code=status_code, cookies=cookies)


CURRENT_COOKIE = "kiosk_current"
"""The token of the respondent now at the tablet, on the tablet only (path of the kiosk link), never stored."""


def kiosk_id_from_link(platform: Platform, link: str) -> int | None:
    """The kiosk a link names, or None for a link we did not sign."""
    kiosk_id = platform.kiosk_links.unsign(link)
    return kiosk_id if isinstance(kiosk_id, int) and not isinstance(kiosk_id, bool) else None


async def open_station(platform: Platform, session: AsyncSession, link: str) -> KioskStation:
    return await open_kiosk(session, platform.questionnaires, kiosk_id_from_link(platform, link), today=swedish_today())


def _current_cookie(link: str, token: str, platform: Platform, *, clear: bool = False) -> Cookie:
    return Cookie(
        key=CURRENT_COOKIE,
        value="" if clear else token,
        path=f"/kiosk/{link}",
        max_age=0 if clear else None,
        httponly=True,
        samesite="lax",
        secure=platform.settings.secure_cookies,
    )


async def _forget_current(request: Request, platform: Platform, session: AsyncSession, link: str) -> list[Cookie]:
    """Whoever was at the tablet is done once the start screen shows: burn their token, delete their cookies.

    Submit and the idle timeout do this already; this catches a respondent who went Back to the start screen
    (or whose tablet lost its script) and left an unfinished survey behind.
    """
    token = request.cookies.get(CURRENT_COOKIE)
    if not token:
        return []
    cookies = [_current_cookie(link, "", platform, clear=True)]
    claims = platform.minter.verify(token)
    kiosk_id = kiosk_id_from_link(platform, link)
    if claims is not None and kiosk_id is not None:
        setting = await kiosk_setting(session, batch_id=claims.batch_id)
        if setting is not None and setting.kiosk_id == kiosk_id:
            await burn_token(session, claims)
            cookies.append(cleared_cookie(token, secure=platform.settings.secure_cookies))
            cookies.append(cleared_language_cookie(token, platform.settings))
    return cookies


@get("/kiosk/{link:str}")
async def kiosk_start(
    request: Request,
    link: FromPath[str],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
    area: FromQuery[str | None] = None,
) -> Response[str]:
    """The respondent's start screen when the area is known, else the staff screen that chooses it."""
    cookies = await _forget_current(request, platform, db_session, link) + staff_cookies_cleared(platform.settings)
    station = await open_station(platform, db_session, link)
    chosen = station.area_for(area)
    locale = platform.settings.default_locale
    fixed = station.unit.area is not None
    if chosen is None:
        page = platform.pages.render(
            "kiosk_choose.html",
            locale=locale,
            q=station.questionnaire,
            station=station,
            link=link,
            kiosk=KioskPage(role=KioskRole.CHOOSE, start=f"/kiosk/{link}"),
        )
        return _html(page, cookies=cookies)
    start = f"/kiosk/{link}" if fixed else kiosk_start_url(platform, station.kiosk.id, chosen)
    offline = None
    if platform.settings.kiosk_offline_tokens:
        offline = OfflineKiosk(
            base=f"/kiosk/{link}",
            area=chosen,
            tokens=platform.settings.kiosk_offline_tokens,
            waiting_label=platform.catalogs.staff(locale).gettext(WAITING_ON_TABLET) % {"count": "{count}"},
        )
    page = platform.pages.render(
        "kiosk_start.html",
        locale=locale,
        q=station.questionnaire,
        area=station.questionnaire.area(chosen),
        fixed=fixed,
        link=link,
        total=len(station.questionnaire.questions),
        kiosk=KioskPage(role=KioskRole.START, start=start, offline=offline),
    )
    return _html(page, cookies=cookies)


@get(f"/kiosk/{{link:str}}/{STATEMENT}")
async def kiosk_statement(
    link: FromPath[str],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
    area: FromQuery[str | None] = None,
) -> Response[str]:
    """The accessibility statement from a kiosk's start screen, with the way back to it. Not in kiosk mode: no
    respondent has a token yet, so there is nothing to wipe, and a reader must not be timed out of it."""
    station = await open_station(platform, db_session, link)
    chosen = station.area_for(area)
    back = f"/kiosk/{link}"
    if chosen is not None and station.unit.area is None:
        back = kiosk_start_url(platform, station.kiosk.id, chosen)
    return statement_page(platform, platform.settings.default_locale, back=back)


KIOSK_STARTS = RateLimitConfig(rate_limit=("minute", 30), set_rate_limit_headers=False, store="kiosk_starts")
"""A kiosk link works like a key until revoked; one tablet starts a survey every few minutes, so a machine
starting dozens a minute is minting tokens, not handing the tablet over (per address, in memory per worker)."""


@post("/kiosk/{link:str}/start", middleware=[KIOSK_STARTS.middleware])
async def kiosk_begin(
    link: FromPath[str],
    data: URLEncodedBody[dict[str, str]],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
) -> Redirect:
    """A fresh token for the next respondent, minted on the spot and counted as handed out."""
    station = await open_station(platform, db_session, link)
    wanted = (data.get("area") or "").strip()
    area = station.area_for(wanted or None)
    if area is None or (wanted and wanted != area):
        raise InvalidInput(f"{wanted!r} is not an area of this kiosk")
    token = await mint_kiosk_token(
        db_session,
        platform.minter,
        station.kiosk,
        area,
        questionnaires=platform.questionnaires,
        today=swedish_today(),
    )
    return Redirect(f"/s/{token}", status_code=303, cookies=[_current_cookie(link, token, platform)])


@post("/s/{token:str}/abandon")
async def abandon(
    token: FromPath[str], platform: NamedDependency[Platform], db_session: NamedDependency[AsyncSession]
) -> Redirect:
    """The respondent walked away from a kiosk: burn the token, forget its cookies, show the start screen.

    Burning is what keeps Back and reload from reaching the survey again. It is not an answer: svarsfrekvens
    counts it as handed out, not as answered.
    """
    link = await open_link(
        db_session, platform.minter, platform.questionnaires, token, today=swedish_today(), check_used=False
    )
    setting = await kiosk_setting(db_session, kiosk_id=link.kiosk_id) if link.kiosk_id is not None else None
    if setting is None:
        raise NotFoundException()
    await burn_token(db_session, link.claims)
    start = kiosk_start_url(platform, setting.kiosk_id, None if setting.fixed_area else link.claims.area)
    cookies = [
        cleared_cookie(token, secure=platform.settings.secure_cookies),
        cleared_language_cookie(token, platform.settings),
    ]
    return Redirect(start, status_code=303, cookies=cookies)


def _problem_page(platform: Platform, problem: tuple[int, str, str], link: str | None = None) -> Response[str]:
    locale = platform.settings.default_locale
    gettext = platform.catalogs.messages(locale).gettext
    status, heading, message = problem
    page = platform.pages.render(
        "problem.html", locale=locale, heading=gettext(heading), message=gettext(message), choose=link
    )
    return _html(page, status_code=status)


def _kiosk_refused(request: Request, refused: KioskRefused) -> Response[str]:
    return _problem_page(request.app.state.platform, KIOSK_PROBLEMS[refused.problem])


def _link_refused(request: Request, refused: LinkRefused) -> Response[str]:
    platform: Platform = request.app.state.platform
    return link_problem_page(request, refused.problem, kiosk=refused_kiosk(platform, refused.kiosk_id, refused.area))


def _invalid(request: Request, _: InvalidInput) -> Response[str]:
    """Only a tampered form names an area the kiosk does not have: back to choosing one."""
    return _problem_page(request.app.state.platform, WRONG_AREA, link=request.path_params.get("link"))


kiosk_router = Router(
    path="/",
    route_handlers=[kiosk_start, kiosk_begin, abandon, kiosk_statement],
    exception_handlers={KioskRefused: _kiosk_refused, LinkRefused: _link_refused, InvalidInput: _invalid},
    include_in_schema=False,
)
