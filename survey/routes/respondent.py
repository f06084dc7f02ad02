"""The respondent's pages: welcome, one question per screen, review, submit, thank you.

Works without JavaScript. Every page is `Cache-Control: no-store` (see app.py), so a shared tablet's back
button cannot bring back a previous respondent's page from the cache.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from litestar import MediaType, Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from questionnaires import Question
from survey.platform import Platform
from survey.progress import COOKIE, answers_cookie, cleared_cookie, read_answers
from survey.routes.kiosk_mode import refused_kiosk, survey_kiosk, thanks_kiosk
from survey.routes.links import open_checked
from survey.routes.locale import cleared_language_cookie, language_cookie, respondent_locale
from survey.routes.problems import link_problem_page
from survey.routes.statement import STATEMENT, accessibility_statement, statement_page
from survey.services.errors import InvalidInput
from survey.services.responses import LinkRefused, OpenLink, submit_response
from survey.services.rounds import swedish_today


def _html(content: str) -> Response[str]:
    return Response(content=content, media_type=MediaType.HTML)


@get("/", sync_to_thread=False)
def home(request: Request, platform: NamedDependency[Platform]) -> Response[str]:
    locale = respondent_locale(request, platform, offered=list(platform.catalogs.languages))
    return _html(platform.pages.render("home.html", locale=locale))


@get("/s/{token:str}")
async def welcome(
    request: Request,
    token: FromPath[str],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
    lang: FromQuery[str | None] = None,
) -> Response[str] | Redirect:
    link = await open_checked(request, platform, db_session, token)
    offered = platform.catalogs.offered_for(link.questionnaire)
    codes = [language.code for language in offered]
    if lang is not None and lang in codes:
        return Redirect(f"/s/{token}", status_code=303, cookies=[language_cookie(lang, token, platform.settings)])
    locale = respondent_locale(request, platform, offered=codes)
    page = platform.pages.render(
        "welcome.html",
        locale=locale,
        q=link.questionnaire,
        token=token,
        languages=offered,
        total=len(link.questionnaire.questions),
        kiosk=await survey_kiosk(platform, db_session, link, token),
    )
    return _html(page)


@dataclass(frozen=True, slots=True)
class Step:
    """One question screen of an open link, with the answers given so far."""

    link: OpenLink
    number: int
    question: Question
    answers: dict[str, str]

    @property
    def total(self) -> int:
        return len(self.link.questionnaire.questions)


async def _step(request: Request, platform: Platform, session: AsyncSession, token: str, number: int) -> Step | None:
    """The question at `number` (1-based), or None when the number is past either end."""
    link = await open_checked(request, platform, session, token)
    questions = link.questionnaire.questions
    if not 1 <= number <= len(questions):
        return None
    answers = read_answers(platform.answers_signer, token, request.cookies.get(COOKIE))
    return Step(link=link, number=number, question=questions[number - 1], answers=answers)


@get("/s/{token:str}/{number:int}")
async def show_question(
    request: Request,
    token: FromPath[str],
    number: FromPath[int],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
) -> Response[str] | Redirect:
    step = await _step(request, platform, db_session, token, number)
    if step is None:
        return Redirect(f"/s/{token}/review", status_code=303)
    page = platform.pages.render(
        "question.html",
        locale=_locale_for(request, platform, step.link),
        q=step.link.questionnaire,
        token=token,
        number=number,
        total=step.total,
        question=step.question,
        current=step.answers.get(step.question.key),
        kiosk=await survey_kiosk(platform, db_session, step.link, token),
    )
    return _html(page)


@post("/s/{token:str}/{number:int}")
async def answer_question(
    request: Request,
    token: FromPath[str],
    number: FromPath[int],
    data: URLEncodedBody[dict[str, str]],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
) -> Redirect:
    """Keep (or clear) this question's answer, then go back or on. An unknown value is ignored, not stored."""
    step = await _step(request, platform, db_session, token, number)
    if step is None:
        return Redirect(f"/s/{token}/review", status_code=303)
    answers = dict(step.answers)
    value = (data.get("answer") or "").strip()
    if not value:
        answers.pop(step.question.key, None)
    elif step.question.accepts(value):
        answers[step.question.key] = value
    target = number - 1 if data.get("nav") == "back" else number + 1
    if target < 1:
        location = f"/s/{token}"
    elif target > step.total:
        location = f"/s/{token}/review"
    else:
        location = f"/s/{token}/{target}"
    cookie = answers_cookie(platform.answers_signer, token, answers, secure=platform.settings.secure_cookies)
    return Redirect(location, status_code=303, cookies=[cookie])


@get("/s/{token:str}/review")
async def review(
    request: Request,
    token: FromPath[str],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
) -> Response[str]:
    link = await open_checked(request, platform, db_session, token)
    answers = read_answers(platform.answers_signer, token, request.cookies.get(COOKIE))
    items = []
    for question in link.questionnaire.questions:
        value = answers.get(question.key)
        option = question.scale.option(value) if (question.scale and value) else None
        items.append({"question": question, "option": option, "text": None if question.scale else value})
    page = platform.pages.render(
        "review.html",
        locale=_locale_for(request, platform, link),
        q=link.questionnaire,
        token=token,
        items=items,
        kiosk=await survey_kiosk(platform, db_session, link, token),
        submission=secrets.token_urlsafe(24),
    )
    return _html(page)


@post("/s/{token:str}/submit")
async def submit(
    request: Request,
    token: FromPath[str],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
) -> Redirect:
    """Store the answers once. The review page's form carries a random submission key: sent again with the same key
    (the reply to the first send was lost), the answers are not stored twice and the thank-you page follows."""
    link = await open_checked(request, platform, db_session, token, check_used=False)
    answers = read_answers(platform.answers_signer, token, request.cookies.get(COOKIE))
    form = await request.form()
    key = form.get("submission")
    await submit_response(
        db_session, link, answers, today=swedish_today(), submission_key=key if isinstance(key, str) else None
    )
    cookies = [cleared_cookie(token, secure=platform.settings.secure_cookies)]
    if link.kiosk_id is None:
        return Redirect(f"/s/{token}/thanks", status_code=303, cookies=cookies)
    # A kiosk tablet keeps no cookie of this respondent: the language goes on in the URL of the thank-you page.
    cookies.append(cleared_language_cookie(token, platform.settings))
    locale = _locale_for(request, platform, link)
    return Redirect(f"/s/{token}/thanks?lang={locale}", status_code=303, cookies=cookies)


@get("/s/{token:str}/thanks")
async def thanks(
    request: Request,
    token: FromPath[str],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
    lang: FromQuery[str | None] = None,
) -> Response[str]:
    """Under the link's path so that it keeps the respondent's language; it shows nothing of the answers.

    On a kiosk it sends the tablet back to the start screen after a few seconds.
    """
    offered = list(platform.catalogs.languages)
    locale = lang if lang in offered else respondent_locale(request, platform, offered=offered)
    kiosk = await thanks_kiosk(platform, db_session, token)
    return _html(platform.pages.render("thanks.html", locale=locale, kiosk=kiosk))


@get(f"/s/{{token:str}}/{STATEMENT}")
async def survey_statement(
    request: Request,
    token: FromPath[str],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
    fran: FromQuery[str | None] = None,
) -> Response[str]:
    """The accessibility statement within a survey: in its language, under a kiosk's idle timer, and with a link
    back to the page it was opened from (`?fran=` a question's number or `granska`; else the welcome page)."""
    link = await open_checked(request, platform, db_session, token)
    back = f"/s/{token}"
    if fran == "granska":
        back = f"/s/{token}/review"
    elif fran is not None and fran.isdecimal() and 1 <= int(fran) <= len(link.questionnaire.questions):
        back = f"/s/{token}/{int(fran)}"
    kiosk = await survey_kiosk(platform, db_session, link, token)
    return statement_page(platform, _locale_for(request, platform, link), back=back, kiosk=kiosk)


def _locale_for(request: Request, platform: Platform, link: OpenLink) -> str:
    offered = [language.code for language in platform.catalogs.offered_for(link.questionnaire)]
    return respondent_locale(request, platform, offered=offered)


def _refused(request: Request, refused: LinkRefused) -> Response[str]:
    platform: Platform = request.app.state.platform
    return link_problem_page(request, refused.problem, kiosk=refused_kiosk(platform, refused.kiosk_id, refused.area))


def _invalid(request: Request, _: InvalidInput) -> Response[str]:
    """Answers the questionnaire does not have can only come from a forged cookie: nothing is stored."""
    return link_problem_page(request, None)


respondent_router = Router(
    path="/",
    route_handlers=[
        home,
        welcome,
        show_question,
        answer_question,
        review,
        submit,
        thanks,
        accessibility_statement,
        survey_statement,
    ],
    exception_handlers={LinkRefused: _refused, InvalidInput: _invalid},
    include_in_schema=False,
)
