"""Results of a round for one municipality (or unit): counts aggregated in SQL, shares and suppression from
`analysis`, rikssnitt and the previous round joined by question and area keys."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from analysis import MIN_VALID, TOTAL, AreaTable, Counts, Share
from analysis.compare import against_rikssnitt, trend
from analysis.nki import nki_by_area
from analysis.shares import ZERO, round_half_up
from questionnaires import Questionnaire
from survey.models import ImportedRikssnitt, SurveyRound
from survey.services.errors import InvalidInput
from survey.services.rounds import get_round
from survey.services.tables import KON_GROUPS, OptionRow, Scope, municipality_tables, overall, table_for, units_of
from survey.services.units import get_municipality, get_unit


def index_document(
    rows: list[OptionRow], questionnaire: Questionnaire, table: AreaTable, min_valid: int
) -> dict[str, dict[str, Any]]:
    """Each index (NKI) per included area and IFO-totalt; grades are the options' paper-form codes."""
    documents: dict[str, dict[str, Any]] = {}
    included = [a for a in table.areas if a not in table.excluded_areas]
    for index in questionnaire.indices:
        grades: dict[str, dict[int, int]] = {}
        scale_max = 0
        for area, question_key, option_key, _groups, n in rows:
            question = questionnaire.question(question_key)
            if question_key in index.questions and question is not None and question.scale is not None:
                scale_max = len(question.scale.options)
                option = question.scale.option(option_key)
                if option is not None:
                    per_area = grades.setdefault(area, {})
                    per_area[option.code] = per_area.get(option.code, 0) + n
        cells = nki_by_area(
            grades, areas=list(table.areas), included=included, scale_max=max(scale_max, 2), min_valid=min_valid
        )
        documents[index.key] = {
            area: {
                "suppressed": cell.suppressed is not None,
                "reason": cell.suppressed.value if cell.suppressed else None,
                "value": float(cell.nki.value) if cell.nki else None,
                "rounded": cell.nki.rounded if cell.nki else None,
                "answers": cell.nki.answers if cell.nki else None,
                "band": cell.nki.band.value if cell.nki else None,
            }
            for area, cell in cells.items()
        }
    return documents


@dataclass(frozen=True, slots=True)
class Rikssnitt:
    """National shares of a round: imported, or computed from the platform's municipalities."""

    source: str | None
    """"imported", "computed", or None when there is nothing to compare with."""
    imported: Mapping[tuple[str, str], Fraction]
    by_municipality: Mapping[str, Mapping[tuple[str, str], Counts]]
    """Computed: each municipality's shown figures' counts (areas and TOTAL), keyed (area, question)."""
    sources: tuple[str, ...] = ()
    """Imported: where the figures were published ("Kolada"), when the import said."""

    def for_municipality(self, kommunkod: str, *, min_valid: int) -> dict[tuple[str, str], Fraction]:
        """The national shares one municipality may see. A computed share is shown only when the rest of the
        country has at least `min_valid` answers behind it: otherwise rikssnitt − own figure would give away
        another municipality's few answers (with two municipalities on the platform, the other one's)."""
        if self.source != "computed":
            return dict(self.imported)
        national: dict[tuple[str, str], Counts] = {}
        for counts in self.by_municipality.values():
            for key, c in counts.items():
                national[key] = national.get(key, ZERO) + c
        own = self.by_municipality.get(kommunkod, {})
        return {
            key: Fraction(c.positive, c.valid)
            for key, c in national.items()
            if c.valid and c.valid - own.get(key, ZERO).valid >= min_valid
        }


async def rikssnitt(
    session: AsyncSession, questionnaire: Questionnaire, round_id: int, *, min_valid: int = MIN_VALID
) -> Rikssnitt:
    """Imported figures when the round has any, else computed: weighted over every municipality on the platform
    (Σ positive / Σ valid, Kolada's definition), counting each municipality's figure only where its own report
    shows it. A hidden figure (an area under SKR's inclusion rule, "för få svar", or hidden to protect another)
    stays out, so that rikssnitt minus the figures the national view shows can never give one away."""
    imported = (await session.scalars(select(ImportedRikssnitt).where(ImportedRikssnitt.round_id == round_id))).all()
    if imported:
        shares = {(r.area, r.question): Fraction(r.percent) / 100 for r in imported}
        sources = sorted({r.source for r in imported if r.source})
        return Rikssnitt("imported", shares, {}, tuple(sources))
    by_municipality = {}
    for kommunkod, table in (await municipality_tables(session, questionnaire, round_id, min_valid=min_valid)).items():
        shown = {}
        for area in [*table.areas, TOTAL]:
            for question in table.questions:
                share = overall(table, area, question)
                if share.suppressed is None:
                    shown[(area, question)] = share.counts
        if shown:
            by_municipality[kommunkod] = shown
    return Rikssnitt("computed" if by_municipality else None, {}, by_municipality)


def share_document(share: Share) -> dict[str, Any]:
    """One share as the results document shows it: nothing but the reason when suppressed."""
    if share.suppressed is not None:
        return {
            "suppressed": True,
            "reason": share.suppressed.value,
            **dict.fromkeys(("positive", "valid", "excluded", "share", "percent", "ci_low", "ci_high")),
        }
    return {
        "suppressed": False,
        "reason": None,
        "positive": share.positive,
        "valid": share.valid,
        "excluded": share.excluded,
        "share": share.share,
        "percent": share.percent,
        "ci_low": share.ci_low,
        "ci_high": share.ci_high,
    }


async def municipality_results(
    session: AsyncSession,
    questionnaires: Mapping[str, Questionnaire],
    *,
    round_key: str,
    kommunkod: str,
    unit_key: str | None = None,
    compare: str | None = None,
    by_kon: bool = False,
    min_valid: int = MIN_VALID,
    national: Rikssnitt | None = None,
) -> dict[str, Any]:
    """The results document of `brukarenkat results` and GET /api/v1/results.

    `national` is the round's rikssnitt when the caller already has it: a batch over every municipality
    computes it once, not once per municipality (it is a GROUP BY over the whole country's answers).

    Whatever is asked (a unit or the whole municipality, with or without kön), the figures come from one
    table of the municipality broken down by unit and kön and protected as a whole: two different questions
    can never be combined to undo each other's suppression.
    """
    survey_round = await get_round(session, round_key)
    questionnaire = questionnaires[survey_round.questionnaire]
    municipality = await get_municipality(session, kommunkod)
    unit = await get_unit(session, kommunkod, unit_key) if unit_key else None
    units = await units_of(session, kommunkod)
    scope = Scope(survey_round.id, kommunkod)
    table, rows = await table_for(session, questionnaire, scope, units=units, min_valid=min_valid)
    national_shares = national or await rikssnitt(session, questionnaire, survey_round.id, min_valid=min_valid)
    references = national_shares.for_municipality(kommunkod, min_valid=min_valid) if unit is None else {}
    previous = await _previous_table(session, questionnaires, compare, questionnaire, scope, units, min_valid)
    unit_group = [unit.key if unit else None] if units else []

    results: dict[str, dict[str, Any]] = {}
    for area in [*table.areas, TOTAL]:
        results[area] = {}
        for question in table.questions:
            share = table.get(area, question, *unit_group, None)
            cell = share_document(share)
            reference = references.get((area, question))
            comparison = against_rikssnitt(share, reference) if reference is not None else None
            cell["rikssnitt"] = None if reference is None else round_half_up(reference * 100)
            cell["difference_pp"] = comparison.difference_pp if comparison else None
            cell["p_value"] = comparison.p_value if comparison else None
            cell["verdict"] = comparison.verdict.value if comparison else None
            if previous is not None:
                before = previous.get(area, question, *unit_group, None)
                change = trend(share, before)
                cell["previous_percent"] = before.percent
                cell["previous_valid"] = before.valid if before.suppressed is None else None
                cell["trend_p_value"] = change.p_value if change else None
                cell["trend_verdict"] = change.verdict.value if change else None
            results[area][question] = cell
    document: dict[str, Any] = {
        "round": survey_round.key,
        "questionnaire": questionnaire.ident,
        "municipality": {"kommunkod": municipality.kommunkod, "name": municipality.name},
        "unit": {"key": unit.key, "name": unit.name} if unit else None,
        "min_valid": min_valid,
        "respondents": {a: n for a, n in table.respondents.items() if a not in table.excluded_areas},
        "excluded_areas": sorted(table.excluded_areas),
        "rikssnitt_source": national_shares.source if references else None,
        "compare": compare,
        "results": results,
    }
    if questionnaire.indices and unit is None:
        document["indices"] = index_document(rows, questionnaire, table, min_valid)
    if by_kon:
        document["by_kon"] = {
            group: {
                area: {q: share_document(table.get(area, q, *unit_group, group)) for q in table.questions}
                for area in [*table.areas, TOTAL]
            }
            for group in KON_GROUPS
        }
    return document


async def _previous_table(
    session: AsyncSession,
    questionnaires: Mapping[str, Questionnaire],
    compare: str | None,
    questionnaire: Questionnaire,
    scope: Scope,
    units: Mapping[int, str],
    min_valid: int,
) -> AreaTable | None:
    if compare is None:
        return None
    previous_round: SurveyRound = await get_round(session, compare)
    previous_questionnaire = questionnaires[previous_round.questionnaire]
    if previous_questionnaire.key != questionnaire.key:
        raise InvalidInput(f"{compare!r} is a round of {previous_questionnaire.key!r}, not of {questionnaire.key!r}")
    previous_scope = Scope(previous_round.id, scope.kommunkod)
    table, _rows = await table_for(session, questionnaire, previous_scope, units=units, min_valid=min_valid)
    return table


async def total_history(
    session: AsyncSession,
    questionnaires: Mapping[str, Questionnaire],
    *,
    survey_round: SurveyRound,
    kommunkod: str,
    min_valid: int = MIN_VALID,
) -> tuple[list[str], dict[str, list[int | None]]]:
    """IFO-totalt per rated question in every round of the same questionnaire up to this one, oldest first;
    None where the figure is suppressed. Each round's table is protected exactly as its own report is."""
    key = questionnaires[survey_round.questionnaire].key
    rounds = [
        r
        for r in await session.scalars(select(SurveyRound).order_by(SurveyRound.period_start))
        if questionnaires[r.questionnaire].key == key and r.period_start <= survey_round.period_start
    ]
    units = await units_of(session, kommunkod)
    history: dict[str, list[int | None]] = {}
    for position, earlier in enumerate(rounds):
        scope = Scope(earlier.id, kommunkod)
        table, _rows = await table_for(
            session, questionnaires[earlier.questionnaire], scope, units=units, min_valid=min_valid
        )
        for question in table.questions:
            history.setdefault(question, [None] * len(rounds))[position] = table.get(TOTAL, question).percent
    return [r.key for r in rounds], history
