"""Write one report per municipality that answered a round, on every core, with a progress line."""

from __future__ import annotations

import asyncio
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from sqlalchemy import select

from questionnaires import load_shipped
from reports.formats import FORMATS
from survey.config import Settings
from survey.db import create_engine, session_factory
from survey.i18n import Catalogs
from survey.models import Response
from survey.services.report_data import render_report
from survey.services.results import Rikssnitt, rikssnitt
from survey.services.rounds import get_round


@dataclass(frozen=True, slots=True)
class Job:
    settings: Settings
    round_key: str
    kommunkod: str
    format: str
    locale: str
    compare: str | None
    folder: Path
    national: Rikssnitt
    """Computed once for the whole batch: it is a GROUP BY over the whole country's answers."""


async def _municipalities_and_rikssnitt(settings: Settings, round_key: str) -> tuple[list[str], Rikssnitt]:
    engine = create_engine(settings)
    try:
        async with session_factory(engine)() as session:
            survey_round = await get_round(session, round_key)
            query = select(Response.kommunkod).where(Response.round_id == survey_round.id).distinct()
            questionnaire = load_shipped()[survey_round.questionnaire]
            return sorted(await session.scalars(query)), await rikssnitt(session, questionnaire, survey_round.id)
    finally:
        await engine.dispose()


def render_one(job: Job) -> Path:
    """One municipality's report, in its own process with its own engine (engines do not cross processes)."""

    async def build() -> bytes:
        engine = create_engine(job.settings)
        try:
            async with session_factory(engine)() as session:
                return await render_report(
                    session,
                    load_shipped(),
                    Catalogs(),
                    round_key=job.round_key,
                    kommunkod=job.kommunkod,
                    format=job.format,
                    locale=job.locale,
                    compare=job.compare,
                    national=job.national,
                )
        finally:
            await engine.dispose()

    path = job.folder / f"{job.round_key}-{job.kommunkod}{FORMATS[job.format].suffix}"
    path.write_bytes(asyncio.run(build()))
    return path


def render_all(
    settings: Settings,
    *,
    round_key: str,
    format: str,
    locale: str,
    compare: str | None,
    folder: Path,
    workers: int | None = None,
    progress: TextIO | None = None,
) -> list[Path]:
    out = progress or sys.stderr  # looked up now, not at import: the CLI's stderr may have been replaced
    folder.mkdir(parents=True, exist_ok=True)
    municipalities, national = asyncio.run(_municipalities_and_rikssnitt(settings, round_key))
    jobs = [Job(settings, round_key, k, format, locale, compare, folder, national) for k in municipalities]
    written: list[Path] = []
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        futures = [pool.submit(render_one, job) for job in jobs]
        for done, future in enumerate(as_completed(futures), start=1):
            written.append(future.result())
            _progress(out, done, len(jobs))
    if jobs:
        out.write("\n")
    return sorted(written)


def _progress(out: TextIO, done: int, total: int, width: int = 30) -> None:
    filled = width * done // total
    out.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    out.flush()
