"""Fixtures: every database test runs on SQLite, and on PostgreSQL when BRUKARENKAT_TEST_POSTGRES_URL is set
(always in CI). Each test gets a freshly migrated database with the municipality register loaded."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from survey.app import create_app
from survey.config import Settings
from survey.migrate import upgrade
from survey.platform import Platform

POSTGRES_URL = os.environ.get("BRUKARENKAT_TEST_POSTGRES_URL")
DATABASES = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
SECRET = "test-secret-key-that-is-long-enough-0123456789"
DATA_TABLES = (
    "comparison_group_members",
    "comparison_groups",
    "published_values",
    "text_redactions",
    "user_units",
    "users",
    "batch_days",
    "round_units",
    "round_municipalities",
    "targets",
    "analysis_texts",
    "rikssnitt",
    "answers",
    "responses",
    "redeemed_tokens",
    "token_batches",
    "kiosks",
    "survey_rounds",
    "units",
)

if os.environ.get("CI") and not POSTGRES_URL:
    raise pytest.UsageError("CI must run the tests on PostgreSQL too: set BRUKARENKAT_TEST_POSTGRES_URL")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once is what keeps the suite fast)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_migrated() -> str:
    """The test database, emptied and migrated from scratch once per session (a migration edited since the
    last run is applied as it is now, not skipped as already done)."""
    assert POSTGRES_URL is not None

    async def reset() -> None:
        engine = create_async_engine(POSTGRES_URL)
        async with engine.begin() as connection:
            await connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            await connection.exec_driver_sql("CREATE SCHEMA public")
        await engine.dispose()

    asyncio.run(reset())
    upgrade(POSTGRES_URL)
    return POSTGRES_URL


def _truncate_postgres(url: str) -> None:
    async def run() -> None:
        engine = create_async_engine(url)
        async with engine.begin() as connection:
            await connection.exec_driver_sql(f"TRUNCATE {', '.join(DATA_TABLES)} RESTART IDENTITY CASCADE")
        await engine.dispose()

    asyncio.run(run())


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "brukarenkat.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite+aiosqlite:///{path}"
    url = request.getfixturevalue("postgres_migrated")
    _truncate_postgres(url)
    return url


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, secret_key=SECRET, base_url="http://testserver.local")


@pytest.fixture
async def platform(settings: Settings) -> AsyncIterator[Platform]:
    built = Platform.build(settings)
    yield built
    await built.engine.dispose()


@pytest.fixture
async def session(platform: Platform) -> AsyncIterator[AsyncSession]:
    async with platform.sessions() as db_session:
        yield db_session


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[AsyncTestClient]:
    async with AsyncTestClient(app=create_app(settings), base_url="http://testserver.local") as test_client:
        test_client.follow_redirects = False  # tests look at each redirect, as a browser's history would hold it
        yield test_client
