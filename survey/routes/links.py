"""Opening a survey link for a respondent page or the API: the same checks, and a client whose links keep failing
them (tampered, made up) is slowed down (survey/throttle.py)."""

from __future__ import annotations

from litestar import Request
from sqlalchemy.ext.asyncio import AsyncSession

from survey.platform import Platform
from survey.services.responses import LinkProblem, LinkRefused, OpenLink, open_link
from survey.services.rounds import swedish_today


async def open_checked(
    request: Request, platform: Platform, session: AsyncSession, token: str, *, check_used: bool = True
) -> OpenLink:
    try:
        return await open_link(
            session, platform.minter, platform.questionnaires, token, today=swedish_today(), check_used=check_used
        )
    except LinkRefused as refused:
        if refused.problem is LinkProblem.TAMPERED:
            await platform.failed_checks.failed(request.client.host if request.client else "")
        raise
