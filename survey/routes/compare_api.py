"""GET /api/v1/compare: one question × area across every municipality, for any holder of an API key.

Every municipality's key may read it: it holds only published aggregates (share, n, interval, rank, funnel
position, or "för få svar"), never answers or free text. A municipality's key compares its own municipality;
the `*` key may put any municipality, or none, in focus."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import PermissionDeniedException, ValidationException
from litestar.params import FromQuery
from sqlalchemy.ext.asyncio import AsyncSession

from analysis import TOTAL
from survey.platform import Platform
from survey.routes.results_api import key_scope
from survey.services.comparison import comparison_csv, comparison_document, national_comparison


@get("/compare")
async def compare(
    request: Request,
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
    round: FromQuery[str],
    question: FromQuery[str],
    area: FromQuery[str] = TOTAL,
    group: FromQuery[str | None] = None,
    municipality: FromQuery[str | None] = None,
    kon: FromQuery[str | None] = None,
    format: FromQuery[str] = "json",
) -> Any:
    """The comparison document (JSON) or its table (format=csv)."""
    scope = key_scope(request, platform)
    if scope != "*" and municipality not in (None, scope):
        raise PermissionDeniedException(f"this key compares municipality {scope} only")
    if format not in ("json", "csv"):
        raise ValidationException("format must be json or csv")
    comparison = await national_comparison(
        db_session,
        platform.questionnaires,
        round_key=round,
        area=area,
        question=question,
        group=group or None,
        focus=municipality if scope == "*" else scope,
        kon=kon or None,
    )
    if format == "json":
        return comparison_document(comparison)
    return Response(comparison_csv([comparison]).encode("utf-8"), media_type="text/csv; charset=utf-8")
