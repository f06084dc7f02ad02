"""The report as one accessible HTML page (also the source of the PDF): tables with captions and header
cells, charts as inline SVG with a text alternative, the staff's analysis per question."""

from __future__ import annotations

import gettext
from typing import Any

from babel.numbers import format_decimal, format_percent
from jinja2 import Environment, PackageLoader, select_autoescape

from reports.charts import describe, describe_funnel, funnel_grid, question_chart, svg, trend_chart
from reports.data import ComparisonSection, ReportData
from reports.formatting import (
    date,
    figure,
    number,
    percent,
    position_words,
    rank_text,
    share_percent,
    translator,
)

NBSP = "\u00a0"


def _environment(translations: gettext.NullTranslations) -> Environment:
    environment = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
    )
    environment.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    return environment


def context(data: ReportData, translations: gettext.NullTranslations) -> dict[str, Any]:
    """Everything the template shows, already formatted for the report's locale."""
    _ = translations.gettext
    locale = data.locale
    sections = []
    for section in data.sections:
        chart = question_chart(section, locale=locale, gettext=_, previous_label=data.previous_round)
        target = section.target
        sections.append(
            {
                "data": section,
                "rows": [
                    {
                        "key": row.key,
                        "name": row.name,
                        "current": figure(row.current, locale),
                        "previous": figure(row.previous, locale),
                        "rikssnitt": percent(row.rikssnitt, locale) if row.rikssnitt is not None else "",
                    }
                    for row in section.rows
                ],
                "chart": svg(chart),
                "alt": describe(section, locale=locale, gettext=_),
                "summary": [percent(row.current.percent, locale) for row in section.rows],
                "target": f"≥ {percent(target.percent, locale)}" if target else None,
                "target_verdict": _target_verdict(target.met, _) if target else None,
            }
        )
    offered = data.offered
    return {
        "data": data,
        "lang": locale.replace("_", "-"),
        "title": data.title,
        "period": f"{date(data.period_start, locale)} – {date(data.period_end, locale)}",
        "respondents": format_decimal(data.respondents, locale=locale),
        "response_rate": (
            _("%(answers)s svar av %(offered)s erbjudna, %(rate)s")
            % {
                "answers": format_decimal(data.respondents, locale=locale),
                "offered": format_decimal(offered, locale=locale),
                "rate": format_percent(data.respondents / offered, locale=locale),
            }
            if offered
            else None
        ),
        "rikssnitt_source": _("inläst från publicerade siffror")
        if data.rikssnitt_source == "imported"
        else _("beräknat från alla kommuner i plattformen"),
        "sections": sections,
        "summary_columns": [row.name for row in data.sections[0].rows] if data.sections else [],
        "generated": date(data.generated_on, locale),
        "trend_chart": svg(trend_chart(data, locale=locale)) if len(data.trend_rounds) > 1 else None,
        "trend_alt": _trend_alt(data, _),
        "comparison": _comparison(data, data.comparison, translations) if data.comparison else None,
    }


def _comparison(data: ReportData, comparison: ComparisonSection, translations: gettext.NullTranslations) -> dict:
    """The section "Jämförelse med andra kommuner": its lead, one table row per question and the small funnels."""
    _ = translations.gettext
    locale = data.locale
    lead = [
        _("Här jämförs %(municipality)s med andra kommuner på andelen positiva svar för %(area)s.")
        % {"municipality": data.municipality, "area": comparison.area},
        translations.ngettext(
            "Jämförelsen omfattar %(shown)s kommun med minst %(min)s svar på frågan.",
            "Jämförelsen omfattar %(shown)s kommuner med minst %(min)s svar på frågan.",
            comparison.municipalities_shown,
        )
        % {"shown": number(comparison.municipalities_shown, locale), "min": number(data.min_valid, locale)},
    ]
    if comparison.municipalities_too_few:
        lead.append(
            translations.ngettext(
                "%(count)s kommun har för få svar och visas inte.",
                "%(count)s kommuner har för få svar och visas inte.",
                comparison.municipalities_too_few,
            )
            % {"count": number(comparison.municipalities_too_few, locale)}
        )
    if comparison.group:
        lead.append(
            _("Gruppen är %(group)s: %(shown)s av dess %(members)s kommuner har tillräckligt många svar.")
            % {
                "group": comparison.group,
                "shown": number(comparison.group_shown, locale),
                "members": number(comparison.group_members, locale),
            }
        )
    rows = []
    for line in comparison.lines:
        rows.append(
            {
                "key": line.key,
                "short": line.short,
                "own": figure(line.own, locale) if line.own.shown else _("för få svar"),
                "hidden": not line.own.shown,
                "rank": rank_text(line.rank, locale, _) if line.own.shown else "",
                # "(95 %)" stays on one line: the msgids use a plain space, print must not break it.
                "position": position_words(line.position, _).replace(" %", NBSP + "%") if line.own.shown else "",
                "group_pooled": _figure_or_hidden(line.group_pooled, locale, _),
                "group_mean": share_percent(line.group_mean, locale) if line.group_mean is not None else "",
                "national": figure(line.national, locale) if line.national.shown else "",
            }
        )
    alt = " ".join(
        f"{line.short}: "
        + describe_funnel(line.funnel, locale=locale, gettext=_, position=line.position if line.own.shown else None)
        for line in comparison.lines
    )
    return {
        "data": comparison,
        "lead": " ".join(lead),
        "sources": [_("Källa: %(source)s") % {"source": source} for source in comparison.sources],
        "rows": rows,
        "chart": svg(funnel_grid(comparison.lines, locale=locale, gettext=_)),
        "alt": alt,
    }


def _figure_or_hidden(fig: Any, locale: str, _: Any) -> str:
    if fig is None:
        return ""
    return figure(fig, locale) if fig.shown else _("för få svar")


def _trend_alt(data: ReportData, _: Any) -> str:
    lines = [
        f"{label}: "
        + ", ".join(f"{r} {percent(v, data.locale)}" for r, v in zip(data.trend_rounds, values, strict=True))
        for label, values in data.trend
    ]
    total = data.sections[0].total.name if data.sections else ""
    return _("Utveckling över tid") + f" ({total}). " + "; ".join(lines)


def _target_verdict(met: bool | None, _: Any) -> str:
    if met is None:
        return _("kan inte bedömas")
    return _("uppnått") if met else _("inte uppnått")


def render(data: ReportData, translations: gettext.NullTranslations | None = None) -> bytes:
    chosen = translator(translations)
    page = _environment(chosen).get_template("report.html").render(**context(data, chosen))
    return page.encode("utf-8")
