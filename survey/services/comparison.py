"""The national comparison of one question in one area: every municipality of a round as its own report shows it,
imported figures (Kolada) for municipalities not on the platform, a comparison group, ranks with intervals and
funnel positions (analysis.national).

Only aggregates leave this module: a share, its n and interval, or "för få svar". It reads no free text and no
answer rows, so whoever may compare (every municipality's analysts, the national coordinator) sees the same
published figures.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from analysis import MIN_VALID, TOTAL, Counts, Share, positive_share
from analysis.national import NationalView, national_view
from questionnaires import QuestionKind, Questionnaire
from survey.models import ImportedRikssnitt, Municipality, PublishedValue, SurveyRound
from survey.services.errors import InvalidInput
from survey.services.groups import ResolvedGroup, resolve_group
from survey.services.rounds import get_round
from survey.services.tables import KON_GROUPS, municipality_tables, overall

GENDERS = {None: "T", "kvinna": "K", "man": "M"}
"""Kolada's gender codes for the kön breakdown: T is everyone."""
RIKET = "0000"
"""Kolada's code for the whole country; its figures are rikssnitt, not a municipality."""


@dataclass(frozen=True, slots=True)
class NationalComparison:
    survey_round: SurveyRound
    questionnaire: Questionnaire
    area: str
    question: str
    kon: str | None
    view: NationalView
    names: Mapping[str, str]
    sources: Mapping[str, str]
    """kommunkod → where its figure comes from, for figures not from the platform ("Kolada")."""
    group: ResolvedGroup | None
    focus: str | None
    reference_source: str
    """"computed" (the shown municipalities pooled) or "imported"."""
    reference_label: str | None
    """The imported rikssnitt's source, when it said ("Kolada")."""

    def name(self, kommunkod: str) -> str:
        return self.names.get(kommunkod, kommunkod)


def _published_counts(percent: Decimal, count: int) -> Counts:
    """A published share of n answers back as counts: the number of positive answers it must have been."""
    positive = int((percent * count / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    positive = min(max(positive, 0), count)
    return Counts(positive, count - positive)


def check_choice(questionnaire: Questionnaire, area: str, question: str, kon: str | None) -> None:
    if area != TOTAL and questionnaire.area(area) is None:
        raise InvalidInput(f"area {area!r} is not an area of {questionnaire.ident} (or {TOTAL})")
    rated = questionnaire.question(question)
    if rated is None or rated.kind is not QuestionKind.RATING:
        raise InvalidInput(f"question {question!r} is not a rated question of {questionnaire.ident}")
    if kon is not None and kon not in KON_GROUPS:
        raise InvalidInput(f"kön must be one of {', '.join(KON_GROUPS)}, got {kon!r}")


async def national_comparison(
    session: AsyncSession,
    questionnaires: Mapping[str, Questionnaire],
    *,
    round_key: str,
    area: str = TOTAL,
    question: str,
    group: str | None = None,
    focus: str | None = None,
    kon: str | None = None,
    min_valid: int = MIN_VALID,
    tables: Mapping[str, Any] | None = None,
) -> NationalComparison:
    """One question × area for every municipality. `tables` are the round's municipality tables when the caller
    already has them (the report compares seven questions from one GROUP BY)."""
    survey_round = await get_round(session, round_key)
    questionnaire = questionnaires[survey_round.questionnaire]
    check_choice(questionnaire, area, question, kon)
    if tables is None:
        tables = await municipality_tables(session, questionnaire, survey_round.id, min_valid=min_valid)
    shares: dict[str, Share] = {kommunkod: overall(table, area, question, kon) for kommunkod, table in tables.items()}
    sources: dict[str, str] = {}
    rikssnitt: Fraction | None = None
    rikssnitt_source: str | None = None
    published = await session.scalars(
        select(PublishedValue)
        .where(
            PublishedValue.round_id == survey_round.id,
            PublishedValue.area == area,
            PublishedValue.question == question,
            PublishedValue.gender == GENDERS[kon],
        )
        .order_by(PublishedValue.source)
    )
    for value in published:
        if value.kommunkod == RIKET:
            if kon is not None:  # everyone's rikssnitt is in the rikssnitt table; a kön's only here
                rikssnitt, rikssnitt_source = Fraction(value.percent) / 100, value.source
        elif value.kommunkod not in tables and value.kommunkod not in sources and value.count:
            shares[value.kommunkod] = positive_share(_published_counts(value.percent, value.count), min_valid=min_valid)
            sources[value.kommunkod] = value.source
    if kon is None:
        imported = await session.get(ImportedRikssnitt, (survey_round.id, area, question))
        if imported is not None:
            rikssnitt, rikssnitt_source = Fraction(imported.percent) / 100, imported.source
    resolved = await resolve_group(session, group, focus)
    if focus is not None and await session.get(Municipality, focus) is None:
        raise InvalidInput(f"{focus!r} is not a kommunkod (four digits, e.g. 2085)")
    view = national_view(
        shares,
        reference=rikssnitt,
        group=resolved.members if resolved else None,
        min_valid=min_valid,
    )
    names = {m.kommunkod: m.name for m in await session.scalars(select(Municipality))}
    return NationalComparison(
        survey_round=survey_round,
        questionnaire=questionnaire,
        area=area,
        question=question,
        kon=kon,
        view=view,
        names=names,
        sources=sources,
        group=resolved,
        focus=focus,
        reference_source="imported" if rikssnitt is not None else "computed",
        reference_label=rikssnitt_source,
    )


def _share(share: Share) -> dict[str, Any]:
    if share.suppressed is not None:
        return {"suppressed": True, "share": None, "percent": None, "valid": None, "ci_low": None, "ci_high": None}
    return {
        "suppressed": False,
        "share": share.share,
        "percent": share.percent,
        "valid": share.valid,
        "ci_low": share.ci_low,
        "ci_high": share.ci_high,
    }


def comparison_document(comparison: NationalComparison) -> dict[str, Any]:
    """The comparison as JSON (API and CLI): aggregates only; "för få svar" rows carry no figure at all."""
    view = comparison.view
    group = view.group
    return {
        "round": comparison.survey_round.key,
        "questionnaire": comparison.questionnaire.ident,
        "area": comparison.area,
        "question": comparison.question,
        "kon": comparison.kon,
        "min_valid": MIN_VALID,
        "focus": comparison.focus,
        "reference": {
            "share": None if view.reference is None else float(view.reference),
            "source": comparison.reference_source,
            "published_by": comparison.reference_label,
        },
        "national": {**_share(view.national), "method": "pooled over shown municipalities"},
        "group": None
        if group is None or comparison.group is None
        else {
            "key": comparison.group.key,
            "label": comparison.group.label,
            "members": group.members,
            "shown": group.shown,
            "pooled": _share(group.pooled),
            "unweighted_mean": None if group.mean is None else float(group.mean),
        },
        "municipalities": [
            {
                "kommunkod": entry.key,
                "name": comparison.name(entry.key),
                "source": comparison.sources.get(entry.key, "brukarenkat"),
                "in_group": entry.in_group,
                "focus": entry.key == comparison.focus,
                **_share(entry.share),
                "too_few_answers": entry.share.suppressed is not None,
                "position": entry.position.value if entry.position else None,
                "rank": None
                if entry.rank is None
                else {"rank": entry.rank.rank, "low": entry.rank.low, "high": entry.rank.high, "of": entry.rank.of},
            }
            for entry in view.entries
        ],
    }


CSV_COLUMNS = (
    "kommunkod",
    "name",
    "source",
    "in_group",
    "share",
    "valid",
    "ci_low",
    "ci_high",
    "position",
    "rank",
    "rank_low",
    "rank_high",
    "of",
)


def comparison_csv(comparisons: list[NationalComparison]) -> str:
    """The comparisons' tables as one CSV (area and question first), for the API, the staff page and the CLI."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["area", "question", *CSV_COLUMNS])
    writer.writeheader()
    for comparison in comparisons:
        for row in comparison_rows(comparison):
            writer.writerow({"area": comparison.area, "question": comparison.question, **row})
    return out.getvalue()


def comparison_rows(comparison: NationalComparison) -> list[dict[str, Any]]:
    """One row per municipality for CSV; a hidden one has its name and nothing else."""
    rows = []
    for item in comparison_document(comparison)["municipalities"]:
        rank = item["rank"] or {}
        rows.append(
            {
                "kommunkod": item["kommunkod"],
                "name": item["name"],
                "source": item["source"],
                "in_group": int(item["in_group"]),
                "share": item["share"],
                "valid": item["valid"],
                "ci_low": item["ci_low"],
                "ci_high": item["ci_high"],
                "position": item["position"] or ("too_few_answers" if item["too_few_answers"] else None),
                "rank": rank.get("rank"),
                "rank_low": rank.get("low"),
                "rank_high": rank.get("high"),
                "of": rank.get("of"),
            }
        )
    return rows
