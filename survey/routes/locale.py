"""Which language a respondent sees: their own choice (a cookie), else their browser's, else the default."""

from __future__ import annotations

from litestar import Request
from litestar.datastructures import Cookie

from survey.config import Settings
from survey.i18n import negotiate
from survey.platform import Platform

LANG_COOKIE = "lang"


def respondent_locale(request: Request, platform: Platform, *, offered: list[str]) -> str:
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in offered:
        return chosen
    return negotiate(request.headers.get("accept-language"), offered, platform.settings.default_locale)


def language_cookie(code: str, token: str, settings: Settings) -> Cookie:
    """The respondent's language, for this link only: the next person on a shared tablet (with a new link)
    does not inherit it, and so cannot see which language the previous one chose."""
    return Cookie(
        key=LANG_COOKIE, value=code, path=f"/s/{token}", httponly=True, samesite="lax", secure=settings.secure_cookies
    )


def cleared_language_cookie(token: str, settings: Settings) -> Cookie:
    """Deletes the language of a link: a kiosk tablet keeps nothing that says what the last person chose."""
    return Cookie(
        key=LANG_COOKIE,
        value="",
        path=f"/s/{token}",
        max_age=0,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )
