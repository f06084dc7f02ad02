"""A respondent answers the survey in a real browser, on the devices social services hand out or people carry.

Respondents get a link or QR code and answer on a shared iPad in the waiting room or on their own phone. Unit tests
cover the routes; only a browser shows that the pages work by touch, one question per screen, that answers survive
"Tillbaka", that a used or tampered link explains itself, and that nothing is fetched from another host (no CDN,
font or analytics request may learn that someone answers a social-services survey). Screenshots of each step land
in test-artifacts/browser/ for a person to look at.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from questionnaires import load_shipped
from tests.browser.devices import IPAD, PHONE, Device

if TYPE_CHECKING:
    from tests.browser.conftest import LiveServer

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
IFO = load_shipped()["ifo@1"]  # the questionnaire of the demo round (survey/demo.py)
MIN_TOUCH_TARGET = 44  # CSS px, WCAG 2.5.5
GO_BACK_AT = 3  # the question where the respondent presses "Tillbaka" once


DEVICES = [IPAD, PHONE]


@dataclass
class Tab:
    """A page in its own browser context (own cookies), with every URL it requested."""

    page: Page
    requested: list[str] = field(default_factory=list)


@pytest.fixture(params=DEVICES, ids=lambda device: device.name)
def device(request: pytest.FixtureRequest) -> Device:
    return request.param


@pytest.fixture
def new_tab(browser: Browser, device: Device) -> Iterator[Callable[[], Tab]]:
    """Opens tabs as separate visitors on `device`; closes them after the test."""
    contexts: list[BrowserContext] = []

    def open_tab() -> Tab:
        context = browser.new_context(**device.context_options())
        context.set_default_timeout(10_000)
        contexts.append(context)
        tab = Tab(context.new_page())
        tab.page.on("request", lambda request: tab.requested.append(request.url))
        return tab

    yield open_tab
    for context in contexts:
        context.close()


# --- checks ---------------------------------------------------------------------------------------


def settle(page: Page) -> None:
    """Wait for the stylesheet, so measurements and screenshots see the laid-out page."""
    page.wait_for_load_state("load")


def assert_swedish_ltr(page: Page) -> None:
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "sv")
    expect(html).to_have_attribute("dir", "ltr")


def assert_no_horizontal_overflow(page: Page) -> None:
    settle(page)
    # clientWidth, not innerWidth: a mobile browser zooms out of a too-wide page, and innerWidth grows with it.
    scroll_width, width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll_width <= width, f"{page.url} scrolls sideways: {scroll_width} px wide in {width} px"


def assert_touch_targets(page: Page, selector: str) -> None:
    settle(page)
    targets = page.locator(selector)
    assert targets.count() > 0, f"no {selector} on {page.url}"
    for target in targets.all():
        box = target.bounding_box()
        assert box is not None, f"{selector} {target.inner_text()!r} is not rendered"
        assert box["height"] >= MIN_TOUCH_TARGET and box["width"] >= MIN_TOUCH_TARGET, (
            f"{selector} {target.inner_text()!r} is {box['width']:.0f}x{box['height']:.0f} CSS px,"
            f" under {MIN_TOUCH_TARGET}x{MIN_TOUCH_TARGET}"
        )


def assert_page_fits(page: Page) -> None:
    assert_swedish_ltr(page)
    assert_no_horizontal_overflow(page)


def assert_only_local_requests(tab: Tab) -> None:
    """Nothing left the machine: no font, CDN or analytics host learns that someone answers this survey."""
    foreign = [url for url in tab.requested if not is_local(url)]
    assert not foreign, f"the page requested other hosts: {foreign}"


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"data", "blob"} or parts.hostname == "127.0.0.1"


def screenshot(page: Page, device: Device, step: str) -> None:
    settle(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{device.name}-{step}.png", full_page=True)


# --- the respondent's actions ---------------------------------------------------------------------


def option_label(page: Page, text: str) -> Locator:
    """The tappable label of the answer option whose text is exactly `text`."""
    return page.locator("label.option", has=page.get_by_text(text, exact=True))


def expect_question(page: Page, number: int) -> None:
    question = IFO.questions[number - 1]
    expect(page.get_by_text(f"Fråga {number} av {len(IFO.questions)}", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(question.text)


def expect_chosen(page: Page, text: str) -> None:
    expect(page.get_by_role("radio", name=text, exact=True)).to_be_checked()


def choose_for(number: int) -> str:
    """A different option from question to question, so the review can show which answer went where."""
    options = IFO.questions[number - 1].scale.options
    return options[number % len(options)].label


def answer_all_questions(page: Page, device: Device) -> dict[int, str]:
    """Answer every question by tapping a label, pressing "Tillbaka" once on the way; the labels chosen."""
    chosen: dict[int, str] = {}
    for number in range(1, len(IFO.questions) + 1):
        expect_question(page, number)
        assert_page_fits(page)
        assert_touch_targets(page, "label.option, .nav .button")
        chosen[number] = choose_for(number)
        option_label(page, chosen[number]).tap()
        expect_chosen(page, chosen[number])
        if number == GO_BACK_AT:
            go_back_and_return(page, device, number, chosen)
        page.get_by_role("button", name="Nästa").tap()
    return chosen


def go_back_and_return(page: Page, device: Device, number: int, chosen: dict[int, str]) -> None:
    """Press "Tillbaka": the previous question shows its answer still checked, and this one's answer is kept too."""
    page.get_by_role("button", name="Tillbaka").tap()
    expect_question(page, number - 1)
    expect_chosen(page, chosen[number - 1])
    # The question screenshot: an answered question as the server renders it, without a fading tap highlight.
    screenshot(page, device, "question")
    page.get_by_role("button", name="Nästa").tap()
    expect_question(page, number)
    expect_chosen(page, chosen[number])


def expect_review_lists(page: Page, chosen: dict[int, str]) -> None:
    rows = page.locator(".review .row")
    expect(rows).to_have_count(len(IFO.questions))
    for number, question in enumerate(IFO.questions, start=1):
        row = rows.nth(number - 1)
        expect(row.locator("dt")).to_have_text(question.text)
        expect(row.locator("dd strong")).to_have_text(chosen[number])


def tampered(url: str) -> str:
    """The link with the signature's first character changed (a last character may only carry padding bits)."""
    head, signature = url.rsplit(".", 1)
    replacement = "B" if signature[0] == "A" else "A"
    return f"{head}.{replacement}{signature[1:]}"


# --- tests ----------------------------------------------------------------------------------------


@pytest.mark.browser
def test_respondent_answers_reviews_and_submits_once(
    new_tab: Callable[[], Tab], live_server: LiveServer, device: Device
) -> None:
    link = live_server.issue_link()
    tab = new_tab()
    page = tab.page

    response = page.goto(link)
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(IFO.title)
    assert_page_fits(page)
    screenshot(page, device, "welcome")
    page.get_by_role("link", name="Börja").tap()

    chosen = answer_all_questions(page, device)

    expect(page.get_by_role("heading", level=1)).to_have_text("Granska dina svar")
    expect_review_lists(page, chosen)
    assert_page_fits(page)
    screenshot(page, device, "review")
    page.get_by_role("button", name="Skicka in mina svar").tap()

    expect(page.get_by_role("heading", level=1)).to_have_text("Tack för dina svar!")
    assert_page_fits(page)
    screenshot(page, device, "thanks")
    assert_only_local_requests(tab)

    again = new_tab()
    response = again.page.goto(link)
    assert response is not None and response.status == 409
    expect(again.page.get_by_role("heading", level=1)).to_have_text("Enkäten är redan besvarad")
    assert_page_fits(again.page)
    assert_only_local_requests(again)


@pytest.mark.browser
def test_tampered_link_is_refused(new_tab: Callable[[], Tab], live_server: LiveServer, device: Device) -> None:
    tab = new_tab()
    response = tab.page.goto(tampered(live_server.issue_link()))
    assert response is not None and response.status == 400
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Länken fungerar inte")
    assert_page_fits(tab.page)
    assert_only_local_requests(tab)
