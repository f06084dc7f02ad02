"""The printable card sheet, checked as a printer and a phone would see it: poppler reads the PDF, zbar the QR codes."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest

from survey.card_sheet import COLUMNS, Card, Instruction, card_sheet_html, card_sheet_pdf, rows_per_page
from survey.cards import CardCodes

BASE_URL = "http://127.0.0.1:8000"
HEADING = "Brukarenkät – Ludvika – Ekonomiskt bistånd & <försörjningsstöd>"
TITLE = "Enkätkort – Ludvika – Ekonomiskt bistånd"
SWEDISH = "Skanna QR-koden eller öppna länken och skriv koden. Du svarar anonymt."
INSTRUCTIONS = [
    Instruction("sv", "ltr", SWEDISH),
    Instruction("en", "ltr", "Scan the QR code, or open the link and type the code. Your answers are anonymous."),
    Instruction("ar", "rtl", "امسح رمز QR أو افتح الرابط واكتب الرمز. إجاباتك مجهولة الهوية."),
]
MANY_LANGUAGES = [
    *INSTRUCTIONS,
    Instruction("fa-AF", "rtl", "کد QR را اسکن کنید یا لینک را باز کرده و کد را وارد کنید. پاسخ شما ناشناس است."),
    Instruction("ti", "ltr", "ናይ QR ኮድ ስካን ግበሩ ወይ ነቲ ሊንክ ከፊትኩም ነቲ ኮድ ጽሓፉ። መልስኹም ስሙ ዘይብሉ እዩ።"),
    Instruction("so", "ltr", "Iskaan garee koodhka QR, ama fur xiriirka oo qor koodhka. Jawaabahaagu waa qarsoodi."),
]
A4_POINTS = (595.28, 841.89)
MM_PER_INCH = 25.4


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: install poppler-utils and zbar-tools (see ENVIRONMENT.md); CI has them")
    return path


def run(*command: str | Path) -> str:
    return subprocess.run([str(part) for part in command], capture_output=True, text=True, check=True).stdout


def make_cards(count: int) -> list[Card]:
    codes = CardCodes("k" * 40)
    return [Card(code, f"{BASE_URL}/k/{code.replace('-', '')}") for code in (codes.code(4711, i) for i in range(count))]


def render(path: Path, cards: list[Card], instructions: list[Instruction] = INSTRUCTIONS) -> Path:
    path.write_bytes(card_sheet_pdf(cards, heading=HEADING, instructions=instructions, code_label="Kod:", title=TITLE))
    return path


def pdfinfo(path: Path) -> dict[str, str]:
    lines = run(tool("pdfinfo"), path).splitlines()
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in lines)}


def decoded_qr_codes(path: Path, directory: Path) -> list[str]:
    run(tool("pdftoppm"), "-r", "200", "-png", path, directory / "page")
    images = sorted(directory.glob("page*.png"))
    assert images
    payloads = []
    for image in images:
        # zbarimg exits with 4 when it finds nothing; that must fail the comparison below, not the run.
        result = subprocess.run([tool("zbarimg"), "--raw", "-q", str(image)], capture_output=True, text=True)
        payloads.extend(line for line in result.stdout.splitlines() if line)
    return payloads


@pytest.fixture(scope="module")
def sheet(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Card]]:
    cards = make_cards(12)
    return render(tmp_path_factory.mktemp("sheet") / "cards.pdf", cards), cards


def test_twelve_cards_fill_two_a4_pages_with_title_language_and_tags(sheet):
    path, _ = sheet
    assert rows_per_page(HEADING, INSTRUCTIONS) == 5
    info = pdfinfo(path)
    assert info["Pages"] == "2"  # ceil(12 / 10)
    width, height = (float(v) for v in re.match(r"([\d.]+) x ([\d.]+) pts", info["Page size"]).groups())
    assert (round(width, 2), round(height, 2)) == A4_POINTS
    assert info["Title"] == TITLE
    assert info["Tagged"] == "yes"
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", path.read_bytes(), re.DOTALL)
    objects = b"".join(zlib.decompress(s) if s.startswith(b"x") else s for s in streams) + path.read_bytes()
    assert b"/Lang (sv)" in objects


def test_every_code_link_and_the_instructions_are_printed_as_text(sheet):
    path, cards = sheet
    text = run(tool("pdftotext"), "-enc", "UTF-8", path, "-")
    flowing = " ".join(text.split())
    for card in cards:
        assert card.code in text
        assert card.url in text
    assert flowing.count(SWEDISH) == len(cards)
    assert flowing.count("Your answers are anonymous.") == len(cards)
    assert flowing.count(HEADING) == len(cards)  # escaped in the HTML, printed as written


def test_the_qr_codes_scan_to_exactly_the_card_links(sheet, tmp_path):
    path, cards = sheet
    payloads = decoded_qr_codes(path, tmp_path)
    assert sorted(payloads) == sorted(card.url for card in cards)


def test_qr_codes_are_large_and_sharp_enough_to_scan_from_paper(sheet):
    path, _ = sheet
    rows = [line.split() for line in run(tool("pdfimages"), "-list", path).splitlines()[2:]]
    assert len(rows) == 12
    for row in rows:
        width_px, ppi, interpolate = int(row[3]), float(row[12]), row[9]
        modules = width_px - 8  # a 4-module quiet zone on each side, one pixel per module
        assert interpolate == "no"  # drawn as crisp squares, never blurred
        assert width_px / ppi * MM_PER_INCH >= 33
        assert modules / ppi * MM_PER_INCH >= 26
        assert modules <= 33  # QR version 4 or lower for these links


def test_arabic_lines_are_marked_right_to_left_and_every_line_has_its_language():
    page = card_sheet_html(make_cards(1), heading=HEADING, instructions=INSTRUCTIONS, code_label="Kod:", title=TITLE)
    assert '<html lang="sv"' in page
    assert f"<title>{TITLE}</title>" in page
    assert re.search(r'<p class="instruction" lang="ar" dir="rtl">امسح', page)
    assert re.search(r'<p class="instruction" lang="sv" dir="ltr">Skanna', page)
    assert "&amp; &lt;försörjningsstöd&gt;" in page
    # Nothing is fetched from the network: every image is inline, and the stylesheet loads nothing.
    assert re.findall(r'src="([a-z]+):', page) == ["data"]
    assert "url(" not in page and "@import" not in page and "<link" not in page


def test_many_languages_give_fewer_taller_cards_that_still_scan(tmp_path):
    rows = rows_per_page(HEADING, MANY_LANGUAGES)
    assert rows < 5
    cards = make_cards(9)
    path = render(tmp_path / "many.pdf", cards, MANY_LANGUAGES)
    assert pdfinfo(path)["Pages"] == str(-(-len(cards) // (COLUMNS * rows)))
    text = " ".join(run(tool("pdftotext"), "-enc", "UTF-8", path, "-").split())
    assert text.count("Jawaabahaagu waa qarsoodi.") == len(cards)
    assert sorted(decoded_qr_codes(path, tmp_path)) == sorted(card.url for card in cards)


def test_an_empty_sheet_is_refused():
    with pytest.raises(ValueError):
        card_sheet_pdf([], heading=HEADING, instructions=INSTRUCTIONS, code_label="Kod:", title=TITLE)
