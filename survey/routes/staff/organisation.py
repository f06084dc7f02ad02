"""A municipality's units and people: admins manage both; national coordinators create municipality admins."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from questionnaires import Questionnaire
from survey.auth import ROLE_NAMES, Permission, Role, StaffMember
from survey.numbers import whole_numbers
from survey.platform import Platform
from survey.routes.staff.base import STAFF_LOCALE, own_municipality, see_other, staff_page
from survey.services.errors import InvalidInput
from survey.services.participation import units_of
from survey.services.units import create_unit, update_unit
from survey.services.users import create_user, deactivate_user, reset_password, users_of


def _areas(platform: Platform) -> list[tuple[str, Questionnaire]]:
    """Every area key of the shipped questionnaires, with one questionnaire that names it."""
    seen: dict[str, Questionnaire] = {}
    for questionnaire in platform.questionnaires.values():
        for area in questionnaire.areas:
            seen.setdefault(area.key, questionnaire)
    return sorted(seen.items())


@get("/units", opt={"permission": Permission.UNITS_MANAGE})
async def units_page(
    request: Request[Any, Any, Any],
    staff: NamedDependency[StaffMember],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
) -> Response:
    units = await units_of(db_session, own_municipality(staff))
    return staff_page(request, "units.html", units=units, areas=_areas(platform))


@post("/units", opt={"permission": Permission.UNITS_MANAGE})
async def add_unit(
    data: URLEncodedBody[dict[str, str]], staff: NamedDependency[StaffMember], db_session: NamedDependency[AsyncSession]
) -> Redirect:
    name = (data.get("name") or "").strip()
    if not name:
        raise InvalidInput("Ge enheten ett namn.")
    await create_unit(
        db_session,
        kommunkod=own_municipality(staff),
        key=_unit_key(data.get("key") or name),
        name=name,
        area=data.get("area") or None,
    )
    await db_session.commit()
    return see_other("/staff/units")


def _unit_key(text: str) -> str:
    """`HVB Notgårdshemmet` → `hvb_notgardshemmet`: the ASCII key the CLI and exports use."""
    table = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})
    ascii_text = text.strip().lower().translate(table)
    key = "".join(c if c.isascii() and c.isalnum() else "_" for c in ascii_text)
    return "_".join(part for part in key.split("_") if part)[:60] or "enhet"


@post("/units/{unit_id:int}", opt={"permission": Permission.UNITS_MANAGE})
async def edit_unit(
    unit_id: FromPath[int],
    data: URLEncodedBody[dict[str, str]],
    staff: NamedDependency[StaffMember],
    db_session: NamedDependency[AsyncSession],
) -> Redirect:
    await update_unit(
        db_session,
        unit_id,
        kommunkod=own_municipality(staff),
        name=data.get("name") or "",
        area=data.get("area") or None,
    )
    await db_session.commit()
    return see_other("/staff/units")


@get("/users", opt={"permission": Permission.USERS_MANAGE})
async def users_page(
    request: Request[Any, Any, Any],
    staff: NamedDependency[StaffMember],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
) -> Response:
    users = await users_of(db_session, staff.kommunkod)
    units = await units_of(db_session, staff.kommunkod) if staff.kommunkod else []
    gettext = platform.catalogs.staff(STAFF_LOCALE).gettext
    roles = _assignable_roles(staff)
    return staff_page(
        request,
        "users.html",
        users=users,
        units=units,
        roles=[(role.value, gettext(ROLE_NAMES[role])) for role in roles],
        role_names={role.value: gettext(name) for role, name in ROLE_NAMES.items()},
    )


def _assignable_roles(staff: StaffMember) -> list[Role]:
    """An admin staffs their municipality; a national coordinator creates coordinators and municipality admins."""
    if staff.role is Role.NATIONAL:
        return [Role.ADMIN, Role.NATIONAL]
    return [Role.ADMIN, Role.ANALYST, Role.UNIT_STAFF]


@post("/users", opt={"permission": Permission.USERS_MANAGE})
async def add_user(
    request: Request[Any, Any, Any],
    staff: NamedDependency[StaffMember],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
) -> Redirect:
    form = await request.form()
    role = Role(form.get("role")) if form.get("role") in {r.value for r in Role} else None
    if role is None or role not in _assignable_roles(staff):
        raise InvalidInput("Välj en roll.")
    kommunkod = staff.kommunkod if staff.kommunkod else (form.get("kommunkod") or "").strip() or None
    if role is Role.NATIONAL:
        kommunkod = None
    unit_ids = whole_numbers(form.getall("units", []))
    await create_user(
        db_session,
        platform.passwords,
        email=form.get("email") or "",
        name=form.get("name") or "",
        role=role,
        password=form.get("password") or "",
        kommunkod=kommunkod,
        unit_ids=unit_ids if role is Role.UNIT_STAFF else (),
    )
    await db_session.commit()
    return see_other("/staff/users")


@post("/users/{user_id:int}/password", opt={"permission": Permission.USERS_MANAGE})
async def set_password(
    user_id: FromPath[int],
    data: URLEncodedBody[dict[str, str]],
    staff: NamedDependency[StaffMember],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
) -> Redirect:
    await reset_password(
        db_session, platform.passwords, user_id, kommunkod=staff.kommunkod, password=data.get("password") or ""
    )
    await db_session.commit()
    return see_other("/staff/users")


@post("/users/{user_id:int}/deactivate", opt={"permission": Permission.USERS_MANAGE})
async def deactivate(
    user_id: FromPath[int], staff: NamedDependency[StaffMember], db_session: NamedDependency[AsyncSession]
) -> Redirect:
    if user_id == staff.id:
        raise InvalidInput("Du kan inte stänga ditt eget konto.")
    await deactivate_user(db_session, user_id, kommunkod=staff.kommunkod)
    await db_session.commit()
    return see_other("/staff/users")
