"""A kiosk tablet without network for a while (issue 9): three respondents answer offline, the tablet is reloaded
and restarted, the network returns, and the database holds exactly their three answers, once each.

Real parts only: `brukarenkat serve` on SQLite or PostgreSQL, Debian's chromium through Playwright with a
persistent profile (the tablet's storage: IndexedDB, the service worker and its caches), and
`BrowserContext.set_offline`, which cuts the page and its service worker off the network. Screenshots land in
/tmp/offline-kiosk-*.png for a person to look at.
"""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext, Page, async_playwright, expect
from sqlalchemy import func, select

from survey.models import Answer, Kiosk, Response, RoundUnit, TokenBatch
from survey.services.kiosks import create_kiosk
from survey.services.rounds import swedish_today
from survey.tokens import KIOSK_LINK, Signer
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import SECRET
from tests.factories import IFO, add_unit, open_round
from tests.faults.server import Server

pytestmark = pytest.mark.browser

IPAD = {"viewport": {"width": 810, "height": 1080}, "has_touch": True, "locale": "sv-SE"}
SHOTS = Path("/tmp")
START = "Välkommen!"
SLICE = 5
"""Tokens the tablet keeps in hand (BRUKARENKAT_KIOSK_OFFLINE_TOKENS): more than the three respondents."""
RESPONDENTS = 3
DRAIN_SECONDS = 20


def choices(respondent: int) -> dict[str, str]:
    """A different option per respondent and question (their own recognisable answers), kön included."""
    picked = {}
    for question in IFO.questions:
        options = question.scale.options
        picked[question.key] = options[respondent % len(options)].key
    return picked


def label(question_key: str, option_key: str) -> str:
    question = IFO.question(question_key)
    return question.scale.option(option_key).label


async def launch(playwright, profile: Path) -> BrowserContext:
    """The tablet: chromium with a profile on disk, so that closing and launching again is a restart."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is missing")
    context = await playwright.chromium.launch_persistent_context(
        str(profile), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, **IPAD
    )
    context.set_default_timeout(15_000)
    return context


async def waiting_note(page: Page) -> str:
    note = page.locator("[data-kiosk-waiting]")
    return (await note.inner_text()).strip() if await note.is_visible() else ""


async def slice_size(page: Page) -> int:
    return await page.evaluate(
        """() => new Promise((resolve) => {
            const request = indexedDB.open("brukarenkat-kiosk");
            request.onsuccess = () => {
                const count = request.result.transaction("slice").objectStore("slice").count();
                count.onsuccess = () => resolve(count.result);
            };
        })"""
    )


async def answer_everything(page: Page, respondent: int, earlier: list[dict[str, str]]) -> None:
    """One respondent, start screen to thank-you screen, checking that no earlier respondent's answer shows."""
    mine = choices(respondent)
    await expect(page.get_by_role("heading", level=1)).to_have_text(START)
    await page.get_by_role("button", name="Börja").tap()
    await expect(page.get_by_role("heading", level=1)).to_have_text(IFO.title)
    await expect(page.locator("[data-kiosk-waiting]")).to_have_count(0)  # staff's count is not on respondent screens
    await page.get_by_role("link", name="Börja").tap()
    for number, question in enumerate(IFO.questions, start=1):
        await expect(page.get_by_text(f"Fråga {number} av {len(IFO.questions)}", exact=True)).to_be_visible()
        await expect(page.locator("input[type=radio]:checked")).to_have_count(0)
        await page.locator("label.option", has_text=label(question.key, mine[question.key])).first.tap()
        await page.get_by_role("button", name="Nästa").tap()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Granska dina svar")
    shown = [text.strip() for text in await page.locator(".review dd strong").all_inner_texts()]
    assert shown == [label(q.key, mine[q.key]) for q in IFO.questions], shown
    if respondent == RESPONDENTS - 1:
        await page.screenshot(path=SHOTS / "offline-kiosk-review-3.png", full_page=True)
    for before in earlier:
        for question in IFO.questions:
            if before[question.key] != mine[question.key]:
                hidden = page.locator(f"[data-review={question.key}] [data-option={before[question.key]}]")
                await expect(hidden).to_be_hidden()
    await page.get_by_role("button", name="Skicka in mina svar").tap()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Tack för dina svar!")
    await page.get_by_role("link", name="Klar").tap()
    await expect(page.get_by_role("heading", level=1)).to_have_text(START)


async def stored(session) -> int:
    session.expire_all()
    return int(await session.scalar(select(func.count()).select_from(Response)))


async def test_three_respondents_answer_offline_and_each_answer_is_stored_once_when_the_network_returns(
    session, database_url, tmp_path
):
    survey_round = await open_round(session)
    unit = await add_unit(session, key="mottagningen", name="Mottagningen")
    unit.area = "ekonomiskt_bistand"
    session.add(RoundUnit(round_id=survey_round.id, unit_id=unit.id))
    await session.flush()
    kiosk = await create_kiosk(
        session,
        round_key=survey_round.key,
        kommunkod="2085",
        unit_id=unit.id,
        name="Väntrummet",
        idle_seconds=120,
        today=swedish_today(),
    )
    await session.commit()
    kiosk_id = kiosk.id
    server = Server(database_url, tmp_path)
    server.env["BRUKARENKAT_KIOSK_OFFLINE_TOKENS"] = str(SLICE)
    server.start()
    url = f"{server.base_url}/kiosk/{Signer(SECRET, KIOSK_LINK).sign(kiosk_id)}"
    profile = tmp_path / "tablet"
    try:
        async with async_playwright() as playwright:
            # Online: staff open the kiosk link; the tablet keeps the screens and a slice of tokens.
            tablet = await launch(playwright, profile)
            page = tablet.pages[0] if tablet.pages else await tablet.new_page()
            await page.goto(url)
            await expect(page.get_by_role("heading", level=1)).to_have_text(START)
            await page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")
            for _ in range(50):
                if await slice_size(page) == SLICE:
                    break
                await asyncio.sleep(0.1)
            assert await slice_size(page) == SLICE

            # The network goes; three respondents answer one after the other.
            await tablet.set_offline(True)
            given: list[dict[str, str]] = []
            for respondent in range(RESPONDENTS):
                await answer_everything(page, respondent, given)
                given.append(choices(respondent))
                if respondent == 0:
                    await page.screenshot(path=SHOTS / "offline-kiosk-after-wipe.png", full_page=True)
            await expect(page.locator("[data-kiosk-waiting]")).to_have_text("Väntar på att skickas: 3 svar")
            await page.screenshot(path=SHOTS / "offline-kiosk-waiting.png", full_page=True)
            assert await stored(session) == 0, "nothing reached the server while offline"

            # Reloaded, then restarted (closed and launched again on the same storage), still offline.
            await page.reload()
            await expect(page.get_by_role("heading", level=1)).to_have_text(START)
            await expect(page.locator("[data-kiosk-waiting]")).to_have_text("Väntar på att skickas: 3 svar")
            await tablet.close()
            tablet = await launch(playwright, profile)
            await tablet.set_offline(True)
            page = tablet.pages[0] if tablet.pages else await tablet.new_page()
            await page.goto(url)
            await expect(page.get_by_role("heading", level=1)).to_have_text(START)
            await expect(page.locator("[data-kiosk-waiting]")).to_have_text("Väntar på att skickas: 3 svar")
            assert await stored(session) == 0

            # The network returns: the queue drains by itself, and the note goes.
            await tablet.set_offline(False)
            await expect(page.locator("[data-kiosk-waiting]")).to_be_hidden(timeout=DRAIN_SECONDS * 1000)
            await page.screenshot(path=SHOTS / "offline-kiosk-drained.png", full_page=True)
            await tablet.close()
    finally:
        server.stop()

    assert await stored(session) == RESPONDENTS, "each of the three answers stored exactly once"
    rows = (await session.execute(select(Answer.question, Answer.option))).all()
    assert Counter(rows) == Counter((key, option) for answers in given for key, option in answers.items())
    kiosk_row = await session.get(Kiosk, kiosk_id)
    await session.refresh(kiosk_row)
    assert kiosk_row.waiting == 0 and kiosk_row.synced_at is not None
    batch = await session.scalar(select(TokenBatch).where(TokenBatch.kiosk_id == kiosk_id))
    assert batch.handed_out == RESPONDENTS, "slice tokens count as handed out when used, not when minted"
