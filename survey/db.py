"""Engine and sessions. SQLite gets WAL, foreign keys and one shared connection (SQLite has one writer;
a pool of connections only adds lock waits, measured p99 ~1 s against 25–53 ms, ENVIRONMENT.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from survey.config import Settings

SQLITE_BUSY_TIMEOUT_MS = 10_000
"""How long a second process (the CLI while the server runs) waits for the write lock before failing."""


def create_engine(settings: Settings) -> AsyncEngine:
    """An engine for `settings.database_url`; creates the SQLite file's folder when missing."""
    url = make_url(settings.database_url)
    if not settings.is_sqlite:
        return create_async_engine(url, pool_pre_ping=True)
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, pool_size=1, max_overflow=0, pool_timeout=60)
    synchronous = settings.sqlite_synchronous.upper()

    @event.listens_for(engine.sync_engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
