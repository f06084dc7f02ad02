"""A proxy between client and server drops the connection after the request reached the server and before the
reply reached the client; the client sends the same submission again. Stored once, and the retry gets the reply
the first send should have had. Through the API and through the survey's own form (no JavaScript)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from sqlalchemy import func, select

from survey.models import Response
from tests.browser.conftest import free_port
from tests.factories import open_round, tokens
from tests.faults.server import Server

KEY = re.compile(r'name="submission" value="([^"]+)"')
FRESH = httpx.Limits(max_keepalive_connections=0)
"""A new connection per request, so that the proxy's next connection is the next request."""


class DroppingProxy:
    """Forwards TCP to the server; while `drop_next` is set, the next connection's reply is read from the server
    (so the server has finished the request) and thrown away, and the client's connection is cut."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.port = free_port()
        self.drop_next = False
        self.dropped = 0

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _handle(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        upstream = asyncio.create_task(self._pipe(client_reader, server_writer))
        if self.drop_next:
            self.drop_next = False
            await server_reader.read(1)  # the server has begun its reply: the request was handled in full
            self.dropped += 1
            client_writer.transport.abort()
            upstream.cancel()
            server_writer.close()
            return
        await self._pipe(server_reader, client_writer)
        upstream.cancel()

    @asynccontextmanager
    async def running(self) -> AsyncIterator[str]:
        listener = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        async with listener:
            yield f"http://127.0.0.1:{self.port}"


@pytest.fixture
async def server(database_url, tmp_path):
    running = Server(database_url, tmp_path)
    await asyncio.to_thread(running.start)
    yield running
    running.stop()


async def stored(session) -> int:
    session.expire_all()
    return int(await session.scalar(select(func.count()).select_from(Response)))


async def test_an_api_retry_after_a_lost_reply_stores_nothing_twice(platform, session, server):
    await open_round(session)
    [token, unkeyed] = await tokens(platform, session, count=2)
    proxy = DroppingProxy(server.port)
    async with proxy.running() as base, httpx.AsyncClient(base_url=base, timeout=10, limits=FRESH) as client:
        body = {"answers": {"kontakt": "mycket_latt"}, "submission_key": "lost-reply-" + "k" * 16}
        proxy.drop_next = True
        with pytest.raises(httpx.TransportError):
            await client.post(f"/api/v1/survey/{token}", json=body, headers={"connection": "close"})
        assert proxy.dropped == 1 and await stored(session) == 1, "the server stored it; the client never heard"
        retry = await client.post(f"/api/v1/survey/{token}", json=body)
        assert retry.status_code == 201 and retry.json() == {"status": "stored"}
        assert await stored(session) == 1

        # Without a submission key the retry cannot be told from someone else's: stored once, but "used".
        proxy.drop_next = True
        with pytest.raises(httpx.TransportError):
            await client.post(f"/api/v1/survey/{unkeyed}", json={"answers": {}}, headers={"connection": "close"})
        assert (await client.post(f"/api/v1/survey/{unkeyed}", json={"answers": {}})).status_code == 409
    assert await stored(session) == 2


async def test_the_survey_form_sent_again_after_a_lost_reply_shows_thanks(platform, session, server):
    await open_round(session)
    [token] = await tokens(platform, session, area="missbruk")
    proxy = DroppingProxy(server.port)
    async with proxy.running() as base, httpx.AsyncClient(base_url=base, timeout=10, limits=FRESH) as client:
        assert (await client.get(f"/s/{token}")).status_code == 200
        for number in range(1, 9):
            choice = {1: "mycket_latt", 6: "ganska_nojd"}.get(number, "")
            reply = await client.post(f"/s/{token}/{number}", data={"answer": choice, "nav": "next"})
            assert reply.status_code == 303
        key = KEY.search((await client.get(f"/s/{token}/review")).text).group(1)
        proxy.drop_next = True
        with pytest.raises(httpx.TransportError):
            await client.post(f"/s/{token}/submit", data={"submission": key}, headers={"connection": "close"})
        assert await stored(session) == 1
        again = await client.post(f"/s/{token}/submit", data={"submission": key})
        assert again.status_code == 303 and again.headers["location"] == f"/s/{token}/thanks"
        thanks = await client.get(again.headers["location"])
        assert thanks.status_code == 200 and "Tack" in thanks.text
    assert await stored(session) == 1
