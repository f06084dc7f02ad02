"""Importing what was collected elsewhere: answers from paper forms, and published rikssnitt.

A file is checked whole before anything is written: one bad row and nothing is imported, and every bad row is
reported with its line number, so a file can be corrected in one go.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from analysis import TOTAL
from questionnaires import QuestionKind, Questionnaire
from survey.models import ImportedRikssnitt, Municipality, Unit
from survey.numbers import decimal_number, whole_number
from survey.services.errors import InvalidInput
from survey.services.responses import insert_response
from survey.services.rounds import erase_arrival_order, get_round

PLACE_COLUMNS = ("municipality", "unit", "area")


class ImportRejected(InvalidInput):
    """A file with problems; `problems` lists each as "line N: …"."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"nothing imported, {len(problems)} problem(s):\n" + "\n".join(problems))


def read_table(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and (line number, row) pairs of a CSV file with comma, semicolon or tab (Swedish Excel uses ;)."""
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip() for name in reader.fieldnames or []]
    reader.fieldnames = header
    rows = []
    for row in reader:
        if None in row:
            rows.append((reader.line_num, {"__extra__": "x"}))
        elif any((value or "").strip() for value in row.values()):
            rows.append((reader.line_num, {k: (v or "").strip() for k, v in row.items()}))
    return header, rows


@dataclass(frozen=True, slots=True)
class PaperAnswers:
    kommunkod: str
    unit_id: int | None
    area: str
    answers: dict[str, str]


async def import_responses(
    session: AsyncSession,
    questionnaires: dict[str, Questionnaire],
    *,
    round_key: str,
    text: str,
    only_municipality: str | None = None,
) -> int:
    """Store one response per row of a paper-form file; returns how many. All rows or none.

    `only_municipality`: a municipality's staff import their own forms only; another kommunkod is a problem.
    """
    survey_round = await get_round(session, round_key)
    questionnaire = questionnaires[survey_round.questionnaire]
    header, rows = read_table(text)
    questions = {q.key for q in questionnaire.questions if q.kind is not QuestionKind.TEXT}
    problems = _header_problems(header, required=("municipality", "area"), allowed=set(PLACE_COLUMNS) | questions)
    if problems:
        raise ImportRejected(problems)
    municipalities = set(await session.scalars(select(Municipality.kommunkod)))
    units = {(u.kommunkod, u.key): u.id for u in await session.scalars(select(Unit))}
    parsed: list[PaperAnswers] = []
    for line, row in rows:
        found, row_problems = _paper_row(row, questionnaire, municipalities, units)
        if only_municipality and found is not None and found.kommunkod != only_municipality:
            row_problems.append(f"municipality {found.kommunkod} is not yours ({only_municipality})")
        problems += [f"line {line}: {p}" for p in row_problems]
        if found is not None:
            parsed.append(found)
    if problems:
        raise ImportRejected(problems)
    random.SystemRandom().shuffle(parsed)  # the file's order is the order forms were typed in: keep none of it
    for paper in parsed:
        await insert_response(
            session,
            questionnaire,
            round_id=survey_round.id,
            kommunkod=paper.kommunkod,
            unit_id=paper.unit_id,
            area=paper.area,
            answers=paper.answers,
        )
    if survey_round.closed:
        await erase_arrival_order(session)
    return len(parsed)


def _header_problems(header: list[str], *, required: tuple[str, ...], allowed: set[str]) -> list[str]:
    problems = [f"line 1: missing column {name!r}" for name in required if name not in header]
    return problems + [f"line 1: unknown column {name!r}" for name in header if name not in allowed]


def _paper_row(
    row: dict[str, str], questionnaire: Questionnaire, municipalities: set[str], units: dict[tuple[str, str], int]
) -> tuple[PaperAnswers | None, list[str]]:
    if "__extra__" in row:
        return None, ["more values than columns"]
    problems: list[str] = []
    kommunkod = row.get("municipality", "")
    if kommunkod not in municipalities:
        problems.append(f"municipality {kommunkod!r} is not a kommunkod (four digits, e.g. 2085)")
    unit_key = row.get("unit", "")
    unit_id = units.get((kommunkod, unit_key)) if unit_key else None
    if unit_key and unit_id is None:
        problems.append(f"municipality {kommunkod} has no unit {unit_key!r}")
    area = row.get("area", "")
    if questionnaire.area(area) is None:
        problems.append(f"area {area!r} is not an area of {questionnaire.ident}")
    answers: dict[str, str] = {}
    for column, value in row.items():
        question = questionnaire.question(column)
        if question is None or not value:
            continue
        code = whole_number(value)
        option = question.scale.option_by_code(code) if (question.scale and code is not None) else None
        if option is None:
            codes = ", ".join(str(o.code) for o in question.scale.options) if question.scale else ""
            problems.append(f"{column}: {value!r} is not a code of this question ({codes}, or blank)")
        else:
            answers[column] = option.key
    if problems:
        return None, problems
    return PaperAnswers(kommunkod=kommunkod, unit_id=unit_id, area=area, answers=answers), []


async def import_rikssnitt(
    session: AsyncSession, questionnaires: dict[str, Questionnaire], *, round_key: str, text: str
) -> int:
    """Replace the round's imported rikssnitt with the file's `question,area,share[,valid]` rows."""
    survey_round = await get_round(session, round_key)
    questionnaire = questionnaires[survey_round.questionnaire]
    header, rows = read_table(text)
    required = ("question", "area", "share")
    problems = _header_problems(header, required=required, allowed={*required, "valid"})
    if problems:
        raise ImportRejected(problems)
    records: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for line, row in rows:
        record, row_problems = _rikssnitt_row(row, questionnaire, survey_round.id)
        if record and (record["area"], record["question"]) in seen:
            row_problems.append(f"{record['question']} / {record['area']} appears twice")
        problems += [f"line {line}: {p}" for p in row_problems]
        if record and not row_problems:
            seen.add((record["area"], record["question"]))
            records.append(record)
    if problems:
        raise ImportRejected(problems)
    await session.execute(delete(ImportedRikssnitt).where(ImportedRikssnitt.round_id == survey_round.id))
    if records:
        await session.execute(insert(ImportedRikssnitt), records)
    return len(records)


def _rikssnitt_row(
    row: dict[str, str], questionnaire: Questionnaire, round_id: int
) -> tuple[dict[str, Any] | None, list[str]]:
    if "__extra__" in row:
        return None, ["more values than columns"]
    problems = []
    question = questionnaire.question(row.get("question", ""))
    if question is None or question.kind is not QuestionKind.RATING:
        problems.append(f"question {row.get('question')!r} is not a rated question of {questionnaire.ident}")
    area = row.get("area", "")
    if area != TOTAL and questionnaire.area(area) is None:
        problems.append(f"area {area!r} is not an area of {questionnaire.ident} (or {TOTAL})")
    percent = decimal_number(row.get("share", "").strip().rstrip("%"))
    if percent is None or not Decimal(0) <= percent <= Decimal(100):
        problems.append(f"share {row.get('share')!r} must be a percentage from 0 to 100, e.g. 86")
    valid_text = row.get("valid", "")
    valid = whole_number(valid_text) if valid_text else None
    if valid_text and valid is None:
        problems.append(f"valid {valid_text!r} must be a whole number of answers")
    if problems:
        return None, problems
    return {"round_id": round_id, "area": area, "question": row["question"], "percent": percent, "valid": valid}, []
