"""A new municipality admin sets up a survey round in the staff UI and follows the answers coming in.

The acceptance test of the staff side (DESIGN.md §5), in a real browser against the real server
(tests/browser/conftest.py): the first admin of Ludvika (2085), created with the CLI as an installation would, logs
in, adds a unit, lets it take part in a fresh round, mints a batch of cards, downloads the card sheet (its QR codes
decoded from the rendered PDF with Debian's poppler-utils and zbar-tools), answers with one card on a phone,
types another card's code, opens a kiosk on an iPad for two respondents, and reads the counts back on the round
page: they must match what the test did by hand. Screenshots of the staff pages, desktop and phone, land in
/tmp/staff-*.png for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from questionnaires import Questionnaire, load_shipped
from survey.cards import ALPHABET
from survey.demo import DEMO_MUNICIPALITY
from survey.routes.kiosk_mode import RETURN_AFTER_SECONDS
from survey.services.rounds import swedish_today
from tests.browser.test_respondent_flow import option_label

if TYPE_CHECKING:
    from tests.browser.conftest import LiveServer

DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "sv-SE"}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "locale": "sv-SE"}
IPAD = {"viewport": {"width": 810, "height": 1080}, "has_touch": True, "is_mobile": False, "locale": "sv-SE"}
SHOTS = Path("/tmp")

ROUND = "ifo-staff-flow"
ADMIN_EMAIL = "forsta.admin@ludvika.example"
ADMIN_NAME = "Frida Förstaadmin"
UNIT = "HVB Notgårdshemmet"
UNIT_KEY = "hvb_notgardshemmet"
AREA = "ensamkommande"
AREA_NAME = "Ensamkommande ungdomar 13 år eller äldre"
CARDS = 4
KIOSK = "Dagrummet"
KIOSK_RESPONDENTS = 2

SYMBOL = f"[{ALPHABET}]"
CODE = re.compile(rf"\b{SYMBOL}{{4}}-{SYMBOL}{{4}}-{SYMBOL}{{4}}-{SYMBOL}{{5}}\b")
"""A card code as printed (survey/cards.py): 4-4-4-5 symbols of the card alphabet."""
TOOLS = ("pdftoppm", "pdftotext", "zbarimg")


# --- set-up through the CLI, as an installation starts -----------------------------------------------------------


@dataclass(frozen=True)
class Admin:
    email: str
    password: str


@dataclass(frozen=True)
class Setup:
    server: LiveServer
    admin: Admin
    questionnaire: Questionnaire


@pytest.fixture(scope="module")
def setup(live_server: LiveServer) -> Setup:
    """A fresh round covering today (so the counts start at zero) and the municipality's first admin."""
    today = swedish_today()
    period = f"{today - dt.timedelta(days=7)}:{today + dt.timedelta(days=60)}"
    created = live_server.cli("rounds", "create", ROUND, "--questionnaire", "ifo", "--period", period)
    found = re.search(r"\((ifo@\d+),", created)
    assert found, created
    output = live_server.cli(
        "users", "create", "--email", ADMIN_EMAIL, "--name", ADMIN_NAME, "--role", "admin",
        "--municipality", DEMO_MUNICIPALITY,
    )  # fmt: skip
    password = re.search(r"^password: (\S+)", output, re.MULTILINE)
    assert password, output
    return Setup(live_server, Admin(ADMIN_EMAIL, password.group(1)), load_shipped()[found.group(1)])


@pytest.fixture(scope="module")
def tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: apt-get install poppler-utils zbar-tools")


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    """Browser contexts a test opens (each its own person or device); closed after the test."""
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def open_page(browser: Browser, contexts: list[BrowserContext], options: dict[str, object], **extra: object) -> Page:
    context = browser.new_context(**options, **extra)
    context.set_default_timeout(10_000)
    contexts.append(context)
    return context.new_page()


# --- the staff's actions and checks --------------------------------------------------------------------------------


def shot(page: Page, name: str) -> None:
    page.wait_for_load_state("load")
    page.screenshot(path=SHOTS / f"staff-{name}.png", full_page=True)


def h1(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def log_in(page: Page, setup: Setup) -> None:
    page.goto(f"{setup.server.base_url}/staff/login")
    expect(h1(page)).to_have_text("Logga in")
    page.get_by_label("E-postadress").fill(setup.admin.email)
    page.get_by_label("Lösenord").fill(setup.admin.password)
    page.get_by_role("button", name="Logga in").click()
    expect(h1(page)).to_have_text(f"Välkommen, {ADMIN_NAME}")
    assert page.url == f"{setup.server.base_url}/staff/"


def menu(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name=name, exact=True).click()


def section(page: Page, heading: str) -> Locator:
    return page.get_by_role("region", name=heading, exact=True)


def row_of(table: Locator, text: str) -> Locator:
    return table.locator("tbody tr").filter(has_text=text)


def cells(row: Locator) -> list[str]:
    return [text.strip() for text in row.locator("td").all_inner_texts()]


def assert_fits_width(page: Page, width: int) -> None:
    """Nothing makes the page wider than the device. Measured against the device width, not window.innerWidth:
    on a mobile viewport chromium zooms out to show a too-wide page whole, and innerWidth grows with it."""
    page.wait_for_load_state("load")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} scrolls sideways: {scroll_width} px wide on a {width} px screen"


def numbers_of_total(page: Page) -> tuple[int, int]:
    """(handed out, answered) from the round's total line."""
    text = section(page, "Svarsfrekvens").locator(".total").inner_text()
    found = re.search(r"Utdelade: (\d+) · Svar: (\d+)", text)
    assert found, text
    return int(found.group(1)), int(found.group(2))


# --- the card sheet ------------------------------------------------------------------------------------------------


def run(*command: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(part) for part in command], capture_output=True, text=True, timeout=60, check=False)


def decoded_qr_urls(pdf: Path) -> list[str]:
    """The QR codes zbarimg reads on the sheet's first page, rendered at 200 dpi as a printer would."""
    image = pdf.with_suffix("")
    rendered = run("pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", "-singlefile", pdf, image)
    assert rendered.returncode == 0, rendered.stderr
    scanned = run("zbarimg", "--raw", "-q", image.with_suffix(".png"))
    assert scanned.returncode == 0, f"zbarimg read no QR code (exit {scanned.returncode}): {scanned.stderr}"
    return [line.strip() for line in scanned.stdout.splitlines() if line.strip()]


def printed_codes(pdf: Path) -> list[str]:
    text = run("pdftotext", "-layout", pdf, "-")
    assert text.returncode == 0, text.stderr
    assert "Kod:" in text.stdout, text.stdout
    return CODE.findall(text.stdout)


# --- the respondent's actions --------------------------------------------------------------------------------------


def answer_survey(page: Page, questionnaire: Questionnaire, choice: int) -> None:
    """From the survey's welcome page: every scale question answered (option `choice`), text left empty, sent."""
    total = len(questionnaire.questions)
    expect(h1(page)).to_have_text(questionnaire.title)
    page.get_by_role("link", name="Börja").tap()
    for number, question in enumerate(questionnaire.questions, start=1):
        expect(page.get_by_text(f"Fråga {number} av {total}", exact=True)).to_be_visible()
        if question.scale is not None:
            label = question.scale.options[choice % len(question.scale.options)].label
            option_label(page, label).tap()
            expect(page.get_by_role("radio", name=label, exact=True)).to_be_checked()
        page.get_by_role("button", name="Nästa").tap()
    expect(h1(page)).to_have_text("Granska dina svar")
    page.get_by_role("button", name="Skicka in mina svar").tap()
    expect(h1(page)).to_have_text("Tack för dina svar!")


# --- the test ------------------------------------------------------------------------------------------------------


@pytest.mark.browser
def test_a_new_admin_hands_out_cards_and_a_kiosk_and_sees_the_answers_counted(
    browser: Browser, contexts: list[BrowserContext], setup: Setup, tools: None, tmp_path: Path
) -> None:
    base = setup.server.base_url
    questionnaire = setup.questionnaire
    staff = open_page(browser, contexts, DESKTOP, accept_downloads=True)

    # 1. The admin logs in and lands on the start page, which lists the round.
    staff.goto(f"{base}/staff/login")
    shot(staff, "desktop-login")
    log_in(staff, setup)
    expect(staff.get_by_role("link", name=ROUND, exact=True)).to_be_visible()
    shot(staff, "desktop-start")

    # 2. Enheter: a unit whose clients all answer about one area.
    menu(staff, "Enheter")
    expect(h1(staff)).to_have_text("Enheter")
    new_unit = staff.locator("form").filter(has=staff.get_by_role("button", name="Lägg till enhet"))
    new_unit.get_by_label("Namn", exact=True).fill(UNIT)
    new_unit.get_by_label("Område som enhetens klienter svarar om").select_option(label=AREA_NAME)
    new_unit.get_by_role("button", name="Lägg till enhet").click()
    unit_row = row_of(staff.locator("table"), UNIT)
    expect(unit_row).to_have_count(1)
    assert cells(unit_row)[:3] == [UNIT, UNIT_KEY, AREA_NAME]
    shot(staff, "desktop-units")

    # 3. The round: the unit takes part, and a batch of cards is minted for it.
    menu(staff, "Start")
    staff.get_by_role("link", name=ROUND, exact=True).click()
    expect(h1(staff)).to_have_text(f"Enkätomgång {ROUND}")
    assert numbers_of_total(staff) == (0, 0)
    joining = section(staff, "Enheter som deltar")
    joining.get_by_role("checkbox", name=UNIT).check()
    joining.get_by_role("button", name="Spara deltagande").click()
    expect(section(staff, "Enheter som deltar").get_by_role("checkbox", name=UNIT)).to_be_checked()

    cards = section(staff, "Utdelade enkäter")
    cards.get_by_label("Enhet", exact=True).select_option(label=f"{UNIT} ({AREA_NAME})")
    cards.get_by_label("Antal kort").fill(str(CARDS))
    cards.get_by_role("button", name="Skapa kort").click()
    batch_row = row_of(section(staff, "Utdelade enkäter").locator("table"), UNIT).filter(has_text="Kort")
    expect(batch_row).to_have_count(1)
    batch_id, kind, unit_name, area_name, created, size, _handed_out, answered, _actions = cells(batch_row)
    assert kind == "Kort"
    assert batch_id.isdigit() and f"batch={batch_id}" in staff.url
    assert (unit_name, area_name, created, size, answered) == (UNIT, AREA_NAME, str(swedish_today()), "4", "0")
    expect(batch_row.get_by_label(f"Utdelade kort i sats {batch_id}")).to_have_value(str(CARDS))

    # 4. The card sheet: QR codes that a phone can read, each the server's short link of one card.
    with staff.expect_download() as waiting:
        batch_row.get_by_role("link", name="Ladda ner kort (PDF)").click()
    download = waiting.value
    assert download.suggested_filename == f"enkatkort-{batch_id}.pdf"
    pdf = tmp_path / download.suggested_filename
    download.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    urls = decoded_qr_urls(pdf)
    assert urls, "no QR code decoded"
    assert all(url.startswith(f"{base}/k/") for url in urls), urls
    codes = printed_codes(pdf)
    assert len(codes) == CARDS == len(set(codes)), codes
    assert {url.removeprefix(f"{base}/k/") for url in urls} <= {code.replace("-", "") for code in codes}, (
        "every QR code is the link of a card printed on the sheet"
    )

    # A respondent scans the first card with their phone and answers.
    phone = open_page(browser, contexts, PHONE)
    scanned = urls[0]
    response = phone.goto(scanned)
    assert response is not None and response.status == 200 and "/s/" in phone.url
    answer_survey(phone, questionnaire, choice=0)

    # Another respondent types the code of another card by hand: it leads to the survey too (not answered).
    typed = next(code for code in codes if code.replace("-", "") != scanned.removeprefix(f"{base}/k/"))
    typer = open_page(browser, contexts, PHONE)
    typer.goto(f"{base}/kod")
    expect(h1(typer)).to_have_text("Skriv din kod")
    typer.get_by_label("Koden står på kortet du fick").fill(typed)
    typer.get_by_role("button", name="Fortsätt").tap()
    expect(h1(typer)).to_have_text(questionnaire.title)
    expect(typer.get_by_role("link", name="Börja")).to_be_visible()
    assert "/s/" in typer.url

    # 5. A kiosk for the waiting room: its link opened on an iPad, two respondents one after the other.
    staff.reload()
    kiosks = section(staff, "Surfplattor (kioskläge)")
    kiosks.get_by_label("Enhet", exact=True).select_option(label=UNIT)
    kiosks.get_by_label("Namn på plattan").fill(KIOSK)
    kiosks.get_by_role("button", name="Skapa kiosklänk").click()
    kiosk_row = row_of(section(staff, "Surfplattor (kioskläge)").locator("table"), KIOSK)
    expect(kiosk_row).to_have_count(1)
    assert cells(kiosk_row)[:3] == [KIOSK, UNIT, "120"]
    kiosk_link = kiosk_row.get_by_role("link", name="Öppna kiosk").get_attribute("href")
    assert kiosk_link and kiosk_link.startswith(f"{base}/kiosk/"), kiosk_link

    tablet = open_page(browser, contexts, IPAD)
    tablet.context.clock.install()  # the thank-you page's return to the start is moved on, not waited for
    tablet.goto(kiosk_link)
    if h1(tablet).inner_text().strip() == "Välj område":  # only for a unit without an area of its own
        tablet.get_by_role("link", name=AREA_NAME).tap()
    for respondent in range(KIOSK_RESPONDENTS):
        expect(h1(tablet)).to_have_text("Välkommen!")
        tablet.get_by_role("button", name="Börja").tap()
        answer_survey(tablet, questionnaire, choice=respondent + 1)
        expect(tablet.get_by_text("Lämna tillbaka surfplattan till personalen.")).to_be_visible()
        tablet.clock.run_for((RETURN_AFTER_SECONDS + 1) * 1000)
        expect(h1(tablet)).to_have_text("Välkommen!")

    # 6. The admin reloads the round page: the counts are what was done above, counted by hand.
    handed_out = CARDS + KIOSK_RESPONDENTS  # every printed card counts until staff correct it; every kiosk start
    answered_by_hand = 1 + KIOSK_RESPONDENTS  # the scanned card; the typed code was not answered
    staff.reload()
    expect(h1(staff)).to_have_text(f"Enkätomgång {ROUND}")
    assert numbers_of_total(staff) == (handed_out, answered_by_hand)
    total_text = section(staff, "Svarsfrekvens").locator(".total").inner_text()
    assert f"Svarsfrekvens: {round(100 * answered_by_hand / handed_out)} %" in total_text, total_text
    per_unit = section(staff, "Svarsfrekvens").get_by_role("table", name="Per enhet och område")
    expect(per_unit.locator("tbody tr")).to_have_count(1)
    assert cells(row_of(per_unit, UNIT)) == [
        UNIT, AREA_NAME, str(handed_out), str(answered_by_hand), f"{round(100 * answered_by_hand / handed_out)} %",
    ]  # fmt: skip
    by_day = section(staff, "Svarsfrekvens").get_by_role("table", name="Svar per dag")
    assert cells(by_day.locator("tbody tr")) == [str(swedish_today()), str(answered_by_hand)]
    batches = section(staff, "Utdelade enkäter").locator("table")
    assert cells(row_of(batches, UNIT).filter(has_text="Kort"))[7] == "1", "the card batch's answer"
    kiosk_row = cells(row_of(batches, UNIT).filter(has_text="Surfplatta"))
    assert (kiosk_row[6], kiosk_row[7]) == (str(KIOSK_RESPONDENTS), str(KIOSK_RESPONDENTS)), (
        "the kiosk's starts and answers"
    )
    shot(staff, "desktop-round")
    menu(staff, "Enkätomgångar")
    expect(h1(staff)).to_have_text("Enkätomgångar")
    shot(staff, "desktop-rounds")
    menu(staff, "Användare")
    expect(row_of(staff.locator("table"), ADMIN_EMAIL)).to_have_count(1)
    shot(staff, "desktop-users")

    # The same pages on the admin's phone: wide tables scroll by themselves, the page never sideways.
    mobile = open_page(browser, contexts, PHONE)
    log_in(mobile, setup)
    assert_fits_width(mobile, PHONE["viewport"]["width"])
    shot(mobile, "phone-start")
    for path, name in (("/staff/units", "units"), ("/staff/users", "users"), (f"/staff/rounds/{ROUND}", "round")):
        mobile.goto(base + path)
        expect(mobile.get_by_role("navigation", name="Huvudmeny")).to_be_visible()
        assert_fits_width(mobile, PHONE["viewport"]["width"])
        shot(mobile, f"phone-{name}")
    mobile_per_unit = mobile.get_by_role("table", name="Per enhet och område")  # still a table to a screen reader
    assert cells(row_of(mobile_per_unit, UNIT))[2:4] == [str(handed_out), str(answered_by_hand)]

    # 7. Logging out: back on the login page, and the staff pages ask for a login again.
    staff.get_by_role("button", name="Logga ut").click()
    expect(h1(staff)).to_have_text("Logga in")
    assert staff.url == f"{base}/staff/login"
    staff.goto(f"{base}/staff/rounds")
    expect(h1(staff)).to_have_text("Logga in")
    assert staff.url == f"{base}/staff/login?next=%2Fstaff%2Frounds", staff.url
    expect(staff.get_by_role("button", name="Logga ut")).to_have_count(0)
