"""GET /api/v1/results and /api/v1/report: a municipality's results and report, for holders of its API key."""

from __future__ import annotations

import hmac
from typing import Any

import anyio
from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException, ValidationException
from litestar.params import FromQuery
from sqlalchemy.ext.asyncio import AsyncSession

from reports.formats import FORMATS, Format
from survey.platform import Platform
from survey.services.report_data import build_report_data
from survey.services.results import municipality_results


def key_scope(request: Request, platform: Platform) -> str:
    """The municipality a bearer key reads (`*`: all of them); 401 without a known key."""
    supplied = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    scope = next(
        (scope for key, scope in platform.settings.api_key_scopes().items()
         if supplied and hmac.compare_digest(supplied.encode(), key.encode())),
        None,
    )  # fmt: skip
    if scope is None:
        raise NotAuthorizedException("an API key is needed: Authorization: Bearer <key>")
    return scope


def _authorise(request: Request, platform: Platform, municipality: str) -> None:
    """401 without a known bearer key; 403 when the key is for another municipality (`*` reads all)."""
    scope = key_scope(request, platform)
    if scope not in ("*", municipality):
        raise PermissionDeniedException(f"this key reads municipality {scope} only")


@get("/results")
async def results(
    request: Request,
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
    round: FromQuery[str],
    municipality: FromQuery[str],
    unit: FromQuery[str | None] = None,
    compare: FromQuery[str | None] = None,
    by: FromQuery[str | None] = None,
) -> dict[str, Any]:
    """Positive shares per area and question, suppressed where too few answered (the CLI's `results --json`)."""
    _authorise(request, platform, municipality)
    return await municipality_results(
        db_session,
        platform.questionnaires,
        round_key=round,
        kommunkod=municipality,
        unit_key=unit,
        compare=compare,
        by_kon=by == "kon",
    )


REPORT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
"""The report page carries its own styles and inline SVG; it loads nothing and runs nothing."""


@get("/report")
async def report(
    request: Request,
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
    round: FromQuery[str],
    municipality: FromQuery[str],
    format: FromQuery[str] = "html",
    locale: FromQuery[str] = "sv",
    unit: FromQuery[str | None] = None,
    compare: FromQuery[str | None] = None,
) -> Response[bytes]:
    """The municipality's report as html, pdf, xlsx, csv or kolada (JSON), for holders of its API key."""
    _authorise(request, platform, municipality)
    chosen = FORMATS.get(format)
    if chosen is None or locale not in platform.catalogs.languages:
        raise ValidationException(f"format must be one of {', '.join(FORMATS)} and locale one of the enabled languages")
    return await report_response(
        platform, db_session, chosen, round_key=round, kommunkod=municipality, locale=locale, unit=unit, compare=compare
    )


async def report_response(
    platform: Platform,
    session: AsyncSession,
    chosen: Format,
    *,
    round_key: str,
    kommunkod: str,
    locale: str,
    unit: str | None,
    compare: str | None,
) -> Response[bytes]:
    """A municipality's report in one format, HTML shown in the browser and every other format a download; for
    the API and the staff UI alike, each of which has decided first who may read it."""
    data = await build_report_data(
        session,
        platform.questionnaires,
        round_key=round_key,
        kommunkod=kommunkod,
        unit_key=unit,
        compare=compare,
        locale=locale,
        messages=platform.catalogs.messages(locale),
        questionnaire_texts=platform.catalogs.questionnaire_gettext(locale),
    )
    content = await anyio.to_thread.run_sync(chosen.render, data, platform.catalogs.messages(locale))
    filename = f"{round_key}-{kommunkod}{'-' + unit if unit else ''}{chosen.suffix}"
    disposition = "inline" if chosen.key == "html" else f'attachment; filename="{filename}"'
    headers = {"content-disposition": disposition, "content-security-policy": REPORT_POLICY}
    return Response(content, media_type=chosen.media_type, headers=headers)
