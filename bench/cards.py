"""Card-sheet benchmark: seconds to render a batch's PDF of QR cards, per batch size, and the share of that time
spent making the QR images (segno) rather than laying out the pages (WeasyPrint).

    .venv/bin/python bench/cards.py [--sizes 10,100,500] [--repeat 3]

The staff route renders in a worker thread, so these seconds are a wait for the one person downloading, never
a stall for respondents. MAX_PRINTED_CARDS (services/batches.py) is set from the 500-card figure.
"""

from __future__ import annotations

import argparse
import statistics
import time

from survey.card_sheet import Card, Instruction, card_sheet_pdf, qr_image
from survey.cards import CardCodes

BASE = "https://brukarenkat.example.se"
INSTRUCTIONS = [
    Instruction("sv", "ltr", "Skanna QR-koden eller gå till länken och skriv koden. Dina svar är anonyma."),
    Instruction("en", "ltr", "Scan the QR code, or go to the link and type the code. Your answers are anonymous."),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,500")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    codes = CardCodes("bench-secret-key-that-is-long-enough-0123456789")
    print(f"{'cards':>6} {'pdf s (median)':>15} {'qr s':>7} {'qr share':>9} {'s per card':>11} {'kB':>7}")
    for size in (int(text) for text in args.sizes.split(",")):
        cards = [Card(code=codes.code(1, i), url=f"{BASE}/k/{codes.code(1, i).replace('-', '')}") for i in range(size)]
        timings, qr_timings, length = [], [], 0
        for _ in range(args.repeat):
            started = time.perf_counter()
            for card in cards:
                qr_image(card.url)
            qr_timings.append(time.perf_counter() - started)
            started = time.perf_counter()
            pdf = card_sheet_pdf(
                cards, heading="Brukarenkät – Ludvika – HVB", instructions=INSTRUCTIONS, code_label="Kod:", title="Kort"
            )
            timings.append(time.perf_counter() - started)
            length = len(pdf)
        pdf_s, qr_s = statistics.median(timings), statistics.median(qr_timings)
        print(f"{size:>6} {pdf_s:>15.2f} {qr_s:>7.2f} {qr_s / pdf_s:>9.2f} {pdf_s / size:>11.4f} {length / 1024:>7.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
