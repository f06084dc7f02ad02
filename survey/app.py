"""create_app(settings) -> Litestar: the one place that puts the web app together."""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar, Request, Response
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import ClientException, NotFoundException
from litestar.exceptions.responses import create_exception_response
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.static_files import create_static_files_router

from survey.config import Settings
from survey.numbers import within_integer
from survey.platform import Platform
from survey.routes.api import api_router
from survey.routes.audio import audio_router
from survey.routes.card_links import card_link_router
from survey.routes.kiosk import kiosk_router
from survey.routes.kiosk_offline import kiosk_offline_router
from survey.routes.problems import link_problem_page
from survey.routes.respondent import respondent_router
from survey.routes.staff import staff_router

STATIC = Path(__file__).parent / "static"

MAX_BODY_BYTES = 64 * 1024
"""A whole questionnaire's answers, free text included, fit many times over; anything larger is not an answer."""

SECURITY_HEADERS = {
    # Survey links carry the token: never send it on as a Referer.
    "referrer-policy": "no-referrer",
    # A shared tablet's back button must not show the previous respondent's pages from the cache.
    "cache-control": "no-store",
    # No third-party requests, ever: nothing loads from anywhere but this server.
    "content-security-policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
    "x-content-type-options": "nosniff",
}


async def _security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        if name in ("cache-control", "content-security-policy") and name in response.headers:
            continue  # a handler that set its own (a report with inline styles) knows better
        response.headers[name] = value
    return response


NUL_FORMS = (b"\x00", b"%00", b"\\u0000")
"""NUL as sent raw, in a form, or in JSON. No answer, name or key of ours holds one, and PostgreSQL text cannot."""


async def _refuse_what_no_column_can_hold(request: Request) -> None:
    """Before any handler runs: an `{…:int}` path id out of the id columns' range names no row (404), and a NUL
    in the path or the body is refused (400), so that neither reaches a query as a database error."""
    for value in request.path_params.values():
        if isinstance(value, int) and not isinstance(value, bool) and not within_integer(value):
            raise NotFoundException(f"no row has the id {value}")
        if isinstance(value, str) and "\x00" in value:
            raise NotFoundException("no page has a NUL character in its address")
    content_type = request.headers.get("content-type", "")
    if request.method == "POST" and not content_type.startswith("multipart/"):
        # Multipart is parsed from the stream (litestar), so it is not read here; its files are CSV imports,
        # which refuse what they cannot read themselves.
        body = (await request.body()).lower()
        if any(form in body for form in NUL_FORMS):
            raise ClientException("the request holds a NUL character, which no field accepts", status_code=400)


def _not_found(request: Request, error: NotFoundException) -> Response:
    """JSON for the API, a Swedish page for everyone else."""
    if request.url.path.startswith(("/api/", "/schema")):
        return Response({"status_code": 404, "detail": error.detail}, status_code=404)
    platform: Platform = request.app.state.platform
    page = platform.pages.render(
        "problem.html", locale=platform.settings.default_locale, heading=_page_missing(platform), message=""
    )
    return Response(page, status_code=404, media_type="text/html")


RESPONDENT_PAGES = ("/s/", "/k/", "/kod")
"""Where a refused request is answered with a page in the respondent's language rather than litestar's JSON."""


def _refused_request(request: Request, error: ClientException) -> Response:
    """A request the app cannot use (too large, a body it cannot parse, a NUL): on a respondent's page the page
    that says nothing was stored, in their language; elsewhere litestar's JSON problem document."""
    if not request.url.path.startswith(RESPONDENT_PAGES):
        return create_exception_response(request, error)  # keeps a validation error's field list in `extra`
    return link_problem_page(request, None, status_code=error.status_code)


def _page_missing(platform: Platform) -> str:
    return platform.catalogs.messages(platform.settings.default_locale).gettext("Sidan finns inte")


def create_app(settings: Settings) -> Litestar:
    platform = Platform.build(settings)

    async def dispose() -> None:
        await platform.engine.dispose()

    static = create_static_files_router(path="/static", directories=[STATIC], include_in_schema=False)
    return Litestar(
        route_handlers=[
            respondent_router,
            kiosk_router,
            kiosk_offline_router,
            api_router,
            staff_router(settings),
            card_link_router,
            audio_router,
            static,
        ],
        dependencies={
            "platform": Provide(lambda: platform, sync_to_thread=False, use_cache=True),
            "db_session": Provide(platform.session),
        },
        before_request=_refuse_what_no_column_can_hold,
        after_request=_security_headers,
        exception_handlers={NotFoundException: _not_found, ClientException: _refused_request},
        on_shutdown=[dispose],
        # JSON at /schema and /schema/openapi.json; no browser UI, as those load scripts from CDNs.
        openapi_config=OpenAPIConfig(
            title="Brukarenkät",
            version="1",
            path="/schema",
            render_plugins=[JsonRenderPlugin(path=["/", "/openapi.json"])],
        ),
        state=State({"platform": platform}),
        request_max_body_size=MAX_BODY_BYTES,
        debug=settings.debug,
    )
