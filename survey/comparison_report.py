"""A national comparison turned into what reports draw: the funnel (points and exact control limits) and the
municipality report's comparison section (IFO-totalt, every rated question, the municipality's län or a group)."""

from __future__ import annotations

import gettext
from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from analysis import MIN_VALID, TOTAL, Share, round_half_up
from analysis.funnel import LEVELS, curve_points, funnel_limits
from analysis.ranks import Rank
from questionnaires import Questionnaire
from reports.data import (
    ComparisonLine,
    ComparisonSection,
    Figure,
    Funnel,
    FunnelCurve,
    FunnelPoint,
)
from survey.services.comparison import NationalComparison, national_comparison
from survey.services.groups import LAN
from survey.services.rounds import get_round
from survey.services.tables import municipality_tables, rated_questions

MIN_COMPARED = 3
"""A report compares only when at least this many municipalities are shown: with two, "the others" is one
municipality, and a comparison of two says little that the rikssnitt column does not."""


def figure_of(share: Share) -> Figure:
    if share.suppressed is not None:
        return Figure(percent=None)
    return Figure(share.percent, share.valid, share.share, share.ci_low, share.ci_high)


def reference_label(comparison: NationalComparison, _: gettext.NullTranslations) -> str:
    """What the funnel is centred on, with the source of an imported figure ("Källa: Kolada")."""
    if comparison.reference_source == "imported":
        label = _.gettext("Rikssnitt, inläst")
        if comparison.reference_label:
            label += ", " + _.gettext("Källa: %(source)s") % {"source": comparison.reference_label}
        return label
    return _.gettext("Rikssnitt, alla visade kommuner")


def funnel(comparison: NationalComparison, *, title: str, translations: gettext.NullTranslations) -> Funnel | None:
    """The funnel of one comparison; None when there is no national share to centre it on."""
    view = comparison.view
    if view.reference is None:
        return None
    centre = float(view.reference)
    points = tuple(
        FunnelPoint(
            label=comparison.name(entry.key),
            share=float(entry.share.share or 0),
            valid=entry.share.valid,
            role="focus" if entry.key == comparison.focus else "group" if entry.in_group else "other",
        )
        for entry in view.shown
    )
    largest = max((p.valid for p in points), default=MIN_VALID)
    grid = curve_points(max(largest * 2, 50))
    curves = tuple(
        FunnelCurve(level, limits.n, limits.low, limits.high)
        for level in LEVELS
        for limits in [funnel_limits(centre, grid, level)]
    )
    return Funnel(
        title=title,
        centre=centre,
        centre_label=reference_label(comparison, translations),
        points=points,
        curves=curves,
        group_label=comparison.group.label if comparison.group else None,
    )


def _rank(comparison: NationalComparison) -> Rank | None:
    entry = next((e for e in comparison.view.entries if e.key == comparison.focus), None)
    return None if entry is None else entry.rank


async def comparison_section(
    session: AsyncSession,
    questionnaires: Mapping[str, Questionnaire],
    *,
    round_key: str,
    kommunkod: str,
    translations: gettext.NullTranslations,
    question_labels: Mapping[str, str],
    area_label: str,
    group: str | None = LAN,
) -> ComparisonSection | None:
    """IFO-totalt of every rated question against every other municipality; None when too few are shown."""
    survey_round = await get_round(session, round_key)
    questionnaire = questionnaires[survey_round.questionnaire]
    tables = await municipality_tables(session, questionnaire, survey_round.id)
    lines = []
    comparisons = []
    for question in rated_questions(questionnaire):
        comparison = await national_comparison(
            session,
            questionnaires,
            round_key=round_key,
            area=TOTAL,
            question=question,
            group=group,
            focus=kommunkod,
            tables=tables,
        )
        comparisons.append(comparison)
        view = comparison.view
        shown = funnel(comparison, title=question_labels.get(question, question), translations=translations)
        if len(view.shown) < MIN_COMPARED or shown is None:
            continue
        own = next((e for e in view.entries if e.key == kommunkod), None)
        group_value = view.group
        national = figure_of(view.national)
        if comparison.reference_source == "imported" and view.reference is not None:
            national = Figure(percent=round_half_up(view.reference * 100), share=float(view.reference))
        lines.append(
            ComparisonLine(
                key=question,
                short=question_labels.get(question, question),
                own=figure_of(own.share) if own else Figure(percent=None),
                rank=_rank(comparison),
                position=own.position.value if own and own.position else None,
                national=national,
                group_pooled=figure_of(group_value.pooled) if group_value else None,
                group_mean=None if group_value is None or group_value.mean is None else float(group_value.mean),
                funnel=shown,
            )
        )
    if not lines:
        return None
    first = comparisons[0]
    sources = sorted({*first.sources.values(), *([first.reference_label] if first.reference_label else [])})
    group_value = first.view.group
    return ComparisonSection(
        area=area_label,
        group=first.group.label if first.group else None,
        group_members=group_value.members if group_value else 0,
        group_shown=group_value.shown if group_value else 0,
        municipalities_shown=len(first.view.shown),
        municipalities_too_few=len(first.view.too_few),
        sources=tuple(sources),
        lines=tuple(lines),
    )
