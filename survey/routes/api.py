"""JSON API, version 1: the respondent flow (for apps and kiosks) and read access to questionnaires and
rounds. The schema is served at /schema."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from survey.platform import Platform
from survey.routes.compare_api import compare
from survey.routes.links import open_checked
from survey.routes.problems import PROBLEMS, problem_document
from survey.routes.results_api import report, results
from survey.services.errors import InvalidInput, NotFound
from survey.services.responses import LinkRefused, submit_response
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
    submission_key: str | None = None
    """A random key the client makes once per submission (16–200 characters) and sends again with a retry: the
    answers are then stored once, and the retry gets the same reply. Also accepted as `Idempotency-Key`."""


@dataclass(frozen=True)
class SubmissionOut:
    status: str


@dataclass(frozen=True)
class ProblemExtra:
    problem: str
    """tampered, used, expired, closed, not_yet_open or invalid_answers."""


@dataclass(frozen=True)
class ProblemOut:
    status_code: int
    detail: str
    extra: ProblemExtra


LINK_PROBLEMS = {
    400: ResponseSpec(ProblemOut, description="Tampered link (problem: tampered) or answers it does not take"),
    403: ResponseSpec(ProblemOut, description="The round has not opened yet (problem: not_yet_open)"),
    409: ResponseSpec(ProblemOut, description="The link has been used already (problem: used)"),
    410: ResponseSpec(ProblemOut, description="The link has expired or the round is closed (expired, closed)"),
}


def _refused(_: Request, refused: LinkRefused) -> Response[dict[str, Any]]:
    """tampered 400, used 409, expired and closed 410, not_yet_open 403."""
    status, heading, _message = PROBLEMS[refused.problem]
    return problem_document(status, heading, refused.problem.value)


def _invalid(_: Request, error: InvalidInput) -> Response[dict[str, Any]]:
    return problem_document(400, str(error), "invalid_input")


def _not_found(_: Request, error: NotFound) -> Response[dict[str, Any]]:
    return problem_document(404, str(error), "not_found")


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


@get("/survey/{token:str}", responses=LINK_PROBLEMS)
async def open_survey(
    request: Request,
    token: FromPath[str],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
) -> SurveyOut:
    link = await open_checked(request, platform, db_session, token)
    languages = [LanguageOut(x.code, x.name, x.direction) for x in platform.catalogs.offered_for(link.questionnaire)]
    return SurveyOut(
        round=link.round_key, area=link.claims.area, questionnaire=link.questionnaire.to_dict(), languages=languages
    )


@post("/survey/{token:str}", status_code=201, responses=LINK_PROBLEMS)
async def submit_survey(
    request: Request,
    token: FromPath[str],
    data: JSONBody[SubmissionIn],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
) -> SubmissionOut:
    """Store the answers and use up the token, both or neither. 409 when the token was used already, by another
    submission than this one: a retry with the same submission key gets 201 again and stores nothing."""
    link = await open_checked(request, platform, db_session, token, check_used=False)
    key = data.submission_key or request.headers.get("idempotency-key")
    await submit_response(db_session, link, data.answers, today=swedish_today(), submission_key=key)
    return SubmissionOut(status="stored")


api_router = Router(
    path="/api/v1",
    route_handlers=[questionnaires, questionnaire, rounds, open_survey, submit_survey, results, report, compare],
    exception_handlers={LinkRefused: _refused, InvalidInput: _invalid, NotFound: _not_found},
    tags=["v1"],
)
