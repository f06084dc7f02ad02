"""Kiosk mode, through the real app and database: a signed, revocable link mints a fresh token per respondent,
and nothing of one respondent stays reachable for the next (DESIGN.md §4)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from survey.models import BatchDay, Kiosk, RedeemedToken, RoundUnit, SurveyRound, TokenBatch, Unit
from survey.platform import Platform
from survey.services.errors import InvalidInput, NotFound
from survey.services.kiosks import create_kiosk, kiosks_of, mint_kiosk_token, revoke_kiosk
from survey.services.rounds import swedish_today
from tests.factories import add_unit, add_user, open_round, sign_in, tokens

ROUND = "ifo-2026"


async def kiosk_link(
    platform: Platform, session: AsyncSession, *, area: str | None = None, idle_seconds: int = 120, key: str = "ekb"
) -> tuple[str, Kiosk]:
    """A unit of Ludvika taking part in an open round, with a kiosk; the kiosk's signed start path."""
    survey_round = await session.scalar(select(SurveyRound).where(SurveyRound.key == ROUND))
    if survey_round is None:
        survey_round = await open_round(session, ROUND)
    unit = await add_unit(session, key=key, name="Ekonomiskt bistånd")
    unit.area = area
    session.add(RoundUnit(round_id=survey_round.id, unit_id=unit.id))
    await session.commit()
    kiosk = await create_kiosk(
        session,
        round_key=ROUND,
        kommunkod="2085",
        unit_id=unit.id,
        name="Väntrummet",
        idle_seconds=idle_seconds,
        today=swedish_today(),
    )
    await session.commit()
    return f"/kiosk/{platform.kiosk_links.sign(kiosk.id)}", kiosk


async def start(client, path: str, area: str | None = "vardnadshavare") -> str:
    """Press "Börja": the new token the kiosk redirects to."""
    reply = await client.post(f"{path}/start", data={"area": area} if area else {})
    assert reply.status_code == 303, reply.text
    match = re.fullmatch(r"/s/([^/]+)", reply.headers["location"])
    assert match, reply.headers["location"]
    return match.group(1)


async def kiosk_batches(session: AsyncSession) -> list[TokenBatch]:
    statement = select(TokenBatch).where(TokenBatch.kind == "kiosk").order_by(TokenBatch.area)
    return list(await session.scalars(statement.execution_options(populate_existing=True)))


def set_cookies(reply) -> list[str]:
    return reply.headers.get_list("set-cookie")


def cleared(reply, name: str, token: str) -> bool:
    return any(c.startswith(f"{name}=") and f"Path=/s/{token}" in c and "Max-Age=0" in c for c in set_cookies(reply))


async def test_a_start_mints_a_fresh_token_each_time(client, platform, session):
    path, kiosk = await kiosk_link(platform, session)

    chooser = await client.get(path)
    assert chooser.status_code == 200
    assert "Välj område" in chooser.text
    assert f'href="{path}?area=vardnadshavare"' in chooser.text
    assert "Missbruks- och beroendevård" in chooser.text

    welcome = await client.get(f"{path}?area=vardnadshavare")
    assert welcome.status_code == 200
    assert "Välkommen!" in welcome.text
    assert "Du är anonym" in welcome.text
    assert re.search(r'<button type="submit" class="button primary big">\s*Börja', welcome.text)
    assert f'href="{path}">Byt område' in welcome.text
    assert 'name="area" value="vardnadshavare"' in welcome.text

    first, second = await start(client, path), await start(client, path)
    assert first != second
    claims = platform.minter.verify(first)
    assert claims is not None and (claims.area, claims.unit_id) == ("vardnadshavare", kiosk.unit_id)
    [batch] = await kiosk_batches(session)
    assert (batch.kiosk_id, batch.unit_id, batch.size, batch.handed_out) == (kiosk.id, kiosk.unit_id, 2, 2)

    await start(client, path, "missbruk")
    batches = await kiosk_batches(session)
    assert [(b.area, b.size, b.handed_out) for b in batches] == [("missbruk", 1, 1), ("vardnadshavare", 2, 2)]

    survey = await client.get(f"/s/{first}")
    assert survey.status_code == 200
    assert '<script src="/static/kiosk.js" defer></script>' in survey.text
    assert f'data-kiosk-start="{path}?area=vardnadshavare"' in survey.text
    assert 'data-kiosk-idle="120"' in survey.text
    assert f'action="/s/{first}/abandon"' in survey.text
    assert "Jag är inte klar" in survey.text
    assert 'role="alertdialog"' in survey.text


async def test_a_unit_with_its_own_area_skips_the_choice(client, platform, session):
    path, _ = await kiosk_link(platform, session, area="ensamkommande")
    welcome = await client.get(f"{path}?area=missbruk")  # the unit's area wins over a stale or made-up one
    assert welcome.status_code == 200
    assert "Välkommen!" in welcome.text
    assert "Byt område" not in welcome.text
    assert 'value="ensamkommande"' in welcome.text

    token = await start(client, path, area=None)
    assert platform.minter.verify(token).area == "ensamkommande"
    assert (await client.post(f"{path}/start", data={"area": "missbruk"})).status_code == 400
    survey = await client.get(f"/s/{token}")
    assert f'data-kiosk-start="{path}"' in survey.text, "no ?area= for a unit with its own"


async def test_an_area_not_of_the_questionnaire_is_refused(client, platform, session):
    path, kiosk = await kiosk_link(platform, session)
    refused = await client.post(f"{path}/start", data={"area": "nonsense"})
    assert refused.status_code == 400
    assert "Området finns inte i enkäten" in refused.text
    assert f'href="{path}"' in refused.text
    assert (await client.post(f"{path}/start", data={})).status_code == 400
    assert "Välj område" in (await client.get(f"{path}?area=nonsense")).text
    assert await kiosk_batches(session) == []
    with pytest.raises(InvalidInput):
        await mint_kiosk_token(
            session, platform.minter, kiosk, "nonsense", questionnaires=platform.questionnaires, today=swedish_today()
        )


async def test_a_revoked_kiosk_is_refused(client, platform, session):
    path, kiosk = await kiosk_link(platform, session)
    await revoke_kiosk(session, kiosk.id, kommunkod="2085")
    await session.commit()
    for reply in (
        await client.get(f"{path}?area=missbruk"),
        await client.post(f"{path}/start", data={"area": "missbruk"}),
    ):
        assert reply.status_code == 410
        assert "Kiosken är avstängd" in reply.text
        assert "kiosk.js" not in reply.text
    assert await kiosk_batches(session) == []


async def test_a_tampered_or_unknown_kiosk_link_is_refused(client, platform, session):
    path, _ = await kiosk_link(platform, session)
    head, signature = path.rsplit(".", 1)
    tampered = f"{head}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"
    for link in (tampered, "/kiosk/nonsense", f"/kiosk/{platform.kiosk_links.sign(9999)}"):
        reply = await client.get(link)
        assert reply.status_code == 404, link
        assert "Kiosklänken fungerar inte" in reply.text
        assert (await client.post(f"{link}/start", data={"area": "missbruk"})).status_code == 404
    # A survey token is signed for another purpose and is no kiosk link.
    [token] = await tokens(platform, session)
    assert (await client.get(f"/kiosk/{token}")).status_code == 404


@pytest.mark.parametrize(
    ("change", "status", "heading"),
    [
        ({"closed": True}, 410, "Enkäten är stängd"),
        ({"period_end": swedish_today().replace(year=2020), "period_start": swedish_today().replace(year=2019)}, 410,
         "Enkätperioden är slut"),
        ({"period_start": swedish_today().replace(year=2099), "period_end": swedish_today().replace(year=2100)}, 403,
         "Enkäten har inte öppnat än"),
    ],
)  # fmt: skip
async def test_a_kiosk_of_a_closed_round_is_refused(client, platform, session, change, status, heading):
    path, _ = await kiosk_link(platform, session)
    await session.execute(update(SurveyRound).values(**change))
    await session.commit()
    for reply in (
        await client.get(f"{path}?area=missbruk"),
        await client.post(f"{path}/start", data={"area": "missbruk"}),
    ):
        assert reply.status_code == status
        assert heading in reply.text
    assert await kiosk_batches(session) == []


async def test_abandon_burns_the_token_and_clears_its_cookies(client, platform, session):
    path, _ = await kiosk_link(platform, session)
    token = await start(client, path)
    assert (await client.get(f"/s/{token}?lang=sv")).status_code == 303
    await client.post(f"/s/{token}/1", data={"answer": "mycket_latt", "nav": "next"})
    assert "checked" in (await client.get(f"/s/{token}/1")).text

    reply = await client.post(f"/s/{token}/abandon")
    assert reply.status_code == 303
    assert reply.headers["location"] == f"{path}?area=vardnadshavare"
    assert cleared(reply, "answers", token) and cleared(reply, "lang", token)

    for page in (f"/s/{token}", f"/s/{token}/1", f"/s/{token}/review"):
        again = await client.get(page)
        assert again.status_code == 409, page
        assert "Enkäten är redan besvarad" in again.text
        assert "checked" not in again.text and "Mycket lätt" not in again.text
    assert (await client.post(f"/s/{token}/submit")).status_code == 409
    assert len(list(await session.scalars(select(RedeemedToken)))) == 1
    assert list(await session.scalars(select(BatchDay))) == [], "a burned token is no answer"
    assert (await client.post(f"/s/{token}/abandon")).status_code == 303, "abandoning twice is harmless"


async def test_abandon_of_a_token_not_from_a_kiosk_is_refused(client, platform, session):
    await open_round(session, ROUND)
    [token] = await tokens(platform, session)
    assert (await client.post(f"/s/{token}/abandon")).status_code == 404
    assert (await client.post(f"/s/{token[:-3]}AAA/abandon")).status_code == 400
    assert (await client.get(f"/s/{token}")).status_code == 200, "the link still works"
    assert list(await session.scalars(select(RedeemedToken))) == []


async def test_the_start_screen_burns_the_token_of_whoever_left_the_survey_unfinished(client, platform, session):
    """A respondent who pressed Back to the start screen leaves nothing behind for the next one."""
    path, _ = await kiosk_link(platform, session)
    token = await start(client, path)
    await client.post(f"/s/{token}/1", data={"answer": "mycket_latt", "nav": "next"})
    back = await client.get(f"{path}?area=vardnadshavare")
    assert back.status_code == 200
    assert cleared(back, "answers", token) and cleared(back, "lang", token)
    assert (await client.get(f"/s/{token}/1")).status_code == 409
    # The next start is a new respondent with a fresh token.
    assert (await client.get(f"/s/{await start(client, path)}/1")).status_code == 200


async def test_submit_on_a_kiosk_thanks_and_returns_to_the_start(client, platform, session):
    path, _ = await kiosk_link(platform, session)
    token = await start(client, path)
    await client.post(f"/s/{token}/1", data={"answer": "mycket_latt", "nav": "next"})
    submitted = await client.post(f"/s/{token}/submit")
    assert submitted.status_code == 303
    assert submitted.headers["location"] == f"/s/{token}/thanks?lang=sv"
    assert cleared(submitted, "answers", token) and cleared(submitted, "lang", token)
    day = (await session.scalars(select(BatchDay))).one()
    assert day.answered == 1

    thanks = await client.get(f"/s/{token}/thanks?lang=sv")
    assert thanks.status_code == 200
    assert "Tack för dina svar!" in thanks.text
    assert "Lämna tillbaka surfplattan" in thanks.text
    start_url = f"{path}?area=vardnadshavare"
    assert f'<meta http-equiv="refresh" content="10;url={start_url}">' in thanks.text
    assert f'data-kiosk-start="{start_url}"' in thanks.text
    assert 'data-kiosk-return-after="8"' in thanks.text
    assert f'href="{start_url}"' in thanks.text
    assert "Du kan stänga sidan nu" not in thanks.text

    used = await client.get(f"/s/{token}/review")
    assert used.status_code == 409
    assert f'href="{start_url}"' in used.text and "Till startsidan" in used.text
    assert "Mycket lätt" not in used.text


async def test_pages_of_other_links_carry_no_kiosk_script(client, platform, session):
    await open_round(session, ROUND)
    [token] = await tokens(platform, session)
    pages = [await client.get(f"/s/{token}"), await client.get(f"/s/{token}/1"), await client.get(f"/s/{token}/review")]
    assert (await client.post(f"/s/{token}/submit")).headers["location"] == f"/s/{token}/thanks"
    pages += [await client.get(f"/s/{token}/thanks"), await client.get(f"/s/{token}")]
    for page in pages:
        assert "kiosk" not in page.text
        assert re.findall(r"<script[^>]*>", page.text) in ([], ['<script src="/static/read-aloud.js" defer>'])
        assert "http-equiv" not in page.text


async def test_kiosk_pages_have_no_inline_script(client, platform, session):
    """The CSP allows scripts from this server only: no inline script or handler may be needed."""
    path, _ = await kiosk_link(platform, session)
    pages = [await client.get(path), await client.get(f"{path}?area=vardnadshavare")]
    token = await start(client, path)
    for page in (
        *pages,
        await client.get(f"/s/{token}"),
        await client.get(f"/s/{token}/1"),
        await client.get(f"/s/{token}/review"),
    ):
        assert page.status_code == 200
        scripts = re.findall(r"<script([^>]*)>", page.text)
        assert all(re.fullmatch(r' src="/static/[a-z-]+\.js" defer', attributes) for attributes in scripts), scripts
        assert ' src="/static/kiosk.js" defer' in scripts
        assert not re.search(r"\son[a-z]+=", page.text)
        assert page.headers["cache-control"] == "no-store"
    for name in ("kiosk.js", "kiosk-runner.js", "kiosk-store.js", "kiosk-sync.js"):
        script = await client.get(f"/static/{name}")
        assert script.status_code == 200
        assert "Jag är inte klar" not in script.text and "Väntar" not in script.text, "texts come from the page"


async def test_create_kiosk_checks_round_unit_and_idle_time(platform, session):
    survey_round = await open_round(session, ROUND)
    unit = await add_unit(session)
    other = await add_unit(session, kommunkod="0180", key="stockholm", name="Stockholm")
    today = swedish_today()

    def create(**change):
        args = {"round_key": ROUND, "kommunkod": "2085", "unit_id": unit.id, "name": "Väntrummet",
                "idle_seconds": 120, "today": today} | change  # fmt: skip
        return create_kiosk(session, **args)

    with pytest.raises(InvalidInput, match="does not take part"):
        await create()
    session.add(RoundUnit(round_id=survey_round.id, unit_id=unit.id))
    session.add(RoundUnit(round_id=survey_round.id, unit_id=other.id))
    await session.commit()
    for idle in (29, 1801):
        with pytest.raises(InvalidInput, match="idle"):
            await create(idle_seconds=idle)
    with pytest.raises(NotFound):
        await create(unit_id=other.id)
    with pytest.raises(NotFound):
        await create(round_key="ifo-1999")
    with pytest.raises(InvalidInput):
        await create(name="  ")
    first = await create(idle_seconds=30)
    second = await create(name="Entrén", idle_seconds=1800)
    await session.commit()
    assert [k.name for k in await kiosks_of(session, survey_round.id, "2085")] == ["Entrén", "Väntrummet"]
    assert await kiosks_of(session, survey_round.id, "0180") == []

    with pytest.raises(NotFound):
        await revoke_kiosk(session, first.id, kommunkod="0180")
    assert (await revoke_kiosk(session, second.id, kommunkod="2085")).revoked

    await session.execute(update(SurveyRound).values(closed=True))
    await session.commit()
    with pytest.raises(InvalidInput, match="closed"):
        await create()
    assert (await session.get(Unit, unit.id)).area is None


async def test_opening_a_kiosk_signs_the_tablet_out_of_the_staff_ui(client, platform, session) -> None:
    """Staff often set a tablet up while signed in; the respondents who use it next must not be."""
    link, _ = await kiosk_link(platform, session, area="ekonomiskt_bistand")
    await add_user(platform, session, "anna@ludvika.se", "admin")
    await sign_in(client, "anna@ludvika.se")
    assert (await client.get("/staff/rounds")).status_code == 200
    start = await client.get(link)
    assert start.status_code == 200
    assert (await client.get("/staff/rounds")).status_code == 303
