"""Everything a request handler needs, built once from Settings: no globals, no import-time state."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from questionnaires import Questionnaire, load_shipped
from survey.audio import AudioIndex
from survey.auth import Passwords, Sessions
from survey.cards import CardCodes
from survey.config import Settings
from survey.db import create_engine, session_factory
from survey.i18n import Catalogs
from survey.pages import Pages
from survey.throttle import FailedChecks
from survey.tokens import ANSWERS_COOKIE, KIOSK_LINK, Signer, TokenMinter


@dataclass(frozen=True, slots=True)
class Platform:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    minter: TokenMinter
    answers_signer: Signer
    questionnaires: dict[str, Questionnaire]
    catalogs: Catalogs
    pages: Pages
    passwords: Passwords
    staff_sessions: Sessions
    kiosk_links: Signer
    card_codes: CardCodes
    """Signs kiosk ids into the link that turns a tablet into a survey station (revocable in the database)."""
    audio: AudioIndex
    """The recordings for read-aloud, listed once at start-up (survey/audio.py)."""
    failed_checks: FailedChecks
    """Clients whose survey links keep failing their check, in memory only (survey/throttle.py)."""

    @classmethod
    def build(cls, settings: Settings) -> Platform:
        engine = create_engine(settings)
        catalogs = Catalogs()
        audio = AudioIndex.scan(settings.audio_dir)
        return cls(
            settings=settings,
            engine=engine,
            sessions=session_factory(engine),
            minter=TokenMinter(settings.secret_key),
            answers_signer=Signer(settings.secret_key, ANSWERS_COOKIE),
            questionnaires=load_shipped(),
            catalogs=catalogs,
            pages=Pages(catalogs, audio),
            passwords=Passwords(),
            staff_sessions=Sessions(settings.secret_key),
            kiosk_links=Signer(settings.secret_key, KIOSK_LINK),
            card_codes=CardCodes(settings.secret_key),
            audio=audio,
            failed_checks=FailedChecks(free=settings.free_failed_checks),
        )

    async def session(self) -> AsyncIterator[AsyncSession]:
        """One session per request, closed (and so its connection returned) when the response is sent."""
        async with self.sessions() as session:
            yield session
