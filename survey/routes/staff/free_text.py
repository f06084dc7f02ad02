"""Free-text answers for analysts, with redaction before they enter a report (see services/free_text.py)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from analysis import MIN_VALID
from survey.auth import Permission, StaffMember
from survey.platform import Platform
from survey.routes.staff.base import own_municipality, see_other, staff_page
from survey.services.free_text import free_texts, redact
from survey.services.rounds import get_round


@get("/rounds/{round_key:str}/free-text", opt={"permission": Permission.FREE_TEXT})
async def free_text_page(
    request: Request[Any, Any, Any],
    round_key: FromPath[str],
    staff: NamedDependency[StaffMember],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
) -> Response:
    survey_round = await get_round(db_session, round_key)
    questionnaire = platform.questionnaires[survey_round.questionnaire]
    groups = await free_texts(db_session, questionnaire, survey_round, own_municipality(staff))
    return staff_page(
        request, "free_text.html", round=survey_round, q=questionnaire, groups=groups, min_valid=MIN_VALID
    )


@post("/rounds/{round_key:str}/free-text", opt={"permission": Permission.FREE_TEXT})
async def redact_text(
    round_key: FromPath[str],
    data: URLEncodedBody[dict[str, str]],
    staff: NamedDependency[StaffMember],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
) -> Redirect:
    survey_round = await get_round(db_session, round_key)
    action = data.get("action")
    text = {"omit": "", "restore": None}.get(action or "", data.get("text", ""))
    await redact(
        db_session,
        platform.questionnaires[survey_round.questionnaire],
        survey_round,
        kommunkod=own_municipality(staff),
        response_id=data.get("response", ""),
        question=data.get("question", ""),
        text=text,
    )
    await db_session.commit()
    return see_other(f"/staff/rounds/{round_key}/free-text")
