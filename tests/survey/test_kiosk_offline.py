"""The server's side of the offline kiosk (survey/routes/kiosk_offline.py): the screens a tablet keeps, the slice of
tokens it hands out without network, and its reports, through the real app and database."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select

from survey.models import Kiosk, RedeemedToken, Response, TokenBatch
from survey.services.kiosks import revoke_kiosk
from tests.factories import add_user, sign_in
from tests.survey.test_kiosk import kiosk_batches, kiosk_link

ANSWERS = {"kontakt": "mycket_latt", "kon": "kvinna"}
KEY = "offline-submission-" + "k" * 20


async def take(client, path: str, count: int, area: str = "vardnadshavare") -> list[str]:
    reply = await client.post(f"{path}/tokens", json={"area": area, "count": count})
    assert reply.status_code == 200, reply.text
    return reply.json()["tokens"]


async def batch(session) -> TokenBatch:
    (only,) = await kiosk_batches(session)
    return only


async def test_a_slice_counts_as_handed_out_only_when_a_token_of_it_is_used(client, platform, session):
    path, _ = await kiosk_link(platform, session)
    slice_ = await take(client, path, 4)
    assert len(set(slice_)) == 4
    assert all(platform.minter.verify(token).counted_on_use for token in slice_)
    minted = await batch(session)
    assert (minted.size, minted.handed_out) == (4, 0), "minted ahead, handed out to nobody yet"

    answered, walked_away = slice_[0], slice_[1]
    for _ in range(2):  # the same submission sent twice (the first reply lost) counts once
        reply = await client.post(f"/api/v1/survey/{answered}", json={"answers": ANSWERS, "submission_key": KEY})
        assert reply.status_code == 201, reply.text
    for _ in range(2):  # burned twice (two syncs racing) counts once
        reply = await client.post(f"/s/{walked_away}/abandon")
        assert reply.status_code == 303
    counted = await batch(session)
    assert (counted.size, counted.handed_out) == (4, 2)
    assert await session.scalar(select(func.count()).select_from(Response)) == 1
    assert await session.scalar(select(func.count()).select_from(RedeemedToken)) == 2

    reply = await client.post(f"/api/v1/survey/{walked_away}", json={"answers": ANSWERS, "submission_key": KEY})
    assert reply.status_code == 409, "a burned token takes no answer"


async def test_online_kiosk_tokens_still_count_when_minted(client, platform, session):
    path, _ = await kiosk_link(platform, session)
    reply = await client.post(f"{path}/start", data={"area": "vardnadshavare"})
    token = re.fullmatch(r"/s/([^/]+)", reply.headers["location"]).group(1)
    assert not platform.minter.verify(token).counted_on_use
    await client.post(f"/api/v1/survey/{token}", json={"answers": ANSWERS, "submission_key": KEY})
    counted = await batch(session)
    assert (counted.size, counted.handed_out) == (1, 1), "counted at the start, not again at the answer"


async def test_a_slice_is_refused_for_a_wrong_area_a_wrong_count_or_a_revoked_kiosk(client, platform, session):
    path, kiosk = await kiosk_link(platform, session, area="ekonomiskt_bistand")
    for body, status in [
        ({"area": "vardnadshavare", "count": 3}, 400),  # the unit answers about ekonomiskt bistånd only
        ({"area": "ekonomiskt_bistand", "count": 0}, 400),
        ({"area": "ekonomiskt_bistand", "count": 201}, 400),
        ({"area": "ekonomiskt_bistand"}, 400),
        ([1, 2], 400),
    ]:
        reply = await client.post(f"{path}/tokens", json=body)
        assert reply.status_code == status, (body, reply.text)
        assert reply.json()["status_code"] == status
    assert await session.scalar(select(func.coalesce(func.sum(TokenBatch.size), 0))) == 0, "nothing minted"
    await revoke_kiosk(session, kiosk.id, kommunkod="2085")
    await session.commit()
    reply = await client.post(f"{path}/tokens", json={"area": "ekonomiskt_bistand", "count": 3})
    assert reply.status_code == 410 and reply.json()["extra"]["problem"] == "revoked"
    reply = await client.post("/kiosk/made-up/tokens", json={"area": "ekonomiskt_bistand", "count": 3})
    assert reply.status_code == 404


async def test_the_screens_are_the_surveys_pages_for_a_placeholder_link(client, platform, session):
    path, _ = await kiosk_link(platform, session)
    reply = await client.get(f"{path}/screens/sv")
    assert reply.status_code == 200
    screens = reply.json()
    assert screens["lang"] == "sv" and "ar" in screens["languages"]
    assert len(screens["questions"]) == 8
    assert 'action="/s/offline/1"' in screens["questions"][0]
    assert 'data-kiosk="survey"' in screens["questions"][0] and "data-kiosk-idle" in screens["questions"][0]
    assert screens["review"].count("data-review=") == 8 and "data-none" in screens["review"]
    assert "Tack för dina svar!" in screens["thanks"]
    arabic = (await client.get(f"{path}/screens/ar")).json()
    assert '<html lang="ar" dir="rtl">' in arabic["welcome"]
    everything = reply.text + str(arabic)
    assert "/s/offline" in everything and not re.search(r"/s/(?!offline)[A-Za-z0-9_-]{20,}", everything), "no token"
    assert (await client.get(f"{path}/screens/xx")).status_code == 404


async def test_a_report_keeps_the_latest_count_to_the_minute_and_nothing_more(client, platform, session):
    path, kiosk = await kiosk_link(platform, session)
    kiosk_id = kiosk.id
    for waiting in (3, 1):
        reply = await client.post(f"{path}/sync", json={"waiting": waiting})
        assert reply.status_code == 204
    session.expire_all()
    reported = await session.get(Kiosk, kiosk_id)
    assert reported.waiting == 1, "overwritten: the table holds no history of reports"
    assert reported.synced_at.second == 0 and reported.synced_at.microsecond == 0
    assert abs(reported.synced_at - dt.datetime.now().replace(tzinfo=None)) < dt.timedelta(days=1)
    for body in ({"waiting": -1}, {"waiting": "many"}, {}):
        assert (await client.post(f"{path}/sync", json=body)).status_code == 400
    assert (await client.post("/kiosk/made-up/sync", json={"waiting": 0})).status_code == 404

    synced = reported.synced_at.strftime("%Y-%m-%d %H:%M")
    await add_user(platform, session, "admin@ludvika.se", "admin")
    await sign_in(client, "admin@ludvika.se")
    page = await client.get("/staff/rounds/ifo-2026")
    assert "Senast i kontakt" in page.text
    assert synced in page.text


async def test_the_start_screen_offers_the_offline_kiosk_unless_it_is_switched_off(client, platform, session):
    path, _ = await kiosk_link(platform, session)
    start = (await client.get(f"{path}?area=vardnadshavare")).text
    assert f'data-kiosk-offline="{path}"' in start and 'data-kiosk-tokens="30"' in start
    assert 'data-label="Väntar på att skickas: {count} svar"' in start
    worker = await client.get("/kiosk-sw.js")
    assert worker.status_code == 200 and worker.headers["content-type"].startswith("text/javascript")
    assert "/api/" not in re.sub(r"//.*|/\*[\s\S]*?\*/", "", worker.text), "the worker never keeps an API answer"
