"""What every staff route shares: who is signed in, what they may do, CSRF, and the Swedish staff pages.

Access is decided in one guard for the whole staff router: a route declares the permission it needs in its
`opt` (`permission=...`), or `public=True` (the login page); a route that declares neither is refused, so a new
route cannot be forgotten open. Data belonging to a municipality is looked up through services that take the
signed-in member's kommunkod, and answer NotFound for anyone else's (tests/survey/test_staff_isolation.py).
"""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response
from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.response import Redirect
from litestar.utils.scope.state import ScopeState

from survey.auth import ROLE_NAMES, SESSION_COOKIE, STAFF_PATH, Permission, StaffMember
from survey.config import Settings
from survey.platform import Platform
from survey.services.errors import InvalidInput, NotFound
from survey.services.users import staff_member

CSRF_COOKIE = "brukarenkat_csrf"
STAFF_LOCALE = "sv"
"""The staff UI speaks Swedish (through gettext, so a translation can follow)."""


def staff_cookies_cleared(settings: Settings) -> list[Cookie]:
    """Cookies that sign a browser out of the staff UI, sent from any path (a cookie's Path scopes where it is
    sent, not who may overwrite it): a tablet turned into a kiosk must not stay signed in as the staff member
    who set it up."""
    return [
        Cookie(
            key=name,
            value="",
            path=STAFF_PATH,
            max_age=0,
            httponly=True,
            samesite="strict",
            secure=settings.secure_cookies,
        )
        for name in (SESSION_COOKIE, CSRF_COOKIE)
    ]


def csrf_middleware(settings: Settings) -> DefineMiddleware:
    """Double-submit CSRF tokens (signed with the secret key) on every staff form, the login form included.

    Scoped to the staff path: respondent forms are authorised by the token in their URL, which a forging
    site cannot know, and a shared tablet should not carry one more cookie.
    """
    config = CSRFConfig(
        secret=settings.secret_key,
        cookie_name=CSRF_COOKIE,
        cookie_path=STAFF_PATH,
        cookie_secure=settings.secure_cookies,
        cookie_samesite="strict",
        cookie_httponly=True,
    )
    return DefineMiddleware(CSRFMiddleware, config=config)


async def staff_guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Sign-in and permission for every staff route; the member is left in `connection.state.staff`."""
    if handler.opt.get("public"):
        return
    permission = handler.opt.get("permission")
    if not isinstance(permission, Permission):
        raise PermissionDeniedException("staff route without a declared permission")
    platform: Platform = connection.app.state.platform
    ids = platform.staff_sessions.read(connection.cookies.get(SESSION_COOKIE))
    member = None
    if ids is not None:
        async with platform.sessions() as session:
            member = await staff_member(session, *ids)
    if member is None:
        raise NotAuthorizedException("not signed in")
    if not member.may(permission):
        raise PermissionDeniedException(f"{member.role.value} may not {permission.value}")
    connection.state.staff = member


def current_staff(request: Request[Any, Any, Any]) -> StaffMember:
    """The member the guard let in (a dependency for the handlers)."""
    return request.state.staff


def own_municipality(staff: StaffMember) -> str:
    """The member's kommunkod, for pages of one municipality; a national coordinator has none, so 404."""
    if staff.kommunkod is None:
        raise NotFound("a page of one municipality: national coordinators see the national overview")
    return staff.kommunkod


def csrf_token(request: Request[Any, Any, Any]) -> str:
    return ScopeState.from_scope(request.scope).csrf_token or ""


def staff_page(request: Request[Any, Any, Any], template: str, *, status_code: int = 200, **context: Any) -> Response:
    """A staff page: the member, their menu and the CSRF token come with every template."""
    platform: Platform = request.app.state.platform
    member = getattr(request.state, "staff", None)
    gettext = platform.catalogs.staff(STAFF_LOCALE).gettext
    page = platform.pages.render(
        f"staff/{template}",
        locale=STAFF_LOCALE,
        staff=member,
        role_name=gettext(ROLE_NAMES[member.role]) if member else "",
        csrf_token=csrf_token(request),
        path=request.url.path,
        Permission=Permission,
        **context,
    )
    return Response(page, media_type=MediaType.HTML, status_code=status_code)


def see_other(path: str, **query: str) -> Redirect:
    """After a form: back to a page (Post/Redirect/Get), so reload never repeats the action."""
    return Redirect(path, status_code=303, query_params=query or None)


def _gettext(request: Request[Any, Any, Any]):  # type: ignore[no-untyped-def]
    platform: Platform = request.app.state.platform
    return platform.catalogs.staff(STAFF_LOCALE).gettext


def not_signed_in(request: Request[Any, Any, Any], _: NotAuthorizedException) -> Response:
    if request.method == "GET":
        return Redirect(f"{STAFF_PATH}/login", status_code=303, query_params={"next": request.url.path})
    return Redirect(f"{STAFF_PATH}/login", status_code=303)


def forbidden(request: Request[Any, Any, Any], error: PermissionDeniedException) -> Response:
    _ = _gettext(request)
    heading = _("Formuläret har gått ut") if "CSRF" in str(error.detail) else _("Du har inte behörighet")
    message = (
        _("Ladda om sidan och försök igen.")
        if "CSRF" in str(error.detail)
        else _("Din roll ger inte tillgång till den här sidan.")
    )
    return staff_page(request, "problem.html", status_code=403, heading=heading, message=message)


def not_found(request: Request[Any, Any, Any], _error: NotFound) -> Response:
    _ = _gettext(request)
    return staff_page(request, "problem.html", status_code=404, heading=_("Finns inte"), message="")


def invalid_input(request: Request[Any, Any, Any], error: InvalidInput) -> Response:
    """A form a person can correct: say what was wrong, keep them on the staff site."""
    _ = _gettext(request)
    return staff_page(
        request, "problem.html", status_code=400, heading=_("Det gick inte att spara"), message=_(str(error))
    )


STAFF_EXCEPTION_HANDLERS = {
    NotAuthorizedException: not_signed_in,
    PermissionDeniedException: forbidden,
    NotFound: not_found,
    InvalidInput: invalid_input,
}
