"""Why a link cannot be answered: the page that tells a respondent, in their language, and the API's JSON problem."""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response

from survey.platform import Platform
from survey.progress import can_be_cookie_path, cleared_cookie
from survey.routes.kiosk_mode import KioskPage
from survey.routes.locale import cleared_language_cookie, respondent_locale
from survey.services.responses import LinkProblem


def N_(message: str) -> str:
    return message


PROBLEMS: dict[LinkProblem | None, tuple[int, str, str]] = {
    LinkProblem.TAMPERED: (
        400,
        N_("Länken fungerar inte"),
        N_("Länken är inte hel eller har ändrats. Be personalen om en ny länk."),
    ),
    LinkProblem.USED: (
        409,
        N_("Enkäten är redan besvarad"),
        N_("Den här länken har redan använts. Varje länk kan bara användas en gång. Tack för att du har svarat!"),
    ),
    LinkProblem.EXPIRED: (
        410,
        N_("Länken gäller inte längre"),
        N_("Tiden för att svara med den här länken har gått ut."),
    ),
    LinkProblem.CLOSED: (410, N_("Enkäten är stängd"), N_("Det går inte längre att svara på den här enkäten.")),
    LinkProblem.NOT_YET_OPEN: (
        403,
        N_("Enkäten har inte öppnat än"),
        N_("Det går att svara när enkätperioden har börjat."),
    ),
    None: (
        400,
        N_("Svaren kunde inte tas emot"),
        N_("Något i svaren stämde inte, så inget sparades. Be personalen om en ny länk och försök igen."),
    ),
}
"""Status, heading and message per problem; None is answers that the questionnaire does not accept."""


def problem_document(status: int, detail: str, problem: str) -> Response[dict[str, Any]]:
    """The API's error reply: litestar's error shape, with `extra.problem` naming the problem for programs to act
    on (the survey API and the offline kiosk's endpoints alike)."""
    return Response(
        {"status_code": status, "detail": detail, "extra": {"problem": problem}},
        status_code=status,
        media_type=MediaType.JSON,
    )


def link_problem_page(
    request: Request, problem: LinkProblem | None, *, kiosk: KioskPage | None = None, status_code: int | None = None
) -> Response[str]:
    """The page for a link that cannot be answered; any answers in progress for it are deleted.

    For a kiosk token the page also forgets the link's language and goes back to the kiosk's start screen.
    """
    platform: Platform = request.app.state.platform
    locale = respondent_locale(request, platform, offered=list(platform.catalogs.languages))
    gettext = platform.catalogs.messages(locale).gettext
    status, heading, message = PROBLEMS[problem]
    page = platform.pages.render(
        "problem.html", locale=locale, heading=gettext(heading), message=gettext(message), kiosk=kiosk
    )
    token = request.path_params.get("token")
    if not (isinstance(token, str) and can_be_cookie_path(token)):
        token = None  # a made-up address has no cookies of ours to delete
    cookies = [cleared_cookie(token, secure=platform.settings.secure_cookies)] if token else []
    if token and kiosk is not None:
        cookies.append(cleared_language_cookie(token, platform.settings))
    return Response(content=page, media_type=MediaType.HTML, status_code=status_code or status, cookies=cookies)
