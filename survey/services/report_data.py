"""Build a report's ReportData from the results document, the questionnaire texts in the report's language,
and what staff wrote; `reports/` then only lays it out."""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from analysis import TOTAL
from questionnaires import QuestionKind, Questionnaire, Role
from questionnaires.extract import total_label_context
from reports.data import AreaRow, Figure, FreeTextArea, QuestionSection, ReportData, Target
from reports.formats import FORMATS
from survey.comparison_report import comparison_section
from survey.i18n import Catalogs
from survey.models import Response, TokenBatch
from survey.services.free_text import report_texts
from survey.services.groups import LAN
from survey.services.report_texts import analysis_texts, targets
from survey.services.results import Rikssnitt, municipality_results, total_history
from survey.services.rounds import get_round
from survey.services.units import get_unit


def _figure(cell: Mapping[str, Any] | None) -> Figure | None:
    if cell is None:
        return None
    if cell["suppressed"]:
        return Figure(percent=None)
    return Figure(
        percent=cell["percent"],
        valid=cell["valid"],
        share=cell["share"],
        ci_low=cell["ci_low"],
        ci_high=cell["ci_high"],
    )


def _previous(cell: Mapping[str, Any]) -> Figure | None:
    if "previous_percent" not in cell:
        return None
    return Figure(percent=cell["previous_percent"], valid=cell["previous_valid"])


async def build_report_data(
    session: AsyncSession,
    questionnaires: Mapping[str, Questionnaire],
    *,
    round_key: str,
    kommunkod: str,
    locale: str,
    messages: gettext.NullTranslations,
    questionnaire_texts: gettext.NullTranslations,
    unit_key: str | None = None,
    compare: str | None = None,
    national: Rikssnitt | None = None,
    compare_group: str | None = LAN,
) -> ReportData:
    document = await municipality_results(
        session,
        questionnaires,
        round_key=round_key,
        kommunkod=kommunkod,
        unit_key=unit_key,
        compare=compare,
        by_kon=True,
        national=national,
    )
    survey_round = await get_round(session, round_key)
    questionnaire = questionnaires[document["questionnaire"]]
    texts = await analysis_texts(session, survey_round.id, kommunkod)
    goals = await targets(session, kommunkod, questionnaire.key)
    qt = questionnaire_texts.pgettext
    _ = messages.gettext
    area_names = {a.key: qt(f"{questionnaire.key}:area.{a.key}", a.name) for a in questionnaire.areas}
    area_names[TOTAL] = qt(total_label_context(questionnaire.key), questionnaire.total_label)
    sections = []
    for question in questionnaire.questions:
        if question.kind is not QuestionKind.RATING or question.scale is None:
            continue
        rows = []
        for area in [*(a.key for a in questionnaire.areas), TOTAL]:
            cell = document["results"][area][question.key]
            rows.append(
                AreaRow(
                    key=area,
                    name=area_names[area],
                    current=_figure(cell) or Figure(percent=None),
                    previous=_previous(cell),
                    rikssnitt=cell.get("rikssnitt"),
                    kvinna=_figure(document["by_kon"]["kvinna"][area][question.key]),
                    man=_figure(document["by_kon"]["man"][area][question.key]),
                )
            )
        total_percent = document["results"][TOTAL][question.key]["percent"]
        goal = goals.get(question.key)
        sections.append(
            QuestionSection(
                key=question.key,
                short=question.short or question.key,
                text=qt(f"{questionnaire.key}:{question.key}", question.text),
                positive=tuple(
                    qt(f"{questionnaire.key}:{question.scale.key}.{o.key}", o.label)
                    for o in question.scale.options
                    if o.role is Role.POSITIVE
                ),
                rows=tuple(rows),
                analysis=texts.get(question.key, ""),
                target=None if goal is None else Target(goal, None if total_percent is None else total_percent >= goal),
            )
        )
    unit = await get_unit(session, kommunkod, unit_key) if unit_key else None
    title = qt(f"{questionnaire.key}:title", questionnaire.title)
    trend_rounds, history = await total_history(session, questionnaires, survey_round=survey_round, kommunkod=kommunkod)
    shorts = {q.key: q.short or q.key for q in questionnaire.questions}
    return ReportData(
        locale=locale,
        title=_("Brukarundersökning %(round)s") % {"round": survey_round.key},
        municipality=document["municipality"]["name"],
        kommunkod=kommunkod,
        round_key=survey_round.key,
        period_start=survey_round.period_start,
        period_end=survey_round.period_end,
        questionnaire=questionnaire.ident,
        questionnaire_title=title,
        sections=tuple(sections),
        respondents=await _count(session, select(func.count()).select_from(Response), survey_round.id, kommunkod, unit),
        offered=await _offered(session, survey_round.id, kommunkod, unit.id if unit else None),
        previous_round=compare,
        rikssnitt_source=document["rikssnitt_source"],
        excluded_areas=tuple(area_names[a] for a in document["excluded_areas"]),
        min_valid=document["min_valid"],
        unit=unit.name if unit else None,
        trend_rounds=tuple(trend_rounds) if unit is None else (),
        trend=tuple((shorts.get(q, q), tuple(values)) for q, values in history.items()) if unit is None else (),
        comparison=None
        if unit is not None
        else await comparison_section(
            session,
            questionnaires,
            round_key=round_key,
            kommunkod=kommunkod,
            translations=messages,
            question_labels=shorts,
            area_label=area_names[TOTAL],
            group=compare_group,
        ),
        free_texts=await _free_texts(session, questionnaire, survey_round, kommunkod, area_names, qt)
        if unit is None
        else (),
    )


async def _free_texts(
    session: AsyncSession,
    questionnaire: Questionnaire,
    survey_round: Any,
    kommunkod: str,
    area_names: Mapping[str, str],
    qt: Any,
) -> tuple[FreeTextArea, ...]:
    """Municipality reports only: a unit's areas are smaller groups than the threshold is set for."""
    question = next((q for q in questionnaire.questions if q.kind is QuestionKind.TEXT), None)
    if question is None:
        return ()
    printed = await report_texts(session, questionnaire, survey_round, kommunkod)
    heading = qt(f"{questionnaire.key}:{question.key}", question.text)
    return tuple(FreeTextArea(area_names[area], heading, texts) for area, texts in printed.items())


async def _count(session: AsyncSession, query: Any, round_id: int, kommunkod: str, unit: Any) -> int:
    query = query.where(Response.round_id == round_id, Response.kommunkod == kommunkod)
    if unit is not None:
        query = query.where(Response.unit_id == unit.id)
    return int(await session.scalar(query) or 0)


async def _offered(session: AsyncSession, round_id: int, kommunkod: str, unit_id: int | None) -> int | None:
    """Survey links handed out (as staff counted them; batches not voided); None when none were minted (paper)."""
    query = select(func.sum(TokenBatch.handed_out)).where(
        TokenBatch.round_id == round_id, TokenBatch.kommunkod == kommunkod, TokenBatch.voided.is_(False)
    )
    if unit_id is not None:
        query = query.where(TokenBatch.unit_id == unit_id)
    total = await session.scalar(query)
    return int(total) if total else None


async def render_report(
    session: AsyncSession,
    questionnaires: Mapping[str, Questionnaire],
    catalogs: Catalogs,
    *,
    round_key: str,
    kommunkod: str,
    format: str,
    locale: str,
    unit_key: str | None = None,
    compare: str | None = None,
    national: Rikssnitt | None = None,
) -> bytes:
    """One report in one format and language, as the CLI and the batch write it."""
    data = await build_report_data(
        session,
        questionnaires,
        round_key=round_key,
        kommunkod=kommunkod,
        unit_key=unit_key,
        compare=compare,
        national=national,
        locale=locale,
        messages=catalogs.messages(locale),
        questionnaire_texts=catalogs.questionnaire_gettext(locale),
    )
    return FORMATS[format].render(data, catalogs.messages(locale))
