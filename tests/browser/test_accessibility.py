"""WCAG 2.1 AA on the respondent pages (DOS-lagen): axe-core, the keyboard alone, 320 px and 200 % zoom, in chromium.

- axe-core (the npm package, pinned in package-lock.json; `make test` runs `npm ci`) is added to every page as an
  init script, which the pages' Content-Security-Policy does not apply to (it forbids inline scripts, so
  `page.add_script_tag` would be blocked), and runs the WCAG 2.0 and 2.1 A and AA rules.
- Every shipped questionnaire is answered from the welcome page to the thank-you page, the accessibility statement
  opened from the review page on the way, then its used link (409) and a tampered one (400) are opened: in every
  language it is offered in, at iPad size and at phone size.
  The same walk at iPad size checks reflow on every page: at 320 CSS px wide (WCAG 1.4.10; a 1280 px window at
  400 %) and at 640×400 CSS px (a 1280×800 window zoomed to 200 %, WCAG 1.4.4) nothing scrolls sideways and no
  box or text sticks out of the window.
- The home page, the code page (empty and after a wrong code) and the statement, in every language; a kiosk's area
  choice, start screen, statement, a survey page and the idle warning.
- A survey is completed with the keyboard alone (Tab, Shift+Tab, Space, arrow keys, Enter): every Tab stop shows a
  focus indicator, and Tab reaches every control of every page.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from questionnaires import Questionnaire, load_shipped
from survey.demo import DEMO_MUNICIPALITY
from survey.i18n import Catalogs
from survey.services.kiosks import MIN_IDLE_SECONDS
from tests.browser.devices import IPAD, PHONE
from tests.browser.test_kiosk import kiosk_url
from tests.browser.test_respondent_flow import tampered

if TYPE_CHECKING:
    from tests.browser.conftest import LiveServer

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SHIPPED = load_shipped()
CATALOGS = Catalogs()


DEVICES = {device.name: device for device in (IPAD, PHONE)}
NARROW = {"width": 320, "height": 640}
"""WCAG 1.4.10: content 320 CSS px wide (a 1280 px window at 400 %) needs no scrolling in two directions."""
ZOOMED = {"width": 640, "height": 400}
"""A 1280×800 window zoomed to 200 % (WCAG 1.4.4): the browser lays the page out in 640×400 CSS px."""


def _offered(questionnaire: Questionnaire) -> list[str]:
    return [language.code for language in CATALOGS.offered_for(questionnaire)]


WALKS = [
    pytest.param(ident, code, device, id=f"{ident.replace('@', '')}-{code}-{device}")
    for ident, questionnaire in sorted(SHIPPED.items())
    for code in _offered(questionnaire)
    for device in ("ipad", "phone")
]
"""Every shipped questionnaire × every language it is offered in × iPad and phone. Worked out when the tests are
collected, so a language translators complete (and a new questionnaire) is tested from then on."""

ALL_LANGUAGES = sorted({code for questionnaire in SHIPPED.values() for code in _offered(questionnaire)})
OUTSIDE = [pytest.param(code, device, id=f"{code}-{device}") for code in ALL_LANGUAGES for device in ("ipad", "phone")]
"""The pages outside a survey, in every language some questionnaire is offered in."""


# --- what is checked on every page -------------------------------------------------------------------------------


RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return {
    passes: result.passes.length,
    violations: result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
    })),
  };
}"""

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  if (document.documentElement.scrollWidth > width) {
    problems.push(`the page is ${document.documentElement.scrollWidth} px wide in a ${width} px window`);
  }
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].map((c) => '.' + c).join('') + ` "${(el.textContent || '').trim().slice(0, 30)}"`;
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.skip, .visually-hidden, [hidden], script, style, template')) continue;
    if (!el.getClientRects().length) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.left < -1 || box.right > width + 1) {
      problems.push(`${describe(el)} reaches ${Math.round(box.left)}..${Math.round(box.right)} px`);
    }
    const style = getComputedStyle(el);
    if (['hidden', 'clip'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1) {
      problems.push(`${describe(el)} cuts off its content (${el.scrollWidth} px in ${el.clientWidth})`);
    }
  }
  const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = texts.nextNode(); node; node = texts.nextNode()) {
    if (!node.textContent.trim() || node.parentElement.closest('.skip, .visually-hidden, [hidden], script, style')) {
      continue;
    }
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.width && (box.left < -1 || box.right > width + 1)) {
      problems.push(`the text "${node.textContent.trim().slice(0, 40)}" reaches ${Math.round(box.left)}..${
        Math.round(box.right)} px`);
    }
  }
  return problems.slice(0, 8);
}"""


@dataclass
class Audit:
    """axe's violations (and, with `reflow`, what does not fit 320 px or 200 % zoom) on every page checked, kept so
    that one failure lists all of them."""

    reflow: bool = False
    lines: list[str] = field(default_factory=list)
    pages: int = 0

    def check(self, page: Page, what: str) -> None:
        page.wait_for_load_state("load")
        result = page.evaluate(RUN_AXE, WCAG_TAGS)
        assert result["passes"] > 0, f"axe did not run on {page.url}"
        self.pages += 1
        for violation in result["violations"]:
            self.lines.append(f"{what} ({page.url}): {violation['id']} [{violation['impact']}] {violation['help']}")
            for node in violation["nodes"][:6]:
                summary = " ".join(node["summary"].split())
                self.lines.append(f"    {node['target']}: {summary[:300]}")
        if self.reflow:
            size = page.viewport_size
            for name, narrow in (("320 px", NARROW), ("200 %", ZOOMED)):
                page.set_viewport_size(narrow)
                self.lines += [f"{what} at {name} ({page.url}): {problem}" for problem in page.evaluate(OVERFLOW)]
            page.set_viewport_size(size)

    def assert_none(self) -> None:
        assert not self.lines, f"{self.pages} pages checked:\n" + "\n".join(self.lines)


@pytest.fixture(scope="module")
def axe_script() -> Path:
    if not AXE.exists():
        message = f"{AXE.relative_to(ROOT)} is missing: run npm ci (make test does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE


@pytest.fixture
def page_on(browser: Browser, axe_script: Path) -> Iterator[Callable[..., Page]]:
    """`page_on("ipad", "ar")`: a tab in a browser context of its own whose browser asks for Arabic (a context's
    locale decides Accept-Language, which a page's extra headers do not override), with axe on every page."""
    contexts: list[BrowserContext] = []

    def open_page(device: str, language: str = "sv") -> Page:
        options = DEVICES[device].context_options() | {"locale": CATALOGS.languages[language].tag}
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        context.add_init_script(path=str(axe_script))
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def kiosk_tablet(browser: Browser, axe_script: Path) -> Iterator[Page]:
    """An iPad of its own, with axe, whose clock the test moves on (the kiosk's idle timer)."""
    context = browser.new_context(**IPAD.context_options())
    context.set_default_timeout(10_000)
    context.add_init_script(path=str(axe_script))
    context.clock.install()
    try:
        yield context.new_page()
    finally:
        context.close()


# --- rounds and links for every shipped questionnaire ---------------------------------------------------------------


class Links:
    """Single-use links for every shipped questionnaire, each from a round of its own made with the command line
    (`rounds create`, `tokens issue`). Minted in one batch per questionnaire: starting the CLI is the slow part."""

    BATCH = 40

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self._rounds: dict[str, str] = {}
        self._unused: dict[str, list[str]] = {}

    def _round(self, questionnaire: Questionnaire) -> str:
        if questionnaire.ident not in self._rounds:
            key = f"a11y-{questionnaire.key}-{questionnaire.version}"
            today = date.today()
            period = f"{today - timedelta(days=2)}:{today + timedelta(days=30)}"
            self.server.cli(
                "rounds", "create", key, "--questionnaire", questionnaire.key,
                "--version", str(questionnaire.version), "--period", period,
            )  # fmt: skip
            self._rounds[questionnaire.ident] = key
        return self._rounds[questionnaire.ident]

    def next(self, ident: str) -> str:
        unused = self._unused.setdefault(ident, [])
        if not unused:
            questionnaire = SHIPPED[ident]
            output = self.server.cli(
                "tokens", "issue", "--round", self._round(questionnaire), "--municipality", DEMO_MUNICIPALITY,
                "--area", questionnaire.areas[0].key, "--count", str(self.BATCH), "--json",
            )  # fmt: skip
            unused.extend(json.loads(output)["urls"])
        return unused.pop()


@pytest.fixture(scope="module")
def links(live_server: LiveServer) -> Links:
    return Links(live_server)


# --- the respondent's walk ----------------------------------------------------------------------------------------


def path_of(url: str) -> str:
    return urlsplit(url).path


def answer(page: Page, number: int) -> None:
    """Answer the question on screen, whatever its kind: type in a text box, or choose an option."""
    text = page.locator("textarea[name=answer]")
    if text.count():
        text.fill("Bra bemötande.")
        return
    options = page.locator("label", has=page.locator("input[type=radio][name=answer]"))
    count = options.count()
    assert count, f"question {number} on {page.url} has neither a text box nor options"
    options.nth(number % count).click()
    expect(page.locator("input[type=radio][name=answer]:checked")).to_have_count(1)


def walk_survey(page: Page, link: str, code: str, questionnaire: Questionnaire, audit: Audit) -> None:
    """Welcome, every question (answered), review, the statement and back, thank-you, in the language `code`."""
    response = page.goto(f"{link}?lang={code}")
    assert response is not None and response.status == 200, f"{link}?lang={code}"
    expect(page.locator("html")).to_have_attribute("lang", CATALOGS.languages[code].tag)
    audit.check(page, "welcome")
    page.locator(f"main a[href='{path_of(link)}/1']").click()
    for number in range(1, len(questionnaire.questions) + 1):
        page.wait_for_url(re.compile(rf"/{number}$"))
        answer(page, number)
        audit.check(page, f"question {number}")
        page.locator("button[name=nav][value=next]").click()
    page.wait_for_url(re.compile(r"/review$"))
    audit.check(page, "review")

    page.locator("footer.foot a").click()
    page.wait_for_url(re.compile(r"/tillganglighet\?fran=granska$"))
    expect(page.locator("html")).to_have_attribute("lang", CATALOGS.languages[code].tag)
    audit.check(page, "accessibility statement")
    page.locator(".statement-back a").click()
    page.wait_for_url(re.compile(r"/review$"))

    page.locator("form[action$='/submit'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/thanks(\?.*)?$"))
    audit.check(page, "thanks")


# --- tests: axe and reflow on every respondent page ----------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize(("ident", "code", "device"), WALKS)
def test_every_page_of_a_survey_passes_axe_and_reflows(page_on, links: Links, ident: str, code: str, device: str):
    audit = Audit(reflow=device == "ipad")
    page = page_on(device, code)
    link = links.next(ident)
    walk_survey(page, link, code, SHIPPED[ident], audit)

    response = page.goto(link)
    assert response is not None and response.status == 409
    audit.check(page, "used link")
    response = page.goto(tampered(link))
    assert response is not None and response.status == 400
    audit.check(page, "tampered link")
    audit.assert_none()


@pytest.mark.browser
@pytest.mark.parametrize(("code", "device"), OUTSIDE)
def test_pages_outside_a_survey_pass_axe_and_reflow(page_on, live_server: LiveServer, code: str, device: str):
    """The home page, its accessibility statement, and the code page, empty and after a wrong code."""
    audit = Audit(reflow=device == "ipad")
    page = page_on(device, code)
    page.goto(live_server.base_url + "/")
    audit.check(page, "home")
    expect(page.locator("footer.foot a")).to_have_attribute("href", re.compile(r"^/tillganglighet\?lang="))
    page.goto(f"{live_server.base_url}/tillganglighet?lang={code}")  # lättläst svenska has no Accept-Language tag
    expect(page.locator("html")).to_have_attribute("lang", CATALOGS.languages[code].tag)
    audit.check(page, "accessibility statement")
    page.goto(live_server.base_url + "/kod")
    audit.check(page, "code")
    page.locator("#code").fill("AAAA-BBBB-CCCC-DDDDD")
    page.locator("form.code-form button[type=submit]").click()
    expect(page.locator("#code")).to_have_attribute("aria-invalid", "true")
    audit.check(page, "wrong code")
    audit.assert_none()


@pytest.mark.browser
def test_a_kiosk_passes_axe_and_reflows_from_the_start_screen_to_the_idle_warning(
    kiosk_tablet: Page, live_server: LiveServer
) -> None:
    """Staff's area choice, the start screen, its accessibility statement and back, a survey page in kiosk mode, and
    the warning shown before an idle tablet starts over (Playwright's clock moves time on)."""
    page = kiosk_tablet
    audit = Audit(reflow=True)
    page.goto(kiosk_url(live_server, unit_key="a11y_kiosk", area=None, idle_seconds=MIN_IDLE_SECONDS))
    audit.check(page, "kiosk: choose area")
    page.locator(".kiosk-areas a").first.click()
    expect(page.locator(".kiosk-begin")).to_be_visible()
    audit.check(page, "kiosk: start screen")
    start = page.url
    page.locator("footer.foot a").click()
    page.wait_for_url(re.compile(r"/tillganglighet\?area="))
    audit.check(page, "kiosk: accessibility statement")
    page.locator(".statement-back a").click()
    page.wait_for_url(start)

    page.locator(".kiosk-begin button").click()
    # With JavaScript the survey runs on the tablet (kiosk-runner.js): the screens change, the address does not.
    expect(page.locator("body")).to_have_attribute("data-kiosk", "survey")
    audit.check(page, "kiosk: welcome screen on the tablet")
    page.locator("main a.button.primary").click()
    expect(page.locator("form.question")).to_be_visible()
    audit.check(page, "kiosk: question 1")  # kiosk.js has started its timer for this screen
    page.clock.run_for(MIN_IDLE_SECONDS * 1000 - 5_000)
    expect(page.get_by_role("alertdialog")).to_be_visible()
    audit.check(page, "kiosk: idle warning")
    audit.assert_none()


# --- keyboard only (WCAG 2.1.1, 2.4.3, 2.4.7) -----------------------------------------------------------------------


MARK_CONTROLS = """() => {
  const controls = [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), textarea, select, [tabindex]:not([tabindex="-1"])'
  )].filter((el) => !el.disabled && !el.closest('[hidden], [inert]') && el.getClientRects().length > 0
                    && getComputedStyle(el).visibility !== 'hidden');
  return controls.map((el, index) => {
    el.dataset.kb = index;
    const name = el.type === 'radio' ? `radio group ${el.name}` : `${el.tagName.toLowerCase()} "${
      (el.getAttribute('aria-label') || el.textContent || el.value || '').replace(/\\s+/g, ' ').trim().slice(0, 40)}"`;
    return {index, group: el.type === 'radio' ? `radio:${el.name}` : String(index), name};
  });
}"""

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const drawn = (e) => {
    const s = getComputedStyle(e);
    return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || (s.boxShadow && s.boxShadow !== 'none');
  };
  const holder = el.closest('label') || el;  // an answer option shows focus on its whole label
  const box = el.getBoundingClientRect();
  return {
    kb: el.dataset.kb ?? null,
    name: (el.getAttribute('aria-label') || el.textContent || el.value || el.tagName)
      .replace(/\\s+/g, ' ').trim().slice(0, 40),
    focusVisible: el.matches(':focus-visible'),
    indicator: drawn(el) || drawn(holder),
    inView: box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth,
  };
}"""

MAX_TAB_STOPS = 60


def tab_through(page: Page) -> list[dict]:
    """Tab from the top of the page until focus comes round again; every stop must show where focus is, and every
    control (a radio group counts once) must be among the stops."""
    controls = page.evaluate(MARK_CONTROLS)
    stops: list[dict] = []
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or (stops and focused["kb"] == stops[0]["kb"]):
            break
        where = f"{page.url}: focus on {focused['name']!r}"
        assert focused["focusVisible"] and focused["indicator"], f"{where} shows no focus indicator"
        assert focused["inView"], f"{where} is outside the window"
        stops.append(focused)
    reached = {controls[int(stop["kb"])]["group"] for stop in stops if stop["kb"] is not None}
    missed = [control["name"] for control in controls if control["group"] not in reached]
    assert not missed, f"{page.url}: Tab never reaches {missed}"
    return stops


def focus(page: Page, selector: str) -> None:
    """Press Tab until the element matching `selector` has focus (the page starts with focus at its top)."""
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{page.url}: Tab never reaches {selector}")


def checked(page: Page) -> str | None:
    return page.evaluate("() => document.querySelector('input[name=answer]:checked')?.value ?? null")


def answer_by_keyboard(page: Page, number: int) -> str:
    """Answer with the keyboard: type into the text box, or Space on the first option and arrow keys onwards."""
    tab_through(page)
    if page.locator("textarea[name=answer]").count():
        focus(page, "textarea[name=answer]")
        page.keyboard.type("Bra.")
        return "Bra."
    values = page.locator("input[type=radio][name=answer]").evaluate_all("(inputs) => inputs.map((i) => i.value)")
    focus(page, "input[type=radio][name=answer]")
    page.keyboard.press("Space")
    assert checked(page) == values[0], f"{page.url}: Space does not choose the focused option"
    for value in values[1 : 1 + number % len(values)]:
        page.keyboard.press("ArrowDown")
        assert checked(page) == value, f"{page.url}: ArrowDown does not move to the next option"
    return checked(page) or ""


@pytest.mark.browser
@pytest.mark.parametrize("ident", sorted(SHIPPED), ids=lambda ident: ident.replace("@", ""))
def test_a_survey_can_be_completed_with_the_keyboard_alone(page_on, links: Links, ident: str) -> None:
    """Tab, Shift+Tab, Space, arrow keys and Enter only: from the welcome page to the thank-you page, going back
    once; on every page each Tab stop shows a focus indicator and every control is reached."""
    questionnaire = SHIPPED[ident]
    page = page_on("ipad", "sv")
    link = links.next(ident)
    page.goto(link)
    tab_through(page)
    page.goto(link)  # the walk starts again from the top of the page
    focus(page, f"main a[href='{path_of(link)}/1']")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == f"{path_of(link)}/1"
    page.keyboard.press("Enter")

    answers: dict[int, str] = {}
    for number in range(1, len(questionnaire.questions) + 1):
        page.wait_for_url(re.compile(rf"/{number}$"))
        answers[number] = answer_by_keyboard(page, number)
        if number == 2:  # "Tillbaka" by keyboard, and the first answer is still there
            focus(page, "button[name=nav][value=back]")
            page.keyboard.press("Enter")
            page.wait_for_url(re.compile(r"/1$"))
            assert checked(page) == answers[1]
            focus(page, "button[name=nav][value=next]")
            page.keyboard.press("Enter")
            page.wait_for_url(re.compile(r"/2$"))
            assert checked(page) == answers[2]
            focus(page, "input[name=answer]:checked, textarea[name=answer]")  # Tab lands on the chosen option
        if page.locator("textarea[name=answer]").count():
            focus(page, "button[name=nav][value=next]")  # in a text box Enter is a new line: Tab on to "Nästa"
        page.keyboard.press("Enter")  # on an option Enter submits with the form's first button, "Nästa"
        page.wait_for_url(re.compile(rf"/({number + 1}|review)$"))

    page.wait_for_url(re.compile(r"/review$"))
    tab_through(page)
    focus(page, "form[action$='/submit'] button[type=submit]")
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"/thanks(\?.*)?$"))
    tab_through(page)


@pytest.mark.browser
def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_content(page_on, links: Links) -> None:
    page = page_on("ipad", "sv")
    page.goto(links.next("ifo@1") + "/1")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('skip')")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.getElementById('main').contains(document.activeElement)")
