"""The baseline for bench/submit.py: the database work of one submit, with none of Brukarenkät's stack.

One litestar POST handler that, in one transaction, inserts a redeemed token, a response and its answers into
tables shaped like `redeemed_tokens`, `responses` and `answers` (same columns, primary keys and WITHOUT ROWID;
no foreign keys, so no parent tables are needed). No token signature, no round lookup, no used-token check, no
answer validation, no ORM unit of work, no dependency injection: what is left is litestar, uvicorn and the
database. The engine comes from `survey.db.create_engine` itself, so pool size, WAL and PRAGMAs cannot drift
from the app's.

Served by uvicorn: `uvicorn --app-dir bench --factory bare_app:app_from_env`, configured by the same
BRUKARENKAT_* environment as the app (database URL, secret key, SQLite synchronous setting).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field

from litestar import Litestar, get, post
from litestar.exceptions import HTTPException
from litestar.params import FromPath, JSONBody
from sqlalchemy import Column, Integer, LargeBinary, MetaData, String, Table, Text, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from survey.config import Settings
from survey.db import create_engine

metadata = MetaData()
redeemed_tokens = Table(
    "bare_redeemed_tokens",
    metadata,
    Column("nonce_hash", LargeBinary(32), primary_key=True),
    Column("batch_id", Integer, nullable=False),
    sqlite_with_rowid=False,
)
responses = Table(
    "bare_responses",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("round_id", Integer, nullable=False),
    Column("kommunkod", String(4), nullable=False),
    Column("unit_id", Integer, nullable=True),
    Column("area", String(60), nullable=False),
    sqlite_with_rowid=False,
)
answers = Table(
    "bare_answers",
    metadata,
    Column("response_id", String(32), primary_key=True),
    Column("question", String(60), primary_key=True),
    Column("option", String(60), nullable=True),
    Column("text", Text, nullable=True),
    sqlite_with_rowid=False,
)


@dataclass(frozen=True)
class SubmissionIn:
    answers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SubmissionOut:
    status: str


async def reset_tables(database_url: str) -> None:
    """Drop and create the bare tables; run once before the server starts, not by each worker."""
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.drop_all)
            await connection.run_sync(metadata.create_all)
    finally:
        await engine.dispose()


async def store(engine: AsyncEngine, token: str, submitted: dict[str, str]) -> None:
    """The three inserts of a submit in one transaction; the token's hash first, as in the app."""
    response_id = secrets.token_hex(16)
    async with engine.begin() as connection:
        await connection.execute(
            insert(redeemed_tokens), {"nonce_hash": hashlib.sha256(token.encode()).digest(), "batch_id": 1}
        )
        await connection.execute(
            insert(responses),
            {"id": response_id, "round_id": 1, "kommunkod": "2085", "unit_id": None, "area": "vardnadshavare"},
        )
        await connection.execute(
            insert(answers),
            [{"response_id": response_id, "question": q, "option": o, "text": None} for q, o in submitted.items()],
        )


def create_app(settings: Settings) -> Litestar:
    """The one-route app; `settings` only choose the database and its engine setup, as in survey/db.py."""
    engine = create_engine(settings)

    @post("/api/v1/survey/{token:str}", status_code=201)
    async def submit(token: FromPath[str], data: JSONBody[SubmissionIn]) -> SubmissionOut:
        try:
            await store(engine, token, data.answers)
        except IntegrityError:
            raise HTTPException(status_code=409, detail="used") from None
        return SubmissionOut(status="stored")

    @get("/health", sync_to_thread=False)
    def health() -> str:
        return "ok"

    async def dispose() -> None:
        await engine.dispose()

    return Litestar(route_handlers=[submit, health], on_shutdown=[dispose], openapi_config=None)


def app_from_env() -> Litestar:
    """Factory for uvicorn (and each of its workers): the BRUKARENKAT_* settings the app would read."""
    return create_app(Settings.from_env())
