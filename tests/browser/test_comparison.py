"""Jämförelse in chromium, as the demo's analyst uses it: at desktop and tablet width, without JavaScript, through
axe, and the comparison pages of the municipality's PDF report.

The demo (`make demo`) holds synthetic answers for Dalarna and a synthetic Kolada file for a hundred more
municipalities, so the funnel and the table have something to show. Screenshots go to /tmp/compare-*.png and the
PDF's comparison pages to /tmp/compare-report-*.png, to be looked at.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, Page, expect

from survey.demo import DEMO_PASSWORD, DEMO_ROUND
from survey.demo_comparison import SYNTHETIC_SOURCE
from tests.browser.test_accessibility import AXE, RUN_AXE, WCAG_TAGS

if TYPE_CHECKING:
    from tests.browser.conftest import LiveServer

ANALYST = "analys@ludvika.demo.brukarenkat.se"
DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}, "locale": "sv-SE"},
    "ipad": {"viewport": {"width": 810, "height": 1080}, "has_touch": True, "locale": "sv-SE"},
}


@pytest.fixture
def analyst_page(browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A signed-in analyst of Ludvika, JavaScript off (the page must not need it), axe added to every page."""
    context = browser.new_context(**DEVICES[request.param], java_script_enabled=False)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.base_url}/staff/login")
    page.get_by_label("E-postadress").fill(ANALYST)
    page.get_by_label("Lösenord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")
    try:
        yield page
    finally:
        context.close()


def rows(page: Page) -> list[list[str]]:
    table = page.locator("table.compare tbody tr")
    return [[cell.strip() for cell in row.locator("th, td").all_inner_texts()] for row in table.all()]


@pytest.mark.parametrize("analyst_page", list(DEVICES), indirect=True)
def test_the_analyst_compares_ludvika_with_dalarna_and_the_country(analyst_page: Page, request) -> None:
    page = analyst_page
    device = request.node.callspec.params["analyst_page"]
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Jämförelse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jämförelse mellan kommuner")
    page.get_by_label("Enkätomgång").select_option(DEMO_ROUND)
    page.get_by_label("Fråga").select_option("nojd")
    page.get_by_label("Jämförelsegrupp").select_option("lan")
    page.get_by_role("button", name="Visa").click()

    plot = page.get_by_role("img", name=re.compile("Ludvika"))
    expect(plot).to_be_visible()
    assert plot.get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert plot.evaluate("img => img.complete && img.naturalWidth > 0"), "the browser drew the plot"
    table = rows(page)
    assert len(table) > 100, "Dalarna on the platform and a hundred synthetic Kolada municipalities"
    ludvika = next(row for row in table if row[0].startswith("Ludvika"))
    assert "i fokus" in ludvika[0] and re.fullmatch(r"plats \d+ \(\d+–\d+\) av \d+", ludvika[5]), ludvika
    place, low, high, of = map(int, re.findall(r"\d+", ludvika[5]))
    assert low <= place <= high <= of == len(table)
    assert any(f"Källa: {SYNTHETIC_SOURCE}" in row[0] for row in table)
    assert any("i gruppen" in row[0] for row in table)
    facts = page.locator("dl.facts").inner_text()
    assert "Dalarnas län: poolat" in facts and "medel av kommunernas andelar" in facts
    shares = [int(row[1].rstrip(" %").replace("\xa0", "")) for row in table]
    assert shares == sorted(shares, reverse=True), "sorted by share, highest first"
    page.screenshot(path=f"/tmp/compare-{device}.png", full_page=True)

    page.get_by_role("link", name="Antal svar").click()
    answers = [int(row[2]) for row in rows(page)]
    assert answers == sorted(answers, reverse=True)
    expect(page.locator("th[aria-sort]")).to_contain_text("Antal svar")
    width = DEVICES[device]["viewport"]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_comparison_page_passes_axe(browser: Browser, live_server: LiveServer) -> None:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci`")
    context = browser.new_context(**DEVICES["desktop"])
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    try:
        page.goto(f"{live_server.base_url}/staff/login")
        page.get_by_label("E-postadress").fill(ANALYST)
        page.get_by_label("Lösenord").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        page.goto(f"{live_server.base_url}/staff/compare?round={DEMO_ROUND}&question=kontakt&group=lan")
        page.wait_for_load_state("load")
        result = page.evaluate(RUN_AXE, WCAG_TAGS)
        assert result["passes"] > 0
        assert result["violations"] == []
    finally:
        context.close()


def test_the_pdf_report_has_the_comparison_pages(live_server: LiveServer, tmp_path: Path) -> None:
    for tool in ("pdftotext", "pdftoppm"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} missing: apt-get install poppler-utils")
    pdf = tmp_path / "ludvika.pdf"
    live_server.cli("report", "--round", DEMO_ROUND, "--municipality", "2085", "--format", "pdf", "-o", str(pdf))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Jämförelse med andra kommuner" in text
    assert re.search(r"plats \d+ \(\d+–\d+\) av \d+", text)
    assert f"Källa: {SYNTHETIC_SOURCE}" in " ".join(text.split())
    pages = text.split("\f")
    first = next(i for i, page in enumerate(pages) if "Jämförelse med andra kommuner" in page) + 1
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", str(first), "-l", str(first + 1), str(pdf), "/tmp/compare-report"],
        check=True,
    )
