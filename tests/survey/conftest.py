"""Fixtures shared by the survey tests."""

from __future__ import annotations

import pytest

from survey.services.imports import import_responses
from tests.factories import open_round
from tests.survey.ludvika import HEADER, LUDVIKA_2017


@pytest.fixture
async def ludvika(session, platform):
    await open_round(session, "ifo-2017")
    count = await import_responses(
        session, platform.questionnaires, round_key="ifo-2017", text="\n".join([HEADER, *LUDVIKA_2017])
    )
    await session.commit()
    assert count == 42
    return platform
