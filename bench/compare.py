"""The national comparison for a whole country against a bare SQL GROUP BY over the same answers.

Why: the national view (every municipality's share of one question in one area, with ranks, funnel positions
and "för få svar") is read from every municipality's protected table, and a national report draws 7 questions
× (every area + IFO-totalt) of them. This tells how long that takes at national scale (290 municipalities,
1,000,000 synthetic responses by default), and how it compares with the database's own aggregation.

For each database (SQLite; PostgreSQL when a URL is known) it loads a synthetic round of ifo@1 and times once,
through the app's own engine (survey.db):

- (a) bare: SELECT kommunkod, area, question, option, count(*) FROM responses JOIN answers … GROUP BY those four;
- (b) `municipality_tables`: the national view's data step, a GROUP BY that also takes unit and kön, then the 290
  protected tables (split: inside `build_table`, and the rest);
- (c) `national_comparison` for each rated question × (each area + IFO-totalt), given the tables from (b), as
  the report does: each view's time and the total (split: inside `national_view`, of which `rank_intervals` and
  the funnel positions, and the look-ups around it);
- (d) one funnel plot: `survey.comparison_report.funnel` (its control limits), then drawn to SVG with
  `reports.charts.funnel_chart` and `reports.charts.svg`;
- (e) `analysis.ranks.rank_intervals` for every municipality (default draws).

Usage: `.venv/bin/python bench/compare.py --help`.
"""

from __future__ import annotations

# ruff: noqa: E402 - the imports after the sys.path fix below must come after it
import importlib
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
# Python puts this script's folder first on sys.path, and there `analysis` and `reports` are bench/analysis.py and
# bench/reports.py, not the app's packages: load the packages with bench/ off the path, then put bench/ back for
# submit.py's and synthetic.py's helpers.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH]
importlib.import_module("analysis")
importlib.import_module("reports")
sys.path.insert(0, str(BENCH))

import argparse
import asyncio
import contextlib
import cProfile
import gettext
import io
import json
import os
import platform
import pstats
import secrets
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import synthetic
from sqlalchemy import text
from sqlalchemy.engine import make_url
from submit import busy_warning, drop_all_tables, progress

import analysis.national
import survey.services.comparison
import survey.services.tables
from analysis import TOTAL, Counts
from analysis.ranks import DRAWS, rank_intervals
from questionnaires import Questionnaire, Role, Scale, load_shipped
from reports.charts import funnel_chart, svg
from survey.comparison_report import funnel
from survey.config import Settings
from survey.db import create_engine, session_factory
from survey.services.comparison import NationalComparison, national_comparison
from survey.services.rounds import get_round
from survey.services.tables import municipality_tables, rated_questions

GENERATOR_VERSION = 1
"""Part of every cache key: bump it when what RECIPE makes changes (here or in bench/synthetic.py)."""
ROUND = "bench-compare-2026"
POSTGRES_DATABASE = "bench_compare"
"""The database on BRUKARENKAT_TEST_POSTGRES_URL's server used when no --postgres-url is given. Never the test
suite's own database: every table in the bench database is dropped."""
TEST_POSTGRES_ENV = "BRUKARENKAT_TEST_POSTGRES_URL"
LOCALE = "sv"

UNIT_COUNTS = (0.4, 0.35, 0.25)
"""Chance of 0, 1 or 2 units per municipality (the four largest have 2); 80% of their
responses name one (NAMED_UNIT)."""
TRUE_SHARE = 0.8
"""The centre of the true positive shares; on the logit scale each municipality, question and (municipality,
area, question) adds normal noise (σ below): shares mostly between 65 and 90%."""
MUNICIPALITY_SIGMA = 0.35
QUESTION_SIGMA = 0.25
CELL_SIGMA = 0.15
EXCLUDED = 0.08
"""Chance of the question's excluded option ("vet inte", "har inte fått någon hjälp")."""
WITHIN_ROLE = {Role.POSITIVE: (0.45, 0.55), Role.NEGATIVE: (0.6, 0.3, 0.1), Role.EXCLUDED: (1.0,)}
"""How answers of one role spread over its options, in scale order (truncated and rescaled to the options)."""


# --- synthetic data (the rest is bench/synthetic.py's) ----------------------------------------------


def unit_counts(rng: np.random.Generator, kommunkoder: tuple[str, ...]) -> np.ndarray:
    """0, 1 or 2 units by UNIT_COUNTS; the four largest municipalities 2."""
    counts = rng.choice(len(UNIT_COUNTS), len(kommunkoder), p=UNIT_COUNTS)
    counts[[kommunkoder.index(k) for k in synthetic.LARGEST]] = len(UNIT_COUNTS) - 1
    return counts


def answers(rng: np.random.Generator, placement: synthetic.Placement, rated: tuple[str, ...]) -> synthetic.Column:
    """Rated questions positive with a true share per (municipality, area, question), see TRUE_SHARE and
    rated_answers; kön by KON_WEIGHTS (bench/synthetic.py) alone."""
    municipality, area = placement.municipality, placement.area
    logit = (
        np.log(TRUE_SHARE / (1 - TRUE_SHARE))
        + rng.normal(0.0, MUNICIPALITY_SIGMA, len(placement.kommunkoder))[:, None, None]
        + rng.normal(0.0, QUESTION_SIGMA, len(rated))[None, None, :]
        + rng.normal(0.0, CELL_SIGMA, (len(placement.kommunkoder), len(placement.areas), len(rated)))
    )
    true_share = 1.0 / (1.0 + np.exp(-logit))

    def column(key: str, scale: Scale | None) -> np.ndarray:
        if scale is None:
            cumulative = np.cumsum(list(synthetic.KON_WEIGHTS.values()))
            drawn = np.searchsorted(cumulative, rng.random(len(municipality)), side="right")
            return np.where(drawn < len(synthetic.KON_WEIGHTS), drawn, -1)
        share = true_share[municipality, area, rated.index(key)]
        return rated_answers(rng, scale.options, share, np.arange(len(scale.options)))

    return column


def rated_answers(rng: np.random.Generator, options: Any, share: np.ndarray, index: np.ndarray) -> np.ndarray:
    """One rated question's answers (option index, -1 unanswered): blank or excluded at their fixed rates, else
    positive with each response's true share; within a role spread by WITHIN_ROLE."""
    roles = np.array([o.role for o in options])
    picked = {}
    for role, weights in WITHIN_ROLE.items():
        own = index[roles == role]
        cumulative = np.cumsum(np.array(weights[: len(own)]) / sum(weights[: len(own)]))
        picked[role] = own[np.searchsorted(cumulative, rng.random(len(share)), side="right").clip(max=len(own) - 1)]
    draw = rng.random(len(share))
    valid = draw >= synthetic.UNANSWERED + EXCLUDED
    positive = rng.random(len(share)) < share
    return np.where(
        valid,
        np.where(positive, picked[Role.POSITIVE], picked[Role.NEGATIVE]),
        np.where(draw < synthetic.UNANSWERED, -1, picked[Role.EXCLUDED]),
    )


RECIPE = synthetic.Recipe("compare", ROUND, GENERATOR_VERSION, unit_counts, answers)


# --- timing ---------------------------------------------------------------------------------------

SPLIT = (
    (survey.services.tables, "build_table"),
    (survey.services.comparison, "national_view"),
    (analysis.national, "rank_intervals"),
    (analysis.national, "position"),
)
"""Functions whose time (b) and (c) are split by: the 290 protected tables (Python) against the queries in (b);
the view's statistics (ranks, funnel positions) against its look-ups in (c). Each is looked up in the module that
calls it, so wrapping it there times every call."""


@contextlib.contextmanager
def clocked(spent: dict[str, float]) -> Iterator[None]:
    """Wrap the SPLIT functions where their callers find them, adding each call's seconds to `spent`; the
    originals are put back afterwards. A wrapper costs about a microsecond a call (~10,000 calls of position)."""

    def wrap(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - started

        return timed

    originals = [(module, name, getattr(module, name)) for module, name in SPLIT]
    try:
        for module, name, original in originals:
            setattr(module, name, wrap(name, original))
        yield
    finally:
        for module, name, original in originals:
            setattr(module, name, original)


@dataclass
class View:
    """One national view's time and what it showed."""

    area: str
    question: str
    seconds: float
    shown: int
    too_few: int


@dataclass
class Result:
    """Every timing on one database (seconds), and what the steps made."""

    database: str
    bare_s: float = 0.0
    bare_rows: int = 0
    tables_s: float = 0.0
    tables: int = 0
    excluded_areas: int = 0
    """(municipality, area) pairs left out by the inclusion rule (under five respondents)."""
    views: list[View] = field(default_factory=list)
    funnel_limits_s: float = 0.0
    funnel_draw_s: float = 0.0
    funnel_draw_again_s: float = 0.0
    funnel_points: int = 0
    funnel_svg_kb: float = 0.0
    ranks_s: float = 0.0
    ranked: int = 0
    warm_s: float = 0.0
    inside_s: dict[str, float] = field(default_factory=dict)
    """Seconds spent inside the app functions of SPLIT during (b) and (c), whatever called them."""

    @property
    def views_s(self) -> float:
        return sum(view.seconds for view in self.views)


async def measure(dataset: synthetic.Dataset, profile: Path | None) -> Result:
    """(a)–(e) on one database, once each, through the app's engine and sessions (its PRAGMAs and pool)."""
    engine = create_engine(Settings(database_url=dataset.url, secret_key=secrets.token_urlsafe(48)))
    factory = session_factory(engine)
    questionnaires = load_shipped()
    questionnaire = questionnaires[synthetic.QUESTIONNAIRE]
    result = Result(dataset.database)
    try:
        async with factory() as session:
            round_id = (await get_round(session, ROUND)).id
            started = time.perf_counter()  # the same warm cache for (a) and (b): read both tables once
            for table in ("responses", "answers"):
                await session.execute(text(f"SELECT count(*) FROM {table}"))
            result.warm_s = time.perf_counter() - started
        async with factory() as session:
            started = time.perf_counter()
            bare_rows = (await session.execute(text(synthetic.BARE), {"id": round_id})).all()
            result.bare_s = time.perf_counter() - started
            result.bare_rows = len(bare_rows)
        progress(f"{dataset.database}: (a) bare GROUP BY: {result.bare_s:.2f} s, {len(bare_rows):,} rows")
        async with factory() as session:  # one session for (b) and (c), as comparison_section has
            started = time.perf_counter()
            with clocked(result.inside_s):
                tables = await municipality_tables(session, questionnaire, round_id)
            result.tables_s = time.perf_counter() - started
            result.tables = len(tables)
            result.excluded_areas = sum(len(table.excluded_areas & set(table.respondents)) for table in tables.values())
            progress(f"{dataset.database}: (b) municipality_tables: {result.tables_s:.2f} s, {len(tables)} tables")
            with clocked(result.inside_s):
                comparisons = await national_views(session, questionnaires, questionnaire, tables, result)
            progress(f"{dataset.database}: (c) {len(result.views)} national views: {result.views_s:.2f} s")
            if profile is not None:
                await profiled(session, questionnaires, questionnaire, round_id, profile)
    finally:
        await engine.dispose()
    first = rated_questions(questionnaire)[0]
    draw_funnel(comparisons[(TOTAL, first)], questionnaire, result)
    progress(
        f"{dataset.database}: (d) funnel: limits {result.funnel_limits_s:.3f} s, "
        f"drawn {result.funnel_draw_s:.3f} s (again {result.funnel_draw_again_s:.3f} s)"
    )
    counts = totals_by_municipality(bare_rows, questionnaire, first)
    started = time.perf_counter()
    rank_intervals(counts)
    result.ranks_s = time.perf_counter() - started
    result.ranked = len(counts)
    progress(f"{dataset.database}: (e) rank_intervals for {len(counts)}: {result.ranks_s:.3f} s")
    return result


async def national_views(
    session: Any, questionnaires: Any, questionnaire: Questionnaire, tables: Any, result: Result | None
) -> dict[tuple[str, str], NationalComparison]:
    """(c): every rated question × (every area + IFO-totalt), from the tables of (b); each timed into `result`."""
    comparisons = {}
    for question in rated_questions(questionnaire):
        for area in (*(a.key for a in questionnaire.areas), TOTAL):
            started = time.perf_counter()
            comparison = await national_comparison(
                session, questionnaires, round_key=ROUND, area=area, question=question, tables=tables
            )
            seconds = time.perf_counter() - started
            comparisons[(area, question)] = comparison
            if result is not None:
                view = comparison.view
                result.views.append(View(area, question, seconds, len(view.shown), len(view.too_few)))
    return comparisons


async def profiled(session: Any, questionnaires: Any, questionnaire: Questionnaire, round_id: int, out: Path) -> None:
    """(b) and (c) again under cProfile (slower than untimed): the stats to `out`, the top functions to stderr."""
    profiler = cProfile.Profile()
    profiler.enable()
    tables = await municipality_tables(session, questionnaire, round_id)
    await national_views(session, questionnaires, questionnaire, tables, None)
    profiler.disable()
    profiler.dump_stats(out)
    for order in ("tottime", "cumulative"):
        report = io.StringIO()
        pstats.Stats(profiler, stream=report).sort_stats(order).print_stats(25)
        progress(f"profile of (b)+(c), by {order} (all of it in {out}):\n{report.getvalue()}")


def draw_funnel(comparison: NationalComparison, questionnaire: Questionnaire, result: Result) -> None:
    """(d): the funnel of one view (its exact control limits) and its drawing as SVG, twice: the first drawing in
    a process also loads matplotlib's fonts."""
    translations = gettext.NullTranslations()
    question = questionnaire.question(comparison.question)
    title = question.short if question is not None and question.short else comparison.question
    started = time.perf_counter()
    shown = funnel(comparison, title=title, translations=translations)
    result.funnel_limits_s = time.perf_counter() - started
    if shown is None:
        raise RuntimeError(f"no funnel for {comparison.area}/{comparison.question}: no national share")
    result.funnel_points = len(shown.points)
    for attribute in ("funnel_draw_s", "funnel_draw_again_s"):
        started = time.perf_counter()
        drawing = svg(funnel_chart(shown, locale=LOCALE, gettext=translations.gettext))
        setattr(result, attribute, time.perf_counter() - started)
    result.funnel_svg_kb = len(drawing.encode()) / 1000


def totals_by_municipality(rows: Any, questionnaire: Questionnaire, question_key: str) -> dict[str, Counts]:
    """One question's counts per municipality, every area pooled, from the bare GROUP BY's rows: (e)'s input,
    every municipality with a valid answer (the national view ranks the shown ones only)."""
    question = questionnaire.question(question_key)
    assert question is not None and question.scale is not None
    positive: dict[str, int] = {}
    negative: dict[str, int] = {}
    for kommunkod, _area, key, option_key, n in rows:
        option = question.scale.option(option_key) if key == question_key else None
        if option is not None and option.role is Role.POSITIVE:
            positive[kommunkod] = positive.get(kommunkod, 0) + n
        elif option is not None and option.role is Role.NEGATIVE:
            negative[kommunkod] = negative.get(kommunkod, 0) + n
    return {
        code: Counts(positive.get(code, 0), negative.get(code, 0))
        for code in sorted({*positive, *negative})
        if positive.get(code, 0) + negative.get(code, 0) > 0
    }


# --- output ---------------------------------------------------------------------------------------


def lines_of(result: Result) -> list[tuple[str, float | None, str]]:
    """(what, seconds, ratio to (a)) rows of one database."""
    bare = result.bare_s

    def ratio(seconds: float) -> str:
        return f"{seconds / bare:.2f}" if bare else "-"

    times = [view.seconds for view in result.views]
    views = len(result.views)
    per_question = len({view.area for view in result.views})
    both = result.tables_s + result.views_s
    inside = result.inside_s
    building, viewing = inside.get("build_table", 0.0), inside.get("national_view", 0.0)
    return [
        (f"(a) bare GROUP BY ({result.bare_rows:,} rows)", bare, ratio(bare)),
        (f"(b) municipality_tables ({result.tables} tables)", result.tables_s, ratio(result.tables_s)),
        (
            "      queries (GROUP BY with unit, kön) and rows",
            result.tables_s - building,
            ratio(result.tables_s - building),
        ),
        ("      build_table × 290 (protected tables)", building, ratio(building)),
        (
            f"(c) national views ({views // per_question} questions × {per_question})",
            result.views_s,
            ratio(result.views_s),
        ),
        ("      look-ups (round, published, names)", result.views_s - viewing, ratio(result.views_s - viewing)),
        ("      national_view", viewing, ratio(viewing)),
        (
            "        of which rank_intervals",
            inside.get("rank_intervals", 0.0),
            ratio(inside.get("rank_intervals", 0.0)),
        ),
        ("        of which funnel positions", inside.get("position", 0.0), ratio(inside.get("position", 0.0))),
        (
            f"      per view: median; min {min(times):.3f}, max {max(times):.3f}",
            statistics.median(times),
            ratio(statistics.median(times)),
        ),
        ("(b)+(c)", both, ratio(both)),
        (f"(d) funnel plot, limits ({result.funnel_points} points)", result.funnel_limits_s, ""),
        (f"      drawn to SVG ({result.funnel_svg_kb:.0f} kB)", result.funnel_draw_s, ""),
        ("      drawn again", result.funnel_draw_again_s, ""),
        (f"(e) rank_intervals ({result.ranked} × {DRAWS} draws)", result.ranks_s, ""),
    ]


def table(results: list[Result], datasets: list[synthetic.Dataset], note: str | None) -> str:
    header = f"{'database':<11} {'what':<50} {'seconds':>9} {'÷ (a)':>7}"
    lines = [header, "-" * len(header)]
    for result in results:
        for what, seconds, ratio in lines_of(result):
            shown = "" if seconds is None else f"{seconds:.3f}" if seconds < 10 else f"{seconds:.2f}"
            lines.append(f"{result.database:<11} {what:<50} {shown:>9} {ratio:>7}")
    lines.append("÷ (a): seconds ÷ the bare GROUP BY's seconds on the same database; one run of each")
    for dataset, result in zip(datasets, results, strict=True):
        made = (
            "kept from an earlier --keep run"
            if dataset.cached
            else f"synthesized in {dataset.synthesize_s:.1f} s, loaded in {dataset.load_s:.1f} s"
        )
        lines.append(
            f"{dataset.database}: {dataset.responses:,} responses, {dataset.answers:,} answers, {dataset.units} units, "
            f"{dataset.size_mb:,.0f} MB, {made} ({dataset.where})"
        )
        total = next(v for v in result.views if v.area == TOTAL)
        lines.append(
            f"{dataset.database}: {result.excluded_areas} surveyed (municipality, area) pairs under five respondents; "
            f"IFO-totalt of {total.question}: {total.shown} municipalities shown, {total.too_few} för få svar; "
            f"warm-up read of both tables {result.warm_s:.1f} s (untimed)"
        )
    if note:
        lines.append(note)
    return "\n".join(lines)


def default_postgres_url() -> str | None:
    """BRUKARENKAT_TEST_POSTGRES_URL's server and credentials with the bench's own database."""
    test_url = os.environ.get(TEST_POSTGRES_ENV)
    if not test_url:
        return None
    return make_url(test_url).set(database=POSTGRES_DATABASE).render_as_string(hide_password=False)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=1_000_000, help="synthetic responses (1000000)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the generator (2026)")
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both", help="(both)")
    parser.add_argument(
        "--postgres-url",
        default=None,
        help=f"a database with 'bench' in its name, its tables dropped (default: {TEST_POSTGRES_ENV}'s server, "
        f"database {POSTGRES_DATABASE})",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the data for the next run and reuse kept data of the same size and seed "
        f"(SQLite under {synthetic.CACHE})",
    )
    parser.add_argument("--profile", type=Path, help="also run (b)+(c) under cProfile, stats to PATH.<database>")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    args = parser.parse_args(argv)
    if args.responses < synthetic.MIN_RESPONSES:
        parser.error(f"--responses must be at least {synthetic.MIN_RESPONSES}")
    args.postgres_url = args.postgres_url or default_postgres_url()
    if args.database == "postgresql" and not args.postgres_url:
        parser.error(f"postgresql needs --postgres-url or {TEST_POSTGRES_ENV}")
    if args.postgres_url and "bench" not in (make_url(args.postgres_url).database or ""):
        parser.error("the PostgreSQL database must have 'bench' in its name: every table in it is dropped")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    note = busy_warning()
    datasets: list[synthetic.Dataset] = []
    results: list[Result] = []
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    with tempfile.TemporaryDirectory(prefix="brukarenkat-compare-") as scratch:
        for database in databases:
            dataset = synthetic.prepare(
                RECIPE,
                database,
                args.responses,
                args.seed,
                folder=synthetic.CACHE if args.keep else Path(scratch),
                postgres_url=args.postgres_url,
                reuse=args.keep,
            )
            if dataset is None:
                progress(f"skipping postgresql: no --postgres-url and {TEST_POSTGRES_ENV} is not set")
                continue
            datasets.append(dataset)
            profile = args.profile.with_name(f"{args.profile.name}.{database}") if args.profile else None
            results.append(asyncio.run(measure(dataset, profile)))
            if database == "postgresql" and not args.keep:
                asyncio.run(drop_all_tables(dataset.url))
    if args.json:
        settings = {
            "responses": args.responses,
            "seed": args.seed,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
        }
        documents = [
            asdict(result) | {"views_s": result.views_s, "tables_and_views_s": result.tables_s + result.views_s}
            for result in results
        ]
        datasets_out = [asdict(d) | {"url": None} for d in datasets]
        print(json.dumps({"settings": settings, "datasets": datasets_out, "results": documents}, indent=2))
    else:
        print(table(results, datasets, note))
    return 0 if results else 1


if __name__ == "__main__":
    sys.exit(main())
