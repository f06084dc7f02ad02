"""A batch of survey cards as an A4 PDF to print and cut: QR code, short link, typed code and instructions.

Everything is inline (QR codes as PNG data URIs, fonts from the system), so rendering needs no network. The PDF
is tagged (PDF/UA-1) like the reports; the QR code is marked decorative, since the link is printed beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import segno
from jinja2 import Environment, PackageLoader, select_autoescape
from weasyprint import HTML


def N_(message: str) -> str:
    return message


CARD_INSTRUCTION = N_("Skanna QR-koden eller gå till länken och skriv koden. Dina svar är anonyma.")
"""The line printed on every card in each language the questionnaire is offered in (the `messages` domain,
which respondent languages translate)."""

COLUMNS = 2
PAGE_HEIGHT_MM = 277.0
"""A4 less a 10 mm margin all round, which any office printer can print; cards are 95 mm wide."""

QR_ERROR = "m"
"""15 % of the code may be smudged; a typical short link still fits QR version 4 (33 × 33 modules)."""

# Estimates of the text's height, in mm, from the stylesheet in card_sheet.html (font sizes and margins there).
_CHARS_PER_INSTRUCTION_LINE = 42  # 54 mm column at 7 pt: about 45 Latin or Arabic letters, 38 Ethiopic
_INSTRUCTION_LINE_MM = 3.2
_INSTRUCTION_GAP_MM = 0.8
_CHARS_PER_HEADING_LINE = 68  # 87 mm at 6.5 pt
_HEADING_LINE_MM = 2.8
_QR_MM = 34.0
_CODE_MM = 10.5  # label and code
_PADDING_AND_LINK_MM = 3.0 + 7.0  # top padding; the link at the bottom
_SPARE = 1.1

_environment = Environment(
    loader=PackageLoader("survey", "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True, slots=True)
class Card:
    code: str
    """As printed, in its groups: AHKW-E6AR-6XRW-FAH4M (survey.cards)."""
    url: str
    """The short link the QR code opens, e.g. http://127.0.0.1:8000/k/AHKWE6AR6XRWFAH4M."""


@dataclass(frozen=True, slots=True)
class Instruction:
    lang: str
    dir: str
    """"ltr" or "rtl"."""
    text: str


def qr_image(url: str) -> str:
    """The QR code as a PNG data URI, quiet zone (4 modules) included, drawn without smoothing at any size.

    A PNG rather than SVG: WeasyPrint parses an SVG path in Python, which made 200 cards take twice as long.
    """
    qr = segno.make(url, error=QR_ERROR, micro=False)
    return qr.png_data_uri(scale=1, border=4)


def rows_per_page(heading: str, instructions: Sequence[Instruction]) -> int:
    """Five rows of cards when the text fits, fewer and taller cards when a survey has many languages.

    An estimate from character counts rather than a measurement, with a tenth to spare: cut-off text on a card
    is worse than one more page.
    """
    heading_mm = -(-len(heading) // _CHARS_PER_HEADING_LINE) * _HEADING_LINE_MM
    instructions_mm = sum(
        -(-len(instruction.text) // _CHARS_PER_INSTRUCTION_LINE) * _INSTRUCTION_LINE_MM + _INSTRUCTION_GAP_MM
        for instruction in instructions
    )
    needed = (_PADDING_AND_LINK_MM + heading_mm + max(_QR_MM, _CODE_MM + instructions_mm)) * _SPARE
    for rows in (5, 4, 3):
        if needed <= PAGE_HEIGHT_MM / rows:
            return rows
    return 2


def card_sheet_html(
    cards: Sequence[Card], *, heading: str, instructions: Sequence[Instruction], code_label: str, title: str
) -> str:
    if not cards:
        raise ValueError("a card sheet needs at least one card")
    per_page = COLUMNS * rows_per_page(heading, instructions)
    pages = [cards[start : start + per_page] for start in range(0, len(cards), per_page)]
    return _environment.get_template("card_sheet.html").render(
        title=title,
        heading=heading,
        code_label=code_label,
        instructions=instructions,
        card_height=f"{PAGE_HEIGHT_MM / (per_page // COLUMNS):.2f}mm",
        pages=[[(card, qr_image(card.url)) for card in page] for page in pages],
    )


def card_sheet_pdf(
    cards: Sequence[Card], *, heading: str, instructions: Sequence[Instruction], code_label: str, title: str
) -> bytes:
    """The cards in the order given, up to ten to an A4 page (see rows_per_page); ValueError when there are none."""
    page = card_sheet_html(cards, heading=heading, instructions=instructions, code_label=code_label, title=title)
    return HTML(string=page).write_pdf(pdf_variant="pdf/ua-1") or b""
