"""Concurrent submitters against a real server that is killed with SIGKILL mid-run and started again: every
submission the server acknowledged is in the database, none is stored twice, and every submitter that retries
with its submission key ends with its answers stored exactly once. Loopback only, bounded in time; on SQLite (WAL,
synchronous FULL) and PostgreSQL.

What this does not prove: SIGKILL stops the process, not the machine, so the operating system still writes out
what was handed to it. It proves the app acknowledges only what its database has committed, and that a restart
finds it; power loss is what `BRUKARENKAT_SQLITE_SYNCHRONOUS=FULL` (the default) is for (README, Settings).
"""

from __future__ import annotations

import asyncio
import time

import httpx
from sqlalchemy import func, select

from survey.models import Answer, RedeemedToken, Response
from tests.factories import open_round, tokens
from tests.faults.server import Server

SUBMITTERS = 40
CONCURRENCY = 12
ANSWERS = {"kontakt": "mycket_latt", "nojd": "ganska_nojd", "kon": "kvinna"}
RUN_SECONDS = 90


async def submit_until_answered(
    client: httpx.AsyncClient, base_url: str, token: str, key: str, acknowledged: dict[str, float], gate
) -> int:
    """Send one submission, and the same one again after any transport error, until the server answers."""
    async with gate:
        deadline = time.monotonic() + RUN_SECONDS
        while time.monotonic() < deadline:
            try:
                reply = await client.post(
                    f"{base_url}/api/v1/survey/{token}",
                    json={"answers": ANSWERS, "submission_key": key},
                    headers={"connection": "close"},
                )
            except httpx.TransportError:
                await asyncio.sleep(0.05)
                continue
            if reply.status_code == 201:
                acknowledged[token] = time.monotonic()
            await asyncio.sleep(0.02)  # leave the server a moment before the next submitter's turn
            return reply.status_code
        return 0


async def test_a_killed_server_keeps_every_acknowledged_answer_and_none_twice(
    platform, session, database_url, tmp_path
):
    await open_round(session)
    links = await tokens(platform, session, count=SUBMITTERS, area="missbruk")
    server = Server(database_url, tmp_path)
    server.start()
    acknowledged: dict[str, float] = {}
    gate = asyncio.Semaphore(CONCURRENCY)
    try:
        async with httpx.AsyncClient(timeout=5) as client:
            work = [
                asyncio.create_task(
                    submit_until_answered(
                        client, server.base_url, token, f"key-{n:04d}-" + "x" * 16, acknowledged, gate
                    )
                )
                for n, token in enumerate(links)
            ]
            while len(acknowledged) < SUBMITTERS // 3:
                await asyncio.sleep(0.01)
            before_kill = dict(acknowledged)
            server.kill()
            killed_at = time.monotonic()
            await asyncio.sleep(0.3)  # submitters meet a closed port and keep retrying
            await asyncio.to_thread(server.start)
            statuses = await asyncio.gather(*work)
    finally:
        server.stop()

    assert statuses == [201] * SUBMITTERS, f"every retry with its key ends in 201: {statuses}\n{server.logs()}"
    assert before_kill and all(at < killed_at for at in before_kill.values())
    session.expire_all()
    stored = int(await session.scalar(select(func.count()).select_from(Response)))
    redeemed = set(await session.scalars(select(RedeemedToken.nonce_hash)))
    assert stored == len(redeemed) == SUBMITTERS, "each submission stored exactly once"
    assert int(await session.scalar(select(func.count()).select_from(Answer))) == SUBMITTERS * len(ANSWERS)
    minted = {platform.minter.verify(token).nonce_hash: token for token in links}
    assert {minted[h] for h in redeemed} >= set(before_kill), "acknowledged before the kill, still there after"
