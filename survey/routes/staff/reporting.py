"""From answers to the nämnd's report in the browser: the report in every format, the analysis text and måltal
per question, paper forms typed in, and (national) published rikssnitt: what the CLI's report, notes,
targets and import commands do, for the signed-in member's own municipality only."""

from __future__ import annotations

from typing import Any

import anyio
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from reports.formats import FORMATS
from survey.auth import Permission, StaffMember
from survey.platform import Platform
from survey.routes.results_api import REPORT_POLICY
from survey.routes.staff.base import STAFF_LOCALE, see_other, staff_page
from survey.services.errors import InvalidInput, NotFound
from survey.services.imports import ImportRejected, import_responses, import_rikssnitt
from survey.services.participation import units_of
from survey.services.report_data import build_report_data
from survey.services.report_texts import analysis_texts, set_analysis_text, set_target, targets
from survey.services.rounds import get_round, list_rounds

UPLOAD_BYTES = 4 * 1024 * 1024
"""A paper-form file of a large municipality's round (tens of thousands of rows) fits; the app's own limit
(64 KB, a survey's answers many times over) is raised for these two forms only."""


def _municipality(staff: StaffMember) -> str:
    if staff.kommunkod is None:
        raise NotFound("a municipality's report: national coordinators see the national overview")
    return staff.kommunkod


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
        units=await units_of(db_session, _municipality(staff)),
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
    kommunkod = _municipality(staff)
    data = await build_report_data(
        db_session,
        platform.questionnaires,
        round_key=round_key,
        kommunkod=kommunkod,
        unit_key=unit or None,
        compare=compare or None,
        locale=STAFF_LOCALE,
        messages=platform.catalogs.messages(STAFF_LOCALE),
        questionnaire_texts=platform.catalogs.questionnaire_gettext(STAFF_LOCALE),
    )
    content = await anyio.to_thread.run_sync(chosen.render, data, platform.catalogs.messages(STAFF_LOCALE))
    name = f"{round_key}-{kommunkod}{'-' + unit if unit else ''}{chosen.suffix}"
    disposition = "inline" if chosen.key == "html" else f'attachment; filename="{name}"'
    return Response(
        content,
        media_type=chosen.media_type,
        headers={"content-disposition": disposition, "content-security-policy": REPORT_POLICY},
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
    kommunkod = _municipality(staff)
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
    kommunkod = _municipality(staff)
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
            if not goal.isdigit():
                raise InvalidInput("Måltal skrivs som en procentsats, till exempel 85.")
            await set_target(db_session, questionnaire, kommunkod=kommunkod, question=question.key, percent=int(goal))
    await db_session.commit()
    return see_other(f"/staff/rounds/{round_key}/analysis", saved="1")


async def _uploaded_text(request: Request[Any, Any, Any]) -> str:
    form = await request.form()
    upload = form.get("file")
    if upload is None or not hasattr(upload, "read"):
        raise InvalidInput("Välj en CSV-fil.")
    raw = await upload.read()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("Filen måste vara en CSV-fil i UTF-8 (spara som ”CSV UTF-8” i Excel).") from None


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
    text = await _uploaded_text(request)
    try:
        count = await import_responses(
            db_session,
            platform.questionnaires,
            round_key=round_key,
            text=text,
            only_municipality=_municipality(staff),
        )
    except ImportRejected as rejected:
        await db_session.rollback()
        return staff_page(request, "import_result.html", status_code=400, count=0, problems=rejected.problems)
    await db_session.commit()
    return staff_page(request, "import_result.html", count=count, problems=[], round_key=round_key)


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
    text = await _uploaded_text(request)
    try:
        count = await import_rikssnitt(db_session, platform.questionnaires, round_key=round_key, text=text)
    except ImportRejected as rejected:
        await db_session.rollback()
        return staff_page(request, "import_result.html", status_code=400, count=0, problems=rejected.problems)
    await db_session.commit()
    return staff_page(request, "import_result.html", count=count, problems=[], round_key=round_key)
