"""Kiosk tablets for bench/submit.py's `tablets` and `restart` runs: the client side, and the audit of what the
database kept against what the server acknowledged.

A tablet is one keep-alive connection and a loop over its own tokens: one respondent after another, each
submission with a random submission key of its own, sent again with the same key after a transport error (a
refused or reset connection, a reply cut off, no reply in time) or a 5xx, as the kiosk does, until the server
answers. A 201 is an acknowledgment; any other 4xx ends that submission (it should not happen: it is reported).
In the `restart` run, the server is killed (SIGKILL, the whole process group) once half of the submissions are
acknowledged and started again on the same port and database while the tablets keep retrying.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import secrets
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from survey.services.responses import submission_hash
from survey.tokens import TokenMinter

ANSWERS = {"kontakt": "mycket_latt", "nojd": "ganska_nojd", "forandring": "ingen_skillnad"}
REQUEST_TIMEOUT_S = 30.0
"""A send with no complete reply by then counts as a transport error and is sent again (same key)."""
RETRY_FIRST_S = 0.05
RETRY_MAX_S = 0.5
"""Pause before a retry: doubles from RETRY_FIRST_S up to RETRY_MAX_S, with up to half of it again as jitter."""
TRANSPORT_ERRORS = (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, httpx.HTTPError)

SendBody = Callable[[str, bytes], Awaitable[int]]
Sender = Callable[[int], contextlib.AbstractAsyncContextManager[SendBody]]


@dataclass(frozen=True)
class Ack:
    """One acknowledged submission: its token and key, when the 201 came and how long since the first attempt."""

    token: str
    key: str
    at: float
    """Seconds since the load started."""
    latency: float
    attempts: int


@dataclass
class TabletLoad:
    """What the tablets saw. Times are seconds since the load started."""

    submissions: int
    acks: list[Ack] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    """Every reply, retries' included."""
    transport_errors: Counter[str] = field(default_factory=Counter)
    retries: int = 0
    refused: Counter[int] = field(default_factory=Counter)
    """Submissions given up on a 4xx, by status: none expected (a 409 would mean a retry was not recognised)."""
    abandoned: int = 0
    """Submissions still without a reply when the run's time was up."""
    elapsed: float = 0.0
    """From the start to the last acknowledgment (or the deadline)."""
    acknowledged_at_kill: int | None = None
    redeemed_at_kill: int | None = None
    """Tokens redeemed in the database right after the kill (counted before the restart): those beyond the
    acknowledged ones were committed by the killed server, which never sent their reply."""
    in_flight_at_kill: int | None = None
    killed_at: float | None = None
    ready_at: float | None = None
    """When the restarted server first answered its readiness check."""

    def longest_silence(self) -> tuple[float, float]:
        """The longest time without a 201 between two acknowledgments (or the start and the first), and when it
        began: across a restart, the outage the tablets saw."""
        times = sorted(ack.at for ack in self.acks)
        gaps = [(later - earlier, earlier) for earlier, later in zip([0.0, *times], times, strict=False)]
        return max(gaps, default=(0.0, 0.0))


async def run_tablets(
    port: int,
    tablets: list[list[str]],
    sender: Sender,
    *,
    deadline_s: float,
    kill: Callable[[], None] | None = None,
    start: Callable[[], None] | None = None,
    count_redeemed: Callable[[], Awaitable[int]] | None = None,
) -> TabletLoad:
    """One task per tablet, each submitting its tokens in turn. With `kill` and `start`, the server is killed once
    half of the submissions are acknowledged, `count_redeemed` (when given) counts what the database holds, and
    `start` (blocking: it waits until the server answers) runs in a thread while the tablets go on retrying."""
    load = TabletLoad(submissions=sum(len(tokens) for tokens in tablets))
    loop = asyncio.get_running_loop()
    began = loop.time()
    deadline = began + deadline_s
    half_acknowledged = asyncio.Event()
    in_flight = 0

    async def submit(send: SendBody, token: str) -> None:
        nonlocal in_flight
        key = secrets.token_urlsafe(24)
        body = json.dumps({"answers": ANSWERS, "submission_key": key}).encode()
        first = loop.time()
        pause = RETRY_FIRST_S
        attempts = 0
        while loop.time() < deadline:
            attempts += 1
            in_flight += 1
            try:
                status = await asyncio.wait_for(send(f"/api/v1/survey/{token}", body), REQUEST_TIMEOUT_S)
            except TRANSPORT_ERRORS as error:
                load.transport_errors[type(error).__name__] += 1
                status = None
            finally:
                in_flight -= 1
            if status is not None:
                load.statuses[status] += 1
                if status == 201:
                    now = loop.time()
                    load.acks.append(Ack(token, key, now - began, now - first, attempts))
                    if 2 * len(load.acks) >= load.submissions:
                        half_acknowledged.set()
                    return
                if status < 500:
                    load.refused[status] += 1
                    return
            load.retries += 1
            await asyncio.sleep(min(pause * (1 + random.random() / 2), deadline - loop.time()))
            pause = min(2 * pause, RETRY_MAX_S)
        load.abandoned += 1

    async def tablet(tokens: list[str]) -> None:
        async with sender(port) as send:
            for token in tokens:
                await submit(send, token)

    async def restart() -> None:
        assert kill is not None and start is not None
        await half_acknowledged.wait()
        load.acknowledged_at_kill, load.in_flight_at_kill = len(load.acks), in_flight
        kill()
        load.killed_at = loop.time() - began
        if count_redeemed is not None:
            load.redeemed_at_kill = await count_redeemed()
        await asyncio.to_thread(start)
        load.ready_at = loop.time() - began

    work = [asyncio.create_task(tablet(tokens)) for tokens in tablets]
    restarting = asyncio.create_task(restart()) if kill is not None else None
    try:
        await asyncio.gather(*work)
    finally:
        if restarting is not None:
            if not restarting.done():  # fewer than half acknowledged by the deadline: no restart happened
                restarting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await restarting
    load.elapsed = max((ack.at for ack in load.acks), default=loop.time() - began)
    return load


async def count_redeemed(database_url: str) -> int:
    """Tokens redeemed so far (the bench's database holds one round)."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            return (await connection.execute(text("SELECT count(*) FROM redeemed_tokens"))).scalar_one()
    finally:
        await engine.dispose()


@dataclass(frozen=True)
class Audit:
    """What the database holds for the round, checked token by token against the acknowledgments."""

    stored: int
    """Rows in `responses` for the round."""
    answers: int
    redeemed: int
    """Distinct tokens of the round's batches in `redeemed_tokens`."""
    duplicated: int
    """Responses beyond one per redeemed token, plus tokens redeemed more than once."""
    lost: int
    """Acknowledged submissions whose token is not redeemed."""
    wrong_key: int
    """Acknowledged submissions whose token was redeemed under another submission key."""
    unacknowledged: int
    """Redeemed tokens whose submission the tablets never saw acknowledged (given up at the deadline)."""


async def audit(database_url: str, secret_key: str, round_key: str, load: TabletLoad) -> Audit:
    """Count the round's rows, and look each acknowledged token up in `redeemed_tokens` by its nonce hash."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:

            async def scalar(sql: str, round_id: int | None = None) -> int:
                return (await connection.execute(text(sql), {"round_id": round_id, "key": round_key})).scalar_one()

            round_id = await scalar("SELECT id FROM survey_rounds WHERE key = :key")
            stored = await scalar("SELECT count(*) FROM responses WHERE round_id = :round_id", round_id)
            answers = await scalar(
                "SELECT count(*) FROM answers a JOIN responses r ON r.id = a.response_id WHERE r.round_id = :round_id",
                round_id,
            )
            redeemed_rows = (
                await connection.execute(
                    text(
                        "SELECT t.nonce_hash, t.submission FROM redeemed_tokens t "
                        "JOIN token_batches b ON b.id = t.batch_id WHERE b.round_id = :round_id"
                    ),
                    {"round_id": round_id},
                )
            ).all()
    finally:
        await engine.dispose()
    redeemed = {bytes(nonce_hash): submission for nonce_hash, submission in redeemed_rows}
    minter = TokenMinter(secret_key)
    acknowledged: dict[bytes, str] = {}
    for ack in load.acks:
        claims = minter.verify(ack.token)
        assert claims is not None, "a token the bench minted verifies"
        acknowledged[claims.nonce_hash] = ack.key
    return Audit(
        stored=stored,
        answers=answers,
        redeemed=len(redeemed),
        duplicated=max(0, stored - len(redeemed)) + len(redeemed_rows) - len(redeemed),
        lost=sum(1 for nonce_hash in acknowledged if nonce_hash not in redeemed),
        wrong_key=sum(
            1
            for nonce_hash, key in acknowledged.items()
            if nonce_hash in redeemed and redeemed[nonce_hash] != submission_hash(key)
        ),
        unacknowledged=sum(1 for nonce_hash in redeemed if nonce_hash not in acknowledged),
    )


def percentile_ms(latencies: list[float], share: float) -> float:
    """Nearest-rank percentile in milliseconds (0 for no data)."""
    if not latencies:
        return 0.0
    ordered = sorted(latencies)
    return 1000 * ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]
