"""What lets a kiosk tablet go on without a network: a slice of tokens minted ahead, and the tablet's reports.

A slice is minted into the kiosk's own batch for the area, like the tokens of online starts, but counts as handed
out only when a token of it is used (answered, or burned when a respondent walked away): tokens still waiting on
a tablet at the end of the round were never offered to anyone. Nothing records which tokens a slice held.

A report says how many finished answers wait on the tablet. The kiosk keeps the latest report only (a time to
the minute and a count), overwritten each time, so the table never becomes a log of when answers came in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from questionnaires import Questionnaire
from survey.models import Kiosk, TokenBatch
from survey.services.errors import InvalidInput
from survey.services.kiosks import kiosk_batch_for
from survey.tokens import TokenMinter

MAX_SLICE = 200
"""The most tokens one request takes: more than a busy reception sees in a day, few enough that a lost tablet
holds no more than a day's worth of unused links (which only work until the round closes)."""
MAX_WAITING = 100_000
"""A report above this is not a count of answers on a tablet."""


async def mint_offline_tokens(
    session: AsyncSession,
    minter: TokenMinter,
    kiosk: Kiosk,
    area: str,
    count: int,
    *,
    questionnaires: Mapping[str, Questionnaire],
    today: dt.date,
) -> list[str]:
    """`count` tokens for the tablet to hand out while offline; the batch's size grows, its handed-out count not."""
    if not 1 <= count <= MAX_SLICE:
        raise InvalidInput(f"a kiosk takes 1 to {MAX_SLICE} tokens at a time, not {count}")
    survey_round, batch_id = await kiosk_batch_for(session, kiosk, area, questionnaires=questionnaires, today=today)
    await session.execute(update(TokenBatch).where(TokenBatch.id == batch_id).values(size=TokenBatch.size + count))
    await session.commit()
    return [
        minter.mint(
            round_key=survey_round.key,
            kommunkod=kiosk.kommunkod,
            area=area,
            unit_id=kiosk.unit_id,
            batch_id=batch_id,
            counted_on_use=True,
        )
        for _ in range(count)
    ]


async def report_sync(session: AsyncSession, kiosk: Kiosk, *, waiting: int, now: dt.datetime) -> None:
    """The tablet reported in with `waiting` answers still on it; kept to the minute, replacing the last report."""
    if not 0 <= waiting <= MAX_WAITING:
        raise InvalidInput(f"waiting must be a count from 0 to {MAX_WAITING}, not {waiting}")
    kiosk.synced_at = now.replace(second=0, microsecond=0, tzinfo=None)
    kiosk.waiting = waiting
    await session.commit()
