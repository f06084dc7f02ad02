"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from survey.models import Base
from survey.platform import Platform


async def test_migrated_schema_matches_the_models(platform: Platform) -> None:
    def differences(connection):  # type: ignore[no-untyped-def]
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with platform.engine.connect() as connection:
        diff = await connection.run_sync(differences)
    assert diff == []
