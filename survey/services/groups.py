"""Comparison groups: named sets of municipalities a municipality is compared with besides the whole country.

Groups are data, not code: SKR's kommungruppsindelning, a regional network ("Dalanätverket") or "Liknande
kommuner" are kept up to date by a national coordinator, by hand or from a CSV file. One group is built in:
`lan`, the focus municipality's län, taken from the municipality register.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from survey.models import ComparisonGroup, ComparisonGroupMember, Municipality
from survey.services.errors import InvalidInput, NotFound
from survey.services.imports import ImportRejected, read_table

LAN = "lan"
"""The group spec meaning "the focus municipality's län"; no named group may be called so."""
RESERVED_NAMES = frozenset({LAN, "län"})
NAME_LENGTH = 100


@dataclass(frozen=True, slots=True)
class ResolvedGroup:
    """A group as a comparison uses it: the spec it was chosen by, what to call it, and its kommunkoder."""

    key: str
    label: str
    members: frozenset[str]


def normalise_kommunkod(text: str) -> str:
    """A kommunkod as typed or saved by a spreadsheet: `180` (Excel drops the leading zero) is Stockholm, 0180."""
    code = text.strip()
    return code.zfill(4) if code.isdigit() and len(code) == 3 else code


def _name_problem(name: str) -> str | None:
    if not name:
        return "a group needs a name"
    if len(name) > NAME_LENGTH:
        return f"group name {name[:20]!r}… is longer than {NAME_LENGTH} characters"
    if name.lower() in RESERVED_NAMES:
        return f"{name!r} is reserved for the focus municipality's län: choose another group name"
    return None


def _check_name(name: str) -> str:
    name = name.strip()
    problem = _name_problem(name)
    if problem:
        raise InvalidInput(problem)
    return name


async def _known(session: AsyncSession) -> set[str]:
    return set(await session.scalars(select(Municipality.kommunkod)))


async def _check_members(session: AsyncSession, members: Iterable[str]) -> list[str]:
    """The members as sorted, distinct kommunkoder; every unknown one is named in the error."""
    codes = sorted({normalise_kommunkod(code) for code in members if code.strip()})
    if not codes:
        raise InvalidInput("a group needs at least one municipality (kommunkoder such as 2085, 2080)")
    known = await _known(session)
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise InvalidInput(f"not a kommunkod (four digits, e.g. 2085): {', '.join(unknown)}")
    return codes


async def _get(session: AsyncSession, name: str) -> ComparisonGroup:
    group = await session.scalar(select(ComparisonGroup).where(ComparisonGroup.name == name.strip()))
    if group is None:
        raise NotFound(f"no comparison group {name.strip()!r}")
    return group


async def _replace_members(session: AsyncSession, group_id: int, codes: Iterable[str]) -> None:
    await session.execute(delete(ComparisonGroupMember).where(ComparisonGroupMember.group_id == group_id))
    rows = [{"group_id": group_id, "kommunkod": code} for code in codes]
    if rows:
        await session.execute(insert(ComparisonGroupMember), rows)


async def create_group(
    session: AsyncSession, *, name: str, members: Sequence[str], description: str = ""
) -> ComparisonGroup:
    name = _check_name(name)
    codes = await _check_members(session, members)
    if await session.scalar(select(ComparisonGroup.id).where(ComparisonGroup.name == name)) is not None:
        raise InvalidInput(f"a comparison group {name!r} exists already")
    group = ComparisonGroup(name=name, description=description.strip())
    session.add(group)
    await session.flush()
    await _replace_members(session, group.id, codes)
    return group


async def set_members(session: AsyncSession, name: str, members: Sequence[str]) -> ComparisonGroup:
    """Give an existing group exactly these members."""
    group = await _get(session, name)
    codes = await _check_members(session, members)
    await _replace_members(session, group.id, codes)
    return group


async def delete_group(session: AsyncSession, name: str) -> None:
    group = await _get(session, name)
    await session.execute(delete(ComparisonGroupMember).where(ComparisonGroupMember.group_id == group.id))
    await session.delete(group)
    await session.flush()


async def list_groups(session: AsyncSession) -> list[tuple[ComparisonGroup, list[str]]]:
    """Every group by name, each with its kommunkoder in order."""
    groups = list(await session.scalars(select(ComparisonGroup).order_by(ComparisonGroup.name)))
    members: dict[int, list[str]] = {group.id: [] for group in groups}
    rows = await session.execute(
        select(ComparisonGroupMember.group_id, ComparisonGroupMember.kommunkod).order_by(
            ComparisonGroupMember.kommunkod
        )
    )
    for group_id, kommunkod in rows.all():
        members[group_id].append(kommunkod)
    return [(group, members[group.id]) for group in groups]


async def import_groups(session: AsyncSession, text: str) -> dict[str, int]:
    """Groups from a `kommunkod,group` CSV (comma, semicolon or tab; other columns are ignored, so SKR's
    kommungruppsindelning saved from Excel works once its two columns are named so). All rows or none.

    Each group the file names gets exactly the file's members, created when missing; other groups stay as they
    are. Returns the number of members per group."""
    header, rows = read_table(text)
    columns = {name.lower(): name for name in header}
    problems = [f"line 1: missing column {name!r}" for name in ("kommunkod", "group") if name not in columns]
    if problems:
        raise ImportRejected(problems)
    known = await _known(session)
    groups: dict[str, set[str]] = {}
    for line, row in rows:
        if "__extra__" in row:
            problems.append(f"line {line}: more values than columns")
            continue
        raw_code = row.get(columns["kommunkod"], "")
        code = normalise_kommunkod(raw_code)
        name = row.get(columns["group"], "")
        row_problems = []
        if code not in known:
            row_problems.append(f"{raw_code!r} is not a kommunkod (four digits, e.g. 2085)")
        name_problem = _name_problem(name)
        if name_problem:
            row_problems.append(name_problem)
        problems += [f"line {line}: {problem}" for problem in row_problems]
        if not row_problems:
            groups.setdefault(name, set()).add(code)
    if problems:
        raise ImportRejected(problems)
    existing = {
        g.name: g for g in await session.scalars(select(ComparisonGroup).where(ComparisonGroup.name.in_(groups)))
    }
    for name, codes in groups.items():
        group = existing.get(name)
        if group is None:
            group = ComparisonGroup(name=name, description="")
            session.add(group)
            await session.flush()
        await _replace_members(session, group.id, sorted(codes))
    return {name: len(codes) for name, codes in sorted(groups.items())}


async def resolve_group(session: AsyncSession, spec: str | None, focus: str | None) -> ResolvedGroup | None:
    """The group a comparison highlights: None for none, `lan` for the focus municipality's län (which needs a
    focus), otherwise a named group."""
    if spec is None or not spec.strip():
        return None
    spec = spec.strip()
    if spec.lower() in RESERVED_NAMES:
        if not focus:
            raise InvalidInput("the län group needs a municipality in focus (a kommunkod, e.g. 2085)")
        municipality = await session.get(Municipality, focus)
        if municipality is None:
            raise InvalidInput(f"{focus!r} is not a kommunkod (four digits, e.g. 2085)")
        members = await session.scalars(
            select(Municipality.kommunkod).where(Municipality.lan_code == municipality.lan_code)
        )
        return ResolvedGroup(key=LAN, label=municipality.lan_name, members=frozenset(members))
    group = await _get(session, spec)
    members = await session.scalars(
        select(ComparisonGroupMember.kommunkod).where(ComparisonGroupMember.group_id == group.id)
    )
    return ResolvedGroup(key=group.name, label=group.name, members=frozenset(members))
