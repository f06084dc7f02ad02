"""GET /api/v1/results: a municipality's results for holders of an API key for that municipality."""

from __future__ import annotations

import hmac
from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.params import FromQuery
from sqlalchemy.ext.asyncio import AsyncSession

from survey.platform import Platform
from survey.services.results import municipality_results


def _scope_of(request: Request, platform: Platform) -> str:
    """The kommunkod (or `*`) the request's bearer key may read; 401 without a known key."""
    supplied = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    for key, scope in platform.settings.api_key_scopes().items():
        if supplied and hmac.compare_digest(supplied.encode(), key.encode()):
            return scope
    raise NotAuthorizedException("an API key is needed: Authorization: Bearer <key>")


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
    scope = _scope_of(request, platform)
    if scope not in ("*", municipality):
        raise PermissionDeniedException(f"this key reads municipality {scope} only")
    return await municipality_results(
        db_session,
        platform.questionnaires,
        round_key=round,
        kommunkod=municipality,
        unit_key=unit,
        compare=compare,
        by_kon=by == "kon",
    )
