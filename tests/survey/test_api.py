"""The JSON API: the respondent flow for apps and kiosks, and its OpenAPI schema."""

from __future__ import annotations

from sqlalchemy import select

from survey.models import Answer, Response
from tests.factories import add_unit, open_round, tokens


async def test_openapi_schema_is_served_at_schema(client):
    schema = (await client.get("/schema/openapi.json")).json()
    assert schema["info"]["title"] == "Brukarenkät"
    paths = set(schema["paths"])
    assert {"/api/v1/survey/{token}", "/api/v1/rounds", "/api/v1/questionnaires/{ident}"} <= paths
    assert not any(path.startswith("/s/") for path in paths)
    assert (await client.get("/schema")).status_code == 200


async def test_questionnaires_and_rounds_can_be_read(client, session):
    await open_round(session, "ifo-2026")
    listed = (await client.get("/api/v1/questionnaires")).json()
    assert {"ident": "ifo@1", "key": "ifo", "version": 1, "title": "Vad tycker du om socialtjänsten?"} in listed
    ifo = (await client.get("/api/v1/questionnaires/ifo@1")).json()
    assert len(ifo["questions"]) == 7 and len(ifo["areas"]) == 5
    assert (await client.get("/api/v1/questionnaires/nope@9")).status_code == 404
    [survey_round] = (await client.get("/api/v1/rounds")).json()
    assert survey_round["key"] == "ifo-2026" and survey_round["questionnaire"] == "ifo@1"


async def test_a_link_opens_and_submits_once(client, platform, session):
    await open_round(session)
    [token] = await tokens(platform, session, area="ekonomiskt_bistand")
    opened = (await client.get(f"/api/v1/survey/{token}")).json()
    assert opened["area"] == "ekonomiskt_bistand"
    assert opened["questionnaire"]["key"] == "ifo"
    assert opened["languages"][0] == {"code": "sv", "name": "Svenska", "direction": "ltr"}

    stored = await client.post(f"/api/v1/survey/{token}", json={"answers": {"kontakt": "vet_inte", "kon": "man"}})
    assert stored.status_code == 201 and stored.json() == {"status": "stored"}
    again = await client.post(f"/api/v1/survey/{token}", json={"answers": {"kontakt": "mycket_latt"}})
    assert again.status_code == 409
    assert again.json()["extra"]["problem"] == "used"
    assert {(a.question, a.option) for a in await session.scalars(select(Answer))} == {
        ("kontakt", "vet_inte"),
        ("kon", "man"),
    }


async def test_invalid_answers_are_refused_whole_and_the_token_stays_usable(client, platform, session):
    await open_round(session)
    [token] = await tokens(platform, session)
    for bad in ({"kontakt": "bogus"}, {"no_such_question": "ja"}, {"kontakt": "mycket_latt", "kon": "mycket_latt"}):
        reply = await client.post(f"/api/v1/survey/{token}", json={"answers": bad})
        assert reply.status_code == 400, bad
        assert reply.json()["extra"]["problem"] == "invalid_input"
    assert list(await session.scalars(select(Response))) == []
    assert (
        await client.post(f"/api/v1/survey/{token}", json={"answers": {"kontakt": "mycket_latt"}})
    ).status_code == 201


async def test_a_broken_body_is_a_400_not_a_500(client, platform, session):
    await open_round(session)
    [token] = await tokens(platform, session)
    for body in (b"{not json", b'{"answers": ["kontakt"]}', b'{"answers": {"kontakt": 5}}'):
        reply = await client.post(f"/api/v1/survey/{token}", content=body, headers={"content-type": "application/json"})
        assert reply.status_code == 400, body
    assert list(await session.scalars(select(Response))) == []


async def test_tampered_tokens_are_refused_with_a_problem_name(client):
    reply = await client.get("/api/v1/survey/not-a-token")
    assert reply.status_code == 400
    assert reply.json()["extra"]["problem"] == "tampered"


async def test_an_oversized_body_is_refused_before_anything_is_read(client, platform, session):
    await open_round(session)
    [token] = await tokens(platform, session)
    huge = {"answers": {"kontakt": "mycket_latt"}, "padding": "x" * 100_000}
    reply = await client.post(f"/api/v1/survey/{token}", json=huge)
    assert reply.status_code == 413
    assert list(await session.scalars(select(Response))) == []


async def test_a_unit_link_stores_the_unit_with_the_answer(client, platform, session):
    await open_round(session)
    unit = await add_unit(session, key="hvb_solrosen", name="HVB Solrosen")
    [token] = await tokens(platform, session, area="ensamkommande", unit_key="hvb_solrosen")
    assert (await client.post(f"/api/v1/survey/{token}", json={"answers": {"nojd": "mycket_nojd"}})).status_code == 201
    response = (await session.scalars(select(Response))).one()
    assert (response.unit_id, response.area, response.kommunkod) == (unit.id, "ensamkommande", "2085")


async def test_a_used_token_sent_again_with_bad_answers_still_says_used(client, platform, session):
    await open_round(session)
    [token] = await tokens(platform, session)
    assert (await client.post(f"/api/v1/survey/{token}", json={"answers": {}})).status_code == 201
    reply = await client.post(f"/api/v1/survey/{token}", json={"answers": {"kontakt": "bogus"}})
    assert (reply.status_code, reply.json()["extra"]["problem"]) == (409, "used")
