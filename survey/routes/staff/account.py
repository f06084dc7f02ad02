"""Signing in and out, and the start page that leads each role to its work."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from survey.auth import SESSION_COOKIE, SESSION_SECONDS, STAFF_PATH, Permission, StaffMember
from survey.platform import Platform
from survey.routes.staff.base import staff_page
from survey.services.rounds import list_rounds
from survey.services.users import LoginRefused, authenticate, change_password, end_sessions

LOGIN_RATE = RateLimitConfig(rate_limit=("minute", 20), set_rate_limit_headers=False, store="staff_logins")
"""Per client address, on top of the per-account lock in services/users.py: stops one machine trying many
accounts. In memory per worker, which is enough for that; the account lock is in the database."""


def _session_cookie(platform: Platform, value: str, *, max_age: int) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=value,
        path=STAFF_PATH,
        httponly=True,
        samesite="strict",
        secure=platform.settings.secure_cookies,
        max_age=max_age,
    )


def _safe_next(target: str | None) -> str:
    """Only a path of the staff site: never an open redirect to another host."""
    if target and target.startswith(f"{STAFF_PATH}/") and not target.startswith("//") and "\\" not in target:
        return target
    return f"{STAFF_PATH}/"


@get("/login", opt={"public": True})
async def login_page(request: Request[Any, Any, Any], next: FromQuery[str | None] = None) -> Response:
    return staff_page(request, "login.html", next=_safe_next(next), failed=False)


@post("/login", opt={"public": True}, middleware=[LOGIN_RATE.middleware])
async def login(
    request: Request[Any, Any, Any],
    data: URLEncodedBody[dict[str, str]],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
) -> Response:
    try:
        user = await authenticate(
            db_session,
            platform.passwords,
            email=data.get("email", ""),
            password=data.get("password", ""),
            now=dt.datetime.now(dt.UTC),
        )
    except LoginRefused:
        return staff_page(
            request,
            "login.html",
            status_code=401,
            next=_safe_next(data.get("next")),
            failed=True,
            email=data.get("email", ""),
        )
    cookie = _session_cookie(
        platform, platform.staff_sessions.sign(user.id, user.session_epoch), max_age=SESSION_SECONDS
    )
    return Redirect(_safe_next(data.get("next")), status_code=303, cookies=[cookie])


@post("/logout", opt={"public": True})
async def logout(
    request: Request[Any, Any, Any], platform: NamedDependency[Platform], db_session: NamedDependency[AsyncSession]
) -> Redirect:
    """End the session on the server too: a copy of the cookie (a shared office computer) stops working."""
    ids = platform.staff_sessions.read(request.cookies.get(SESSION_COOKIE))
    if ids is not None:
        await end_sessions(db_session, *ids)
    return Redirect(f"{STAFF_PATH}/login", status_code=303, cookies=[_session_cookie(platform, "", max_age=0)])


@get("/password", opt={"permission": Permission.OWN_ACCOUNT})
async def password_page(request: Request[Any, Any, Any]) -> Response:
    return staff_page(request, "password.html", changed=request.query_params.get("changed") == "1")


@post("/password", opt={"permission": Permission.OWN_ACCOUNT}, middleware=[LOGIN_RATE.middleware])
async def change_own_password(
    data: URLEncodedBody[dict[str, str]],
    staff: NamedDependency[StaffMember],
    platform: NamedDependency[Platform],
    db_session: NamedDependency[AsyncSession],
) -> Redirect:
    """Rate-limited like the login: the current password is asked for, so this form could be used to guess it."""
    user = await change_password(
        db_session,
        platform.passwords,
        staff.id,
        current=data.get("current", ""),
        new=data.get("new", ""),
        repeated=data.get("repeated", ""),
    )
    cookie = _session_cookie(
        platform, platform.staff_sessions.sign(user.id, user.session_epoch), max_age=SESSION_SECONDS
    )
    return Redirect(f"{STAFF_PATH}/password", status_code=303, query_params={"changed": "1"}, cookies=[cookie])


@get("/", opt={"permission": Permission.ROUNDS_VIEW})
async def start(
    request: Request[Any, Any, Any], staff: NamedDependency[StaffMember], db_session: NamedDependency[AsyncSession]
) -> Response:
    rounds = await list_rounds(db_session)
    return staff_page(request, "start.html", rounds=rounds)
