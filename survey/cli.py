"""The `brukarenkat` command: argument parsing and the set-up commands (serve, db, questionnaires, rounds,
units, tokens, demo); results and report commands live in cli_reports."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from questionnaires import QuestionnaireError, load_file, load_shipped
from questionnaires.loader import shipped_files
from survey.cli_audio import cmd_audio_generate
from survey.cli_compare import (
    cmd_groups_create,
    cmd_groups_delete,
    cmd_groups_import,
    cmd_groups_list,
    cmd_groups_set,
    cmd_kolada_export,
    cmd_kolada_import,
)
from survey.cli_reports import (
    cmd_compare,
    cmd_import_responses,
    cmd_import_rikssnitt,
    cmd_notes_set,
    cmd_report,
    cmd_results,
    cmd_targets_set,
)
from survey.cli_support import app_from_env, questionnaire_version, settings_from_env, with_session
from survey.config import Settings
from survey.services.errors import InvalidInput, NotFound

__all__ = ["app_from_env", "main", "settings_from_env"]


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        return args.run(args) or 0
    except (InvalidInput, NotFound, QuestionnaireError) as error:
        print(f"brukarenkat: {error}", file=sys.stderr)
        return 1


# --- commands -------------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings_from_env()  # creates the local secret before the workers start, so they share it
    print(f"Brukarenkät serving on http://{args.host}:{args.port}", file=sys.stderr)
    uvicorn.run(
        "survey.cli_support:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        access_log=False,  # an access log holds survey tokens, client addresses and times: see README, privacy
        log_level="warning",
    )
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from survey.migrate import upgrade

    upgrade(settings_from_env().database_url)
    print("database is up to date", file=sys.stderr)
    return 0


def cmd_questionnaires_check(args: argparse.Namespace) -> int:
    files = [Path(f) for f in args.files] or shipped_files()
    failed = 0
    for path in files:
        try:
            questionnaire = load_file(path)
        except QuestionnaireError as error:
            failed += 1
            print(f"{path.name}: {len(error.problems)} problem(s)")
            for problem in error.problems:
                print(f"  - {problem}")
        else:
            print(f"{path.name}: ok ({questionnaire.ident}, {len(questionnaire.questions)} questions)")
    return 1 if failed else 0


def cmd_questionnaires_show(args: argparse.Namespace) -> int:
    questionnaire = questionnaire_version(args.key, args.version)
    if args.json:
        print(json.dumps(questionnaire.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(f"{questionnaire.ident}: {questionnaire.title}")
    print("areas: " + ", ".join(a.key for a in questionnaire.areas))
    for question in questionnaire.questions:
        print(f"  {question.key} ({question.kind.value}): {question.text}")
        for option in question.scale.options if question.scale else ():
            print(f"      {option.code} {option.key:<18} {option.role.value:<9} {option.label}")
    return 0


def cmd_rounds_create(args: argparse.Namespace) -> int:
    from survey.services.rounds import create_round, parse_period

    questionnaire = questionnaire_version(args.questionnaire, args.version)
    start, end = parse_period(args.period)

    async def work(session: AsyncSession) -> None:
        await create_round(session, key=args.key, questionnaire=questionnaire, start=start, end=end)

    with_session(settings_from_env(), work)
    print(f"created round {args.key} ({questionnaire.ident}, {start} – {end})")
    return 0


def cmd_rounds_list(args: argparse.Namespace) -> int:
    from survey.services.rounds import list_rounds

    for survey_round in with_session(settings_from_env(), list_rounds):
        state = "closed" if survey_round.closed else "open"
        print(
            f"{survey_round.key}\t{survey_round.questionnaire}\t{survey_round.period_start}:{survey_round.period_end}\t{state}"
        )
    return 0


def cmd_rounds_close(args: argparse.Namespace) -> int:
    from survey.services.rounds import close_round

    async def work(session: AsyncSession) -> None:
        await close_round(session, args.key)

    with_session(settings_from_env(), work)
    print(f"closed round {args.key}")
    return 0


def cmd_units_create(args: argparse.Namespace) -> int:
    from survey.services.units import create_unit

    async def work(session: AsyncSession) -> None:
        await create_unit(session, kommunkod=args.municipality, key=args.key, name=args.name)

    with_session(settings_from_env(), work)
    print(f"created unit {args.key} in {args.municipality}")
    return 0


def cmd_users_create(args: argparse.Namespace) -> int:
    import secrets

    from survey.auth import Passwords
    from survey.services.participation import units_of
    from survey.services.users import create_user

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else secrets.token_urlsafe(15)

    async def work(session: AsyncSession) -> None:
        unit_ids = []
        if args.unit:
            by_key = {unit.key: unit.id for unit in await units_of(session, args.municipality or "")}
            missing = [key for key in args.unit if key not in by_key]
            if missing:
                raise InvalidInput(f"municipality {args.municipality} has no unit {', '.join(missing)}")
            unit_ids = [by_key[key] for key in args.unit]
        await create_user(
            session,
            Passwords(),
            email=args.email,
            name=args.name or args.email,
            role=args.role,
            password=password,
            kommunkod=args.municipality,
            unit_ids=unit_ids,
        )

    with_session(settings_from_env(), work)
    print(f"created user {args.email.strip().lower()} ({args.role})")
    if not args.password_stdin:
        print(f"password: {password}  (shown once: hand it over safely)")
    return 0


def cmd_tokens_issue(args: argparse.Namespace) -> int:
    from survey.services.batches import issue_tokens
    from survey.services.rounds import swedish_today
    from survey.tokens import TokenMinter

    settings = settings_from_env()

    async def work(session: AsyncSession) -> Any:
        return await issue_tokens(
            session,
            TokenMinter(settings.secret_key),
            load_shipped(),
            round_key=args.round,
            kommunkod=args.municipality,
            area=args.area,
            unit_key=args.unit,
            count=args.count,
            today=swedish_today(),
        )

    issued = with_session(settings, work)
    urls = [survey_url(settings, token) for token in issued.tokens]
    if args.json:
        print(
            json.dumps(
                {
                    "batch": issued.batch.id,
                    "round": args.round,
                    "municipality": args.municipality,
                    "area": args.area,
                    "unit": args.unit,
                    "urls": urls,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        print("\n".join(urls))
    return 0


def survey_url(settings: Settings, token: str) -> str:
    return f"{settings.base_url.rstrip('/')}/s/{token}"


def cmd_demo(args: argparse.Namespace) -> int:
    from survey.demo import load_demo, load_demo_kiosk, load_demo_users
    from survey.migrate import upgrade

    settings = settings_from_env()
    upgrade(settings.database_url)
    links = with_session(settings, lambda session: load_demo(session, settings))
    logins = with_session(settings, load_demo_users)
    kiosk = with_session(settings, lambda session: load_demo_kiosk(session, settings))
    print("\nBrukarenkät demo. Every figure in it is SYNTHETIC (made up): Dalarna's municipalities have made-up")
    print("answers, and a hundred more come from a made-up Kolada file, labelled so wherever they are shown.")
    print("\nSurvey links (each can be answered once)\n")
    for area, url in links:
        print(f"  {area:<20} {url}")
    print(f"\nKiosk (open on a tablet; a fresh link for every respondent):\n  {kiosk}")
    print(f"\nStaff logins at {settings.base_url.rstrip('/')}/staff/ (demo only)\n")
    for email, password, role in logins:
        print(f"  {role:<11} {email:<38} {password}")
    print()
    if args.no_serve:
        return 0
    return cmd_serve(args)


# --- argument parsing -----------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="brukarenkat", description="Anonymous user surveys for social services.")
    commands = parser.add_subparsers(metavar="COMMAND")

    def serve_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=8000)
        p.add_argument("--workers", type=int, default=1)

    serve = commands.add_parser("serve", help="run the web app")
    serve_options(serve)
    serve.set_defaults(run=cmd_serve)

    demo = commands.add_parser("demo", help="migrate, load demo data, print survey links and serve")
    serve_options(demo)
    demo.add_argument("--no-serve", action="store_true", help="load the demo data and print links, then stop")
    demo.set_defaults(run=cmd_demo)

    db = commands.add_parser("db", help="database schema").add_subparsers(metavar="ACTION")
    db.add_parser("upgrade", help="create or migrate the schema and load the municipality register").set_defaults(
        run=cmd_db_upgrade
    )

    quest = commands.add_parser("questionnaires", help="questionnaire definitions").add_subparsers(metavar="ACTION")
    check = quest.add_parser("check", help="validate the shipped questionnaire files (or the given ones)")
    check.add_argument("files", nargs="*")
    check.set_defaults(run=cmd_questionnaires_check)
    show = quest.add_parser("show", help="print a questionnaire definition")
    show.add_argument("key")
    show.add_argument("--version", type=int)
    show.add_argument("--json", action="store_true")
    show.set_defaults(run=cmd_questionnaires_show)

    rounds = commands.add_parser("rounds", help="survey rounds").add_subparsers(metavar="ACTION")
    create = rounds.add_parser("create", help="create a survey round, e.g. ifo-2017")
    create.add_argument("key")
    create.add_argument("--questionnaire", required=True, help="questionnaire key, e.g. ifo")
    create.add_argument("--version", type=int, help="questionnaire version (default: the newest)")
    create.add_argument("--period", required=True, help="first:last day, e.g. 2017-09-01:2017-10-31")
    create.set_defaults(run=cmd_rounds_create)
    rounds.add_parser("list", help="list survey rounds").set_defaults(run=cmd_rounds_list)
    close = rounds.add_parser("close", help="stop accepting answers and erase the order they arrived in")
    close.add_argument("key")
    close.set_defaults(run=cmd_rounds_close)

    units = commands.add_parser("units", help="units (enheter) of a municipality").add_subparsers(metavar="ACTION")
    unit = units.add_parser("create", help="add a unit to a municipality")
    unit.add_argument("--municipality", required=True, help="kommunkod, e.g. 2085")
    unit.add_argument("--key", required=True)
    unit.add_argument("--name", required=True)
    unit.set_defaults(run=cmd_units_create)

    users = commands.add_parser("users", help="staff accounts").add_subparsers(metavar="ACTION")
    user = users.add_parser("create", help="create a staff account (the first admin, or anyone)")
    user.add_argument("--email", required=True)
    user.add_argument("--role", required=True, choices=["national", "admin", "analyst", "unit_staff"])
    user.add_argument("--municipality", help="kommunkod; required for every role but national")
    user.add_argument("--name", help="display name (default: the email)")
    user.add_argument("--unit", action="append", help="unit key a unit_staff member works in (repeatable)")
    user.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin instead of generating one"
    )
    user.set_defaults(run=cmd_users_create)

    tokens = commands.add_parser("tokens", help="survey tokens").add_subparsers(metavar="ACTION")
    issue = tokens.add_parser("issue", help="mint a batch of single-use survey links")
    issue.add_argument("--round", required=True)
    issue.add_argument("--municipality", required=True, help="kommunkod, e.g. 2085")
    issue.add_argument("--area", required=True, help="area key, e.g. vardnadshavare")
    issue.add_argument("--unit", help="unit key (optional)")
    issue.add_argument("--count", type=int, required=True)
    issue.add_argument("--json", action="store_true")
    issue.set_defaults(run=cmd_tokens_issue)

    imports = commands.add_parser("import", help="import paper answers or published rikssnitt").add_subparsers(
        metavar="WHAT"
    )
    paper = imports.add_parser("responses", help="answers typed in from paper forms (CSV, one row per form)")
    paper.add_argument("file")
    paper.add_argument("--round", required=True)
    paper.set_defaults(run=cmd_import_responses)
    national = imports.add_parser("rikssnitt", help="published national shares (CSV: question,area,share[,valid])")
    national.add_argument("file")
    national.add_argument("--round", required=True)
    national.set_defaults(run=cmd_import_rikssnitt)

    results = commands.add_parser("results", help="positive shares per area and question for a municipality")
    results.add_argument("--round", required=True)
    results.add_argument("--municipality", required=True, help="kommunkod, e.g. 2085")
    results.add_argument("--unit", help="unit key: that unit's answers only")
    results.add_argument("--compare", help="an earlier round of the same questionnaire, e.g. ifo-2016")
    results.add_argument("--by", choices=["kon"], help="break results down by kön as well")
    results.add_argument("--min-valid", type=int, default=5, help="suppression threshold (default 5)")
    results.add_argument("--json", action="store_true")
    results.set_defaults(run=cmd_results)

    report = commands.add_parser("report", help="write a municipality's report (pdf, html, xlsx, csv, kolada)")
    report.add_argument("--round", required=True)
    report.add_argument("--municipality", help="kommunkod, e.g. 2085")
    report.add_argument(
        "--all-municipalities", action="store_true", help="one report per municipality that answered, into -o DIR"
    )
    report.add_argument("--unit", help="unit key: that unit's report")
    report.add_argument("--compare", help="the previous round, e.g. ifo-2016")
    report.add_argument("--format", choices=["pdf", "html", "xlsx", "csv", "kolada"], default="pdf")
    report.add_argument("--locale", default="sv", help="report language (default sv)")
    report.add_argument("-o", "--output", required=True, help="file to write (a folder with --all-municipalities)")
    report.set_defaults(run=cmd_report)

    compare = commands.add_parser(
        "compare", help="a municipality against every other: shares, n, intervals, ranks, funnel positions"
    )
    compare.add_argument("--round", required=True)
    compare.add_argument("--municipality", help="kommunkod in focus, e.g. 2085 (needed for --group lan)")
    compare.add_argument("--group", help="lan (the municipality's län) or the name of a comparison group")
    compare.add_argument("--area", default="total", help="area key (default: total, e.g. IFO-totalt)")
    compare.add_argument("--question", help="question key (default: every rated question)")
    compare.add_argument("--kon", choices=["kvinna", "man"], help="one kön only")
    shape = compare.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="JSON on stdout (the default)")
    shape.add_argument("--csv", action="store_true", help="CSV on stdout, one row per municipality and question")
    compare.add_argument("--plot", help="also draw the funnel plot into FILE.svg, FILE.png or FILE.pdf")
    compare.set_defaults(run=cmd_compare)

    groups = commands.add_parser("groups", help="comparison groups of municipalities").add_subparsers(metavar="ACTION")
    groups.add_parser("list", help="list comparison groups and their members").set_defaults(run=cmd_groups_list)
    group = groups.add_parser("create", help="create a comparison group")
    group.add_argument("name")
    group.add_argument("--members", required=True, help="kommunkoder, e.g. 2085,2080,2029")
    group.add_argument("--description")
    group.set_defaults(run=cmd_groups_create)
    group = groups.add_parser("set", help="give a comparison group exactly these members")
    group.add_argument("name")
    group.add_argument("--members", required=True, help="kommunkoder, e.g. 2085,2080,2029")
    group.set_defaults(run=cmd_groups_set)
    group = groups.add_parser("delete", help="delete a comparison group")
    group.add_argument("name")
    group.set_defaults(run=cmd_groups_delete)
    group = groups.add_parser("import", help="groups from a CSV of kommunkod,group (all rows or none)")
    group.add_argument("file")
    group.set_defaults(run=cmd_groups_import)

    kolada = commands.add_parser("kolada", help="Kolada-shaped data").add_subparsers(metavar="ACTION")
    published = kolada.add_parser(
        "import", help="published values (Kolada API v3 JSON) of other municipalities, and rikssnitt (0000)"
    )
    published.add_argument("file")
    published.add_argument(
        "--mapping", help="CSV kpi,questionnaire,question,area (without it only brukarenkat.* KPI ids are understood)"
    )
    published.add_argument("--source", default="Kolada", help="where the figures were published (default Kolada)")
    published.set_defaults(run=cmd_kolada_import)
    out = kolada.add_parser("export", help="every municipality's shown results of a round as Kolada API v3 JSON")
    out.add_argument("--round", required=True)
    out.add_argument("--mapping", help="CSV kpi,questionnaire,question,area: use these KPI ids (others left out)")
    out.add_argument("-o", "--output", help="file to write (default: stdout)")
    out.set_defaults(run=cmd_kolada_export)

    notes = commands.add_parser("notes", help="the analysis text per question in a report").add_subparsers(
        metavar="ACTION"
    )
    note = notes.add_parser("set", help="save the 'Analys, kommentarer och åtgärder' text for a question")
    note.add_argument("--round", required=True)
    note.add_argument("--municipality", required=True)
    note.add_argument("--question", required=True, help="question key, e.g. nojd")
    note.add_argument("--text")
    note.add_argument("--file", help="read the text from a UTF-8 file")
    note.set_defaults(run=cmd_notes_set)

    goals = commands.add_parser("targets", help="måltal per question").add_subparsers(metavar="ACTION")
    goal = goals.add_parser("set", help="set the share of positive answers a municipality aims for")
    goal.add_argument("--municipality", required=True)
    goal.add_argument("--questionnaire", default="ifo")
    goal.add_argument("--question", required=True)
    goal.add_argument("--percent", type=int, required=True)
    goal.set_defaults(run=cmd_targets_set)

    audio = commands.add_parser("audio", help="audio for the read-aloud buttons").add_subparsers(metavar="ACTION")
    drafts = audio.add_parser("generate", help="draft audio of a questionnaire's texts with espeak-ng")
    drafts.add_argument("--questionnaire", required=True, help="questionnaire key, e.g. ifo")
    drafts.add_argument("--version", type=int, help="questionnaire version (default: the newest)")
    drafts.add_argument(
        "--locale", action="append", help="language code, e.g. sv (repeatable; default: every language offered)"
    )
    drafts.add_argument("--out", help="audio folder (default: BRUKARENKAT_AUDIO_DIR, else ./audio)")
    drafts.set_defaults(run=cmd_audio_generate)
    return parser


if __name__ == "__main__":
    sys.exit(main())
