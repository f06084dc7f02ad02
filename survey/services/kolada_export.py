"""Every municipality's results of a round in Kolada's API v3 shape, the shape `import_kolada` reads: so that one
platform's figures can be compared on another, or sent on to whoever publishes them.

Only what the municipalities' own reports show goes out: a hidden figure has no entry at all (not a null), and
riket (0000) is the shown municipalities pooled, so it cannot be used to work one out. Riket is left out when the
round's rikssnitt was imported: then the platform is not the source of the national figure. Values carry one
decimal (rounded half up), enough for the count of positive answers to be recovered exactly from value × count
for any municipality of up to 500 answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from analysis import TOTAL, Share, round_half_up
from analysis.national import pooled
from questionnaires import Questionnaire
from reports.kolada import kpi_id
from survey.models import ImportedRikssnitt
from survey.services.kolada import RIKET, KpiTarget
from survey.services.rounds import get_round
from survey.services.tables import KON_GROUPS, municipality_tables, overall, rated_questions

GENDER_OF = {None: "T", KON_GROUPS[0]: "K", KON_GROUPS[1]: "M"}


def _value(share: Share) -> float:
    return round_half_up(Fraction(share.positive * 1000, share.valid)) / 10


async def export_kolada(
    session: AsyncSession,
    questionnaires: Mapping[str, Questionnaire],
    *,
    round_key: str,
    mapping: Mapping[str, KpiTarget] | None = None,
) -> dict[str, Any]:
    """The round as Kolada JSON. With a mapping (as `import_kolada` reads it), figures get its KPI ids and
    figures it does not map are left out; without one, the platform's own ids."""
    survey_round = await get_round(session, round_key)
    questionnaire = questionnaires[survey_round.questionnaire]
    kpis = {(t.questionnaire, t.area, t.question): kpi for kpi, t in (mapping or {}).items()}
    tables = await municipality_tables(session, questionnaire, survey_round.id)
    imported = await session.scalar(
        select(func.count()).select_from(ImportedRikssnitt).where(ImportedRikssnitt.round_id == survey_round.id)
    )
    period = survey_round.period_start.year
    values: list[dict[str, Any]] = []
    for area in [*(a.key for a in questionnaire.areas), TOTAL]:
        for question in rated_questions(questionnaire):
            kpi = (
                kpis.get((questionnaire.key, area, question)) if mapping else kpi_id(questionnaire.key, area, question)
            )
            if kpi is None:
                continue
            national: dict[str, list[Share]] = {}
            for kommunkod, table in tables.items():
                genders = []
                for kon, gender in GENDER_OF.items():
                    share = overall(table, area, question, kon)
                    national.setdefault(gender, []).append(share)
                    if share.suppressed is None:
                        genders.append({"count": share.valid, "gender": gender, "status": "", "value": _value(share)})
                if genders:
                    values.append({"kpi": kpi, "municipality": kommunkod, "period": period, "values": genders})
            riket = [
                {"count": total.valid, "gender": gender, "status": "", "value": _value(total)}
                for gender, shares in national.items()
                for total in [pooled(shares)]
                if total.suppressed is None
            ]
            if riket and not imported:
                values.append({"kpi": kpi, "municipality": RIKET, "period": period, "values": riket})
    return {"count": len(values), "values": values}
