"""Synthetic answers for `make demo`, so that the national comparison and its funnel plot mean something.

SYNTHETIC: none of these figures is real. Ludvika and the other municipalities of Dalarnas län get made-up
answers on the platform; a hundred more municipalities arrive as a made-up Kolada-shaped file, imported through
the real import under the source name SYNTHETIC_SOURCE, so every page that shows them says so.
"""

from __future__ import annotations

import json
import random
import secrets
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from questionnaires import QuestionKind, Questionnaire, Role
from survey.models import Answer, Municipality, Response
from survey.register import read_municipalities
from survey.services.groups import create_group, list_groups
from survey.services.kolada import import_kolada
from survey.services.tables import rated_questions

SYNTHETIC_SOURCE = "Syntetiska demodata (inte verkliga siffror)"
DEMO_GROUP = "Demo: Bergslagen (syntetiskt exempel)"
DEMO_GROUP_MEMBERS = ("2085", "2023", "2029", "2080", "2084", "1980", "1883", "1885")
SEED = 2085


def _answers(rng: random.Random, questionnaire: Questionnaire, quality: float) -> dict[str, str]:
    """One made-up respondent: positive with a probability near the municipality's quality, some "vet inte",
    some questions left blank, and a kön."""
    answers: dict[str, str] = {}
    for question in questionnaire.questions:
        if question.scale is None or question.kind is QuestionKind.TEXT or rng.random() < 0.04:
            continue
        options = question.scale.options
        if question.kind is not QuestionKind.RATING:
            answers[question.key] = rng.choice(options).key
            continue
        excluded = [o for o in options if o.role is Role.EXCLUDED]
        if excluded and rng.random() < 0.06:
            answers[question.key] = excluded[0].key
            continue
        role = Role.POSITIVE if rng.random() < quality else Role.NEGATIVE
        answers[question.key] = rng.choice([o for o in options if o.role is role]).key
    return answers


async def load_synthetic_answers(session: AsyncSession, questionnaire: Questionnaire, round_id: int) -> int:
    """Made-up answers for Dalarnas län's municipalities (Ludvika included), once; returns how many were added."""
    already = await session.scalar(
        select(func.count()).select_from(Response).where(Response.round_id == round_id, Response.kommunkod != "2085")
    )
    if already:
        return 0
    rng = random.Random(SEED)  # noqa: S311 - made-up demo figures, reproducible on purpose
    dalarna = [m.kommunkod for m in await session.scalars(select(Municipality).where(Municipality.lan_code == "20"))]
    responses: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []
    for kommunkod in dalarna:
        quality = rng.uniform(0.7, 0.9)
        for area in questionnaire.areas:
            size = 120 if kommunkod == "2085" else int(rng.lognormvariate(3.2, 1.0))
            for _ in range(min(size, 400)):
                response_id = secrets.token_hex(16)
                responses.append(
                    {"id": response_id, "round_id": round_id, "kommunkod": kommunkod, "unit_id": None, "area": area.key}
                )
                for key, option in _answers(rng, questionnaire, quality).items():
                    answers.append({"response_id": response_id, "question": key, "option": option, "text": None})
    rng.shuffle(responses)  # keep no order of generation either
    await session.execute(insert(Response), responses)
    await session.execute(insert(Answer), answers)
    return len(responses)


def synthetic_kolada(questionnaire: Questionnaire, year: int, *, count: int = 100) -> str:
    """A made-up Kolada v3 file: `count` municipalities outside Dalarna, IFO-totalt and every area, T/K/M."""
    rng = random.Random(SEED + 1)  # noqa: S311 - made-up demo figures, reproducible on purpose
    others = [m.kommunkod for m in read_municipalities() if m.lan_code != "20"]
    values = []
    for kommunkod in sorted(rng.sample(others, count)):
        quality = rng.uniform(0.72, 0.9)
        size = max(int(rng.lognormvariate(4.5, 0.9)), 3)
        for area in [*(a.key for a in questionnaire.areas), "total"]:
            n_area = size * 5 if area == "total" else max(int(size * rng.uniform(0.3, 1.4)), 1)
            for question in rated_questions(questionnaire):
                genders = []
                for gender, part in (("T", 1.0), ("K", 0.55), ("M", 0.45)):
                    n = max(int(n_area * part), 1)
                    positive = sum(rng.random() < quality for _ in range(n))
                    genders.append({"count": n, "gender": gender, "status": "", "value": round(100 * positive / n, 1)})
                values.append(
                    {
                        "kpi": f"brukarenkat.{questionnaire.key}.{area}.{question}",
                        "municipality": kommunkod,
                        "period": year,
                        "values": genders,
                    }
                )
    return json.dumps({"count": len(values), "values": values})


async def load_comparison_demo(
    session: AsyncSession, questionnaires: dict[str, Questionnaire], *, round_id: int, year: int
) -> int:
    """Synthetic answers, the synthetic Kolada file and a demo group; safe to run again."""
    questionnaire = questionnaires["ifo@1"]
    added = await load_synthetic_answers(session, questionnaire, round_id)
    await import_kolada(
        session, questionnaires, text=synthetic_kolada(questionnaire, year), mapping={}, source=SYNTHETIC_SOURCE
    )
    if DEMO_GROUP not in {group.name for group, _members in await list_groups(session)}:
        await create_group(
            session, name=DEMO_GROUP, members=DEMO_GROUP_MEMBERS, description="Ett påhittat exempel för demon."
        )
    return added
