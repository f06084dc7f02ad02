"""JSON API, version 1: the respondent flow (for apps and kiosks) and read access to questionnaires and
rounds. The schema is served at /schema."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from litestar import Router, get, post
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from survey.platform import Platform
from survey.routes.problems import PROBLEMS
from survey.services.errors import InvalidInput
from survey.services.responses import LinkRefused, OpenLink, open_link, submit_response
from survey.services.rounds import list_rounds, swedish_today


@dataclass(frozen=True)
class RoundOut:
    key: str
    questionnaire: str
    period_start: dt.date
    period_end: dt.date
    closed: bool


@dataclass(frozen=True)
class LanguageOut:
    code: str
    name: str
    direction: str


@dataclass(frozen=True)
class SurveyOut:
    """What a survey link opens: where it belongs and the questionnaire to answer."""

    round: str
    area: str
    questionnaire: dict[str, Any]
    languages: list[LanguageOut]


@dataclass(frozen=True)
class SubmissionIn:
    answers: dict[str, str] = field(default_factory=dict)
    """Question key → option key (or the text, for free-text questions). Unanswered questions are left out."""


@dataclass(frozen=True)
class SubmissionOut:
    status: str


class LinkProblemError(HTTPException):
    """A link that cannot be answered; `extra.problem` names why (tampered, used, expired, closed, not_yet_open)."""


async def _open(platform: Platform, session: AsyncSession, token: str) -> OpenLink:
    try:
        return await open_link(session, platform.minter, platform.questionnaires, token, today=swedish_today())
    except LinkRefused as refused:
        raise _problem(refused) from None


def _problem(refused: LinkRefused) -> LinkProblemError:
    status, heading, _ = PROBLEMS[refused.problem]
    return LinkProblemError(status_code=status, detail=heading, extra={"problem": refused.problem.value})


@get("/questionnaires", sync_to_thread=False)
def questionnaires(platform: NamedDependency[Platform]) -> list[dict[str, Any]]:
    return [
        {"ident": q.ident, "key": q.key, "version": q.version, "title": q.title}
        for q in platform.questionnaires.values()
    ]


@get("/questionnaires/{ident:str}", sync_to_thread=False)
def questionnaire(ident: FromPath[str], platform: NamedDependency[Platform]) -> dict[str, Any]:
    found = platform.questionnaires.get(ident)
    if found is None:
        raise NotFoundException(f"no questionnaire {ident!r}; idents look like ifo@1")
    return found.to_dict()


@get("/rounds")
async def rounds(db_session: NamedDependency[AsyncSession]) -> list[RoundOut]:
    return [
        RoundOut(r.key, r.questionnaire, r.period_start, r.period_end, r.closed) for r in await list_rounds(db_session)
    ]


@get("/survey/{token:str}")
async def open_survey(
    token: FromPath[str], platform: NamedDependency[Platform], db_session: NamedDependency[AsyncSession]
) -> SurveyOut:
    link = await _open(platform, db_session, token)
    languages = [LanguageOut(x.code, x.name, x.direction) for x in platform.catalogs.offered_for(link.questionnaire)]
    return SurveyOut(
        round=link.round_key, area=link.claims.area, questionnaire=link.questionnaire.to_dict(), languages=languages
    )


@post("/survey/{token:str}", status_code=201)
async def submit_survey(
    token: FromPath[str],
    data: JSONBody[SubmissionIn],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
) -> SubmissionOut:
    """Store the answers and use up the token, both or neither. 409 when the token was used already."""
    link = await _open(platform, db_session, token)
    try:
        await submit_response(db_session, link, data.answers)
    except LinkRefused as refused:
        raise _problem(refused) from None
    except InvalidInput as error:
        raise HTTPException(status_code=400, detail=str(error), extra={"problem": "invalid_answers"}) from None
    return SubmissionOut(status="stored")


api_router = Router(
    path="/api/v1",
    route_handlers=[questionnaires, questionnaire, rounds, open_survey, submit_survey],
    tags=["v1"],
)
