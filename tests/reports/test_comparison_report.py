"""The comparison with other municipalities (issue 8) in every format that shows it: the HTML section (also the
PDF's), the XLSX sheet, and the funnel plot itself. The data are built by hand, the limits by analysis.funnel."""

from __future__ import annotations

import io
import random
import re
import subprocess
from dataclasses import replace

from openpyxl import load_workbook

from analysis.funnel import LEVELS, curve_points, funnel_limits
from reports.charts import describe_funnel, funnel_chart, funnel_grid, svg
from reports.data import ComparisonLine, ComparisonSection, Figure, Funnel, FunnelCurve, FunnelPoint, Rank
from reports.formats import FORMATS
from reports.formatting import POSITION_LABELS, position_words, rank_text
from tests.reports.test_formats import DATA

NBSP = "\u00a0"
LAN = "Dalarnas län"


def make_funnel(title: str, centre: float, focus: FunnelPoint | None, *, seed: int, count: int = 86) -> Funnel:
    """`count` municipalities of 5 to a few thousand answers scattered around `centre`, 14 of them in the län."""
    rng = random.Random(seed)
    points = []
    for i in range(count):
        valid = max(5, round(10 ** rng.uniform(0.75, 3.5)))
        spread = (centre * (1 - centre) / valid) ** 0.5
        share = min(max(rng.gauss(centre, spread * 1.3), 0.0), 1.0)
        positive = round(share * valid)
        role = "group" if i < 14 else "other"
        points.append(FunnelPoint(f"Kommun {i}", positive / valid, valid, role))
    if focus is not None:
        points.append(focus)
    grid = curve_points(max(p.valid for p in points) * 2)
    curves = tuple(
        FunnelCurve(level, limits.n, limits.low, limits.high)
        for level in LEVELS
        for limits in [funnel_limits(centre, grid, level)]
    )
    return Funnel(
        title=title,
        centre=centre,
        centre_label="Rikssnitt, inläst, Källa: Kolada",
        points=tuple(points),
        curves=curves,
        group_label=LAN,
    )


LINES = (
    ComparisonLine(
        key="nojd",
        short="Helhetssyn",
        own=Figure(74, 120, 0.7417, 0.66, 0.81),
        rank=Rank(12, 8, 31, 87),
        position="below_95",
        national=Figure(82, share=0.8213),
        group_pooled=Figure(79, 1450, 0.7903),
        group_mean=0.7751,
        funnel=make_funnel("Helhetssyn", 0.8213, FunnelPoint("Ludvika", 89 / 120, 120, "focus"), seed=1),
    ),
    ComparisonLine(
        key="kontakt",
        short="Få kontakt",
        own=Figure(91, 118, 0.9068, 0.84, 0.95),
        rank=Rank(3, 1, 9, 87),
        position="above_998",
        national=Figure(80, share=0.7987),
        group_pooled=Figure(81, 1432, 0.8101),
        group_mean=0.8049,
        funnel=make_funnel("Få kontakt", 0.7987, FunnelPoint("Ludvika", 107 / 118, 118, "focus"), seed=2),
    ),
    ComparisonLine(
        key="forandring",
        short="Förändring",
        own=Figure(None),
        rank=None,
        position=None,
        national=Figure(63, share=0.6311),
        group_pooled=Figure(None),
        group_mean=0.6012,
        funnel=make_funnel("Förändring", 0.6311, None, seed=3),
    ),
)
COMPARISON = ComparisonSection(
    area="IFO-totalt",
    group=LAN,
    group_members=15,
    group_shown=14,
    municipalities_shown=87,
    municipalities_too_few=203,
    sources=("Kolada",),
    lines=LINES,
)
COMPARED = replace(DATA, comparison=COMPARISON)


def _section(page: str) -> str:
    start = page.index('<section class="comparison"')
    return page[start : page.index("</section>", start)]


def test_the_html_report_has_the_comparison_after_the_summary():
    page = FORMATS["html"].render(COMPARED, None).decode()
    assert page.index("Sammanfattning</h2>") < page.index("Jämförelse med andra kommuner")
    section = _section(page)
    assert "87 kommuner" in section and "203" in section and "IFO-totalt" in section
    assert "Källa: Kolada" in section
    assert "plats 12 (8–31) av 87" in section
    assert f"74{NBSP}% (120)" in section and "under rikssnitt (95\u00a0%)" in section
    assert f"{LAN}, poolat" in section and f"{LAN}, medel av kommunernas andelar" in section
    assert f"79{NBSP}% (1{NBSP}450)" in section and f"78{NBSP}%" in section  # the mean 77.51 % rounds to 78
    assert f"82{NBSP}%" in section and "(0)" not in section  # the imported rikssnitt has no n
    assert '<figure class="chart" role="img" aria-label="Helhetssyn: Trattdiagram' in section
    assert "<svg" in section and 'scope="col"' in section and 'scope="row"' in section and "<caption>" in section
    hidden = re.search(r'<tr id="cmp-forandring">(.*?)</tr>', section, re.S).group(1)
    assert "för få svar" in hidden and "plats" not in hidden and "rikssnitt (" not in hidden


def test_no_comparison_section_without_comparison():
    page = FORMATS["html"].render(DATA, None).decode()
    assert "Jämförelse med andra kommuner" not in page and 'class="comparison"' not in page


def test_the_pdf_shows_the_comparison(tmp_path):
    path = tmp_path / "r.pdf"
    path.write_bytes(FORMATS["pdf"].render(COMPARED, None))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Jämförelse med andra kommuner" in text and "plats 12" in text
    assert "Källa: Kolada" in text


def test_the_xlsx_comparison_sheet_holds_numbers():
    book = load_workbook(io.BytesIO(FORMATS["xlsx"].render(COMPARED, None)))
    assert "Jämförelse" in book.sheetnames
    sheet = book["Jämförelse"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=3) if row[0].value}
    helhet = [cell.value for cell in rows["Helhetssyn"]]
    assert helhet == [
        "Helhetssyn",
        0.7417,
        120,
        12,
        8,
        31,
        87,
        "under rikssnitt (95 %)",
        0.7903,
        1450,
        0.7751,
        0.8213,
        None,
    ]
    assert rows["Helhetssyn"][1].number_format == "0%" and rows["Helhetssyn"][10].number_format == "0%"
    hidden = rows["Förändring"]
    assert [cell.value for cell in hidden[1:8]] == [None] * 7
    assert hidden[1].comment.text == "För få svar" and hidden[8].comment.text == "För få svar"
    assert hidden[10].value == 0.6012
    assert any(str(value).startswith("Källa: Kolada") for value in rows)


def test_no_comparison_sheet_without_comparison():
    book = load_workbook(io.BytesIO(FORMATS["xlsx"].render(DATA, None)))
    assert "Jämförelse" not in book.sheetnames


def test_the_funnel_chart_explains_its_markers_and_lines():
    text = svg(funnel_chart(LINES[0].funnel, locale="sv", gettext=str))
    for label in ("Rikssnitt (82", "95 % kontrollgräns", "99,8 % kontrollgräns", "Ludvika", LAN, "Övriga kommuner"):
        assert label in text, label
    assert "1 000" in text.replace(NBSP, " ")  # plain numbers on the log axis, never 10³


def test_the_funnel_grid_has_one_plot_per_question():
    text = svg(funnel_grid(LINES, locale="sv", gettext=str))
    assert all(line.short in text for line in LINES)
    assert text.count("Övriga kommuner") == 1  # one legend for all


def test_the_funnel_is_described_in_words():
    described = describe_funnel(LINES[0].funnel, locale="sv", gettext=str, position="below_95")
    assert described.startswith("Trattdiagram: andel positiva svar mot antal svar för 87 kommuner.")
    assert f"Rikssnitt, inläst, Källa: Kolada: 82{NBSP}%." in described
    assert f"Ludvika: 74{NBSP}% av 120 svar, under rikssnitt (95 %)." in described
    # Without the position from analysis, the same exact limits place the point the same way.
    assert describe_funnel(LINES[0].funnel, locale="sv", gettext=str) == described
    assert "Ludvika" not in describe_funnel(LINES[2].funnel, locale="sv", gettext=str)


def test_positions_and_ranks_in_words():
    assert set(POSITION_LABELS) == {"above_998", "above_95", "within", "below_95", "below_998"}
    assert position_words(None, str) == "" and position_words("within", str) == "inom det väntade"
    assert rank_text(Rank(12, 8, 31, 87), "sv", str) == "plats 12 (8–31) av 87"
    assert rank_text(None, "sv", str) == ""
