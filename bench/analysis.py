"""Results for a whole country: our results code against a bare SQL GROUP BY on the same tables.

Why: a national report run asks for every municipality's results in turn, and rikssnitt needs every answer of
the round. This tells how long that takes at national scale (290 municipalities, 1,000,000 synthetic responses
by default) and how much of it is our code (ORM, suppression, rikssnitt) rather than the database's GROUP BY.

For each database (SQLite always; PostgreSQL when BRUKARENKAT_BENCH_POSTGRES_URL is set) it loads a synthetic
round `bench-2026` of ifo@1 once (cached: a SQLite file under /tmp/brukarenkat-bench/, the PostgreSQL bench
database marked with what it holds) and times, each --repeat times:

- bare: one GROUP BY over responses ⋈ answers (kommunkod, area, question, option), fetched fully;
- rikssnitt: `survey.services.results.rikssnitt`, the national shares through our code;
- one municipality: `municipality_results` for the largest municipality, by kön;
- whole country: rikssnitt once, then `municipality_results(..., national=it)` for all 290 in a loop, as a
  national report run (`brukarenkat report --all-municipalities`) does it;
- with --per-call, also the same loop without `national=`, each call computing rikssnitt again, as 290 requests to
  GET /api/v1/results do (measured on a sample and extrapolated when it would not fit --country-budget).

Usage: `.venv/bin/python bench/analysis.py --help`.
"""

from __future__ import annotations

# ruff: noqa: E402 - the imports after the sys.path fix below must come after it
import importlib
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
# Python puts this script's folder first on sys.path, and there `analysis` is this file, not the analysis package
# that survey.services.results imports: load the package with bench/ off the path, then put bench/ back for
# submit.py's helpers.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH]
importlib.import_module("analysis")
sys.path.insert(0, str(BENCH))

import argparse
import asyncio
import json
import os
import platform
import secrets
import sqlite3
import statistics
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from typing import Any

import asyncpg
import numpy as np
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession
from submit import POSTGRES_ENV, busy_warning, drop_all_tables, ensure_postgres_database, progress

from analysis import MIN_VALID, TOTAL
from questionnaires import QuestionKind, Questionnaire, Role, Scale, load_shipped
from survey.config import Settings
from survey.db import create_engine, session_factory
from survey.migrate import upgrade
from survey.register import read_municipalities
from survey.services.results import municipality_results, rikssnitt
from survey.services.rounds import get_round

CACHE = Path("/tmp/brukarenkat-bench")
GENERATOR_VERSION = 1
"""Part of every cache key: bump it when `synthesize` changes what it makes."""
ROUND = "bench-2026"
QUESTIONNAIRE = "ifo@1"
KON = "kon"
CHUNK = 100_000
"""Responses per load transaction (with ~7.6 answers each)."""
MIN_RESPONSES = 10_000
CERTAIN = 5
"""The largest municipalities, always in the whole-country sample (see sample_of)."""

LARGEST = ("0180", "1480", "1280", "0380")
"""Stockholm, Göteborg, Malmö, Uppsala: the four largest municipalities, in that order; the rest are ranked at
random. Sizes follow Zipf's law over the rank (weight 1/rank), so Stockholm gets ~16% of all responses and the
smallest municipalities a few hundred each at 1M."""
AREA_WEIGHTS = {
    "ekonomiskt_bistand": 0.34,
    "vardnadshavare": 0.26,
    "missbruk": 0.20,
    "ungdomar": 0.14,
    "ensamkommande": 0.06,
}
"""Share of a municipality's responses per area, before per-municipality noise (lognormal, σ 0.4)."""
ALWAYS_SURVEYED = "ekonomiskt_bistand"
AREA_TAKEN = 0.8
"""Chance that a municipality surveys an area at all (ekonomiskt bistånd always)."""
TINY_AREA = 0.06
"""Chance that a surveyed area gets only 1–4 respondents: below SKR's five, so the inclusion rule leaves it out."""
UNIT_SHARE = 0.25
"""Share of municipalities (the largest always) with 2–5 units; 80% of their responses name one."""
UNANSWERED = 0.04
"""Chance that a rated question is left blank (no row in answers)."""
POSITIVE_WEIGHTS = (0.36, 0.33)
NEGATIVE_WEIGHTS = (0.12, 0.07, 0.04)
EXCLUDED_WEIGHT = 0.11
"""Option weights by role and position within the role, before a municipality's quality shift: about 70% of
answers positive, 11% "vet inte" / "har inte fått någon hjälp"."""
QUALITY_SIGMA = 0.3
"""Per municipality, positive options' weights are multiplied by exp(N(0, σ)): some do better than others."""
KON_WEIGHTS = {"kvinna": 0.47, "man": 0.40, "annat": 0.02, "vill_inte_svara": 0.04}
"""The remaining 7% leave kön blank."""

BARE = (
    "SELECT r.kommunkod, r.area, a.question, a.option, count(*) FROM responses r "
    "JOIN answers a ON a.response_id = r.id WHERE r.round_id = :id GROUP BY 1, 2, 3, 4"
)


# --- synthetic data -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Synthetic:
    """A round's worth of responses as arrays, one entry per response, in response id order.

    The ids come from os.urandom like the app's (and are sorted, so the loads append to the primary keys);
    everything else comes from the seeded generator, so two runs with the same N and seed hold the same counts.
    """

    n: int
    seed: int
    kommunkoder: tuple[str, ...]
    areas: tuple[str, ...]
    units: tuple[tuple[int, str, str, str], ...]
    """(id, kommunkod, key, name)."""
    ids: list[str]
    municipality: np.ndarray
    """Index into kommunkoder."""
    area: np.ndarray
    """Index into areas."""
    unit: np.ndarray
    """Unit id, 0 for none."""
    questions: tuple[str, ...]
    """Answered questions in key order (the rated ones and kön), as the answers' primary key sorts them."""
    option_keys: tuple[tuple[str, ...], ...]
    options: np.ndarray
    """(n, questions): index into option_keys per question, -1 for unanswered."""

    def response_rows(self, start: int, stop: int, round_id: int) -> list[tuple[Any, ...]]:
        """(id, round_id, kommunkod, unit_id, area) of responses start..stop."""
        kommunkoder, areas = self.kommunkoder, self.areas
        return [
            (rid, round_id, kommunkoder[m], u or None, areas[a])
            for rid, m, a, u in zip(
                self.ids[start:stop],
                self.municipality[start:stop].tolist(),
                self.area[start:stop].tolist(),
                self.unit[start:stop].tolist(),
                strict=True,
            )
        ]

    def answer_rows(self, start: int, stop: int) -> list[tuple[Any, ...]]:
        """(response_id, question, option, text) of responses start..stop, in primary key order."""
        numbered = list(enumerate(zip(self.questions, self.option_keys, strict=True)))
        return [
            (rid, question, keys[row[j]], None)
            for rid, row in zip(self.ids[start:stop], self.options[start:stop].tolist(), strict=True)
            for j, (question, keys) in numbered
            if row[j] >= 0
        ]


def synthesize(n: int, seed: int, questionnaire: Questionnaire) -> Synthetic:
    """N responses to `questionnaire` spread over Sweden's 290 municipalities (see the constants above)."""
    rng = np.random.default_rng(seed)
    kommunkoder = tuple(m.kommunkod for m in read_municipalities())
    areas = tuple(a.key for a in questionnaire.areas)
    municipalities = len(kommunkoder)

    rest = [k for k in kommunkoder if k not in LARGEST]
    ranked = [*LARGEST, *(rest[i] for i in rng.permutation(len(rest)))]
    rank = np.array([ranked.index(k) + 1 for k in kommunkoder])
    size = 1.0 / rank

    surveyed = rng.random((municipalities, len(areas))) < AREA_TAKEN
    surveyed[:, areas.index(ALWAYS_SURVEYED)] = True
    expected = (
        size[:, None]
        * np.array([AREA_WEIGHTS[a] for a in areas])[None, :]
        * rng.lognormal(0.0, 0.4, surveyed.shape)
        * surveyed
    )
    tiny = surveyed & (rng.random(surveyed.shape) < TINY_AREA)
    tiny[:, areas.index(ALWAYS_SURVEYED)] = False
    counts = np.zeros(surveyed.shape, dtype=np.int64)
    counts[tiny] = rng.integers(1, 5, int(tiny.sum()))
    weights = np.where(tiny, 0.0, expected).ravel()
    counts += rng.multinomial(n - int(counts.sum()), weights / weights.sum()).reshape(counts.shape)
    cell = np.repeat(np.arange(counts.size), counts.ravel())
    rng.shuffle(cell)
    municipality, area = cell // len(areas), cell % len(areas)

    with_units = rng.random(municipalities) < UNIT_SHARE
    with_units[kommunkoder.index(LARGEST[0])] = True
    unit_count = np.where(with_units, rng.integers(2, 6, municipalities), 0)
    first_unit = np.cumsum(unit_count) - unit_count + 1
    units = tuple(
        (int(first_unit[m] + i), kommunkoder[m], f"enhet_{i + 1}", f"Enhet {i + 1}")
        for m in range(municipalities)
        for i in range(unit_count[m])
    )
    unit_pick = (rng.random(n) * unit_count[municipality]).astype(np.int64)
    unit = np.where((unit_count[municipality] > 0) & (rng.random(n) < 0.8), first_unit[municipality] + unit_pick, 0)

    quality = rng.normal(0.0, QUALITY_SIGMA, municipalities)
    rated = {q.key: q for q in questionnaire.questions if q.kind is QuestionKind.RATING}
    questions = tuple(sorted([*rated, KON]))
    option_keys, columns = [], []
    for key in questions:
        if key == KON:
            keys = tuple(KON_WEIGHTS)
            probabilities = np.tile(np.array(list(KON_WEIGHTS.values())), (municipalities, 1))
            blank = 1.0 - sum(KON_WEIGHTS.values())
        else:
            scale = rated[key].scale
            assert scale is not None
            keys = tuple(o.key for o in scale.options)
            probabilities = option_probabilities(scale, quality)
            blank = UNANSWERED
        cumulative = np.cumsum(probabilities / probabilities.sum(axis=1, keepdims=True), axis=1)
        drawn = (rng.random(n)[:, None] >= cumulative[municipality]).sum(axis=1).clip(max=len(keys) - 1)
        columns.append(np.where(rng.random(n) < blank, -1, drawn).astype(np.int8))
        option_keys.append(keys)

    random_hex = os.urandom(16 * n).hex()
    ids = sorted(random_hex[i : i + 32] for i in range(0, 32 * n, 32))
    return Synthetic(
        n=n,
        seed=seed,
        kommunkoder=kommunkoder,
        areas=areas,
        units=units,
        ids=ids,
        municipality=municipality,
        area=area,
        unit=unit,
        questions=questions,
        option_keys=tuple(option_keys),
        options=np.stack(columns, axis=1),
    )


def option_probabilities(scale: Scale, quality: np.ndarray) -> np.ndarray:
    """(municipalities, options): weights by each option's role and place within its role; positive ones
    scaled by the municipality's quality."""
    seen = {Role.POSITIVE: 0, Role.NEGATIVE: 0, Role.EXCLUDED: 0}
    base = []
    for option in scale.options:
        weights = {Role.POSITIVE: POSITIVE_WEIGHTS, Role.NEGATIVE: NEGATIVE_WEIGHTS}.get(
            option.role, (EXCLUDED_WEIGHT,)
        )
        base.append(weights[min(seen[option.role], len(weights) - 1)])
        seen[option.role] += 1
    positive = np.array([option.role is Role.POSITIVE for option in scale.options])
    return np.array(base)[None, :] * np.where(positive[None, :], np.exp(quality)[:, None], 1.0)


def chunks(n: int) -> Iterator[tuple[int, int]]:
    for start in range(0, n, CHUNK):
        yield start, min(n, start + CHUNK)


# --- loading --------------------------------------------------------------------------------------


@dataclass
class Dataset:
    """Where a database's synthetic round lives and what making it cost (None when it was there already)."""

    database: str
    url: str
    responses: int
    answers: int
    units: int
    size_mb: float
    synthesize_s: float | None = None
    load_s: float | None = None
    cached: bool = False
    where: str = ""


def dataset_marker(n: int, seed: int) -> str:
    return f"bench/analysis.py round {ROUND}: n={n} seed={seed} generator={GENERATOR_VERSION}"


def sqlite_dataset(n: int, seed: int, questionnaire: Questionnaire, *, regenerate: bool) -> Dataset:
    """The cached SQLite file for (n, seed), made when missing: migrated, then bulk-loaded through sqlite3."""
    path = CACHE / f"analysis-n{n}-seed{seed}-v{GENERATOR_VERSION}.sqlite"
    url = f"sqlite+aiosqlite:///{path}"
    dataset = Dataset("sqlite", url, n, 0, 0, 0.0, cached=path.exists() and not regenerate, where=str(path))
    if dataset.cached:
        progress(f"sqlite: reusing {path}")
        upgrade(url)  # migrations added since the file was made
    else:
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        for stale in (path, partial):
            for suffix in ("", "-wal", "-shm", "-journal"):  # what a run killed mid-way may have left
                stale.with_name(stale.name + suffix).unlink(missing_ok=True)
        started = time.perf_counter()
        data = synthesize(n, seed, questionnaire)
        dataset.synthesize_s = time.perf_counter() - started
        progress(f"sqlite: synthesized {n:,} responses in {dataset.synthesize_s:.1f} s; loading {partial}")
        started = time.perf_counter()
        upgrade(f"sqlite+aiosqlite:///{partial}")
        load_sqlite(partial, data)
        partial.rename(path)
        dataset.load_s = time.perf_counter() - started
        progress(f"sqlite: loaded in {dataset.load_s:.1f} s")
    connection = sqlite3.connect(path)
    try:
        dataset.answers, dataset.units = (
            connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ("answers", "units")
        )
    finally:
        connection.close()
    dataset.size_mb = path.stat().st_size / 1e6
    return dataset


def load_sqlite(path: Path, data: Synthetic) -> None:
    """Insert the round, units, responses and answers with executemany, CHUNK responses per transaction, with
    no journal and no syncs (the file is renamed into the cache only when complete); WAL again at the end."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=OFF")
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA cache_size=-1000000")  # 1 GB: the kommunkod index is filled in random order
        connection.execute("BEGIN")
        round_id = connection.execute(
            "INSERT INTO survey_rounds (key, questionnaire, period_start, period_end, closed) "
            "VALUES (?, ?, '2026-09-01', '2026-10-31', 1)",
            (ROUND, QUESTIONNAIRE),
        ).lastrowid
        connection.executemany("INSERT INTO units (id, kommunkod, key, name) VALUES (?, ?, ?, ?)", data.units)
        connection.execute("COMMIT")
        for start, stop in chunks(data.n):
            connection.execute("BEGIN")
            connection.executemany(
                "INSERT INTO responses (id, round_id, kommunkod, unit_id, area) VALUES (?, ?, ?, ?, ?)",
                data.response_rows(start, stop, round_id),
            )
            connection.executemany(
                "INSERT INTO answers (response_id, question, option, text) VALUES (?, ?, ?, ?)",
                data.answer_rows(start, stop),
            )
            connection.execute("COMMIT")
        connection.execute("PRAGMA journal_mode=WAL")
    finally:
        connection.close()


def postgres_dataset(url: str, n: int, seed: int, questionnaire: Questionnaire, *, regenerate: bool) -> Dataset:
    """The PostgreSQL bench database holding (n, seed), made when it holds anything else: every table dropped,
    migrated, then bulk-loaded with COPY. A comment on `responses` says which data set it holds."""
    ensure_postgres_database(url)
    dataset = Dataset("postgresql", url, n, 0, 0, 0.0, where=make_url(url).render_as_string(hide_password=True))
    marker = dataset_marker(n, seed)
    dataset.cached = not regenerate and asyncio.run(postgres_marker(url)) == marker
    if dataset.cached:
        progress(f"postgresql: reusing {dataset.where} ({marker})")
        upgrade(url)
    else:
        started = time.perf_counter()
        data = synthesize(n, seed, questionnaire)
        dataset.synthesize_s = time.perf_counter() - started
        progress(f"postgresql: synthesized {n:,} responses in {dataset.synthesize_s:.1f} s; loading")
        started = time.perf_counter()
        asyncio.run(drop_all_tables(url))
        upgrade(url)
        asyncio.run(load_postgres(url, data, marker))
        dataset.load_s = time.perf_counter() - started
        progress(f"postgresql: loaded in {dataset.load_s:.1f} s")
    dataset.answers, dataset.units, dataset.size_mb = asyncio.run(postgres_sizes(url))
    return dataset


def asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def postgres_marker(url: str) -> str | None:
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        if await connection.fetchval("SELECT to_regclass('responses')") is None:
            return None
        return await connection.fetchval("SELECT obj_description('responses'::regclass, 'pg_class')")
    finally:
        await connection.close()


async def load_postgres(url: str, data: Synthetic, marker: str) -> None:
    """COPY the round, units, responses and answers in, CHUNK responses per transaction. The foreign keys of
    responses and answers are dropped for the load and added back as they were (one validating join instead of
    a trigger per row); then VACUUM ANALYZE, as autovacuum would do after a load this size."""
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        round_id = await connection.fetchval(
            "INSERT INTO survey_rounds (key, questionnaire, period_start, period_end, closed) "
            "VALUES ($1, $2, '2026-09-01', '2026-10-31', true) RETURNING id",
            ROUND,
            QUESTIONNAIRE,
        )
        await connection.copy_records_to_table("units", records=data.units, columns=["id", "kommunkod", "key", "name"])
        await connection.execute(
            "SELECT setval(pg_get_serial_sequence('units', 'id'), coalesce(max(id), 1)) FROM units"
        )
        foreign_keys = await connection.fetch(
            "SELECT conrelid::regclass::text AS tab, conname, pg_get_constraintdef(oid) AS definition "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid IN ('responses'::regclass, 'answers'::regclass)"
        )
        for key in foreign_keys:
            await connection.execute(f'ALTER TABLE {key["tab"]} DROP CONSTRAINT "{key["conname"]}"')
        for start, stop in chunks(data.n):
            async with connection.transaction():
                await connection.copy_records_to_table(
                    "responses",
                    records=data.response_rows(start, stop, round_id),
                    columns=["id", "round_id", "kommunkod", "unit_id", "area"],
                )
                await connection.copy_records_to_table(
                    "answers",
                    records=data.answer_rows(start, stop),
                    columns=["response_id", "question", "option", "text"],
                )
        for key in foreign_keys:
            await connection.execute(f'ALTER TABLE {key["tab"]} ADD CONSTRAINT "{key["conname"]}" {key["definition"]}')
        await connection.execute("VACUUM ANALYZE")
        await connection.execute(f"COMMENT ON TABLE responses IS '{marker}'")
    finally:
        await connection.close()


async def postgres_sizes(url: str) -> tuple[int, int, float]:
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        answers = await connection.fetchval("SELECT count(*) FROM answers")
        units = await connection.fetchval("SELECT count(*) FROM units")
        size = await connection.fetchval("SELECT pg_database_size(current_database())")
        return answers, units, size / 1e6
    finally:
        await connection.close()


# --- timing ---------------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the report: one thing timed on one database."""

    database: str
    what: str
    runs: int
    best_s: float
    median_s: float
    ratio: float | None = None
    """best_s ÷ bare's best_s."""
    municipalities: int | None = None
    """For the loops: how many municipalities the timed loop went through (all 290 unless extrapolated)."""
    extrapolated: bool = False
    """The loop ran on a sample; best_s and median_s are Σ weight × seconds over it (see sample_of)."""
    measured_best_s: float | None = None
    measured_median_s: float | None = None
    times_s: list[float] = field(default_factory=list)


@dataclass
class Survey:
    """What the timings need to know about the loaded round."""

    round_id: int
    by_size: list[str]
    """Kommunkoder, most responses first."""
    respondents: dict[tuple[str, str], int]
    """(kommunkod, area) → respondents."""


Work = Callable[[AsyncSession], Awaitable[Any]]


async def timed(factory: Any, work: Work, repeat: int) -> tuple[list[float], Any]:
    """`repeat` runs of `work`, each in a session of its own; the times and the last run's result."""
    times, result = [], None
    for _ in range(repeat):
        async with factory() as session:
            started = time.perf_counter()
            result = await work(session)
            times.append(time.perf_counter() - started)
    return times, result


def sample_of(by_size: Sequence[str], size: int) -> dict[str, float]:
    """The `size` municipalities to time the whole-country loop on when all of them would take too long, each
    with how many it stands for: the CERTAIN largest for themselves (a few hold much of the data), the rest in
    equal strata by size, each stratum's middle one for the stratum. Σ weight × seconds estimates the loop
    whether a municipality's cost is fixed or grows with its responses."""
    if size >= len(by_size):
        return dict.fromkeys(by_size, 1.0)
    top = list(by_size[:CERTAIN])
    rest = by_size[len(top) :]
    strata = size - len(top)
    picked = [rest[int((i + 0.5) * len(rest) / strata)] for i in range(strata)]
    return {**dict.fromkeys(top, 1.0), **dict.fromkeys(picked, len(rest) / strata)}


async def measure(dataset: Dataset, args: argparse.Namespace) -> tuple[list[Row], dict[str, Any]]:
    """Every timing on one database, through the app's own engine (survey.db: its PRAGMAs and pool)."""
    engine = create_engine(Settings(database_url=dataset.url, secret_key=secrets.token_urlsafe(48)))
    factory = session_factory(engine)
    questionnaires = load_shipped()
    questionnaire = questionnaires[QUESTIONNAIRE]
    database = dataset.database
    try:
        survey = await describe(factory)
        largest = survey.by_size[0]
        rows: list[Row] = []

        def add(what: str, times: list[float]) -> Row:
            rows.append(Row(database, what, len(times), min(times), statistics.median(times), times_s=times))
            progress(f"{database}: {what}: best {min(times):.3f} s, median {statistics.median(times):.3f} s")
            return rows[-1]

        async def bare(session: AsyncSession) -> list[Any]:
            return list((await session.execute(text(BARE), {"id": survey.round_id})).all())

        async def national(session: AsyncSession) -> Any:
            return await rikssnitt(session, questionnaire, survey.round_id)

        async def one(session: AsyncSession) -> dict[str, Any]:
            return await municipality_results(session, questionnaires, round_key=ROUND, kommunkod=largest, by_kon=True)

        times, bare_rows = await timed(factory, bare, args.repeat)
        add("bare GROUP BY", times)
        times, computed = await timed(factory, national, args.repeat)
        add("rikssnitt", times)
        shares = computed.for_municipality("", min_valid=MIN_VALID)  # no one's: all of the country's shares
        times, document = await timed(factory, one, args.repeat)
        add(f"one municipality ({largest}, by kön)", times)
        rows.extend(await country(factory, questionnaires, survey, args, database, per_call=False))
        if args.per_call:
            rows.extend(await country(factory, questionnaires, survey, args, database, per_call=True))
    finally:
        await engine.dispose()
    for row in rows:
        row.ratio = round(row.best_s / rows[0].best_s, 3) if rows[0].best_s else None
    checks = {
        "bare_rows": len(bare_rows),
        "rikssnitt_source": computed.source,
        "rikssnitt_matches_bare": computed.source == "computed"
        and shares == fold(bare_rows, questionnaire, survey.respondents),
        "rikssnitt": {f"{area}/{question}": str(share) for (area, question), share in sorted(shares.items())},
        "largest_respondents": sum(document["respondents"].values()),
        "largest_excluded_areas": document["excluded_areas"],
        "areas_surveyed": len(survey.respondents),
        "areas_below_min": sum(1 for n in survey.respondents.values() if n < MIN_VALID),
    }
    return rows, checks


async def describe(factory: Any) -> Survey:
    async with factory() as session:
        round_id = (await get_round(session, ROUND)).id
        respondents = {
            (kommunkod, area): n
            for kommunkod, area, n in (
                await session.execute(
                    text("SELECT kommunkod, area, count(*) FROM responses WHERE round_id = :id GROUP BY 1, 2"),
                    {"id": round_id},
                )
            ).all()
        }
        all_codes = (await session.scalars(text("SELECT kommunkod FROM municipalities ORDER BY kommunkod"))).all()
    totals = {code: 0 for code in all_codes}
    for (kommunkod, _), n in respondents.items():
        totals[kommunkod] += n
    return Survey(round_id, sorted(totals, key=lambda code: (-totals[code], code)), respondents)


async def country(
    factory: Any,
    questionnaires: dict[str, Questionnaire],
    survey: Survey,
    args: argparse.Namespace,
    database: str,
    *,
    per_call: bool,
) -> list[Row]:
    """The national report loop: municipality_results for every municipality in turn, in one session, given
    rikssnitt computed once at the start (its time counts); with `per_call`, each call computes its own.

    First the sample is timed once; when that extrapolates to more than --country-budget for --repeat whole
    loops, the sample is timed --repeat times in all and each run's Σ weight × seconds reported (the row says
    so), else all municipalities --repeat times."""
    questionnaire = questionnaires[QUESTIONNAIRE]
    everyone = survey.by_size

    async def run(weights: dict[str, float]) -> tuple[float, float]:
        """One loop in a session of its own: (wall seconds, estimated seconds for all municipalities)."""
        async with factory() as session:
            started = time.perf_counter()
            national = None if per_call else await rikssnitt(session, questionnaire, survey.round_id)
            estimate = time.perf_counter() - started
            for code, weight in weights.items():
                before = time.perf_counter()
                await municipality_results(
                    session, questionnaires, round_key=ROUND, kommunkod=code, by_kon=True, national=national
                )
                estimate += weight * (time.perf_counter() - before)
            return time.perf_counter() - started, estimate

    name = "whole country, rikssnitt per call" if per_call else "whole country"
    sample = sample_of(everyone, args.country_sample)
    runs = [await run(sample)]
    progress(
        f"{database}: {name}: {len(sample)} municipalities took {runs[0][0]:.1f} s; "
        f"{len(everyone)} would take ~{runs[0][1]:.0f} s"
    )
    if len(sample) < len(everyone) and runs[0][1] * args.repeat <= args.country_budget:
        runs = []
        sample = dict.fromkeys(everyone, 1.0)
    runs += [await run(sample) for _ in range(args.repeat - len(runs))]
    walls, estimates = [wall for wall, _ in runs], [estimate for _, estimate in runs]
    extrapolated = len(sample) < len(everyone)
    total = Row(
        database,
        f"{name} ({len(everyone)})",
        len(runs),
        min(estimates) if extrapolated else min(walls),
        statistics.median(estimates) if extrapolated else statistics.median(walls),
        municipalities=len(sample),
        extrapolated=extrapolated,
        measured_best_s=min(walls),
        measured_median_s=statistics.median(walls),
        times_s=walls,
    )
    each = Row(
        database,
        "  per municipality",
        len(runs),
        total.best_s / len(everyone),
        total.median_s / len(everyone),
        municipalities=len(sample),
        extrapolated=extrapolated,
    )
    progress(f"{database}: {total.what}: best {total.best_s:.1f} s{' (extrapolated)' if extrapolated else ''}")
    return [total, each]


def fold(
    rows: Sequence[Any], questionnaire: Questionnaire, respondents: dict[tuple[str, str], int]
) -> dict[tuple[str, str], Fraction]:
    """National shares (positive ÷ valid) from the bare GROUP BY's rows, folded here by the options' roles over
    the areas that meet the inclusion rule, where MIN_VALID answers or more: what rikssnitt must come to."""
    positive: dict[tuple[str, str], int] = {}
    valid: dict[tuple[str, str], int] = {}
    for kommunkod, area, question_key, option_key, n in rows:
        question = questionnaire.question(question_key)
        if respondents[(kommunkod, area)] < MIN_VALID:
            continue
        if question is None or question.kind is not QuestionKind.RATING or question.scale is None:
            continue
        option = question.scale.option(option_key)
        assert option is not None
        for key in ((area, question_key), (TOTAL, question_key)):
            if option.role is not Role.EXCLUDED:
                valid[key] = valid.get(key, 0) + n
            if option.role is Role.POSITIVE:
                positive[key] = positive.get(key, 0) + n
    return {key: Fraction(positive.get(key, 0), v) for key, v in valid.items() if v >= MIN_VALID}


# --- output ---------------------------------------------------------------------------------------


def table(rows: list[Row], datasets: list[Dataset], checks: dict[str, dict[str, Any]], note: str | None) -> str:
    """The report as a fixed-width table, with the data sets and the checks under it."""
    header = f"{'database':<11} {'what':<42} {'runs':>4} {'best s':>9} {'median s':>9} {'ratio':>8}"
    lines = [header, "-" * len(header)]
    for row in rows:
        mark = "*" if row.extrapolated else ""
        digits = 4 if row.best_s < 1 else 2
        ratio = "-" if row.ratio is None else f"{row.ratio:,.{2 if row.ratio < 100 else 0}f}"
        lines.append(
            f"{row.database:<11} {row.what + mark:<42} {row.runs:>4} {row.best_s:>9.{digits}f} "
            f"{row.median_s:>9.{digits}f} {ratio:>8}"
        )
    lines.append("ratio: best s ÷ the bare GROUP BY's best s on the same database")
    for row in rows:
        if row.extrapolated and row.measured_best_s is not None:
            lines.append(
                f"* {row.database}, {row.what.strip()}: extrapolated from {row.municipalities} municipalities (the "
                f"{CERTAIN} largest, and one from each of {row.municipalities - CERTAIN} equal strata of the rest "
                f"by size, standing for its stratum), whose loop took best {row.measured_best_s:.1f} s, median "
                f"{row.measured_median_s:.1f} s"
            )
    for dataset in datasets:
        made = (
            "cached"
            if dataset.cached
            else f"synthesized in {dataset.synthesize_s:.1f} s, loaded in {dataset.load_s:.1f} s"
        )
        lines.append(
            f"{dataset.database}: {dataset.responses:,} responses, {dataset.answers:,} answers, {dataset.units} units, "
            f"{dataset.size_mb:,.0f} MB, {made} ({dataset.where})"
        )
        check = checks[dataset.database]
        lines.append(
            f"{dataset.database}: {check['areas_below_min']} of {check['areas_surveyed']} surveyed "
            f"(municipality, area) pairs have fewer than 5 respondents; rikssnitt {check['rikssnitt_source']}, "
            f"{'equal to' if check['rikssnitt_matches_bare'] else 'DIFFERENT FROM'} the bare GROUP BY folded by role"
        )
    if len(checks) > 1:
        same = len({json.dumps(c["rikssnitt"], sort_keys=True) for c in checks.values()}) == 1
        lines.append(f"rikssnitt {'identical' if same else 'DIFFERS'} across {', '.join(checks)}")
    if note:
        lines.append(note)
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=1_000_000, help="synthetic responses (1000000)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the generator (2026)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timing; best and median reported (3)")
    parser.add_argument(
        "--databases",
        type=lambda value: [part.strip() for part in value.split(",") if part.strip()],
        default=["sqlite", "postgresql"],
        help=f"comma-separated: sqlite,postgresql (postgresql needs {POSTGRES_ENV})",
    )
    parser.add_argument(
        "--country-budget",
        type=float,
        default=300.0,
        help="seconds the --repeat whole-country loops may take before a sample is timed instead (300)",
    )
    parser.add_argument(
        "--country-sample",
        type=int,
        default=15,
        help=f"municipalities in that sample: the {CERTAIN} largest and more (15)",
    )
    parser.add_argument(
        "--per-call", action="store_true", help="also time the loop that computes rikssnitt in every call (slow)"
    )
    parser.add_argument("--regenerate", action="store_true", help="make the data sets again even when cached")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    args = parser.parse_args(argv)
    unknown = set(args.databases) - {"sqlite", "postgresql"}
    if unknown:
        parser.error(f"unknown databases: {', '.join(sorted(unknown))}")
    if args.responses < MIN_RESPONSES:
        parser.error(f"--responses must be at least {MIN_RESPONSES}")
    if args.repeat < 1 or not CERTAIN < args.country_sample <= 290:
        parser.error(f"--repeat must be at least 1 and --country-sample between {CERTAIN + 1} and 290")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    note = busy_warning()
    questionnaire = load_shipped()[QUESTIONNAIRE]
    datasets: list[Dataset] = []
    rows: list[Row] = []
    checks: dict[str, dict[str, Any]] = {}
    for database in args.databases:
        if database == "sqlite":
            dataset = sqlite_dataset(args.responses, args.seed, questionnaire, regenerate=args.regenerate)
        elif os.environ.get(POSTGRES_ENV):
            dataset = postgres_dataset(
                os.environ[POSTGRES_ENV], args.responses, args.seed, questionnaire, regenerate=args.regenerate
            )
        else:
            progress(f"skipping postgresql: {POSTGRES_ENV} is not set")
            continue
        datasets.append(dataset)
        started = time.perf_counter()
        measured, checks[database] = asyncio.run(measure(dataset, args))
        rows.extend(measured)
        progress(f"{database}: timings took {time.perf_counter() - started:.0f} s")
    passed = all(check["rikssnitt_matches_bare"] for check in checks.values())
    if args.json:
        meta = {
            "responses": args.responses,
            "seed": args.seed,
            "repeat": args.repeat,
            "country_budget": args.country_budget,
            "country_sample": args.country_sample,
            "per_call": args.per_call,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
        }
        print(
            json.dumps(
                {
                    "settings": meta,
                    "datasets": [asdict(d) | {"url": None} for d in datasets],
                    "checks": checks,
                    "results": [asdict(row) for row in rows],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        print(table(rows, datasets, checks, note))
    return 0 if rows and passed else 1


if __name__ == "__main__":
    sys.exit(main())
