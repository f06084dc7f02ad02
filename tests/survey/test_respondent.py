"""The respondent's pages, through the real app and database: the flow, and a clear page for every
link that cannot be answered."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from survey.models import Answer, Response, SurveyRound, TokenBatch
from survey.platform import Platform
from tests.factories import open_round, tokens


async def answer_all(client, token: str, choices: dict[int, str]) -> None:
    for number in range(1, 9):
        reply = await client.post(f"/s/{token}/{number}", data={"answer": choices.get(number, ""), "nav": "next"})
        assert reply.status_code == 303


async def test_a_respondent_answers_reviews_and_submits(client, platform: Platform, session: AsyncSession):
    await open_round(session)
    [token] = await tokens(platform, session, area="missbruk")

    welcome = await client.get(f"/s/{token}")
    assert welcome.status_code == 200
    assert '<html lang="sv" dir="ltr">' in welcome.text
    assert "Vad tycker du om socialtjänsten?" in welcome.text
    assert f'href="/s/{token}/1"' in welcome.text

    first = await client.get(f"/s/{token}/1")
    assert "Fråga 1 av 8" in first.text
    assert first.text.count('type="radio"') == 5
    buttons = re.findall(r'<button type="submit" name="nav" value="(\w+)"', first.text)
    assert buttons == ["next", "back"], "Enter submits with the first button: it must move on, not back"

    await answer_all(client, token, {1: "mycket_latt", 6: "ganska_nojd", 7: "ingen_skillnad", 8: "kvinna"})
    review = await client.get(f"/s/{token}/review")
    chosen = re.findall(r"<strong>(.*?)</strong>", review.text)
    assert chosen == ["Mycket lätt", "Ganska nöjd", "Ingen skillnad", "Kvinna"]
    assert review.text.count("Inget svar") == 4

    submitted = await client.post(f"/s/{token}/submit")
    assert submitted.status_code == 303
    assert submitted.headers["location"] == f"/s/{token}/thanks"
    assert "Tack för dina svar!" in (await client.get(f"/s/{token}/thanks")).text

    response = (await session.scalars(select(Response))).one()
    assert (response.kommunkod, response.area) == ("2085", "missbruk")
    stored = {a.question: a.option for a in await session.scalars(select(Answer))}
    assert stored == {"kontakt": "mycket_latt", "nojd": "ganska_nojd", "forandring": "ingen_skillnad", "kon": "kvinna"}


async def test_back_keeps_the_answer_and_an_answer_can_be_changed_or_cleared(client, platform, session):
    await open_round(session)
    [token] = await tokens(platform, session)
    await client.post(f"/s/{token}/1", data={"answer": "ganska_latt", "nav": "next"})
    back = await client.post(f"/s/{token}/2", data={"answer": "", "nav": "back"})
    assert back.headers["location"] == f"/s/{token}/1"
    page = await client.get(f"/s/{token}/1")
    assert re.search(r'value="ganska_latt"\s+checked', page.text)

    await client.post(f"/s/{token}/1", data={"answer": "", "nav": "next"})
    assert "checked" not in (await client.get(f"/s/{token}/1")).text


async def test_an_unknown_option_is_ignored_and_never_stored(client, platform, session):
    await open_round(session)
    [token] = await tokens(platform, session)
    await client.post(f"/s/{token}/1", data={"answer": "<script>", "nav": "next"})
    await client.post(f"/s/{token}/submit")
    assert list(await session.scalars(select(Answer))) == []
    assert len(list(await session.scalars(select(Response)))) == 1


async def test_a_used_link_shows_already_answered_and_changes_nothing(client, platform, session):
    await open_round(session)
    [token] = await tokens(platform, session)
    await answer_all(client, token, {1: "mycket_latt"})
    assert (await client.post(f"/s/{token}/submit")).status_code == 303

    for reply in (await client.get(f"/s/{token}"), await client.post(f"/s/{token}/submit")):
        assert reply.status_code == 409
        assert "Enkäten är redan besvarad" in reply.text
    assert len(list(await session.scalars(select(Response)))) == 1


async def test_a_tampered_link_gets_a_clear_page_not_a_stack_trace(client, platform, session):
    await open_round(session)
    [token] = await tokens(platform, session)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    for path in (f"/s/{tampered}", f"/s/{tampered}/1", f"/s/{tampered}/review", "/s/nonsense"):
        reply = await client.get(path)
        assert reply.status_code == 400, path
        assert "Länken fungerar inte" in reply.text
        assert "Traceback" not in reply.text
    assert (await client.post(f"/s/{tampered}/submit")).status_code == 400


@pytest.mark.parametrize(
    ("change", "status", "heading"),
    [
        ({"closed": True}, 410, "Enkäten är stängd"),
        ({"period_end": dt.date(2020, 1, 31), "period_start": dt.date(2020, 1, 1)}, 410, "Länken gäller inte längre"),
        ({"period_start": dt.date(2099, 1, 1), "period_end": dt.date(2099, 2, 1)}, 403, "Enkäten har inte öppnat än"),
    ],
)
async def test_closed_expired_and_not_yet_open_rounds_say_so(client, platform, session, change, status, heading):
    await open_round(session)
    [token] = await tokens(platform, session)
    await session.execute(update(SurveyRound).values(**change))
    await session.commit()
    for reply in (await client.get(f"/s/{token}"), await client.post(f"/s/{token}/submit")):
        assert reply.status_code == status
        assert heading in reply.text
    assert list(await session.scalars(select(Response))) == []


async def test_a_voided_batch_no_longer_opens(client, platform, session):
    await open_round(session)
    [token] = await tokens(platform, session)
    await session.execute(update(TokenBatch).values(voided=True))
    await session.commit()
    reply = await client.get(f"/s/{token}")
    assert reply.status_code == 410


async def test_pages_forbid_caching_referrers_and_third_party_requests(client, platform, session):
    await open_round(session)
    [token] = await tokens(platform, session)
    reply = await client.get(f"/s/{token}")
    assert reply.headers["cache-control"] == "no-store"
    assert reply.headers["referrer-policy"] == "no-referrer"
    assert reply.headers["content-security-policy"].startswith("default-src 'self'")
    assert not re.search(r'(src|href)="(https?:)?//', reply.text), "no resource may come from another host"


async def test_answers_in_progress_live_in_a_signed_cookie_scoped_to_the_link(client, platform, session):
    await open_round(session)
    first, second = await tokens(platform, session, count=2)
    reply = await client.post(f"/s/{first}/1", data={"answer": "mycket_latt", "nav": "next"})
    cookie = reply.headers["set-cookie"]
    assert f"Path=/s/{first}" in cookie
    assert "HttpOnly" in cookie
    # The second link on the same device does not see the first link's answers.
    assert "checked" not in (await client.get(f"/s/{second}/1")).text
    # A forged cookie is ignored.
    client.cookies.set("answers", "eyJ0IjoiIn0.forged", path=f"/s/{first}")
    page = await client.get(f"/s/{first}/1")
    assert page.status_code == 200


async def test_unknown_pages_get_a_swedish_not_found_page(client):
    reply = await client.get("/no/such/page")
    assert reply.status_code == 404
    assert "Sidan finns inte" in reply.text


async def test_pages_are_small_and_need_no_script(client, platform, session):
    """A cheap tablet on a weak connection: every page with its stylesheet well under 20 kB, no JavaScript needed
    (read-aloud's script only shows buttons that are rendered hidden)."""
    await open_round(session)
    [token] = await tokens(platform, session)
    stylesheet = await client.get("/static/survey.css")
    assert stylesheet.status_code == 200
    for path in (f"/s/{token}", f"/s/{token}/1", f"/s/{token}/review"):
        page = await client.get(path)
        assert len(page.content) + len(stylesheet.content) < 20_000, path
        assert re.findall(r"<script[^>]*>", page.text) in ([], ['<script src="/static/read-aloud.js" defer>']), path
