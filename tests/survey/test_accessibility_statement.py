"""The accessibility statement (tillgänglighetsredogörelse, DOS-lagen): what it says, where every respondent page
links to it, and that following the link neither leaves a survey nor takes a kiosk tablet off its kiosk."""

from __future__ import annotations

import dataclasses
import re

import pytest
from litestar.testing import AsyncTestClient

from survey.app import create_app
from survey.config import Settings
from survey.routes.statement import contact_link
from tests.factories import open_round, tokens
from tests.survey.test_kiosk import kiosk_link, start

HEADING = "<h1>Tillgänglighetsredogörelse</h1>"


def footer_link(html: str) -> str | None:
    found = re.search(r'<footer class="foot">\s*<a href="([^"]+)">[^<]+</a>', html)
    return found.group(1).replace("&amp;", "&") if found else None


async def test_the_statement_follows_digg_model_and_says_whom_to_tell(client):
    page = await client.get("/tillganglighet")
    assert page.status_code == 200
    assert HEADING in page.text
    for section in ("Hur tillgänglig är tjänsten?", "Kända brister", "Rapportera brister", "Tillsynsmyndighet"):
        assert section in page.text
    assert "maskinöversatta" in page.text and "datorröst" in page.text, "known shortcomings are listed"
    assert "Myndigheten för digital förvaltning (Digg)" in page.text and "www.digg.se" in page.text
    assert "personalen som gav dig länken" in page.text, "without a contact set, the staff are who to tell"
    assert '<a class="button" href="/">' in page.text
    assert footer_link(page.text) is None, "the statement does not link to itself"


@pytest.mark.parametrize(
    ("contact", "href"),
    [
        ("tillganglighet@ludvika.se", "mailto:tillganglighet@ludvika.se"),
        ("https://www.ludvika.se/tillganglighet", "https://www.ludvika.se/tillganglighet"),
        ("Ring kommunens kontaktcenter", None),
    ],
)
async def test_the_operators_contact_is_shown_and_linked(settings: Settings, contact: str, href: str | None):
    assert contact_link(contact) == href
    configured = dataclasses.replace(settings, accessibility_contact=contact)
    async with AsyncTestClient(app=create_app(configured)) as client:
        page = await client.get("/tillganglighet")
    assert "kontakta oss:" in page.text and contact in page.text
    if href:
        assert f'<a href="{href}" dir="ltr">{contact}</a>' in page.text
    else:
        assert f'<span dir="ltr">{contact}</span>' in page.text


async def test_every_respondent_page_links_to_it_in_its_language(client, platform, session):
    await open_round(session)
    [token] = await tokens(platform, session)
    for path in ("/", "/kod"):
        assert footer_link((await client.get(path)).text) == "/tillganglighet?lang=sv"
    assert footer_link((await client.get(f"/s/{token}", headers={"accept-language": "en"})).text) == (
        f"/s/{token}/tillganglighet"
    )
    assert footer_link((await client.get(f"/s/{token}/3")).text) == f"/s/{token}/tillganglighet?fran=3"
    assert footer_link((await client.get(f"/s/{token}/review")).text) == f"/s/{token}/tillganglighet?fran=granska"
    english = await client.get("/tillganglighet?lang=en")
    assert '<html lang="en" dir="ltr">' in english.text
    assert (await client.get("/tillganglighet?lang=xx")).status_code == 200, "an unknown language is ignored"

    await client.post(f"/s/{token}/submit")
    thanks = await client.get(f"/s/{token}/thanks")
    assert footer_link(thanks.text) == "/tillganglighet?lang=sv"
    used = await client.get(f"/s/{token}")
    assert used.status_code == 409 and footer_link(used.text) == "/tillganglighet?lang=sv"


async def test_within_a_survey_it_speaks_its_language_and_leads_back_to_the_question(client, platform, session):
    await open_round(session)
    [token] = await tokens(platform, session)
    await client.get(f"/s/{token}?lang=en")
    page = await client.get(f"/s/{token}/tillganglighet?fran=3")
    assert page.status_code == 200
    assert '<html lang="en" dir="ltr">' in page.text
    assert f'<a class="button" href="/s/{token}/3">' in page.text
    welcome = f"/s/{token}"
    for fran, back in (("granska", f"/s/{token}/review"), ("99", welcome), ("/evil", welcome), ("²", welcome)):
        reply = await client.get(f"/s/{token}/tillganglighet", params={"fran": fran})
        assert f'<a class="button" href="{back}">' in reply.text
    assert "kiosk.js" not in page.text


async def test_on_a_kiosk_it_stays_in_kiosk_mode_and_links_nowhere_else(settings, platform, session):
    configured = dataclasses.replace(settings, accessibility_contact="tillganglighet@ludvika.se")
    async with AsyncTestClient(app=create_app(configured), base_url="http://testserver.local") as client:
        client.follow_redirects = False
        path, _ = await kiosk_link(platform, session)
        start_screen = await client.get(f"{path}?area=vardnadshavare")
        statement = footer_link(start_screen.text)
        assert statement == f"{path}/tillganglighet?area=vardnadshavare"
        from_start = await client.get(statement)
        assert from_start.status_code == 200 and HEADING in from_start.text
        assert f'<a class="button" href="{path}?area=vardnadshavare">' in from_start.text

        token = await start(client, path)
        welcome = await client.get(f"/s/{token}")
        assert footer_link(welcome.text) == f"/s/{token}/tillganglighet"
        within = await client.get(f"/s/{token}/tillganglighet?fran=2")
        assert 'data-kiosk="survey"' in within.text, "the idle timer goes on: a walked-away tablet is wiped"
        assert "data-kiosk-abandon" in within.text
        assert "mailto:" not in within.text and '<span dir="ltr">tillganglighet@ludvika.se</span>' in within.text

        await client.post(f"/s/{token}/submit")
        thanks = await client.get(f"/s/{token}/thanks")
        assert footer_link(thanks.text) is None, "no link off the kiosk from a page that returns to the start"
        choose = await client.get(path)
        assert footer_link(choose.text) is None


async def test_a_used_link_does_not_open_the_statement_within_it(client, platform, session):
    await open_round(session)
    [token] = await tokens(platform, session)
    await client.post(f"/s/{token}/submit")
    assert (await client.get(f"/s/{token}/tillganglighet")).status_code == 409
