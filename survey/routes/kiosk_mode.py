"""Kiosk mode of a page: what base.html needs to make it part of a shared tablet's survey station.

A page in kiosk mode carries the kiosk's start URL and idle time as `data-` attributes on `<body>` and loads
/static/kiosk.js (no inline script: the CSP is `default-src 'self'`). Without JavaScript the pages still work;
the thank-you page then goes back to the start with a `<meta http-equiv="refresh">`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession

from survey.platform import Platform
from survey.services.kiosks import KioskSetting, kiosk_setting
from survey.services.responses import OpenLink

RETURN_AFTER_SECONDS = 8
"""How long the thank-you page (or an "already answered" page) stays before the start screen is back."""


class KioskRole(StrEnum):
    """What kiosk.js does on a page."""

    START = "start"
    """The respondent start screen: clear storage, keep Back on this screen."""
    CHOOSE = "choose"
    """The staff screen that picks the area: clear storage."""
    SURVEY = "survey"
    """A page of a respondent's survey: idle warning, then wipe and go back to the start."""
    DONE = "done"
    """Thank-you or "already answered": go back to the start after a few seconds."""


@dataclass(frozen=True, slots=True)
class OfflineKiosk:
    """The start screen's part in the offline kiosk (survey/routes/kiosk_offline.py)."""

    base: str
    """The kiosk link's path, under which the screens, tokens and sync endpoints are."""
    area: str
    tokens: int
    """How many tokens the tablet keeps in hand (Settings.kiosk_offline_tokens)."""
    waiting_label: str
    """"Waiting to be sent: %(count)s", in the staff's language, shown small on the start screen."""


@dataclass(frozen=True, slots=True)
class KioskPage:
    role: KioskRole
    start: str
    """The kiosk start screen (with the area when staff chose it), where the tablet returns."""
    idle_seconds: int = 0
    abandon: str | None = None
    """Where the idle timeout posts to burn the token and clear its cookies (survey pages only)."""
    return_after: int = 0
    """Seconds until the page goes back to the start by itself; 0 for never."""
    offline: OfflineKiosk | None = None
    """On the start screen: what kiosk-runner.js needs to run the survey on the tablet, network or not."""

    @property
    def refresh_after(self) -> int:
        """The `<meta refresh>` fallback without JavaScript: later than kiosk.js, whose navigation replaces the
        history entry (a meta refresh adds one)."""
        return self.return_after + 2 if self.return_after else 0


def kiosk_start_url(platform: Platform, kiosk_id: int, area: str | None = None) -> str:
    path = f"/kiosk/{platform.kiosk_links.sign(kiosk_id)}"
    return f"{path}?{urlencode({'area': area})}" if area else path


def _start_for(platform: Platform, setting: KioskSetting, area: str) -> str:
    """The same area again for the next respondent when staff chose it; the unit's own otherwise."""
    return kiosk_start_url(platform, setting.kiosk_id, None if setting.fixed_area else area)


async def survey_kiosk(platform: Platform, session: AsyncSession, link: OpenLink, token: str) -> KioskPage | None:
    """Kiosk mode for a respondent's welcome, question and review pages; None for a link not from a kiosk."""
    if link.kiosk_id is None:
        return None
    setting = await kiosk_setting(session, kiosk_id=link.kiosk_id)
    if setting is None:
        return None
    return KioskPage(
        role=KioskRole.SURVEY,
        start=_start_for(platform, setting, link.claims.area),
        idle_seconds=setting.idle_seconds,
        abandon=f"/s/{token}/abandon",
    )


async def thanks_kiosk(platform: Platform, session: AsyncSession, token: str) -> KioskPage | None:
    """Kiosk mode for the thank-you page, which does not open the link (its token is used by then)."""
    claims = platform.minter.verify(token)
    if claims is None:
        return None
    setting = await kiosk_setting(session, batch_id=claims.batch_id)
    if setting is None:
        return None
    return KioskPage(
        role=KioskRole.DONE, start=_start_for(platform, setting, claims.area), return_after=RETURN_AFTER_SECONDS
    )


def refused_kiosk(platform: Platform, kiosk_id: int | None, area: str | None) -> KioskPage | None:
    """Kiosk mode for a refused kiosk token's page (used, expired, closed): back to the start after a while.

    No database here (exception handlers are synchronous), so the area always goes into the URL; the start
    screen ignores it for a unit with an area of its own.
    """
    if kiosk_id is None:
        return None
    return KioskPage(
        role=KioskRole.DONE, start=kiosk_start_url(platform, kiosk_id, area), return_after=RETURN_AFTER_SECONDS
    )
