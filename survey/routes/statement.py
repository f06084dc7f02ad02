"""The accessibility statement (tillgänglighetsredogörelse) that DOS-lagen requires, after DIGG's model.

The footer of every respondent page links to it (base.html). It is served in three places, so that following the
link never takes a respondent out of where they are:

- `/tillganglighet`: from the home page, the code page, a problem page or the thank-you page;
- `/s/<token>/tillganglighet`: from within a survey, in the survey's language and, on a kiosk tablet, under the
  kiosk's idle timer, with a link back to the question the respondent came from (survey/routes/respondent.py);
- `/kiosk/<link>/tillganglighet`: from a kiosk's start screen, with a link back to it (survey/routes/kiosk.py).

Neither the token nor the kiosk link ever goes into a query string, where a proxy's access log would keep it.
"""

from __future__ import annotations

from litestar import MediaType, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromQuery

from survey.platform import Platform
from survey.routes.kiosk_mode import KioskPage
from survey.routes.locale import respondent_locale

STATEMENT = "tillganglighet"
"""Its path segment in all three places (ASCII Swedish, like `/kod`)."""


def contact_link(contact: str) -> str | None:
    """A link for the operator's accessibility contact: a web address as it is, an email address as mailto:."""
    contact = contact.strip()
    if contact.startswith(("https://", "http://")):
        return contact
    if "@" in contact and not any(c.isspace() for c in contact) and ":" not in contact:
        return f"mailto:{contact}"
    return None


def statement_page(
    platform: Platform, locale: str, *, back: str, back_home: bool = False, kiosk: KioskPage | None = None
) -> Response[str]:
    """The statement in `locale`, with a link `back` to the page it was opened from.

    On a kiosk tablet the contact is shown as text only: a link to an email program or another site would take
    the tablet out of the kiosk, where its idle timer no longer protects the survey underneath.
    """
    contact = platform.settings.accessibility_contact.strip()
    on_kiosk = kiosk is not None
    page = platform.pages.render(
        "accessibility.html",
        locale=locale,
        contact=contact,
        contact_href=None if on_kiosk else contact_link(contact),
        back=back,
        back_home=back_home,
        kiosk=kiosk,
    )
    return Response(content=page, media_type=MediaType.HTML)


@get(f"/{STATEMENT}", sync_to_thread=False)
def accessibility_statement(
    request: Request, platform: NamedDependency[Platform], lang: FromQuery[str | None] = None
) -> Response[str]:
    """In the language of the page that links here (`?lang=`), else as the home page chooses."""
    offered = list(platform.catalogs.languages)
    locale = lang if lang in offered else respondent_locale(request, platform, offered=offered)
    return statement_page(platform, locale, back="/", back_home=True)
