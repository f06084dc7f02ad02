"""The barnenkät and the survey for placed youths through the real app and database: answered on the
respondent pages (smileys for children, plain options for youths), counted, and reported for the municipality
and per unit, with the questionnaire's own total label instead of "IFO-totalt"."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

from babel.messages.pofile import read_po, write_po
from openpyxl import load_workbook
from sqlalchemy import select

from questionnaires import load_shipped
from reports.formats import FORMATS
from survey.cli import main
from survey.i18n import Catalogs, translations_root
from survey.models import Answer, Response
from survey.results_text import results_table
from survey.services.imports import import_responses
from survey.services.report_data import build_report_data
from survey.services.results import municipality_results
from tests.conftest import SECRET
from tests.factories import add_unit, open_round, tokens

BARN = load_shipped()["barn@1"]
PLACERAD = load_shipped()["placerad@1"]
CATALOGS = Catalogs()


async def answer(client, token: str, answers: list[str]) -> None:
    """Answer question by question ("" skips one), then review and send."""
    for number, value in enumerate(answers, start=1):
        reply = await client.post(f"/s/{token}/{number}", data={"answer": value, "nav": "next"})
        assert reply.status_code == 303
    assert (await client.post(f"/s/{token}/submit")).status_code == 303


async def stored(session) -> list[dict[str, str]]:
    by_response: dict[str, dict[str, str]] = {}
    for row in await session.scalars(select(Answer)):
        by_response.setdefault(row.response_id, {})[row.question] = row.option or row.text
    return list(by_response.values())


# --- the barnenkät on the respondent pages ---------------------------------------------------------


async def test_a_child_answers_with_smileys_and_may_skip_the_free_text(client, platform, session):
    await open_round(session, "barn-2026", questionnaire=BARN)
    [token] = await tokens(platform, session, round_key="barn-2026", area="barn_6_12")

    welcome = await client.get(f"/s/{token}")
    assert "Vad tycker du?" in welcome.text and "Enkäten har 6 frågor." in welcome.text

    first = await client.get(f"/s/{token}/1")
    assert "Vet du varför du och din familj träffar mig?" in first.text
    assert 'class="options smileys"' in first.text
    assert re.findall(r'<svg class="face face-(\w+)"', first.text) == ["happy", "neutral", "sad"]
    faces = re.findall(
        r'<svg class="face face-\w+" viewBox="0 0 100 100" aria-hidden="true" focusable="false">', first.text
    )
    assert len(faces) == 3, "the faces are hidden from screen readers: the word names the option"
    assert first.text.count('type="radio"') == 3, "no 'Vet inte' on 'Vet du varför …?'"
    labels = re.findall(r'<span id="option-\w+"[^>]*>([^<]+)</span>', first.text)
    assert labels == ["Ja", "Lite", "Nej"], "every face keeps its word"
    assert "<img" not in first.text and "&#x1F" not in first.text, "drawn in SVG: no images, no emoji"

    second = await client.get(f"/s/{token}/2")
    assert re.findall(r'<svg class="face face-(\w+)"', second.text) == ["happy", "neutral", "sad", "unsure"]

    await answer(client, token, ["ja", "lite", "vet_inte", "nej", "ja", ""])
    assert await stored(session) == [
        {"vet_varfor": "ja", "lyssnat": "lite", "fatt_saga": "vet_inte", "forstatt": "nej", "bra_prata": "ja"}
    ]
    assert (await session.scalars(select(Response.area))).one() == "barn_6_12"


async def test_a_childs_suggestion_is_stored_when_given(client, platform, session):
    await open_round(session, "barn-2026", questionnaire=BARN)
    [token] = await tokens(platform, session, round_key="barn-2026", area="ungdomar_13_18")
    text_page = await client.get(f"/s/{token}/6")
    assert "Har du förslag på hur vi kan bli bättre?" in text_page.text
    assert "Skriv inte ditt namn." in text_page.text and 'aria-describedby="question-help"' in text_page.text
    assert 'maxlength="500"' in text_page.text and "smileys" not in text_page.text

    await answer(client, token, ["", "", "", "", "", "  Mer tid att rita.  "])
    review = await client.get(f"/s/{token}/review")
    assert review.status_code == 409  # sent: the link is used up
    assert await stored(session) == [{"forslag": "Mer tid att rita."}]


async def test_the_review_shows_the_childs_faces_and_words(client, platform, session):
    await open_round(session, "barn-2026", questionnaire=BARN)
    [token] = await tokens(platform, session, round_key="barn-2026", area="barn_6_12")
    for number, value in enumerate(["ja", "nej", "", "lite", "vet_inte", "Fler lekar"], start=1):
        await client.post(f"/s/{token}/{number}", data={"answer": value, "nav": "next"})
    review = await client.get(f"/s/{token}/review")
    answers = re.findall(r"<strong[^>]*>(?:<svg class=\"face face-(\w+)\".*?</svg>)?(.*?)</strong>", review.text, re.S)
    assert answers == [
        ("happy", "Ja"), ("sad", "Nej"), ("neutral", "Lite"), ("unsure", "Vet inte"), ("", "Fler lekar"),
    ], "a child recognises the face it chose"  # fmt: skip


# --- the placed youths' survey on the respondent pages ----------------------------------------------


async def test_a_youth_in_an_hvb_home_answers_plain_options_for_the_unit(client, platform, session):
    await open_round(session, "placerad-2026", questionnaire=PLACERAD)
    unit = await add_unit(session, key="hvb_solrosen", name="HVB Solrosen")
    [token] = await tokens(platform, session, round_key="placerad-2026", area="hvb", unit_key="hvb_solrosen")
    first = await client.get(f"/s/{token}/1")
    assert "Känner du dig trygg där du bor?" in first.text
    assert "smiley" not in first.text and '<svg class="face' not in first.text
    assert first.text.count('type="radio"') == 5
    assert (await client.get(f"/s/{token}/4")).text.count('type="radio"') == 6  # läxor: also "Jag har inga läxor"

    await answer(client, token, ["alltid", "oftast", "sallan", "inga_laxor", "aldrig", "vet_inte", "", "alltid", "man"])
    response = (await session.scalars(select(Response))).one()
    assert (response.area, response.unit_id) == ("hvb", unit.id)
    assert await stored(session) == [
        {
            "trygg": "alltid", "vuxen": "oftast", "bestamma": "sallan", "laxor": "inga_laxor", "trivs": "aldrig",
            "egen_bostad": "vet_inte", "fritid": "alltid", "kon": "man",
        }
    ]  # fmt: skip


# --- results and reports -------------------------------------------------------------------------


async def barn_round(client, platform, session) -> None:
    """Six children aged 6–12 and two aged 13–18 answer on the pages (codes in the comments count by hand).

    lyssnat 6–12: ja ja ja lite nej vet_inte → 3 positive of 5 valid = 60 %; vet_varfor: ja ja lite lite nej ja
    → 3/6 = 50 %. The 13–18 band has two children: fewer than five, left out, so Totalt is the 6–12 band alone.
    """
    await open_round(session, "barn-2026", questionnaire=BARN)
    young = await tokens(platform, session, round_key="barn-2026", area="barn_6_12", count=6)
    older = await tokens(platform, session, round_key="barn-2026", area="ungdomar_13_18", count=2)
    lyssnat = ["ja", "ja", "ja", "lite", "nej", "vet_inte"]
    vet_varfor = ["ja", "ja", "lite", "lite", "nej", "ja"]
    texts = ["Mer tid att leka.", "", "", "Bra!", "", ""]
    for token, heard, knows, text in zip(young, lyssnat, vet_varfor, texts, strict=True):
        await answer(client, token, [knows, heard, "ja", "ja", "ja", text])
    for token in older:
        await answer(client, token, ["nej", "nej", "nej", "nej", "nej", "Syns inte."])


async def test_barn_results_count_lite_as_not_positive_and_leave_vet_inte_out(client, platform, session):
    await barn_round(client, platform, session)
    document = await municipality_results(session, platform.questionnaires, round_key="barn-2026", kommunkod="2085")
    assert document["questionnaire"] == "barn@1"
    assert document["excluded_areas"] == ["ungdomar_13_18"]
    lyssnat = document["results"]["barn_6_12"]["lyssnat"]
    assert (lyssnat["positive"], lyssnat["valid"], lyssnat["excluded"], lyssnat["percent"]) == (3, 5, 1, 60)
    assert document["results"]["total"]["vet_varfor"]["percent"] == 50
    assert document["results"]["ungdomar_13_18"]["lyssnat"]["suppressed"]
    assert "indices" not in document, "NKI only where a questionnaire defines it"
    table = results_table(document, BARN)
    assert "Totalt" in table and "IFO-totalt" not in table and "60 (5)" in table


async def test_the_barn_report_says_totalt_and_prints_the_suggestions(client, platform, session):
    await barn_round(client, platform, session)

    async def data(locale: str):
        return await build_report_data(
            session,
            platform.questionnaires,
            round_key="barn-2026",
            kommunkod="2085",
            locale=locale,
            messages=CATALOGS.messages(locale),
            questionnaire_texts=CATALOGS.questionnaire_gettext(locale),
        )

    swedish = await data("sv")
    lyssnat = next(s for s in swedish.sections if s.key == "lyssnat")
    assert [row.name for row in lyssnat.rows] == ["Barn 6–12 år", "Ungdomar 13–18 år", "Totalt"]
    assert lyssnat.positive == ("Ja",)
    assert [s.key for s in swedish.sections] == ["vet_varfor", "lyssnat", "fatt_saga", "forstatt", "bra_prata"]
    assert [(g.area, sorted(g.texts)) for g in swedish.free_texts] == [("Barn 6–12 år", ["Bra!", "Mer tid att leka."])]
    english = await data("en")
    assert [row.name for row in next(s for s in english.sections if s.key == "lyssnat").rows][-1] == "Total"

    rendered = {key: fmt.render(swedish, None) for key, fmt in FORMATS.items() if key != "pdf"}
    page = rendered["html"].decode()
    assert "Totalt" in page and "IFO-totalt" not in page and "Mer tid att leka." in page
    assert "Syns inte." not in page, "the 13–18 band has fewer than five children: its text is not shown"
    rows = list(csv.reader(io.StringIO(rendered["csv"].decode("utf-8-sig")), delimiter=";"))
    assert [row[3] for row in rows if row[0] == "lyssnat"] == ["Barn 6–12 år", "Ungdomar 13–18 år", "Totalt"]
    kpis = {value["kpi"] for value in json.loads(rendered["kolada"])["values"]}
    assert "brukarenkat.barn.total.lyssnat" in kpis and "brukarenkat.barn.ungdomar_13_18.lyssnat" not in kpis
    book = load_workbook(io.BytesIO(rendered["xlsx"]))
    assert book.worksheets[0]["D2"].value == "Totalt"


async def test_the_ifo_report_keeps_ifo_totalt_in_every_language(session, ludvika):
    for locale, expected in (("sv", "IFO-totalt"), ("en", "IFO total")):
        data = await build_report_data(
            session,
            ludvika.questionnaires,
            round_key="ifo-2017",
            kommunkod="2085",
            locale=locale,
            messages=CATALOGS.messages(locale),
            questionnaire_texts=CATALOGS.questionnaire_gettext(locale),
        )
        assert data.sections[0].rows[-1].name == expected


PLACERAD_HEADER = "municipality,unit,area,trygg,vuxen,bestamma,laxor,trivs,egen_bostad,framtid,fritid,kon"


def placed(unit: str, area: str, trygg: str, laxor: str) -> list[str]:
    """One paper form per character: trygg and laxor codes; the other questions "Ja, alltid", kön blank."""
    return [f"2085,{unit},{area},{t},1,1,{x},1,1,1,1," for t, x in zip(trygg, laxor, strict=True)]


# By hand (codes: 1–2 positive, 3–4 negative, 5 "Vet inte" and 6 "Jag har inga läxor" excluded):
# HVB A, 6 forms: trygg 1 1 2 3 4 5 → 3/5 = 60 %; laxor 1 1 2 3 4 6 → 3/5 = 60 %
# HVB B, 5 forms: trygg and laxor all 1 → 5/5 = 100 %
# Stödboende Linden, 5 forms: trygg and laxor 1 3 3 4 2 → 2/5 = 40 %
# Municipality: hvb 8/10 = 80 %, stödboende 40 %, Totalt 10/15 = 66.7 % → 67 %
PLACED_FORMS = [
    *placed("hvb_a", "hvb", "112345", "112346"),
    *placed("hvb_b", "hvb", "11111", "11111"),
    *placed("linden", "stodboende", "13342", "13342"),
]


async def placerad_round(platform, session) -> None:
    await open_round(session, "placerad-2026", questionnaire=PLACERAD)
    await add_unit(session, key="hvb_a", name="HVB A")
    await add_unit(session, key="hvb_b", name="HVB B")
    await add_unit(session, key="linden", name="Stödboende Linden")
    text = "\n".join([PLACERAD_HEADER, *PLACED_FORMS])
    assert await import_responses(session, platform.questionnaires, round_key="placerad-2026", text=text) == 16
    await session.commit()


async def test_placerad_results_for_the_municipality_and_per_unit(session, platform):
    await placerad_round(platform, session)

    async def results(unit_key=None):
        return await municipality_results(
            session, platform.questionnaires, round_key="placerad-2026", kommunkod="2085", unit_key=unit_key
        )

    whole = await results()
    assert whole["respondents"] == {"hvb": 11, "stodboende": 5}
    assert [whole["results"][a]["trygg"]["percent"] for a in ("hvb", "stodboende", "familjehem", "total")] == [
        80, 40, None, 67,
    ]  # fmt: skip
    assert whole["results"]["hvb"]["laxor"]["excluded"] == 1, "'Jag har inga läxor' is left out"

    unit_a = await results("hvb_a")
    assert unit_a["unit"] == {"key": "hvb_a", "name": "HVB A"}
    cell = unit_a["results"]["hvb"]["trygg"]
    assert (cell["positive"], cell["valid"], cell["excluded"], cell["percent"]) == (3, 5, 1, 60)
    assert unit_a["results"]["total"]["laxor"]["percent"] == 60
    assert unit_a["results"]["stodboende"]["trygg"]["suppressed"], "HVB A has no stödboende answers"
    unit_b = await results("hvb_b")
    assert unit_b["results"]["hvb"]["trygg"]["percent"] == 100
    linden = await results("linden")
    assert linden["results"]["total"]["trygg"]["percent"] == 40

    table = results_table(unit_a, PLACERAD)
    assert "HVB A" in table and "Totalt" in table and "60 (5)" in table and "IFO" not in table


def test_placerad_per_unit_from_the_command_line(capsys, monkeypatch, database_url, tmp_path):
    monkeypatch.setenv("BRUKARENKAT_DATABASE_URL", database_url)
    monkeypatch.setenv("BRUKARENKAT_SECRET_KEY", SECRET)
    command = ["rounds", "create", "placerad-2026", "--questionnaire", "placerad", "--period", "2026-09-01:2026-10-31"]
    assert main(command) == 0
    for key, name in (("hvb_a", "HVB A"), ("hvb_b", "HVB B"), ("linden", "Stödboende Linden")):
        assert main(["units", "create", "--municipality", "2085", "--key", key, "--name", name]) == 0
    paper = tmp_path / "placerad.csv"
    paper.write_text("\n".join([PLACERAD_HEADER, *PLACED_FORMS]), encoding="utf-8")
    assert main(["import", "responses", str(paper), "--round", "placerad-2026"]) == 0
    capsys.readouterr()

    unit = ["--round", "placerad-2026", "--municipality", "2085", "--unit", "hvb_a"]
    assert main(["results", *unit]) == 0
    table = capsys.readouterr().out
    assert "HVB A" in table and "Totalt" in table and "60 (5)" in table

    for fmt, suffix in (("html", "html"), ("csv", "csv"), ("xlsx", "xlsx"), ("kolada", "json")):
        out = tmp_path / f"hvb_a.{suffix}"
        assert main(["report", *unit, "--format", fmt, "-o", str(out)]) == 0, fmt
    page = (tmp_path / "hvb_a.html").read_text(encoding="utf-8")
    assert "HVB A" in page and "Trygg i boendet" in page and "Totalt" in page and "IFO-totalt" not in page
    rows = list(csv.reader(io.StringIO((tmp_path / "hvb_a.csv").read_text(encoding="utf-8-sig")), delimiter=";"))
    trygg = {row[2]: row[4] for row in rows if row[0] == "trygg"}
    assert trygg == {"hvb": "60", "stodboende": "", "familjehem": "", "total": "60"}
    kpis = json.loads((tmp_path / "hvb_a.json").read_text(encoding="utf-8"))["values"]
    assert {"brukarenkat.placerad.hvb.trygg", "brukarenkat.placerad.total.trygg"} <= {v["kpi"] for v in kpis}

    assert main(["report", *unit, "--format", "html", "--locale", "en", "-o", str(tmp_path / "en.html")]) == 0
    english = (tmp_path / "en.html").read_text(encoding="utf-8")
    assert "Do you feel safe where you live?" in english and ">Total<" in english


def test_a_language_is_offered_for_barn_when_translated_and_never_waits_for_the_total_label(tmp_path):
    ifo = load_shipped()["ifo@1"]
    assert {"sv", "en"} <= {language.code for language in CATALOGS.offered_for(BARN)}
    root = tmp_path / "translations"
    shutil.copytree(Path(str(translations_root())), root)
    po = root / "en" / "LC_MESSAGES" / "questionnaires.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    for context in ("ifo:total_label", "barn:total_label"):
        catalog.get("IFO-totalt" if context.startswith("ifo") else "Totalt", context=context).string = ""
    with po.open("wb") as handle:
        write_po(handle, catalog)
    catalogs = Catalogs(root)
    assert "en" in {language.code for language in catalogs.offered_for(BARN)}, "a report label, not a page text"
    assert "en" in {language.code for language in catalogs.offered_for(ifo)}

    catalog.get("Tycker du att jag har lyssnat på dig?", context="barn:lyssnat").string = ""
    with po.open("wb") as handle:
        write_po(handle, catalog)
    catalogs = Catalogs(root)
    assert "en" not in {language.code for language in catalogs.offered_for(BARN)}
    assert "en" in {language.code for language in catalogs.offered_for(ifo)}
