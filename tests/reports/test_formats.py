"""Every report format rendered from one ReportData and read back as a reader's tool reads it: the XLSX's
cells, the PDF's text (pdftotext), the CSV parsed, the Kolada JSON checked. The hidden figure must be absent."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
from dataclasses import replace

from openpyxl import load_workbook

from reports.data import HIDDEN, AreaRow, Figure, QuestionSection, ReportData, Target
from reports.formats import FORMATS
from survey.i18n import Catalogs

NBSP = "\u00a0"


def section(key: str, short: str, rows: tuple[AreaRow, ...], **extra) -> QuestionSection:
    return QuestionSection(
        key=key, short=short, text=f"Frågan om {short.lower()}?", positive=("Mycket", "Ganska"), rows=rows, **extra
    )


DATA = ReportData(
    locale="sv",
    title="Brukarundersökning ifo-2017",
    municipality="Ludvika",
    kommunkod="2085",
    round_key="ifo-2017",
    period_start=dt.date(2017, 9, 1),
    period_end=dt.date(2017, 10, 31),
    questionnaire="ifo@1",
    questionnaire_title="Vad tycker du om socialtjänsten?",
    previous_round="ifo-2016",
    offered=120,
    respondents=42,
    rikssnitt_source="computed",
    excluded_areas=("Ungdomar",),
    generated_on=dt.date(2017, 12, 1),
    sections=(
        section(
            "nojd",
            "Helhetssyn",
            (
                AreaRow(
                    "missbruk",
                    "Missbruk",
                    Figure(85, 20, 0.85, 0.64, 0.95),
                    Figure(50, 20),
                    78,
                    Figure(50, 6),
                    Figure(100, 14),
                ),
                AreaRow("ekonomiskt_bistand", "Ekonomiskt bistånd", HIDDEN, None, None, HIDDEN, HIDDEN),
                AreaRow("total", "IFO-totalt", Figure(83, 35, 0.83, 0.67, 0.92), Figure(64, 28), 80),
            ),
            analysis="Nöjdheten inom missbruk är hög.",
            target=Target(90, False),
        ),
        section(
            "kontakt",
            "Få kontakt",
            (
                AreaRow("missbruk", "Missbruk", Figure(75, 20, 0.75, 0.53, 0.89)),
                AreaRow("ekonomiskt_bistand", "Ekonomiskt bistånd", Figure(100, 6, 1.0, 0.61, 1.0)),
                AreaRow("total", "IFO-totalt", Figure(81, 36, 0.81, 0.65, 0.9)),
            ),
        ),
    ),
)


def test_html_is_accessible_and_shows_swedish_numbers():
    page = FORMATS["html"].render(DATA, None).decode()
    assert '<html lang="sv">' in page
    assert f"85{NBSP}% (20)" in page and f"83{NBSP}% (35)" in page
    assert "<caption>" in page and 'scope="row"' in page
    assert 'role="img" aria-label="Andel positiva svar per område. Missbruk: 85' in page
    assert "Nöjdheten inom missbruk är hög." in page
    assert "42 svar av 120 erbjudna, 35" in page  # 42/120 = 35 %
    assert "inte uppnått" in page  # måltal 90 % against 83 %
    assert "<script" not in page and "http" not in page.split("<body>")[1].split("<svg")[0]


def test_an_english_report_is_one_flag_away():
    english = replace(DATA, locale="en")
    page = FORMATS["html"].render(english, Catalogs().messages("en")).decode()
    assert '<html lang="en">' in page
    assert "85% (20)" in page
    assert "Analysis, comments and actions" in page


def test_pdf_is_tagged_and_its_text_has_the_table(tmp_path):
    path = tmp_path / "r.pdf"
    path.write_bytes(FORMATS["pdf"].render(DATA, None))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Helhetssyn" in text and "Analys, kommentarer och åtgärder" in text
    assert "85 % (20)" in text.replace(NBSP, " ")
    # The first "Ekonomiskt bistånd" row is Helhetssyn's, where the figure is hidden: dashes, no percent.
    hidden_row = next(line for line in text.splitlines() if line.strip().startswith("Ekonomiskt bistånd"))
    assert "-" in hidden_row and "%" not in hidden_row


def test_xlsx_has_real_numbers_and_an_empty_cell_with_a_note_where_hidden():
    book = load_workbook(io.BytesIO(FORMATS["xlsx"].render(DATA, None)))
    assert book.sheetnames == ["Sammanfattning", "Helhetssyn", "Få kontakt"]
    sheet = book["Helhetssyn"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=3, max_row=5)}
    missbruk = rows["Missbruk"]
    assert (missbruk[1].value, missbruk[2].value, missbruk[3].value, missbruk[4].value) == (None, 0.85, 20, 0.78)
    assert missbruk[2].number_format == "0%"
    hidden = rows["Ekonomiskt bistånd"]
    assert [cell.value for cell in hidden[1:]] == [None] * 6
    assert hidden[2].comment.text == "För få svar"
    summary = book["Sammanfattning"]
    assert [c.value for c in summary[3]] == ["Helhetssyn", 0.85, None, 0.83, 0.9]


def test_csv_opens_in_swedish_excel_and_leaves_hidden_fields_empty():
    raw = FORMATS["csv"].render(DATA, None)
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:6] == ["fråga", "frågetext", "område", "områdesnamn", "andel positiva (%)", "antal svar"]
    missbruk = body[0]
    assert missbruk[:6] == ["nojd", "Frågan om helhetssyn?", "missbruk", "Missbruk", "85", "20"]
    assert missbruk[6] == "0,8500"  # decimal comma
    hidden = body[1]
    assert hidden[2] == "ekonomiskt_bistand" and hidden[4:] == [""] * 11
    total = body[2]
    assert total[2] == "total" and total[-2:] == ["90", "Nöjdheten inom missbruk är hög."]


def test_kolada_json_has_the_kolada_shape_and_no_hidden_value():
    document = json.loads(FORMATS["kolada"].render(DATA, None))
    assert document["count"] == len(document["values"])
    first = document["values"][0]
    assert set(first) == {"kpi", "municipality", "period", "values"}
    assert first == {
        "kpi": "brukarenkat.ifo.missbruk.nojd",
        "municipality": "2085",
        "period": 2017,
        "values": [
            {"gender": "T", "value": 85.0, "count": 20},
            {"gender": "K", "value": 50.0, "count": 6},
            {"gender": "M", "value": 100.0, "count": 14},
        ],
    }
    assert "brukarenkat.ifo.ekonomiskt_bistand.nojd" not in {v["kpi"] for v in document["values"]}
    for value in document["values"]:
        assert {v["gender"] for v in value["values"]} <= {"T", "K", "M"}
        assert all(isinstance(v["value"], float) and v["count"] >= 5 for v in value["values"])
