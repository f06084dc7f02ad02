"""A printed card's short link (`/k/<code>`) and its code typed by hand (`/kod`), both leading to the survey.

The code names a batch and a card number under a MAC; the card's token is derived from them (survey.cards), so
the QR code, the printed link and the typed code all redeem one and the same single-use token.
"""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from survey.models import SurveyRound, TokenBatch
from survey.platform import Platform
from survey.routes.locale import respondent_locale


async def _token_for(platform: Platform, session: AsyncSession, typed: str) -> str | None:
    """The survey token of a card, or None for a code that is mistyped, made up or of no printed batch."""
    parsed = platform.card_codes.parse(typed)
    if parsed is None:
        return None
    batch_id, index = parsed
    batch = await session.get(TokenBatch, batch_id)
    if batch is None or batch.kind != "cards" or index >= batch.size:
        return None
    survey_round = await session.get(SurveyRound, batch.round_id)
    assert survey_round is not None
    return platform.minter.mint(
        round_key=survey_round.key,
        kommunkod=batch.kommunkod,
        area=batch.area,
        unit_id=batch.unit_id,
        batch_id=batch.id,
        nonce=platform.card_codes.nonce(batch.id, index),
    )


def _code_page(request: Request[Any, Any, Any], platform: Platform, *, wrong: bool, typed: str = "") -> Response:
    locale = respondent_locale(request, platform, offered=list(platform.catalogs.languages))
    page = platform.pages.render("code.html", locale=locale, wrong=wrong, typed=typed)
    return Response(page, media_type=MediaType.HTML, status_code=400 if wrong else 200)


@get("/k/{code:str}")
async def card_link(
    request: Request[Any, Any, Any],
    code: FromPath[str],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
) -> Response | Redirect:
    token = await _token_for(platform, db_session, code)
    if token is None:
        await platform.failed_checks.failed(request.client.host if request.client else "")
        return _code_page(request, platform, wrong=True)
    return Redirect(f"/s/{token}", status_code=303)


@get("/kod", sync_to_thread=False)
def code_form(request: Request[Any, Any, Any], platform: NamedDependency[Platform]) -> Response:
    return _code_page(request, platform, wrong=False)


@post("/kod")
async def typed_code(
    request: Request[Any, Any, Any],
    data: URLEncodedBody[dict[str, str]],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
) -> Response | Redirect:
    typed = (data.get("code") or "")[:64]
    token = await _token_for(platform, db_session, typed)
    if token is None:
        await platform.failed_checks.failed(request.client.host if request.client else "")
        return _code_page(request, platform, wrong=True, typed=typed)
    return Redirect(f"/s/{token}", status_code=303)


card_link_router = Router(path="/", route_handlers=[card_link, code_form, typed_code], include_in_schema=False)
