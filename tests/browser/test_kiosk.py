"""Kiosk mode on a shared iPad in a waiting room: one respondent after another on the same browser.

The claim under test (DESIGN.md §4): after a submit, or after the tablet was left idle, the start screen is back by
itself and nothing of the previous respondent is reachable by the next, not by Back, not by reload, not by typing a
URL the previous respondent visited. Runs with the real server (tests/browser/conftest.py) and chromium; once
with kiosk.js, once without JavaScript (the server alone must keep the answers out of reach). Screenshots land in
/tmp/kiosk-*.png for a person to look at.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import func, select

from questionnaires import load_shipped
from survey.config import Settings
from survey.db import create_engine, session_factory
from survey.demo import DEMO_MUNICIPALITY, DEMO_ROUND
from survey.models import BatchDay, RedeemedToken, RoundUnit, TokenBatch, Unit
from survey.services.kiosks import MIN_IDLE_SECONDS, create_kiosk
from survey.services.rounds import get_round, swedish_today
from survey.services.units import create_unit
from survey.tokens import KIOSK_LINK, Signer
from tests.browser.test_respondent_flow import assert_no_horizontal_overflow, assert_touch_targets, option_label

if TYPE_CHECKING:
    from tests.browser.conftest import LiveServer

IFO = load_shipped()["ifo@1"]
IPAD = {"viewport": {"width": 810, "height": 1080}, "has_touch": True, "is_mobile": False, "locale": "sv-SE"}
SHOTS = Path("/tmp")
START = "Välkommen!"
USED = "Enkäten är redan besvarad"
THANKS = "Tack för dina svar!"
BACK_PRESSES = len(IFO.questions) + 6
"""More than the pages one respondent goes through: Back as far as the history reaches."""
RETURN_TIMEOUT_MS = 20_000
"""The thank-you page returns after 8 s (10 s without script)."""
WARNING_MS = min(30, max(20, MIN_IDLE_SECONDS // 3)) * 1000
"""kiosk.js warns for the last third of the idle time, at least 20 s (WCAG 2.2.1) and at most 30 s."""


# --- set-up in the live server's database ---------------------------------------------------------


def _in_thread(coroutine_function, *args):
    """Run a coroutine on its own loop: Playwright's sync API owns this thread's loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine_function(*args)).result()


async def _add_kiosk(server: LiveServer, unit_key: str, area: str | None, idle_seconds: int) -> int:
    settings = Settings(
        database_url=server.env["BRUKARENKAT_DATABASE_URL"], secret_key=server.env["BRUKARENKAT_SECRET_KEY"]
    )
    engine = create_engine(settings)
    try:
        async with session_factory(engine)() as session:
            survey_round = await get_round(session, DEMO_ROUND)
            unit = await session.scalar(select(Unit).where(Unit.kommunkod == DEMO_MUNICIPALITY, Unit.key == unit_key))
            if unit is None:
                unit = await create_unit(session, kommunkod=DEMO_MUNICIPALITY, key=unit_key, name="HVB Solrosen")
            unit.area = area
            if await session.get(RoundUnit, (survey_round.id, unit.id)) is None:
                session.add(RoundUnit(round_id=survey_round.id, unit_id=unit.id))
            await session.flush()
            kiosk = await create_kiosk(
                session,
                round_key=DEMO_ROUND,
                kommunkod=DEMO_MUNICIPALITY,
                unit_id=unit.id,
                name="Väntrummet",
                idle_seconds=idle_seconds,
                today=swedish_today(),
            )
            await session.commit()
            return kiosk.id
    finally:
        await engine.dispose()


async def _used_tokens(server: LiveServer, kiosk_id: int) -> tuple[int, int]:
    """(tokens of the kiosk's batches used, answers stored for them): a burned token is used without an answer."""
    settings = Settings(
        database_url=server.env["BRUKARENKAT_DATABASE_URL"], secret_key=server.env["BRUKARENKAT_SECRET_KEY"]
    )
    engine = create_engine(settings)
    try:
        async with session_factory(engine)() as session:
            batches = select(TokenBatch.id).where(TokenBatch.kiosk_id == kiosk_id)
            used = await session.scalar(
                select(func.count()).select_from(RedeemedToken).where(RedeemedToken.batch_id.in_(batches))
            )
            answered = await session.scalar(select(func.sum(BatchDay.answered)).where(BatchDay.batch_id.in_(batches)))
            return int(used or 0), int(answered or 0)
    finally:
        await engine.dispose()


def used_tokens(server: LiveServer, url: str) -> tuple[int, int]:
    link = url.rsplit("/kiosk/", 1)[1].split("?")[0]
    kiosk_id = Signer(server.env["BRUKARENKAT_SECRET_KEY"], KIOSK_LINK).unsign(link)
    return _in_thread(_used_tokens, server, kiosk_id)


def kiosk_url(server: LiveServer, *, unit_key: str, area: str | None, idle_seconds: int = 120) -> str:
    kiosk_id = _in_thread(_add_kiosk, server, unit_key, area, idle_seconds)
    return f"{server.base_url}/kiosk/{Signer(server.env['BRUKARENKAT_SECRET_KEY'], KIOSK_LINK).sign(kiosk_id)}"


# --- fixtures and checks ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Tablet:
    """One iPad (one browser context) shared by every respondent of a test."""

    context: BrowserContext
    page: Page
    script: bool


@pytest.fixture
def tablet(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Tablet]:
    """An iPad; parametrize indirectly with False to switch JavaScript off."""
    script = getattr(request, "param", True)
    context = browser.new_context(**IPAD, java_script_enabled=script)
    context.set_default_timeout(10_000)
    try:
        yield Tablet(context, context.new_page(), script)
    finally:
        context.close()


def shot(page: Page, name: str) -> None:
    page.wait_for_load_state("load")
    page.screenshot(path=SHOTS / f"kiosk-{name}.png", full_page=True)


def heading(page: Page) -> str:
    return page.get_by_role("heading", level=1).first.inner_text().strip()


def assert_nothing_of_anyone(page: Page, chosen: list[str], allowed: set[str]) -> None:
    """The page is one of `allowed` and shows no answer: no checked option, no review, none of the chosen labels."""
    page.wait_for_load_state("load")
    assert heading(page) in allowed, f"{page.url} shows {heading(page)!r}"
    assert page.locator("input[type=radio]:checked").count() == 0, page.url
    assert page.locator(".review").count() == 0, page.url
    text = page.locator("main").inner_text()
    for label in chosen:
        assert label not in text, f"{page.url} shows {label!r}"


def assert_no_answer_cookies(context: BrowserContext) -> None:
    names = {cookie["name"] for cookie in context.cookies()}
    assert not names & {"answers", "lang", "kiosk_current"}, names


def press_back_and_reload(page: Page, chosen: list[str], allowed: set[str]) -> list[str]:
    """What the next respondent reaches with Back (repeatedly) and reload; every page checked; their headings."""
    seen = []
    for _ in range(BACK_PRESSES):
        page.go_back(wait_until="load")
        if page.url == "about:blank":  # before the kiosk link was opened: this tablet's history ends here
            page.go_forward(wait_until="load")
            break
        assert_nothing_of_anyone(page, chosen, allowed)
        seen.append(heading(page))
    page.reload(wait_until="load")
    assert_nothing_of_anyone(page, chosen, allowed)
    return seen


def choose(number: int) -> str:
    """A recognisable option per question: the second-to-last, so none is the page's first or default."""
    options = IFO.questions[number - 1].scale.options
    return options[-2].label


def answer(page: Page, number: int) -> str:
    expect(page.get_by_text(f"Fråga {number} av {len(IFO.questions)}", exact=True)).to_be_visible()
    label = choose(number)
    option_label(page, label).tap()
    expect(page.get_by_role("radio", name=label, exact=True)).to_be_checked()
    page.get_by_role("button", name="Nästa").tap()
    return label


def begin(page: Page) -> str:
    """Press "Börja" on the kiosk start screen and on the survey's welcome page; the respondent's token URL, or
    with JavaScript (the survey runs on the tablet, kiosk-runner.js) the kiosk's own URL."""
    expect(page.get_by_role("heading", level=1)).to_have_text(START)
    page.get_by_role("button", name="Börja").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(IFO.title)
    token_url = page.url
    page.get_by_role("link", name="Börja").tap()
    return token_url


# --- tests ------------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("tablet", [True, False], ids=["script", "no-script"], indirect=True)
def test_the_next_respondent_cannot_reach_the_answers_of_the_last(tablet: Tablet, live_server: LiveServer) -> None:
    context, page, with_script = tablet.context, tablet.page, tablet.script
    visited: list[str] = []
    page.on("framenavigated", lambda frame: visited.append(frame.url) if frame == page.main_frame else None)
    url = kiosk_url(live_server, unit_key="barn_och_unga", area=None, idle_seconds=120)

    # Staff open the kiosk link and choose the area before handing the tablet over.
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Välj område")
    assert_touch_targets(page, ".kiosk-areas .button")
    shot(page, "choose")
    page.get_by_role("link", name="Vårdnadshavare").tap()

    # Respondent 1: the start screen, every question, the review, submit.
    expect(page.get_by_role("heading", level=1)).to_have_text(START)
    assert_touch_targets(page, ".button.big, .kiosk-staff a")
    assert_no_horizontal_overflow(page)
    shot(page, "start")
    token_url = begin(page)
    chosen = [answer(page, number) for number in range(1, len(IFO.questions) + 1)]
    expect(page.get_by_role("heading", level=1)).to_have_text("Granska dina svar")
    expect(page.locator(".review dd strong")).to_have_count(len(chosen))
    page.get_by_role("button", name="Skicka in mina svar").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(THANKS)
    expect(page.get_by_text("Lämna tillbaka surfplattan till personalen.")).to_be_visible()
    shot(page, "thanks")

    # The tablet goes back to the start screen by itself.
    expect(page.get_by_role("heading", level=1)).to_have_text(START, timeout=RETURN_TIMEOUT_MS)
    assert "area=vardnadshavare" in page.url
    assert_no_answer_cookies(context)

    # Respondent 2 presses Back again and again, and reloads.
    allowed = {START, USED} if with_script else {START, USED, THANKS, "Välj område"}
    seen = press_back_and_reload(page, chosen, allowed)
    if with_script:
        assert set(seen) == {START}, "kiosk.js keeps Back on the start screen"
    else:
        assert USED in seen, "without script Back reaches the survey's pages, which refuse the used token"

    # Not even typing a URL that respondent 1 visited brings anything back.
    for address in dict.fromkeys(visited):
        if "/s/" in address:
            response = page.goto(address)
            assert response is not None
            assert_nothing_of_anyone(page, chosen, {USED, THANKS})
    if with_script:
        assert not [address for address in visited if "/s/" in address], "the token never reaches the address bar"
        assert used_tokens(live_server, url + "?area=vardnadshavare") == (1, 1)
    else:
        assert page.goto(token_url).status == 409
    assert_no_answer_cookies(context)


@pytest.mark.browser
def test_an_idle_tablet_warns_then_wipes_the_answers(tablet: Tablet, live_server: LiveServer) -> None:
    """Idle time is the kiosk's shortest (30 s, the last 20 s warned); the page's clock is Playwright's, so the test
    moves time on instead of waiting for it."""
    context, page = tablet.context, tablet.page
    url = kiosk_url(live_server, unit_key="hvb_entren", area="ensamkommande", idle_seconds=MIN_IDLE_SECONDS)
    context.clock.install()

    page.goto(url)  # a unit with an area of its own: straight to the start screen
    expect(page.locator(".kiosk-staff")).to_have_count(0)
    token_url = begin(page)
    chosen = [answer(page, 1), answer(page, 2)]
    expect(page.get_by_text(f"Fråga 3 av {len(IFO.questions)}", exact=True)).to_be_visible()
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 1)

    # The respondent is still there: the warning shows, they press "Jag är inte klar", their answers stay.
    warning = page.get_by_role("alertdialog")
    page.clock.run_for(MIN_IDLE_SECONDS * 1000 - WARNING_MS - 2_000)
    expect(warning).to_be_hidden()
    page.clock.run_for(3_000)
    expect(warning).to_be_visible()
    expect(warning.get_by_role("heading")).to_have_text("Är du kvar?")
    assert 1 <= int(page.locator("[data-kiosk-count]").inner_text()) <= WARNING_MS // 1000
    expect(warning.get_by_role("button", name="Jag är inte klar")).to_be_focused()
    assert_touch_targets(page, "[data-kiosk-continue]")
    shot(page, "warning")
    warning.get_by_role("button", name="Jag är inte klar").tap()
    expect(warning).to_be_hidden()
    page.get_by_role("button", name="Tillbaka").tap()
    expect(page.get_by_role("radio", name=chosen[1], exact=True)).to_be_checked()

    # Then they walk away: the warning again, and the start screen is back for the next person.
    page.clock.run_for(MIN_IDLE_SECONDS * 1000 - WARNING_MS + 1_000)
    expect(warning).to_be_visible()
    page.clock.run_for(WARNING_MS)
    expect(page.get_by_role("heading", level=1)).to_have_text(START)
    shot(page, "after-idle")
    assert_no_answer_cookies(context)

    seen = press_back_and_reload(page, chosen, {START})
    assert set(seen) == {START}
    assert token_url == url, "the survey ran on the tablet: no token URL to type in again"
    for _ in range(50):  # the start screen sends the walked-away token to be burned
        if used_tokens(live_server, url) == (1, 0):
            break
        page.wait_for_timeout(100)
    assert used_tokens(live_server, url) == (1, 0), "the abandoned token is burned, and no answer stored"
