"""Staff accounts: create, sign in (with a lock after repeated failures), load for a request, deactivate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from survey.auth import ROLES_NEEDING_MUNICIPALITY, Passwords, Role, StaffMember, password_problem
from survey.models import Unit, User, UserUnit
from survey.services.errors import InvalidInput, NotFound
from survey.services.units import get_municipality

FAILURES_BEFORE_LOCK = 5
LOCK_MINUTES = 15
"""Five wrong passwords lock the account for a quarter of an hour: slow enough to stop guessing, short enough
that a member of staff who mistyped is not locked out for the day. (The login route also limits per address.)"""


def normalize_email(email: str) -> str:
    return email.strip().lower()


async def create_user(
    session: AsyncSession,
    passwords: Passwords,
    *,
    email: str,
    name: str,
    role: Role | str,
    password: str,
    kommunkod: str | None = None,
    unit_ids: Sequence[int] = (),
) -> User:
    """A new account; every rule a person could break is checked here, so the CLI and the UI agree."""
    email = normalize_email(email)
    if "@" not in email or len(email) > 254 or " " in email:
        raise InvalidInput(f"{email!r} is not an email address")
    try:
        role = Role(role)
    except ValueError:
        raise InvalidInput(f"role must be one of {', '.join(r.value for r in Role)}, got {role!r}") from None
    if role in ROLES_NEEDING_MUNICIPALITY and not kommunkod:
        raise InvalidInput(f"a user with role {role.value} belongs to a municipality: give its kommunkod")
    if role is Role.NATIONAL and kommunkod:
        raise InvalidInput("a national coordinator belongs to no municipality")
    if kommunkod:
        await get_municipality(session, kommunkod)
    if role is not Role.UNIT_STAFF and unit_ids:
        raise InvalidInput("only unit staff are tied to units")
    problem = password_problem(password)
    if problem:
        raise InvalidInput(problem)
    if await session.scalar(select(User.id).where(User.email == email)) is not None:
        raise InvalidInput(f"a user with email {email} exists already")
    user = User(
        email=email,
        name=name.strip() or email,
        role=role.value,
        kommunkod=kommunkod or None,
        password_hash=passwords.hash(password),
        active=True,
        session_epoch=0,
        failed_logins=0,
    )
    session.add(user)
    await session.flush()
    await set_user_units(session, user, unit_ids)
    return user


async def set_user_units(session: AsyncSession, user: User, unit_ids: Sequence[int]) -> None:
    """Tie a member of unit staff to units of their own municipality (and only those)."""
    wanted = set(unit_ids)
    if wanted:
        found = set(await session.scalars(select(Unit.id).where(Unit.id.in_(wanted), Unit.kommunkod == user.kommunkod)))
        if found != wanted:
            raise InvalidInput("a unit given is not one of the user's municipality")
    await session.execute(delete(UserUnit).where(UserUnit.user_id == user.id))
    session.add_all(UserUnit(user_id=user.id, unit_id=unit_id) for unit_id in sorted(wanted))
    await session.flush()


class LoginRefused(Exception):
    """Wrong email or password, or a locked or deactivated account: the page says no more than that."""


async def authenticate(
    session: AsyncSession, passwords: Passwords, *, email: str, password: str, now: dt.datetime
) -> User:
    """The user, when the password is right and the account open; counts failures and locks after too many."""
    user = await session.scalar(select(User).where(User.email == normalize_email(email)))
    correct = passwords.verify(user.password_hash if user else None, password)
    if user is None or not user.active:
        raise LoginRefused
    if user.locked_until is not None and _aware(user.locked_until) > now:
        raise LoginRefused
    if not correct:
        user.failed_logins += 1
        if user.failed_logins >= FAILURES_BEFORE_LOCK:
            user.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
            user.failed_logins = 0
        await session.commit()
        raise LoginRefused
    user.failed_logins = 0
    user.locked_until = None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash(password)
    await session.commit()
    return user


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes for timezone-aware columns; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


async def staff_member(session: AsyncSession, user_id: int, epoch: int) -> StaffMember | None:
    """The signed-in user for a session cookie, or None when deactivated or signed out everywhere since."""
    user = await session.get(User, user_id)
    if user is None or not user.active or user.session_epoch != epoch:
        return None
    unit_ids = frozenset(await session.scalars(select(UserUnit.unit_id).where(UserUnit.user_id == user.id)))
    return StaffMember(
        id=user.id,
        email=user.email,
        name=user.name,
        role=Role(user.role),
        kommunkod=user.kommunkod,
        unit_ids=unit_ids,
    )


async def change_password(
    session: AsyncSession, passwords: Passwords, user_id: int, *, current: str, new: str, repeated: str
) -> User:
    """A new password after the current one; every other session of the account ends (new session epoch)."""
    user = await session.get(User, user_id)
    if user is None or not passwords.verify(user.password_hash, current):
        raise InvalidInput("Det nuvarande lösenordet stämmer inte.")
    if new != repeated:
        raise InvalidInput("De två nya lösenorden är inte lika.")
    problem = password_problem(new)
    if problem:
        raise InvalidInput(problem)
    user.password_hash = passwords.hash(new)
    user.session_epoch += 1
    await session.commit()
    return user


async def end_sessions(session: AsyncSession, user_id: int, epoch: int) -> None:
    """Sign the user out everywhere (logging out): every session cookie signed so far stops working."""
    user = await session.get(User, user_id)
    if user is not None and user.session_epoch == epoch:
        user.session_epoch += 1
        await session.commit()


async def users_of(session: AsyncSession, kommunkod: str | None) -> list[User]:
    """A municipality's users, or (None) the national coordinators and every municipality's admins."""
    query = select(User).order_by(User.kommunkod, User.email)
    if kommunkod is None:
        query = query.where((User.kommunkod.is_(None)) | (User.role == Role.ADMIN.value))
    else:
        query = query.where(User.kommunkod == kommunkod)
    return list(await session.scalars(query))


async def _managed_user(session: AsyncSession, user_id: int, kommunkod: str | None) -> User:
    """A user the acting admin may manage: their municipality's (`kommunkod`), or for a national coordinator
    (None) coordinators and municipality admins; anyone else is as missing as no one."""
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    if kommunkod is None and user.role not in (Role.ADMIN.value, Role.NATIONAL.value):
        raise NotFound(f"no user {user_id}")
    if kommunkod is not None and user.kommunkod != kommunkod:
        raise NotFound(f"no user {user_id}")
    return user


async def deactivate_user(session: AsyncSession, user_id: int, *, kommunkod: str | None) -> User:
    """Close an account and end its sessions; `kommunkod` is the acting admin's (None: national)."""
    user = await _managed_user(session, user_id, kommunkod)
    user.active = False
    user.session_epoch += 1
    await session.flush()
    return user


async def reset_password(
    session: AsyncSession, passwords: Passwords, user_id: int, *, kommunkod: str | None, password: str
) -> User:
    """An admin sets a new first password for someone who forgot theirs: the lock is lifted, sessions end."""
    user = await _managed_user(session, user_id, kommunkod)
    problem = password_problem(password)
    if problem:
        raise InvalidInput(problem)
    user.password_hash = passwords.hash(password)
    user.session_epoch += 1
    user.failed_logins = 0
    user.locked_until = None
    await session.flush()
    return user
