"""CSV for further work in Excel: UTF-8 with BOM, semicolons and decimal commas, so Swedish Excel opens it
as it is. One row per question and area; a suppressed figure is an empty field, never a number; måltal and the
analysis text stand on each question's IFO-totalt row."""

from __future__ import annotations

import csv
import gettext
import io

from reports.data import Figure, QuestionSection, ReportData
from reports.formatting import decimal, translator


def render(data: ReportData, translations: gettext.NullTranslations | None = None) -> bytes:
    _ = translator(translations).gettext
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            _("fråga"), _("frågetext"), _("område"), _("områdesnamn"), _("andel positiva (%)"), _("antal svar"),
            _("andel"), _("konfidensintervall låg"), _("konfidensintervall hög"), _("föregående år (%)"),
            _("rikssnitt (%)"), _("kvinnor (%)"), _("män (%)"), _("måltal (%)"), _("analys"),
        ]
    )  # fmt: skip
    for section in data.sections:
        for row in section.rows:
            writer.writerow(
                [
                    section.key, section.text, row.key, row.name, *_figure_fields(row.current, data.locale),
                    _whole(row.previous), "" if row.rikssnitt is None else row.rikssnitt,
                    _whole(row.kvinna), _whole(row.man), *_question_fields(section, row.key),
                ]
            )  # fmt: skip
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _figure_fields(fig: Figure, locale: str) -> list[str | int]:
    if not fig.shown:
        return ["", "", "", "", ""]
    return [
        fig.percent or 0,
        fig.valid or 0,
        decimal(fig.share, locale, 4),
        decimal(fig.ci_low, locale, 4),
        decimal(fig.ci_high, locale, 4),
    ]


def _question_fields(section: QuestionSection, area: str) -> list[str | int]:
    """Måltal and analysis text belong to the question: written once, on its IFO-totalt row."""
    if area != "total":
        return ["", ""]
    return ["" if section.target is None else section.target.percent, section.analysis]


def _whole(fig: Figure | None) -> str | int:
    return "" if fig is None or fig.percent is None else fig.percent
