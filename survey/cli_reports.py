"""`brukarenkat` commands for results and reports: import, results, report, notes, targets."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from questionnaires import load_shipped
from survey.cli_support import questionnaire_version, read_text, settings_from_env, with_session
from survey.services.errors import InvalidInput


def cmd_import_responses(args: argparse.Namespace) -> int:
    from survey.services.imports import import_responses

    count = _import_file(args, import_responses)
    print(f"imported {count} responses into {args.round}")
    return 0


def cmd_import_rikssnitt(args: argparse.Namespace) -> int:
    from survey.services.imports import import_rikssnitt

    count = _import_file(args, import_rikssnitt)
    print(f"imported {count} rikssnitt values for {args.round}; they replace the computed ones")
    return 0


def _import_file(args: argparse.Namespace, importer: Callable[..., Awaitable[int]]) -> int:
    """Read the file first (a file that cannot be read touches nothing), then import it in one transaction."""
    text = read_text(args.file)

    async def work(session: AsyncSession) -> int:
        return await importer(session, load_shipped(), round_key=args.round, text=text)

    return with_session(settings_from_env(), work)


def cmd_results(args: argparse.Namespace) -> int:
    from survey.results_text import results_table
    from survey.services.results import municipality_results

    async def work(session: AsyncSession) -> dict[str, Any]:
        return await municipality_results(
            session,
            load_shipped(),
            round_key=args.round,
            kommunkod=args.municipality,
            unit_key=args.unit,
            compare=args.compare,
            by_kon=args.by == "kon",
            min_valid=args.min_valid,
        )

    document = with_session(settings_from_env(), work)
    if args.json:
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        print(results_table(document, load_shipped()[document["questionnaire"]]))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from survey.i18n import Catalogs
    from survey.report_batch import render_all
    from survey.services.report_data import render_report

    catalogs = Catalogs()
    if args.locale not in catalogs.languages:
        raise InvalidInput(f"no language {args.locale!r} (enabled: {', '.join(catalogs.languages)})")
    if bool(args.municipality) == bool(args.all_municipalities):
        raise InvalidInput("give either --municipality KOMMUNKOD or --all-municipalities")
    settings = settings_from_env()
    if args.all_municipalities:
        written = render_all(
            settings,
            round_key=args.round,
            format=args.format,
            locale=args.locale,
            compare=args.compare,
            folder=Path(args.output),
        )
        print(f"wrote {len(written)} reports to {args.output}", file=sys.stderr)
        return 0

    async def work(session: AsyncSession) -> bytes:
        return await render_report(
            session,
            load_shipped(),
            catalogs,
            round_key=args.round,
            kommunkod=args.municipality,
            format=args.format,
            locale=args.locale,
            unit_key=args.unit,
            compare=args.compare,
        )

    content = with_session(settings, work)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(content)
    print(f"wrote {output} ({len(content):,} bytes)", file=sys.stderr)
    return 0


def cmd_notes_set(args: argparse.Namespace) -> int:
    from survey.services.report_texts import set_analysis_text

    text = read_text(args.file) if args.file else args.text
    if text is None:
        raise InvalidInput("give the analysis text with --text or --file")

    async def work(session: AsyncSession) -> None:
        await set_analysis_text(
            session,
            load_shipped(),
            round_key=args.round,
            kommunkod=args.municipality,
            question=args.question,
            text=text,
        )

    with_session(settings_from_env(), work)
    print(f"saved the analysis of {args.question} for {args.municipality}, {args.round}")
    return 0


def cmd_targets_set(args: argparse.Namespace) -> int:
    from survey.services.report_texts import set_target

    questionnaire = questionnaire_version(args.questionnaire, None)

    async def work(session: AsyncSession) -> None:
        await set_target(
            session, questionnaire, kommunkod=args.municipality, question=args.question, percent=args.percent
        )

    with_session(settings_from_env(), work)
    print(f"måltal for {args.question} in {args.municipality}: at least {args.percent} %")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    """One municipality (or none) against every other: JSON or CSV on stdout, and optionally the funnel plot."""
    from survey.comparison_report import funnel
    from survey.i18n import Catalogs
    from survey.services.comparison import NationalComparison, comparison_csv, comparison_document, national_comparison
    from survey.services.rounds import get_round
    from survey.services.tables import rated_questions

    if args.plot and not args.plot.endswith((".svg", ".png", ".pdf")):
        raise InvalidInput("--plot must name a .svg, .png or .pdf file")
    questionnaires = load_shipped()

    async def work(session: AsyncSession) -> list[NationalComparison]:
        survey_round = await get_round(session, args.round)
        questions = [args.question] if args.question else rated_questions(questionnaires[survey_round.questionnaire])
        return [
            await national_comparison(
                session,
                questionnaires,
                round_key=args.round,
                area=args.area,
                question=question,
                group=args.group,
                focus=args.municipality,
                kon=args.kon,
            )
            for question in questions
        ]

    comparisons = with_session(settings_from_env(), work)
    if args.csv:
        sys.stdout.write(comparison_csv(comparisons))
    else:
        documents = [comparison_document(c) for c in comparisons]
        print(json.dumps(documents[0] if args.question else documents, ensure_ascii=False, indent=2))
    if args.plot:
        _write_plot(args, comparisons, funnel, Catalogs)
    return 0


def _write_plot(args: argparse.Namespace, comparisons: list[Any], funnel: Any, catalogs: Any) -> None:
    from reports.charts import funnel_chart, funnel_grid
    from reports.data import ComparisonLine, Figure

    translations = catalogs().messages("sv")
    drawn = [
        funnel(c, title=c.questionnaire.question(c.question).short or c.question, translations=translations)
        for c in comparisons
    ]
    funnels = [f for f in drawn if f is not None]  # a question nobody answered has no centre to draw around
    if not funnels:
        raise InvalidInput("no national share to draw a funnel around (no municipality has enough answers)")
    if len(funnels) == 1:
        figure = funnel_chart(funnels[0], locale="sv", gettext=translations.gettext)
    else:
        lines = [
            ComparisonLine(f.title, f.title, Figure(None), None, None, Figure(None), None, None, f) for f in funnels
        ]
        figure = funnel_grid(lines, locale="sv", gettext=translations.gettext)
    figure.savefig(args.plot, dpi=150)
    print(f"wrote {args.plot}", file=sys.stderr)
