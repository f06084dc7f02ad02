"""Kolada-shaped JSON (the shape of Kolada's API v2/v3 values), for exchange with other municipalities and
with Kolada itself: one value per KPI, municipality and period, split by gender T (all), K, M.

The KPI ids are the platform's own (`brukarenkat.<questionnaire>.<area>.<question>`) until mapped to
Kolada's published ids; a suppressed figure has no entry at all."""

from __future__ import annotations

import gettext
import json
from typing import Any

from reports.data import Figure, ReportData


def kpi_id(questionnaire_key: str, area: str, question: str) -> str:
    return f"brukarenkat.{questionnaire_key}.{area}.{question}"


def render(data: ReportData, translations: gettext.NullTranslations | None = None) -> bytes:
    questionnaire_key = data.questionnaire.split("@")[0]
    values: list[dict[str, Any]] = []
    for section in data.sections:
        for row in section.rows:
            genders = [
                {"gender": gender, "value": float(fig.percent), "count": fig.valid}
                for gender, fig in (("T", row.current), ("K", row.kvinna), ("M", row.man))
                if _shown(fig)
            ]
            if genders:
                values.append(
                    {
                        "kpi": kpi_id(questionnaire_key, row.key, section.key),
                        "municipality": data.kommunkod,
                        "period": data.period_start.year,
                        "values": genders,
                    }
                )
    return json.dumps({"count": len(values), "values": values}, ensure_ascii=False, indent=1).encode("utf-8")


def _shown(fig: Figure | None) -> bool:
    return fig is not None and fig.percent is not None
