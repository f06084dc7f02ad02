"""`brukarenkat` commands for comparing with others: comparison groups, and Kolada-shaped data imported as
other municipalities' values and rikssnitt."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from questionnaires import load_shipped
from survey.cli_support import read_text, settings_from_env, with_session


def _codes(text: str) -> list[str]:
    """`2085,2080 2029;2062` → the kommunkoder (commas, semicolons or spaces between them)."""
    return text.replace(",", " ").replace(";", " ").split()


def cmd_groups_list(args: argparse.Namespace) -> int:
    from survey.services.groups import list_groups

    groups = with_session(settings_from_env(), list_groups)
    if not groups:
        print("no comparison groups (create one with: brukarenkat groups create NAME --members 2085,2080)")
    for group, members in groups:
        print(f"{group.name}\t{len(members)}\t{','.join(members)}")
        if group.description:
            print(f"\t{group.description}")
    return 0


def cmd_groups_create(args: argparse.Namespace) -> int:
    from survey.services.groups import create_group

    async def work(session: AsyncSession) -> Any:
        return await create_group(
            session, name=args.name, members=_codes(args.members), description=args.description or ""
        )

    group = with_session(settings_from_env(), work)
    print(f"created comparison group {group.name}")
    return 0


def cmd_groups_set(args: argparse.Namespace) -> int:
    from survey.services.groups import set_members

    async def work(session: AsyncSession) -> Any:
        return await set_members(session, args.name, _codes(args.members))

    group = with_session(settings_from_env(), work)
    print(f"comparison group {group.name} now has the members given")
    return 0


def cmd_groups_delete(args: argparse.Namespace) -> int:
    from survey.services.groups import delete_group

    async def work(session: AsyncSession) -> None:
        await delete_group(session, args.name)

    with_session(settings_from_env(), work)
    print(f"deleted comparison group {args.name.strip()}")
    return 0


def cmd_groups_import(args: argparse.Namespace) -> int:
    from survey.services.groups import import_groups

    text = read_text(args.file)

    async def work(session: AsyncSession) -> dict[str, int]:
        return await import_groups(session, text)

    imported = with_session(settings_from_env(), work)
    print(f"imported {len(imported)} comparison group(s); each now has exactly the file's members")
    for name, count in imported.items():
        print(f"  {name}\t{count}")
    return 0


def cmd_kolada_import(args: argparse.Namespace) -> int:
    from survey.services.kolada import import_kolada, read_mapping

    questionnaires = load_shipped()
    text = read_text(args.file)
    mapping = read_mapping(read_text(args.mapping), questionnaires) if args.mapping else {}

    async def work(session: AsyncSession) -> Any:
        return await import_kolada(session, questionnaires, text=text, mapping=mapping, source=args.source)

    imported = with_session(settings_from_env(), work)
    rounds = ", ".join(imported.rounds) or "none"
    print(f"imported {imported.values} values from {args.source.strip()} into rounds: {rounds}")
    print(f"rikssnitt (0000, T): {imported.rikssnitt} values; they replace the computed ones")
    if imported.skipped:
        print(f"skipped {imported.skipped} empty values (Kolada publishes none there)")
    return 0


def cmd_kolada_export(args: argparse.Namespace) -> int:
    import json
    import sys

    from survey.services.kolada import read_mapping
    from survey.services.kolada_export import export_kolada

    questionnaires = load_shipped()
    mapping = read_mapping(read_text(args.mapping), questionnaires) if args.mapping else None

    async def work(session: AsyncSession) -> Any:
        return await export_kolada(session, questionnaires, round_key=args.round, mapping=mapping)

    document = with_session(settings_from_env(), work)
    text = json.dumps(document, ensure_ascii=False, indent=1)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
        print(f"wrote {document['count']} values to {args.output}", file=sys.stderr)
    else:
        print(text)
    return 0
