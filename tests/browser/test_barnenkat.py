"""A child answers the barnenkät on an iPad with the smileys: big faces to tap, one question per screen, the word
under each face, the radio button the control a keyboard and a screen reader use, and the free text that may be
skipped. Screenshots land in /tmp/barn-*.png for a person to look at with a seven-year-old's eyes.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from questionnaires import load_shipped
from survey.demo import DEMO_MUNICIPALITY
from survey.services.rounds import swedish_today

if TYPE_CHECKING:
    from tests.browser.conftest import LiveServer

BARN = load_shipped()["barn@1"]
ROUND = "barn-browser"
IPAD = {"viewport": {"width": 810, "height": 1080}, "has_touch": True, "locale": "sv-SE"}
SCREENSHOTS = Path("/tmp")
CHILD_TARGET = 64  # CSS px: a child's finger, more than WCAG's 44
ANSWERS = ["Ja", "Lite", "Vet inte", "Nej", "Ja"]


@pytest.fixture(scope="module")
def barn_link(live_server: LiveServer) -> str:
    """A barnenkät round next to the demo's ifo round, and a link for a child aged 6–12."""
    today = swedish_today()
    period = f"{today - dt.timedelta(days=7)}:{today + dt.timedelta(days=30)}"
    live_server.cli("rounds", "create", ROUND, "--questionnaire", "barn", "--period", period)
    return issue(live_server)


def issue(live_server: LiveServer) -> str:
    output = live_server.cli(
        "tokens", "issue", "--round", ROUND, "--municipality", DEMO_MUNICIPALITY, "--area", "barn_6_12",
        "--count", "1", "--json",
    )  # fmt: skip
    (url,) = json.loads(output)["urls"]
    return url


def shot(page: Page, name: str) -> None:
    page.wait_for_load_state("load")
    page.screenshot(path=SCREENSHOTS / f"barn-{name}.png", full_page=True)


def assert_big_enough(page: Page, selector: str, minimum: int) -> None:
    targets = page.locator(selector)
    assert targets.count() > 0, selector
    for target in targets.all():
        box = target.bounding_box()
        assert box is not None
        assert box["width"] >= minimum and box["height"] >= minimum, (
            f"{selector} {target.inner_text()!r} is {box['width']:.0f}x{box['height']:.0f} CSS px, under {minimum}"
        )


def assert_fits(page: Page) -> None:
    scroll_width, width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll_width <= width, f"{page.url} scrolls sideways"


def expect_question(page: Page, number: int) -> None:
    expect(page.get_by_text(f"Fråga {number} av {len(BARN.questions)}", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(BARN.questions[number - 1].text)


def face_centres(page: Page) -> list[float]:
    """The horizontal centre of each face, in the order of the scale (happy, neutral, sad)."""
    centres = []
    for face in page.locator(".option.smiley:not(.smiley-unsure) .face").all():
        box = face.bounding_box()
        assert box is not None
        centres.append(box["x"] + box["width"] / 2)
    return centres


@pytest.mark.browser
def test_a_child_answers_the_barnenkat_with_smileys_on_an_ipad(
    browser: Browser, live_server: LiveServer, barn_link: str
) -> None:
    context = browser.new_context(**IPAD)
    context.set_default_timeout(10_000)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        assert (response := page.goto(barn_link)) is not None and response.status == 200
        expect(page.get_by_role("heading", level=1)).to_have_text("Vad tycker du?")
        shot(page, "welcome")
        page.get_by_role("link", name="Börja").tap()

        for number, word in enumerate(ANSWERS, start=1):
            expect_question(page, number)
            assert_fits(page)
            faces = page.locator(".options.smileys .face")
            expect(faces.first).to_be_visible()
            assert page.locator(".options.smileys svg.face[aria-hidden='true']").count() == faces.count()
            assert_big_enough(page, "label.option.smiley", CHILD_TARGET)
            assert_big_enough(page, ".nav .button", CHILD_TARGET)
            # Three faces in a row, happy first in the reading direction, each big enough to see from afar.
            happy, neutral, sad = face_centres(page)
            assert happy < neutral < sad
            assert page.locator(".face-happy").bounding_box()["width"] >= 96
            # The radio button stays the control, named by the word under the face (the face is hidden).
            radio = page.get_by_role("radio", name=word, exact=True)
            if number == 2:
                # Keyboard: arrow keys move along the scale as on any radio group.
                page.get_by_role("radio", name="Ja", exact=True).focus()
                page.keyboard.press("ArrowRight")
                expect(radio).to_be_checked()  # "Lite"
                shot(page, "question-keyboard")
            else:
                page.locator("label.option", has=page.get_by_text(word, exact=True)).tap()
                expect(radio).to_be_checked()
            if number == 1:
                shot(page, "question-1")
            if number == 3:
                shot(page, "question-vet-inte")
            page.get_by_role("button", name="Nästa").tap()

        expect_question(page, 6)
        expect(page.get_by_text("Skriv inte ditt namn.", exact=False)).to_be_visible()
        page.get_by_role("textbox").fill("Mer tid att rita.")
        shot(page, "free-text")
        page.get_by_role("button", name="Nästa").tap()

        expect(page.get_by_role("heading", level=1)).to_have_text("Granska dina svar")
        expect(page.locator(".review dd strong")).to_have_text([*ANSWERS, "Mer tid att rita."])
        shot(page, "review")
        page.get_by_role("button", name="Skicka in mina svar").tap()
        expect(page.get_by_role("heading", level=1)).to_have_text("Tack för dina svar!")
        shot(page, "thanks")
        assert {urlsplit(url).hostname for url in requested if urlsplit(url).scheme not in {"data", "blob"}} == {
            "127.0.0.1"
        }
    finally:
        context.close()


@pytest.mark.browser
def test_the_smileys_mirror_in_right_to_left_and_work_without_javascript(
    browser: Browser, live_server: LiveServer, barn_link: str
) -> None:
    """No right-to-left language has a barnenkät translation yet, so the page is turned right-to-left by hand:
    the layout alone (CSS grid and logical properties) must put the happy face at the start, now the right."""
    context = browser.new_context(**IPAD, java_script_enabled=False)
    page = context.new_page()
    try:
        link = issue(live_server)
        page.goto(f"{link}/2")
        expect_question(page, 2)
        page.locator("label.option", has=page.get_by_text("Ja", exact=True)).tap()
        expect(page.get_by_role("radio", name="Ja", exact=True)).to_be_checked()
        page.get_by_role("button", name="Nästa").tap()
        expect_question(page, 3)
        page.get_by_role("button", name="Tillbaka").tap()
        expect(page.get_by_role("radio", name="Ja", exact=True)).to_be_checked()

        rtl = browser.new_context(**IPAD)
        try:
            mirrored = rtl.new_page()
            mirrored.goto(f"{issue(live_server)}/2")
            mirrored.evaluate("document.documentElement.dir = 'rtl'")
            happy, neutral, sad = face_centres(mirrored)
            assert happy > neutral > sad, "right-to-left: the happy face stands at the right"
            unsure = mirrored.locator(".smiley-unsure").bounding_box()
            first = mirrored.locator(".smiley-happy").bounding_box()
            assert unsure and first and unsure["y"] > first["y"] + first["height"], "'Vet inte' below the faces"
            shot(mirrored, "rtl")
        finally:
            rtl.close()
    finally:
        context.close()


@pytest.mark.browser
def test_the_smileys_fit_a_phone(browser: Browser, live_server: LiveServer, barn_link: str) -> None:
    """Older children answer on their own phones: three faces still side by side, no sideways scrolling."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, locale="sv-SE"
    )
    page = context.new_page()
    try:
        page.goto(f"{issue(live_server)}/2")
        expect_question(page, 2)
        assert_fits(page)
        assert_big_enough(page, "label.option.smiley", CHILD_TARGET)
        happy, neutral, sad = face_centres(page)
        assert happy < neutral < sad
        page.locator("label.option", has=page.get_by_text("Nej", exact=True)).tap()
        shot(page, "phone")
    finally:
        context.close()
