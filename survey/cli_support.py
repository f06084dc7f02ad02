"""What every `brukarenkat` command shares: settings from the environment (the only place that reads it),
a database session for one command, and questionnaire look-up."""

from __future__ import annotations

import asyncio
import os
import secrets
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from questionnaires import Questionnaire, load_shipped
from survey.config import ENV_PREFIX, Settings
from survey.db import create_engine, session_factory
from survey.services.errors import InvalidInput, NotFound

T = TypeVar("T")
SECRET_FILE = Path("data/secret_key")
"""Where a secret key is kept for local use when BRUKARENKAT_SECRET_KEY is not set (created on first use)."""


def settings_from_env() -> Settings:
    """Settings from the environment; a local secret key file stands in for BRUKARENKAT_SECRET_KEY."""
    if not os.environ.get(ENV_PREFIX + "SECRET_KEY"):
        os.environ[ENV_PREFIX + "SECRET_KEY"] = _local_secret()
    return Settings.from_env()


def app_from_env() -> Any:
    """Factory for uvicorn workers: each builds its app from the same environment."""
    from survey.app import create_app

    return create_app(settings_from_env())


def _local_secret() -> str:
    if SECRET_FILE.exists():
        return SECRET_FILE.read_text().strip()
    SECRET_FILE.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    SECRET_FILE.touch(mode=0o600)
    SECRET_FILE.write_text(key)
    print(
        f"brukarenkat: created a secret key in {SECRET_FILE} (set {ENV_PREFIX}SECRET_KEY in production)",
        file=sys.stderr,
    )
    return key


def with_session(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    async def run() -> T:
        engine = create_engine(settings)
        try:
            async with session_factory(engine)() as session:
                result = await work(session)
                await session.commit()
                return result
        finally:
            await engine.dispose()

    return asyncio.run(run())


def questionnaire_version(key: str, version: int | None) -> Questionnaire:
    shipped = load_shipped()
    versions = sorted((q for q in shipped.values() if q.key == key), key=lambda q: q.version)
    if version is not None:
        versions = [q for q in versions if q.version == version]
    if not versions:
        known = ", ".join(sorted({q.key for q in shipped.values()}))
        raise NotFound(f"no questionnaire {key!r}{f' version {version}' if version else ''} (known: {known})")
    return versions[-1]


def read_text(path: str) -> str:
    try:
        return Path(path).read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise InvalidInput(f"cannot read {path}: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise InvalidInput(f"{path} is not UTF-8 text (save it as CSV UTF-8): {error}") from error
