"""Exactly-once submit: a submission sent again after a dropped connection is stored once and answered as the first
was; a different submission of a used token still finds it used. Web form (no JavaScript) and API, on both
databases, sequential and concurrent."""

from __future__ import annotations

import asyncio
import re

from sqlalchemy import func, select

from survey.models import Answer, RedeemedToken, Response
from tests.factories import open_round, tokens
from tests.survey.test_respondent import answer_all

KEY = re.compile(r'name="submission" value="([^"]+)"')


async def responses(session) -> int:
    session.expire_all()
    return int(await session.scalar(select(func.count()).select_from(Response)))


async def test_the_review_form_sends_the_same_submission_again_and_it_is_stored_once(client, platform, session):
    await open_round(session)
    [token] = await tokens(platform, session, area="missbruk")
    await answer_all(client, token, {1: "mycket_latt", 6: "ganska_nojd"})
    review = await client.get(f"/s/{token}/review")
    key = KEY.search(review.text).group(1)
    assert len(key) >= 24, "a random key per page, made when the review page is shown"
    answers_cookie = dict(client.cookies)

    first = await client.post(f"/s/{token}/submit", data={"submission": key})
    assert first.status_code == 303 and first.headers["location"] == f"/s/{token}/thanks"
    # The reply was lost: the browser still has the answers and sends the same form again.
    client.cookies.update(answers_cookie)
    again = await client.post(f"/s/{token}/submit", data={"submission": key})
    assert again.status_code == 303 and again.headers["location"] == f"/s/{token}/thanks"
    # …or sends it again after the cookie was cleared (the reply half arrived): still the thank-you page.
    client.cookies.clear()
    assert (await client.post(f"/s/{token}/submit", data={"submission": key})).status_code == 303
    assert await responses(session) == 1
    assert {(a.question, a.option) for a in await session.scalars(select(Answer))} == {
        ("kontakt", "mycket_latt"),
        ("nojd", "ganska_nojd"),
    }
    # Another submission of the used link (another key, or none) is "already answered".
    for data in ({"submission": "x" * 32}, {}):
        other = await client.post(f"/s/{token}/submit", data=data)
        assert other.status_code == 409 and "Enkäten är redan besvarad" in other.text
    assert await responses(session) == 1


async def test_the_api_stores_a_retried_submission_once(client, platform, session):
    await open_round(session)
    [token, other] = await tokens(platform, session, count=2, area="ekonomiskt_bistand")
    body = {"answers": {"kontakt": "vet_inte"}, "submission_key": "k" * 20 + "1"}
    for _ in range(3):
        reply = await client.post(f"/api/v1/survey/{token}", json=body)
        assert reply.status_code == 201 and reply.json() == {"status": "stored"}
    refused = await client.post(f"/api/v1/survey/{token}", json={**body, "submission_key": "k" * 20 + "2"})
    assert refused.status_code == 409 and refused.json()["extra"]["problem"] == "used"
    header = {"idempotency-key": "h" * 24}
    for _ in range(2):
        reply = await client.post(
            f"/api/v1/survey/{other}", json={"answers": {"kontakt": "mycket_latt"}}, headers=header
        )
        assert reply.status_code == 201
    assert await responses(session) == 2
    bad = await client.post(f"/api/v1/survey/{token}", json={"answers": {}, "submission_key": "short"})
    assert bad.status_code == 400 and bad.json()["extra"]["problem"] == "invalid_input"


async def test_concurrent_retries_store_one_and_all_get_the_reply(client, platform, session):
    """Ten copies of one submission at once (a client retrying on a flaky network) and ten different submissions
    of another token at once: one response each; every copy of the first gets 201, nine of the others 409."""
    await open_round(session)
    [same, different] = await tokens(platform, session, count=2)
    body = {"answers": {"kontakt": "mycket_latt"}, "submission_key": "s" * 32}
    copies = await asyncio.gather(*(client.post(f"/api/v1/survey/{same}", json=body) for _ in range(10)))
    assert sorted(r.status_code for r in copies) == [201] * 10
    rivals = await asyncio.gather(
        *(
            client.post(f"/api/v1/survey/{different}", json={**body, "submission_key": f"{n:02d}" * 16})
            for n in range(10)
        )
    )
    assert sorted(r.status_code for r in rivals) == [201] + [409] * 9
    assert await responses(session) == 2
    assert len(list(await session.scalars(select(RedeemedToken)))) == 2
