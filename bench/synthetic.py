"""A synthetic national round of ifo@1, and its loads into SQLite and PostgreSQL: shared by bench/analysis.py
and bench/compare.py.

Both benches spread N responses over Sweden's 290 municipalities the same way (sizes by Zipf's law, which areas
each surveys and how many answer in each, units named by 80% of the responses, sorted random ids) and load them
the same way. What each bench draws its own way is its `Recipe`: how many units a municipality has, and how the
answers come out.

Import it after the script's sys.path fix (see bench/analysis.py): it imports the app.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import numpy as np
from sqlalchemy.engine import make_url
from submit import drop_all_tables, ensure_postgres_database, progress

from questionnaires import QuestionKind, Questionnaire, Scale, load_shipped
from survey.migrate import upgrade
from survey.register import read_municipalities

CACHE = Path("/tmp/brukarenkat-bench")
QUESTIONNAIRE = "ifo@1"
KON = "kon"
CHUNK = 100_000
"""Responses per executemany / COPY call (with ~7.6 answers each): bounds the rows held in memory at once."""
MIN_RESPONSES = 10_000

LARGEST = ("0180", "1480", "1280", "0380")
"""Stockholm, Göteborg, Malmö, Uppsala: the four largest municipalities, in that order; the rest are ranked at
random. Sizes follow Zipf's law over the rank (weight 1/rank), so Stockholm gets ~16% of all responses and the
smallest municipalities ~200 each at 1M."""
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
NAMED_UNIT = 0.8
"""Share of the responses in a municipality with units that name one."""
UNANSWERED = 0.04
"""Chance that a rated question is left blank (no row in answers)."""
KON_WEIGHTS = {"kvinna": 0.47, "man": 0.40, "annat": 0.02, "vill_inte_svara": 0.04}
"""The remaining 7% leave kön blank."""

BARE = (
    "SELECT r.kommunkod, r.area, a.question, a.option, count(*) FROM responses r "
    "JOIN answers a ON a.response_id = r.id WHERE r.round_id = :id GROUP BY 1, 2, 3, 4"
)
"""Both benches' baseline: the database's own aggregation of the round's answers."""


# --- synthetic data -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """Where the responses went, one entry per response: what a recipe's answers may depend on."""

    kommunkoder: tuple[str, ...]
    areas: tuple[str, ...]
    municipality: np.ndarray
    """Index into kommunkoder."""
    area: np.ndarray
    """Index into areas."""


UnitCounts = Callable[[np.random.Generator, tuple[str, ...]], np.ndarray]
"""How many units each municipality (in kommunkoder's order) has."""
Column = Callable[[str, Scale | None], np.ndarray]
"""One answered question's column, given its key and scale (None for kön, whose options are KON_WEIGHTS'): an
option index per response, -1 for blank."""
Answers = Callable[[np.random.Generator, Placement, tuple[str, ...]], Column]
"""Given the rated questions' keys in the questionnaire's order, draws what the answers depend on (once, after
the units) and returns the column maker, which `Recipe.synthesize` calls for the questions in key order."""


@dataclass(frozen=True)
class Synthetic:
    """A round's worth of responses as arrays, one entry per response, in response id order.

    The ids come from os.urandom like the app's (and are sorted, so the loads append to the primary keys);
    everything else comes from the seeded generator, so two runs with the same N and seed hold the same counts.
    """

    n: int
    seed: int
    round: str
    questionnaire: str
    """Its ident, "ifo@1"."""
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


@dataclass(frozen=True)
class Recipe:
    """One bench's synthetic round: its name and round, and the two draws it makes its own way."""

    bench: str
    """The script's name, "analysis" for bench/analysis.py: names its SQLite files and its PostgreSQL marker."""
    round: str
    version: int
    """Part of every cache key: bump it when what `synthesize` makes for this recipe changes."""
    unit_counts: UnitCounts
    answers: Answers

    def marker(self, n: int, seed: int) -> str:
        """What the comment on a loaded PostgreSQL database's `responses` says it holds."""
        return f"bench/{self.bench}.py round {self.round}: n={n} seed={seed} generator={self.version}"

    def sqlite_path(self, folder: Path, n: int, seed: int) -> Path:
        return folder / f"{self.bench}-n{n}-seed{seed}-v{self.version}.sqlite"

    def synthesize(self, n: int, seed: int, questionnaire: Questionnaire) -> Synthetic:
        """N responses to `questionnaire` spread over Sweden's 290 municipalities (see the constants above).
        The generator is drawn from in a fixed order: placement, unit counts, unit names, answers."""
        rng = np.random.default_rng(seed)
        placement = place(rng, n, questionnaire)
        kommunkoder, municipality = placement.kommunkoder, placement.municipality

        unit_count = self.unit_counts(rng, kommunkoder)
        first_unit = np.cumsum(unit_count) - unit_count + 1
        units = tuple(
            (int(first_unit[m] + i), kommunkoder[m], f"enhet_{i + 1}", f"Enhet {i + 1}")
            for m in range(len(kommunkoder))
            for i in range(unit_count[m])
        )
        unit_pick = (rng.random(n) * unit_count[municipality]).astype(np.int64)
        named = (unit_count[municipality] > 0) & (rng.random(n) < NAMED_UNIT)
        unit = np.where(named, first_unit[municipality] + unit_pick, 0)

        rated = {q.key: q for q in questionnaire.questions if q.kind is QuestionKind.RATING}
        column = self.answers(rng, placement, tuple(rated))
        questions = tuple(sorted([*rated, KON]))
        option_keys, columns = [], []
        for key in questions:
            scale = None if key == KON else rated[key].scale
            assert key == KON or scale is not None
            option_keys.append(tuple(KON_WEIGHTS) if scale is None else tuple(o.key for o in scale.options))
            columns.append(column(key, scale).astype(np.int8))

        random_hex = os.urandom(16 * n).hex()
        return Synthetic(
            n=n,
            seed=seed,
            round=self.round,
            questionnaire=questionnaire.ident,
            kommunkoder=kommunkoder,
            areas=placement.areas,
            units=units,
            ids=sorted(random_hex[i : i + 32] for i in range(0, 32 * n, 32)),
            municipality=municipality,
            area=placement.area,
            unit=unit,
            questions=questions,
            option_keys=tuple(option_keys),
            options=np.stack(columns, axis=1),
        )


def place(rng: np.random.Generator, n: int, questionnaire: Questionnaire) -> Placement:
    """Each response's municipality and area: sizes by Zipf's law over LARGEST and then a random ranking, the
    areas each municipality surveys, a few tiny ones, the rest of N spread by AREA_WEIGHTS with noise."""
    kommunkoder = tuple(m.kommunkod for m in read_municipalities())
    areas = tuple(a.key for a in questionnaire.areas)

    rest = [k for k in kommunkoder if k not in LARGEST]
    ranked = [*LARGEST, *(rest[i] for i in rng.permutation(len(rest)))]
    rank = np.array([ranked.index(k) + 1 for k in kommunkoder])
    surveyed = rng.random((len(kommunkoder), len(areas))) < AREA_TAKEN
    surveyed[:, areas.index(ALWAYS_SURVEYED)] = True
    expected = (
        (1.0 / rank)[:, None]
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
    return Placement(kommunkoder, areas, cell // len(areas), cell % len(areas))


def chunks(n: int) -> Iterator[tuple[int, int]]:
    for start in range(0, n, CHUNK):
        yield start, min(n, start + CHUNK)


# --- loading --------------------------------------------------------------------------------------


@dataclass
class Dataset:
    """Where a database's synthetic round lives and what making it cost (None when it was there already)."""

    database: str
    url: str
    responses: int = 0
    answers: int = 0
    units: int = 0
    size_mb: float = 0.0
    synthesize_s: float | None = None
    load_s: float | None = None
    cached: bool = False
    """Reused from an earlier run, not made by this one."""
    where: str = ""


def prepare(
    recipe: Recipe, database: str, n: int, seed: int, *, folder: Path, postgres_url: str | None, reuse: bool
) -> Dataset | None:
    """The data set (n, seed) of ifo@1 in `database`: "sqlite" in `folder`, "postgresql" at `postgres_url` (None
    when there is no URL); reused from an earlier run when `reuse` and it is there, else made."""
    questionnaire = load_shipped()[QUESTIONNAIRE]
    if database == "sqlite":
        return sqlite_dataset(recipe, n, seed, questionnaire, folder, reuse=reuse)
    if postgres_url:
        return postgres_dataset(recipe, postgres_url, n, seed, questionnaire, reuse=reuse)
    return None


def sqlite_dataset(
    recipe: Recipe, n: int, seed: int, questionnaire: Questionnaire, folder: Path, *, reuse: bool
) -> Dataset:
    """The SQLite file for (n, seed) in `folder`, reused when it is there and `reuse`; else made: migrated, then
    bulk-loaded through sqlite3 under a .partial name and renamed into place only when complete."""
    path = recipe.sqlite_path(folder, n, seed)
    url = f"sqlite+aiosqlite:///{path}"
    dataset = Dataset("sqlite", url, cached=reuse and path.exists(), where=str(path))
    if dataset.cached:
        progress(f"sqlite: reusing {path}")
        upgrade(url)  # migrations added since the file was made
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        for stale in (path, partial):
            for suffix in ("", "-wal", "-shm", "-journal"):  # what a run killed mid-way may have left
                stale.with_name(stale.name + suffix).unlink(missing_ok=True)
        data = timed_synthesis(dataset, recipe, n, seed, questionnaire)
        started = time.perf_counter()
        upgrade(f"sqlite+aiosqlite:///{partial}")
        load_sqlite(partial, data)
        partial.rename(path)
        dataset.load_s = time.perf_counter() - started
        progress(f"sqlite: loaded in {dataset.load_s:.1f} s")
    connection = sqlite3.connect(path)
    try:
        dataset.responses, dataset.answers, dataset.units = (
            connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("responses", "answers", "units")
        )
    finally:
        connection.close()
    dataset.size_mb = path.stat().st_size / 1e6
    return dataset


def timed_synthesis(dataset: Dataset, recipe: Recipe, n: int, seed: int, questionnaire: Questionnaire) -> Synthetic:
    started = time.perf_counter()
    data = recipe.synthesize(n, seed, questionnaire)
    dataset.synthesize_s = time.perf_counter() - started
    progress(f"{dataset.database}: synthesized {n:,} responses in {dataset.synthesize_s:.1f} s; loading")
    return data


def load_sqlite(path: Path, data: Synthetic) -> None:
    """Everything in one transaction through the sqlite3 module, executemany CHUNK responses at a time, on the
    freshly migrated file with no journal and no syncs (it is renamed into place only when complete); WAL after,
    as the app runs it."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=OFF")
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA locking_mode=EXCLUSIVE")
        connection.execute("PRAGMA cache_size=-1000000")  # 1 GB: the (round, kommunkod, area) index fills at random
        connection.execute("BEGIN")
        round_id = connection.execute(
            "INSERT INTO survey_rounds (key, questionnaire, period_start, period_end, closed) "
            "VALUES (?, ?, '2026-09-01', '2026-10-31', 1)",
            (data.round, data.questionnaire),
        ).lastrowid
        connection.executemany("INSERT INTO units (id, kommunkod, key, name) VALUES (?, ?, ?, ?)", data.units)
        for start, stop in chunks(data.n):
            connection.executemany(
                "INSERT INTO responses (id, round_id, kommunkod, unit_id, area) VALUES (?, ?, ?, ?, ?)",
                data.response_rows(start, stop, round_id),
            )
            connection.executemany(
                "INSERT INTO answers (response_id, question, option, text) VALUES (?, ?, ?, ?)",
                data.answer_rows(start, stop),
            )
        connection.execute("COMMIT")
        connection.execute("PRAGMA locking_mode=NORMAL")
        connection.execute("PRAGMA journal_mode=WAL")
    finally:
        connection.close()


def postgres_dataset(
    recipe: Recipe, url: str, n: int, seed: int, questionnaire: Questionnaire, *, reuse: bool
) -> Dataset:
    """The bench database at `url` holding (n, seed): reused when `reuse` and a comment on `responses` says it
    holds that (`Recipe.marker`); else every table dropped, migrated and loaded with COPY."""
    ensure_postgres_database(url)
    dataset = Dataset("postgresql", url, where=make_url(url).render_as_string(hide_password=True))
    marker = recipe.marker(n, seed)
    dataset.cached = reuse and asyncio.run(postgres_marker(url)) == marker
    if dataset.cached:
        progress(f"postgresql: reusing {dataset.where} ({marker})")
        upgrade(url)
    else:
        data = timed_synthesis(dataset, recipe, n, seed, questionnaire)
        started = time.perf_counter()
        asyncio.run(drop_all_tables(url))
        upgrade(url)
        asyncio.run(load_postgres(url, data, marker))
        dataset.load_s = time.perf_counter() - started
        progress(f"postgresql: loaded in {dataset.load_s:.1f} s")
    dataset.responses, dataset.answers, dataset.units, dataset.size_mb = asyncio.run(postgres_sizes(url))
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
    """COPY (asyncpg's copy_records_to_table) in one transaction, with the foreign keys of responses and answers
    dropped for the load and added back as they were (one validating join instead of a trigger per row), and the
    marker commented on `responses`; then VACUUM ANALYZE, as autovacuum would after a load this size."""
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        async with connection.transaction():
            round_id = await connection.fetchval(
                "INSERT INTO survey_rounds (key, questionnaire, period_start, period_end, closed) "
                "VALUES ($1, $2, '2026-09-01', '2026-10-31', true) RETURNING id",
                data.round,
                data.questionnaire,
            )
            await connection.copy_records_to_table(
                "units", records=data.units, columns=["id", "kommunkod", "key", "name"]
            )
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
                await connection.execute(
                    f'ALTER TABLE {key["tab"]} ADD CONSTRAINT "{key["conname"]}" {key["definition"]}'
                )
            await connection.execute(f"COMMENT ON TABLE responses IS '{marker}'")
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()


async def postgres_sizes(url: str) -> tuple[int, int, int, float]:
    """Responses, answers and units in the database, and its size in MB."""
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        counts = [await connection.fetchval(f"SELECT count(*) FROM {t}") for t in ("responses", "answers", "units")]
        size = await connection.fetchval("SELECT pg_database_size(current_database())")
        return counts[0], counts[1], counts[2], size / 1e6
    finally:
        await connection.close()
