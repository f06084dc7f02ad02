"""Arabic and Dari at tablet size: `dir` from the locale, the scale mirrored, the script drawn in the font the app
serves itself, and nothing fetched from another host. Screenshots land in test-artifacts/browser/ to be looked at.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, expect

if TYPE_CHECKING:
    from tests.browser.conftest import LiveServer

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
RIGHT_TO_LEFT = [("ar", "ar", "Brukarenkat Arabic"), ("fa_AF", "fa-AF", "Brukarenkat Arabic")]
IPAD = {"viewport": {"width": 810, "height": 1080}, "has_touch": True}
ARTIFACTS.mkdir(parents=True, exist_ok=True)


@pytest.mark.parametrize(("code", "tag", "font"), RIGHT_TO_LEFT, ids=[code for code, _, _ in RIGHT_TO_LEFT])
def test_a_right_to_left_survey_is_mirrored_and_drawn_in_the_apps_own_font(
    live_server: LiveServer, browser: Browser, code: str, tag: str, font: str
) -> None:
    context = browser.new_context(**IPAD, locale="sv-SE")
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        link = live_server.issue_link()
        page.goto(f"{link}?lang={code}")
        html = page.locator("html")
        expect(html).to_have_attribute("lang", tag)
        expect(html).to_have_attribute("dir", "rtl")
        page.screenshot(path=ARTIFACTS / f"rtl-{code}-welcome.png", full_page=True)

        page.goto(f"{link}/1")
        page.wait_for_load_state("load")
        expect(html).to_have_attribute("dir", "rtl")
        options = page.locator(".option")
        first_radio = options.first.locator("input").bounding_box()
        first_text = options.first.locator("span").first.bounding_box()
        assert first_radio and first_text
        assert first_radio["x"] > first_text["x"], "the radio button stands at the start (right) of its label"
        assert page.evaluate('(family) => document.fonts.check(`20px "${family}"`)', font)
        used = page.evaluate(
            """async (family) => {
                 await document.fonts.ready;
                 return [...document.fonts].some(f => f.family.replaceAll('"', '') === family && f.status === 'loaded');
               }""",
            font,
        )
        assert used, f"{font} was served and used"
        page.screenshot(path=ARTIFACTS / f"rtl-{code}-question.png", full_page=True)
        hosts = {urlsplit(url).hostname for url in requested}
        assert hosts == {"127.0.0.1"}, f"requests went to {hosts}"
    finally:
        context.close()
