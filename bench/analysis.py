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
# submit.py's and synthetic.py's helpers.
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
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import synthetic
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from submit import POSTGRES_ENV, busy_warning, progress

from analysis import MIN_VALID, TOTAL
from questionnaires import QuestionKind, Questionnaire, Role, Scale, load_shipped
from survey.config import Settings
from survey.db import create_engine, session_factory
from survey.services.results import municipality_results, rikssnitt
from survey.services.rounds import get_round

GENERATOR_VERSION = 1
"""Part of every cache key: bump it when what RECIPE makes changes (here or in bench/synthetic.py)."""
ROUND = "bench-2026"
CERTAIN = 5
"""The largest municipalities, always in the whole-country sample (see sample_of)."""

UNIT_SHARE = 0.25
"""Share of municipalities (the largest always) with 2–5 units; 80% of their responses name one (NAMED_UNIT)."""
POSITIVE_WEIGHTS = (0.36, 0.33)
NEGATIVE_WEIGHTS = (0.12, 0.07, 0.04)
EXCLUDED_WEIGHT = 0.11
"""Option weights by role and position within the role, before a municipality's quality shift: about 70% of
answers positive, 11% "vet inte" / "har inte fått någon hjälp"."""
QUALITY_SIGMA = 0.3
"""Per municipality, positive options' weights are multiplied by exp(N(0, σ)): some do better than others."""


# --- synthetic data (the rest is bench/synthetic.py's) ----------------------------------------------


def unit_counts(rng: np.random.Generator, kommunkoder: tuple[str, ...]) -> np.ndarray:
    """2–5 units in UNIT_SHARE of the municipalities (Stockholm always), none in the rest."""
    with_units = rng.random(len(kommunkoder)) < UNIT_SHARE
    with_units[kommunkoder.index(synthetic.LARGEST[0])] = True
    return np.where(with_units, rng.integers(2, 6, len(kommunkoder)), 0)


def answers(rng: np.random.Generator, placement: synthetic.Placement, rated: tuple[str, ...]) -> synthetic.Column:
    """Every option drawn by its weight (option_probabilities; for kön KON_WEIGHTS), the positive ones shifted by
    the municipality's quality; rated questions left blank at UNANSWERED (both in bench/synthetic.py)."""
    quality = rng.normal(0.0, QUALITY_SIGMA, len(placement.kommunkoder))
    municipality = placement.municipality
    n = len(municipality)

    def column(key: str, scale: Scale | None) -> np.ndarray:
        if scale is None:
            probabilities = np.tile(np.array(list(synthetic.KON_WEIGHTS.values())), (len(quality), 1))
            blank = 1.0 - sum(synthetic.KON_WEIGHTS.values())
        else:
            probabilities = option_probabilities(scale, quality)
            blank = synthetic.UNANSWERED
        cumulative = np.cumsum(probabilities / probabilities.sum(axis=1, keepdims=True), axis=1)
        drawn = (rng.random(n)[:, None] >= cumulative[municipality]).sum(axis=1).clip(max=probabilities.shape[1] - 1)
        return np.where(rng.random(n) < blank, -1, drawn)

    return column


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


RECIPE = synthetic.Recipe("analysis", ROUND, GENERATOR_VERSION, unit_counts, answers)


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


async def measure(dataset: synthetic.Dataset, args: argparse.Namespace) -> tuple[list[Row], dict[str, Any]]:
    """Every timing on one database, through the app's own engine (survey.db: its PRAGMAs and pool)."""
    engine = create_engine(Settings(database_url=dataset.url, secret_key=secrets.token_urlsafe(48)))
    factory = session_factory(engine)
    questionnaires = load_shipped()
    questionnaire = questionnaires[synthetic.QUESTIONNAIRE]
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
            return list((await session.execute(text(synthetic.BARE), {"id": survey.round_id})).all())

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
        and _largest_gap(shares, fold(bare_rows, questionnaire, survey.respondents)) < RIKSSNITT_TOLERANCE,
        "rikssnitt_largest_gap_pp": float(_largest_gap(shares, fold(bare_rows, questionnaire, survey.respondents)))
        * 100,
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
    questionnaire = questionnaires[synthetic.QUESTIONNAIRE]
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


RIKSSNITT_TOLERANCE = Fraction(1, 200)
"""Rikssnitt pools only the figures the municipalities' reports show (a hidden one stays out, so that it cannot be
worked out by subtraction); over a million answers that moves no share by half a percentage point from the pool
of every answer in the included areas, which `fold` works out independently from the bare GROUP BY."""


def _largest_gap(shares: dict[tuple[str, str], Fraction], folded: dict[tuple[str, str], Fraction]) -> Fraction:
    if shares.keys() != folded.keys():
        return Fraction(1)
    return max((abs(shares[key] - folded[key]) for key in shares), default=Fraction(0))


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


def table(
    rows: list[Row], datasets: list[synthetic.Dataset], checks: dict[str, dict[str, Any]], note: str | None
) -> str:
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
            f"{'within 0.5 pp of' if check['rikssnitt_matches_bare'] else 'MORE THAN 0.5 pp FROM'} the bare GROUP BY "
            f"folded by role (largest gap {check['rikssnitt_largest_gap_pp']:.3f} pp)"
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
    if args.responses < synthetic.MIN_RESPONSES:
        parser.error(f"--responses must be at least {synthetic.MIN_RESPONSES}")
    if args.repeat < 1 or not CERTAIN < args.country_sample <= 290:
        parser.error(f"--repeat must be at least 1 and --country-sample between {CERTAIN + 1} and 290")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    note = busy_warning()
    datasets: list[synthetic.Dataset] = []
    rows: list[Row] = []
    checks: dict[str, dict[str, Any]] = {}
    for database in args.databases:
        dataset = synthetic.prepare(
            RECIPE,
            database,
            args.responses,
            args.seed,
            folder=synthetic.CACHE,
            postgres_url=os.environ.get(POSTGRES_ENV),
            reuse=not args.regenerate,
        )
        if dataset is None:
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
