"""Kolada-shaped data in: shares published for municipalities (and for riket, 0000) by Kolada or by another
system that writes Kolada's API v3 JSON, stored as published values beside the platform's own results.

A file is checked whole before anything is written, as every import is (survey.services.imports): one bad value
and nothing is imported, and every problem is reported with its place in the file.

Kolada's ids (U21468, …) are mapped to a questionnaire, question and area by a small CSV file (`read_mapping`);
the platform's own KPI ids (`brukarenkat.<questionnaire>.<area>.<question>`, reports.kolada.kpi_id) need no
mapping. Riket's figures for everyone (0000, gender T) become the round's imported rikssnitt.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from analysis import TOTAL
from questionnaires import QuestionKind, Questionnaire
from survey.models import ImportedRikssnitt, Municipality, PublishedValue, SurveyRound
from survey.numbers import MAX_INTEGER, decimal_number, whole_number, within_integer
from survey.services.errors import InvalidInput
from survey.services.imports import ImportRejected, read_table

KOLADA = "Kolada"
"""The default source name of imported values."""
RIKET = "0000"
"""Kolada's code for the whole country: not in the municipality register."""
GENDERS = ("T", "K", "M")
"""Kolada's genders: T everyone, K kvinnor, M män."""
OWN_KPI_PREFIX = "brukarenkat"
SOURCE_LENGTH = 100
MAPPING_COLUMNS = ("kpi", "questionnaire", "question", "area")
PERCENT_PLACES = Decimal("0.001")


@dataclass(frozen=True, slots=True)
class KpiTarget:
    """What a KPI measures on the platform: a rated question of a questionnaire (its key, not a version) in
    one area, or `total` for IFO-totalt."""

    questionnaire: str
    question: str
    area: str


@dataclass(frozen=True, slots=True)
class KoladaImport:
    """What an import stored."""

    values: int
    """Published values stored (every municipality, 0000 included, every gender)."""
    rikssnitt: int
    """Imported rikssnitt rows stored (0000, gender T)."""
    rounds: tuple[str, ...]
    """The keys of the survey rounds the file's periods fell in."""
    skipped: int
    """Values Kolada left empty (status "Missing", or too few answers to publish)."""


# --- the mapping ----------------------------------------------------------------------------------


def _target_problems(target: KpiTarget, questionnaires: Mapping[str, Questionnaire]) -> list[str]:
    """Whether some version of the questionnaire has this rated question and area."""
    versions = [q for q in questionnaires.values() if q.key == target.questionnaire]
    if not versions:
        known = ", ".join(sorted({q.key for q in questionnaires.values()}))
        hint = " (give its key, e.g. ifo, not a version)" if "@" in target.questionnaire else ""
        return [f"questionnaire {target.questionnaire!r} is not a shipped questionnaire{hint} (known: {known})"]
    problems = []
    if not any(_rated(q, target.question) for q in versions):
        problems.append(f"question {target.question!r} is not a rated question of {target.questionnaire}")
    if target.area != TOTAL and not any(q.area(target.area) for q in versions):
        problems.append(f"area {target.area!r} is not an area of {target.questionnaire} (or {TOTAL})")
    return problems


def _rated(questionnaire: Questionnaire, key: str) -> bool:
    question = questionnaire.question(key)
    return question is not None and question.kind is QuestionKind.RATING


def read_mapping(text: str, questionnaires: Mapping[str, Questionnaire]) -> dict[str, KpiTarget]:
    """A `kpi,questionnaire,question,area` CSV (comma, semicolon or tab; an optional `title` column is kept for
    people only): Kolada's KPI id → what it measures. All rows or none, each problem by line."""
    header, rows = read_table(text)
    problems = [f"line 1: missing column {name!r}" for name in MAPPING_COLUMNS if name not in header]
    problems += [f"line 1: unknown column {name!r}" for name in header if name not in {*MAPPING_COLUMNS, "title"}]
    if problems:
        raise ImportRejected(problems)
    mapping: dict[str, KpiTarget] = {}
    lines: dict[str, int] = {}
    for line, row in rows:
        if "__extra__" in row:
            problems.append(f"line {line}: more values than columns")
            continue
        kpi = row["kpi"]
        target = KpiTarget(questionnaire=row["questionnaire"], question=row["question"], area=row["area"])
        row_problems = [] if kpi else ["no kpi"]
        if kpi in lines:
            row_problems.append(f"kpi {kpi!r} appears twice (also line {lines[kpi]})")
        row_problems += _target_problems(target, questionnaires)
        problems += [f"line {line}: {problem}" for problem in row_problems]
        if not row_problems:
            lines[kpi] = line
            mapping[kpi] = target
    if problems:
        raise ImportRejected(problems)
    return mapping


def own_kpi(kpi: str, questionnaires: Mapping[str, Questionnaire]) -> tuple[KpiTarget | None, list[str]]:
    """The target of one of the platform's own KPI ids (`brukarenkat.ifo.missbruk.nojd`), or None and why not;
    (None, []) for an id that is not the platform's."""
    parts = kpi.split(".")
    if parts[0] != OWN_KPI_PREFIX:
        return None, []
    if len(parts) != 4:
        return None, [f"kpi {kpi!r} is not {OWN_KPI_PREFIX}.<questionnaire>.<area>.<question>"]
    target = KpiTarget(questionnaire=parts[1], area=parts[2], question=parts[3])
    problems = _target_problems(target, questionnaires)
    return (None, [f"kpi {kpi!r}: {p}" for p in problems]) if problems else (target, [])


# --- the import -----------------------------------------------------------------------------------


def _count(value: Any) -> tuple[int | None, bool]:
    """(count, ok): null is fine; a whole number of answers, 0 or more."""
    if value is None:
        return None, True
    if isinstance(value, bool):
        return None, False
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return value, 0 <= value <= MAX_INTEGER
    count = whole_number(value)
    return count, count is not None


def _period(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value if within_integer(value) else None
    return whole_number(value)


@dataclass(frozen=True, slots=True)
class _Entry:
    """One KPI × municipality × period of the file, found valid up to its genders."""

    kpi: str
    kommunkod: str
    period: int
    target: KpiTarget
    survey_round: SurveyRound


class _Checker:
    """Walks the file once, collecting every problem and the rows to write."""

    def __init__(
        self,
        questionnaires: Mapping[str, Questionnaire],
        mapping: Mapping[str, KpiTarget],
        municipalities: set[str],
        rounds: list[SurveyRound],
    ) -> None:
        self.questionnaires = questionnaires
        self.mapping = mapping
        self.municipalities = municipalities
        self.rounds: dict[tuple[str, int], list[SurveyRound]] = {}
        for survey_round in rounds:
            key = (survey_round.questionnaire.split("@")[0], survey_round.period_start.year)
            self.rounds.setdefault(key, []).append(survey_round)
        self.problems: list[str] = []
        self.records: list[dict[str, Any]] = []
        self.touched: dict[int, str] = {}
        self.skipped = 0
        self.seen: dict[tuple[str, str, int, str], str] = {}
        self.figures: dict[tuple[int, str, str, str, str], str] = {}
        self.targets: dict[str, tuple[KpiTarget | None, list[str]]] = {}
        self.found: dict[tuple[KpiTarget, int], tuple[SurveyRound | None, list[str]]] = {}

    def target(self, kpi: str) -> tuple[KpiTarget | None, list[str]]:
        """What a KPI measures (once per KPI: a file holds each for every municipality)."""
        if kpi not in self.targets:
            self.targets[kpi] = self._target(kpi)
        return self.targets[kpi]

    def _target(self, kpi: str) -> tuple[KpiTarget | None, list[str]]:
        if kpi in self.mapping:
            return self.mapping[kpi], []
        target, problems = own_kpi(kpi, self.questionnaires)
        if target is None and not problems:
            problems = [
                f"kpi {kpi!r} is not in the mapping (nor a {OWN_KPI_PREFIX}.<questionnaire>.<area>.<question> id)"
            ]
        return target, problems

    def survey_round(self, target: KpiTarget, period: int) -> tuple[SurveyRound | None, list[str]]:
        if (target, period) not in self.found:
            self.found[(target, period)] = self._survey_round(target, period)
        return self.found[(target, period)]

    def _survey_round(self, target: KpiTarget, period: int) -> tuple[SurveyRound | None, list[str]]:
        found = self.rounds.get((target.questionnaire, period), [])
        if not found:
            return None, [f"no {target.questionnaire} survey round starts in {period}"]
        if len(found) > 1:
            keys = ", ".join(sorted(r.key for r in found))
            return None, [f"period {period} is ambiguous: {target.questionnaire} rounds {keys} all start in {period}"]
        survey_round = found[0]
        questionnaire = self.questionnaires.get(survey_round.questionnaire)
        problems = []
        if questionnaire is not None:
            if not _rated(questionnaire, target.question):
                problems.append(f"question {target.question!r} is not a rated question of {questionnaire.ident}")
            if target.area != TOTAL and questionnaire.area(target.area) is None:
                problems.append(f"area {target.area!r} is not an area of {questionnaire.ident} (or {TOTAL})")
        return (None, problems) if problems else (survey_round, [])

    def entry(self, index: int, raw: Any) -> None:
        place = f"values[{index}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("values"), list):
            self.problems.append(f"{place}: must be an object with kpi, municipality, period and a list values")
            return
        kpi, kommunkod, period_raw = raw.get("kpi"), raw.get("municipality"), raw.get("period")
        place = f"values[{index}] ({kpi} {kommunkod} {period_raw})"
        problems: list[str] = []
        target: KpiTarget | None = None
        if not isinstance(kpi, str) or not kpi.strip():
            problems.append(f"kpi {kpi!r} must be a KPI id such as U21468")
        else:
            target, kpi_problems = self.target(kpi)
            problems += kpi_problems
        if not isinstance(kommunkod, str) or (kommunkod not in self.municipalities and kommunkod != RIKET):
            problems.append(f'municipality {kommunkod!r} is not a kommunkod ("2085" as text; "0000" for riket)')
        period = _period(period_raw)
        if period is None:
            problems.append(f"period {period_raw!r} is not a year")
        survey_round = None
        if target is not None and period is not None:
            survey_round, round_problems = self.survey_round(target, period)
            problems += round_problems
        self.problems += [f"{place}: {problem}" for problem in problems]
        entry = None
        if not problems:
            assert target is not None and survey_round is not None and period is not None
            assert isinstance(kpi, str) and isinstance(kommunkod, str)
            entry = _Entry(kpi, kommunkod, period, target, survey_round)
            self.touched[survey_round.id] = survey_round.key
        for position, item in enumerate(raw["values"]):
            self.gender(entry, place, f"values[{index}].values[{position}]", item)

    def gender(self, entry: _Entry | None, place: str, item_place: str, item: Any) -> None:
        if not isinstance(item, dict):
            self.problems.append(f"{item_place}: must be an object with gender, value and count")
            return
        gender = item.get("gender")
        place = f"{place[:-1]} {gender})"
        problems = []
        if gender not in GENDERS:
            problems.append(f"gender {gender!r} must be T, K or M")
        value = item.get("value")
        percent = None if value is None else decimal_number(value)
        if value is not None and percent is None:
            problems.append(f"value {value!r} is not a number")
        elif percent is not None and not Decimal(0) <= percent <= Decimal(100):
            problems.append(f"value {value!r} is not a percentage from 0 to 100")
        count, count_ok = _count(item.get("count"))
        if not count_ok:
            problems.append(f"count {item.get('count')!r} must be a whole number of answers (0 or more), or null")
        if entry is not None and gender in GENDERS:
            key = (entry.kpi, entry.kommunkod, entry.period, gender)
            figure = (entry.survey_round.id, entry.kommunkod, entry.target.area, entry.target.question, gender)
            if key in self.seen:
                problems.append(f"appears twice (also {self.seen[key]})")
            elif figure in self.figures:
                problems.append(f"is the same figure (round, area, question) as {self.figures[figure]}")
            else:
                self.seen[key] = place
                self.figures[figure] = place
        self.problems += [f"{place}: {problem}" for problem in problems]
        if problems or entry is None:
            return
        if percent is None:
            self.skipped += 1
            return
        self.records.append(
            {
                "round_id": entry.survey_round.id,
                "kommunkod": entry.kommunkod,
                "area": entry.target.area,
                "question": entry.target.question,
                "gender": gender,
                "percent": percent.quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP),
                "count": count,
            }
        )


def _values(text: str) -> list[Any]:
    try:
        document = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as error:
        raise ImportRejected([f"line {error.lineno} column {error.colno}: not JSON ({error.msg})"]) from error
    if not isinstance(document, dict) or not isinstance(document.get("values"), list):
        raise ImportRejected(['the file must be an object with a list "values", as Kolada\'s API v3 returns'])
    return document["values"]


def _source(source: str) -> str:
    source = source.strip()
    if not 1 <= len(source) <= SOURCE_LENGTH:
        raise InvalidInput(f"the source must be a name of 1 to {SOURCE_LENGTH} characters, e.g. {KOLADA}")
    return source


async def import_kolada(
    session: AsyncSession,
    questionnaires: Mapping[str, Questionnaire],
    *,
    text: str,
    mapping: Mapping[str, KpiTarget],
    source: str = KOLADA,
) -> KoladaImport:
    """Store a Kolada-shaped file's values under `source`; all or nothing.

    A period is the year the survey round of the KPI's questionnaire starts in. The file replaces what `source`
    had for the rounds it covers (a value gone from the new file is gone; other rounds and other sources stay).
    Riket's value for everyone (0000, T) becomes the round's imported rikssnitt, replacing any other for that
    question and area."""
    source = _source(source)
    entries = _values(text)
    checker = _Checker(
        questionnaires,
        mapping,
        set(await session.scalars(select(Municipality.kommunkod))),
        list(await session.scalars(select(SurveyRound))),
    )
    for index, raw in enumerate(entries):
        checker.entry(index, raw)
    if checker.problems:
        raise ImportRejected(checker.problems)
    touched = list(checker.touched)
    if touched:
        await session.execute(
            delete(PublishedValue).where(PublishedValue.source == source, PublishedValue.round_id.in_(touched))
        )
        await session.execute(
            delete(ImportedRikssnitt).where(ImportedRikssnitt.source == source, ImportedRikssnitt.round_id.in_(touched))
        )
    if checker.records:
        await session.execute(insert(PublishedValue), [{"source": source, **r} for r in checker.records])
    national = [
        {
            "round_id": r["round_id"],
            "area": r["area"],
            "question": r["question"],
            "percent": r["percent"],
            "valid": r["count"],
            "source": source,
        }
        for r in checker.records
        if r["kommunkod"] == RIKET and r["gender"] == "T"
    ]
    for row in national:
        await session.execute(
            delete(ImportedRikssnitt).where(
                ImportedRikssnitt.round_id == row["round_id"],
                ImportedRikssnitt.area == row["area"],
                ImportedRikssnitt.question == row["question"],
            )
        )
    if national:
        await session.execute(insert(ImportedRikssnitt), national)
    return KoladaImport(
        values=len(checker.records),
        rikssnitt=len(national),
        rounds=tuple(sorted(checker.touched.values())),
        skipped=checker.skipped,
    )


async def published_values(
    session: AsyncSession, round_id: int, *, area: str, question: str, gender: str = "T"
) -> list[PublishedValue]:
    """Every source's published values for one question and area of a round, by source and kommunkod."""
    return list(
        await session.scalars(
            select(PublishedValue)
            .where(
                PublishedValue.round_id == round_id,
                PublishedValue.area == area,
                PublishedValue.question == question,
                PublishedValue.gender == gender,
            )
            .order_by(PublishedValue.source, PublishedValue.kommunkod)
        )
    )
