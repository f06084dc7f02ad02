"""From answers to the nämnd's report in the browser: the report in every format, the analysis text and måltal
per question, paper forms typed in, and (national) published rikssnitt: what the CLI's report, notes,
targets and import commands do, for the signed-in member's own municipality only."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from reports.formats import FORMATS
from survey.auth import Permission, StaffMember
from survey.numbers import whole_number
from survey.platform import Platform
from survey.routes.results_api import report_response
from survey.routes.staff.base import STAFF_LOCALE, own_municipality, see_other, staff_page
from survey.services.errors import InvalidInput, NotFound
from survey.services.imports import ImportRejected, import_responses, import_rikssnitt
from survey.services.participation import units_of
from survey.services.report_texts import analysis_texts, set_analysis_text, set_target, targets
from survey.services.rounds import get_round, list_rounds

UPLOAD_BYTES = 4 * 1024 * 1024
"""A paper-form file of a large municipality's round (tens of thousands of rows) fits; the app's own limit
(64 KB, a survey's answers many times over) is raised for these two forms only."""


@get("/rounds/{round_key:str}/report", opt={"permission": Permission.RESULTS_VIEW})
async def report_page(
    request: Request[Any, Any, Any],
    round_key: FromPath[str],
    staff: NamedDependency[StaffMember],
    db_session: NamedDependency[AsyncSession],
) -> Response:
    survey_round = await get_round(db_session, round_key)
    earlier = [
        r.key
        for r in await list_rounds(db_session)
        if r.period_start < survey_round.period_start
        and r.questionnaire.split("@")[0] == survey_round.questionnaire.split("@")[0]
    ]
    return staff_page(
        request,
        "report.html",
        round=survey_round,
        formats=[(f.key, f.suffix) for f in FORMATS.values()],
        earlier=earlier[::-1],
        units=await units_of(db_session, own_municipality(staff)),
    )


@get("/rounds/{round_key:str}/report/{format_key:str}", opt={"permission": Permission.RESULTS_VIEW})
async def report_file(
    round_key: FromPath[str],
    format_key: FromPath[str],
    staff: NamedDependency[StaffMember],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
    compare: FromQuery[str | None] = None,
    unit: FromQuery[str | None] = None,
) -> Response[bytes]:
    """The municipality's report; `compare` an earlier round, `unit` a unit key (both optional)."""
    chosen = FORMATS.get(format_key)
    if chosen is None:
        raise NotFound(f"no report format {format_key!r}")
    return await report_response(
        platform,
        db_session,
        chosen,
        round_key=round_key,
        kommunkod=own_municipality(staff),
        locale=STAFF_LOCALE,
        unit=unit or None,
        compare=compare or None,
    )


@get("/rounds/{round_key:str}/analysis", opt={"permission": Permission.ANALYSIS_WRITE})
async def analysis_page(
    request: Request[Any, Any, Any],
    round_key: FromPath[str],
    staff: NamedDependency[StaffMember],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
) -> Response:
    survey_round = await get_round(db_session, round_key)
    questionnaire = platform.questionnaires[survey_round.questionnaire]
    kommunkod = own_municipality(staff)
    return staff_page(
        request,
        "analysis.html",
        round=survey_round,
        q=questionnaire,
        questions=[q for q in questionnaire.questions if q.kind.value == "rating"],
        texts=await analysis_texts(db_session, survey_round.id, kommunkod),
        goals=await targets(db_session, kommunkod, questionnaire.key),
        saved=request.query_params.get("saved") == "1",
    )


@post("/rounds/{round_key:str}/analysis", opt={"permission": Permission.ANALYSIS_WRITE})
async def save_analysis(
    request: Request[Any, Any, Any],
    round_key: FromPath[str],
    staff: NamedDependency[StaffMember],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
) -> Redirect:
    """Every question's text and måltal in one form; an empty måltal leaves the saved one as it is."""
    form = await request.form()
    survey_round = await get_round(db_session, round_key)
    questionnaire = platform.questionnaires[survey_round.questionnaire]
    kommunkod = own_municipality(staff)
    for question in questionnaire.questions:
        if question.kind.value != "rating":
            continue
        text = form.get(f"text-{question.key}")
        if text is not None:
            await set_analysis_text(
                db_session,
                platform.questionnaires,
                round_key=round_key,
                kommunkod=kommunkod,
                question=question.key,
                text=str(text).strip(),
            )
        goal = str(form.get(f"target-{question.key}") or "").strip().rstrip("%").strip()
        if goal:
            percent = whole_number(goal)
            if percent is None:
                raise InvalidInput("Måltal skrivs som en procentsats, till exempel 85.")
            await set_target(db_session, questionnaire, kommunkod=kommunkod, question=question.key, percent=percent)
    await db_session.commit()
    return see_other(f"/staff/rounds/{round_key}/analysis", saved="1")


async def uploaded_text(request: Request[Any, Any, Any]) -> str:
    form = await request.form()
    upload = form.get("file")
    if upload is None or not hasattr(upload, "read"):
        raise InvalidInput("Välj en CSV-fil.")
    raw = await upload.read()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("Filen måste vara en CSV-fil i UTF-8 (spara som ”CSV UTF-8” i Excel).") from None


async def _import(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    round_key: str,
    run: Callable[[str], Awaitable[int]],
) -> Response:
    """Run an import of the uploaded CSV: every row stored and committed, or none and every problem listed."""
    text = await uploaded_text(request)
    try:
        count = await run(text)
    except ImportRejected as rejected:
        await db_session.rollback()
        return staff_page(request, "import_result.html", status_code=400, count=0, problems=rejected.problems)
    await db_session.commit()
    return staff_page(request, "import_result.html", count=count, problems=[], round_key=round_key)


@post(
    "/rounds/{round_key:str}/paper",
    opt={"permission": Permission.PAPER_IMPORT},
    request_max_body_size=UPLOAD_BYTES,
)
async def import_paper(
    request: Request[Any, Any, Any],
    round_key: FromPath[str],
    staff: NamedDependency[StaffMember],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
) -> Response:
    """Answers typed in from paper forms: all rows or none, every problem listed with its line."""
    kommunkod = own_municipality(staff)

    async def run(text: str) -> int:
        return await import_responses(
            db_session, platform.questionnaires, round_key=round_key, text=text, only_municipality=kommunkod
        )

    return await _import(request, db_session, round_key, run)


@post(
    "/rounds/{round_key:str}/rikssnitt",
    opt={"permission": Permission.ROUNDS_MANAGE},
    request_max_body_size=UPLOAD_BYTES,
)
async def import_national(
    request: Request[Any, Any, Any],
    round_key: FromPath[str],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
) -> Response:
    """Published national shares for a round (national coordinators): they replace the computed rikssnitt."""

    async def run(text: str) -> int:
        return await import_rikssnitt(db_session, platform.questionnaires, round_key=round_key, text=text)

    return await _import(request, db_session, round_key, run)
