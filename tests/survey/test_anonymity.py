"""The anonymity model (DESIGN.md §3), each rule with a test that fails if someone weakens it."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import Date, DateTime, Interval, Time, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from survey.models import Answer, RedeemedToken, Response
from survey.platform import Platform
from survey.services.rounds import close_round
from tests.factories import open_round, tokens

# Exactly these columns, no more: adding one (a timestamp, an IP, the token) must fail here first.
RESPONSE_COLUMNS = {"id", "round_id", "kommunkod", "unit_id", "area"}
ANSWER_COLUMNS = {"response_id", "question", "option", "text"}
REDEEMED_COLUMNS = {"nonce_hash", "batch_id", "submission"}
REDACTION_COLUMNS = {"response_id", "question", "text"}
BATCH_DAY_COLUMNS = {"batch_id", "day", "answered"}


async def _columns(session: AsyncSession, table: str) -> dict[str, object]:
    connection = await session.connection()
    columns = await connection.run_sync(lambda sync: inspect(sync).get_columns(table))
    return {column["name"]: column["type"] for column in columns}


@pytest.mark.parametrize(
    ("table", "allowed"),
    [
        ("responses", RESPONSE_COLUMNS),
        ("answers", ANSWER_COLUMNS),
        ("redeemed_tokens", REDEEMED_COLUMNS),
        ("text_redactions", REDACTION_COLUMNS),
    ],
)
async def test_anonymous_tables_have_exactly_the_listed_columns(session: AsyncSession, table: str, allowed: set[str]):
    columns = await _columns(session, table)
    assert set(columns) == allowed
    timelike = [name for name, kind in columns.items() if isinstance(kind, Date | DateTime | Time | Interval)]
    assert timelike == [], f"{table} must hold no time finer than the round, found {timelike}"


async def test_nothing_stored_links_the_token_to_the_answer(client, platform: Platform, session: AsyncSession):
    await open_round(session)
    [token] = await tokens(platform, session)
    claims = platform.minter.verify(token)
    reply = await client.post(
        f"/api/v1/survey/{token}",
        json={"answers": {"kontakt": "mycket_latt"}},
        headers={"user-agent": "Tablet-UA/1.0", "referer": "https://example.org/card", "x-forwarded-for": "10.1.2.3"},
    )
    assert reply.status_code == 201

    dump = await _dump_every_table(session)
    for secret in (token, claims.nonce, "Tablet-UA", "example.org", "10.1.2.3", "testclient"):
        assert secret not in dump, f"{secret!r} was stored"
    # The only trace of the token is sha256(nonce) in redeemed_tokens, in no row next to the answer.
    assert list(await session.scalars(select(RedeemedToken.nonce_hash))) == [claims.nonce_hash]
    response = (await session.scalars(select(Response))).one()
    assert claims.nonce_hash.hex() not in response.id
    assert len(response.id) == 32 and int(response.id, 16) >= 0


async def _dump_every_table(session: AsyncSession) -> str:
    connection = await session.connection()
    tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    rows = []
    for table in tables:
        rows += [repr(tuple(row)) for row in (await session.execute(text(f"SELECT * FROM {table}"))).all()]
    return "\n".join(rows)


async def test_fifty_concurrent_submits_of_one_token_store_exactly_one_response(
    client, platform: Platform, session: AsyncSession
):
    await open_round(session)
    [token] = await tokens(platform, session)

    async def submit(n: int) -> int:
        reply = await client.post(f"/api/v1/survey/{token}", json={"answers": {"nojd": "ganska_nojd"}})
        return reply.status_code

    statuses = await asyncio.gather(*(submit(n) for n in range(50)))

    assert sorted(statuses) == [201] + [409] * 49
    assert len(list(await session.scalars(select(Response.id)))) == 1
    assert len(list(await session.scalars(select(Answer.response_id)))) == 1
    assert len(list(await session.scalars(select(RedeemedToken.nonce_hash)))) == 1


EASY = ["mycket_latt", "ganska_latt", "ganska_svart", "mycket_svart"]
MUCH = ["mycket", "ganska_mycket", "ganska_lite", "inte_alls"]


def _marker(arrival: int) -> dict[str, str]:
    """Answers that spell the submission's number in base 4 (kontakt, information, paverka)."""
    return {"kontakt": EASY[arrival % 4], "information": EASY[arrival // 4 % 4], "paverka": MUCH[arrival // 16]}


def _arrival(answers: dict[str, str]) -> int:
    return EASY.index(answers["kontakt"]) + 4 * EASY.index(answers["information"]) + 16 * MUCH.index(answers["paverka"])


async def test_rows_read_back_without_order_by_do_not_follow_arrival(client, platform: Platform, session: AsyncSession):
    """Submit 40 responses in a known order, each recognisable by its answers; read the tables back without
    ORDER BY (after closing the round, which on PostgreSQL rewrites them) and find another order."""
    await open_round(session)
    issued = await tokens(platform, session, count=40)
    for arrival, token in enumerate(issued):
        reply = await client.post(f"/api/v1/survey/{token}", json={"answers": _marker(arrival)})
        assert reply.status_code == 201
    await close_round(session, "ifo-2026")
    await session.commit()
    arrival_order = list(range(40))

    answers = (await session.execute(text("SELECT response_id, question, option FROM answers"))).all()
    by_response: dict[str, dict[str, str]] = {}
    for response_id, question, option in answers:
        by_response.setdefault(response_id, {})[question] = option

    stored_ids = [row[0] for row in (await session.execute(text("SELECT id FROM responses"))).all()]
    response_arrivals = [_arrival(by_response[i]) for i in stored_ids]
    assert sorted(response_arrivals) == arrival_order, "every response must be recognisable by its answers"
    assert response_arrivals not in (arrival_order, arrival_order[::-1])

    answer_arrivals = list(dict.fromkeys(_arrival(by_response[row[0]]) for row in answers))
    assert answer_arrivals not in (arrival_order, arrival_order[::-1])

    hashes = [platform.minter.verify(t).nonce_hash for t in issued]
    stored = [bytes(row[0]) for row in (await session.execute(text("SELECT nonce_hash FROM redeemed_tokens"))).all()]
    token_arrivals = [hashes.index(h) for h in stored]
    assert sorted(token_arrivals) == arrival_order
    assert token_arrivals not in (arrival_order, arrival_order[::-1])


async def test_response_ids_are_random_not_sequential(client, platform: Platform, session: AsyncSession):
    await open_round(session)
    for token in await tokens(platform, session, count=5):
        assert (await client.post(f"/api/v1/survey/{token}", json={"answers": {}})).status_code == 201
    ids = list(await session.scalars(select(Response.id)))
    assert len(set(ids)) == 5
    assert all(len(i) == 32 for i in ids)
    # 128 random bits each: no two share a long common prefix the way counters or time-based UUIDs do.
    assert max(len(_common_prefix(a, b)) for a in ids for b in ids if a != b) < 8


def _common_prefix(a: str, b: str) -> str:
    prefix = ""
    for x, y in zip(a, b, strict=True):
        if x != y:
            break
        prefix += x
    return prefix


async def test_answers_per_day_are_counts_per_batch_never_beside_an_answer(session: AsyncSession) -> None:
    """`batch_days` is the one table with a date near answers: a count per batch and day, nothing else, and
    neither it nor anything it references reaches a response."""
    assert set(await _columns(session, "batch_days")) == BATCH_DAY_COLUMNS
    connection = await session.connection()
    keys = await connection.run_sync(lambda sync: inspect(sync).get_foreign_keys("batch_days"))
    assert [key["referred_table"] for key in keys] == ["token_batches"]
    batch_keys = await connection.run_sync(lambda sync: inspect(sync).get_foreign_keys("token_batches"))
    assert "responses" not in {key["referred_table"] for key in batch_keys}


KIOSK_COLUMNS = {
    "id", "round_id", "kommunkod", "unit_id", "name", "idle_seconds", "revoked", "created_on", "synced_at", "waiting",
}  # fmt: skip


async def test_a_kiosk_keeps_its_latest_report_only_and_nothing_of_its_respondents(session: AsyncSession) -> None:
    """The offline kiosk's report (`synced_at`, `waiting`) lives on the kiosk's own row, one per tablet and
    overwritten: no table of reports, so there is no log of when a tablet's answers came in (README, Privacy)."""
    assert set(await _columns(session, "kiosks")) == KIOSK_COLUMNS
    connection = await session.connection()
    tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    for table in tables:
        keys = await connection.run_sync(lambda sync, table=table: inspect(sync).get_foreign_keys(table))
        if any(key["referred_table"] == "kiosks" for key in keys):
            assert table == "token_batches", f"{table} refers to kiosks: a log of kiosk reports?"
