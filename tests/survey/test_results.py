"""Results against a hand count: the paper forms of tests/survey/ludvika.py, read back as the table a nämnd
sees; every expected figure is counted by hand from the form lists there."""

from __future__ import annotations

import json

import pytest

from survey.cli import main
from survey.services.imports import ImportRejected, import_responses, import_rikssnitt
from survey.services.results import municipality_results
from tests.conftest import SECRET
from tests.factories import add_unit, open_round
from tests.survey.ludvika import HEADER, LUDVIKA_2017, forms


async def results(session, platform, **options):
    return await municipality_results(
        session, platform.questionnaires, round_key="ifo-2017", kommunkod="2085", **options
    )


def cells(document, question):
    from survey.results_text import cell_text

    return {area: cell_text(document["results"][area][question]) for area in document["results"]}


async def test_the_table_matches_the_hand_count(session, ludvika):
    document = await results(session, ludvika)
    assert document["excluded_areas"] == ["ensamkommande", "ungdomar"]
    assert document["respondents"] == {"vardnadshavare": 12, "missbruk": 20, "ekonomiskt_bistand": 6}
    # kontakt: 8/10 = 80 %, 15/20 = 75 %, 6/6 = 100 %, total 29/36 = 80.6 % → 81 %
    assert cells(document, "kontakt") == {
        "ungdomar": "-", "vardnadshavare": "80 (10)", "missbruk": "75 (20)", "ekonomiskt_bistand": "100 (6)",
        "ensamkommande": "-", "total": "81 (36)",
    }  # fmt: skip
    # nojd: ekb has 4 valid answers (hidden), so the smallest other area (vårdnadshavare, 11) is hidden too;
    # total (9 + 17 + 3) / (11 + 20 + 4) = 29/35 = 82.9 % → 83 %
    assert cells(document, "nojd") == {
        "ungdomar": "-", "vardnadshavare": "-", "missbruk": "85 (20)", "ekonomiskt_bistand": "-",
        "ensamkommande": "-", "total": "83 (35)",
    }  # fmt: skip
    assert document["results"]["vardnadshavare"]["nojd"]["reason"] == "complement"
    assert document["results"]["ekonomiskt_bistand"]["nojd"]["reason"] == "too_few_answers"
    # forandring: "Ingen skillnad" is not positive: 14/20 = 70 %
    assert cells(document, "forandring")["missbruk"] == "70 (20)"
    assert document["results"]["vardnadshavare"]["kontakt"]["excluded"] == 0
    assert document["results"]["missbruk"]["nojd"]["ci_low"] < 0.85 < document["results"]["missbruk"]["nojd"]["ci_high"]


async def test_a_suppressed_cell_carries_no_figure_at_all(session, ludvika):
    document = await results(session, ludvika, by_kon=True)
    text = json.dumps(document)
    hidden = document["results"]["ekonomiskt_bistand"]["nojd"]
    assert {
        hidden[k] for k in ("positive", "valid", "excluded", "share", "percent", "ci_low", "ci_high", "rikssnitt")
    } == {None}
    assert '"ungdomar": 4' not in text, "an excluded area's respondent count is not shown"
    for group in document["by_kon"].values():
        for area in group.values():
            for cell in area.values():
                assert cell["suppressed"] or cell["valid"] >= 5


async def test_kon_breakdown_with_secondary_suppression(session, ludvika):
    by_kon = (await results(session, ludvika, by_kon=True))["by_kon"]
    # missbruk kontakt, by hand: kvinna 1 positive of 6 → 17 %; man 10 + 4 → 14/14 = 100 %
    assert by_kon["kvinna"]["missbruk"]["kontakt"]["percent"] == 17
    assert by_kon["man"]["missbruk"]["kontakt"]["percent"] == 100
    # vårdnadshavare kontakt: kvinna 7/8, man 1/2 (hidden) → kvinna hidden too, or vårdnadshavare − kvinna = man
    assert by_kon["man"]["vardnadshavare"]["kontakt"]["reason"] == "too_few_answers"
    assert by_kon["kvinna"]["vardnadshavare"]["kontakt"]["reason"] == "complement"
    # nojd: vårdnadshavare man has 3 answers (hidden), so vårdnadshavare kvinna (7/8) is hidden too; ekb kvinna
    # (3) is hidden, and with vårdnadshavare kvinna hidden, IFO-totalt for kvinna gives neither away, so
    # missbruk keeps both: kvinna 3/6 = 50 %, man 14/14 = 100 %.
    assert by_kon["man"]["vardnadshavare"]["nojd"]["reason"] == "too_few_answers"
    assert by_kon["kvinna"]["vardnadshavare"]["nojd"]["reason"] == "complement"
    assert by_kon["kvinna"]["ekonomiskt_bistand"]["nojd"]["reason"] == "too_few_answers"
    assert (by_kon["kvinna"]["missbruk"]["nojd"]["percent"], by_kon["man"]["missbruk"]["nojd"]["percent"]) == (50, 100)
    assert by_kon["kvinna"]["total"]["nojd"]["valid"] == 17  # 8 + 6 + 3


async def test_rikssnitt_computed_from_every_municipality_then_imported(session, ludvika):
    goteborg = forms("1480", "missbruk", (30, "1", "1", "1", "1"), (10, "2", "3", "3", "4"))
    await import_responses(session, ludvika.questionnaires, round_key="ifo-2017", text="\n".join([HEADER, *goteborg]))
    await session.commit()
    document = await results(session, ludvika)
    cell = document["results"]["missbruk"]["nojd"]
    # Weighted over both municipalities: (17 + 30) / (20 + 40) = 47/60 = 78.3 % → 78; Ludvika's 85 % is 6.7 pp above
    assert (document["rikssnitt_source"], cell["rikssnitt"]) == ("computed", 78)
    assert cell["difference_pp"] == pytest.approx(85 - 47 / 60 * 100)
    assert cell["verdict"] == "ingen säker skillnad"

    await import_rikssnitt(
        session,
        ludvika.questionnaires,
        round_key="ifo-2017",
        text="question,area,share,valid\nnojd;missbruk;86;9000\n".replace(";", ","),
    )
    await session.commit()
    document = await results(session, ludvika)
    assert (document["rikssnitt_source"], document["results"]["missbruk"]["nojd"]["rikssnitt"]) == ("imported", 86)
    assert document["results"]["missbruk"]["kontakt"]["rikssnitt"] is None, "imported figures replace computed ones"


async def test_comparison_with_the_previous_round(session, ludvika):
    await open_round(session, "ifo-2016")
    earlier = forms("2085", "missbruk", (10, "1", "1", "1", "1"), (10, "2", "3", "3", "3"))
    await import_responses(session, ludvika.questionnaires, round_key="ifo-2016", text="\n".join([HEADER, *earlier]))
    await session.commit()
    document = await results(session, ludvika, compare="ifo-2016")
    cell = document["results"]["missbruk"]["nojd"]
    assert cell["previous_percent"] == 50  # 10/20 in 2016
    assert cell["trend_verdict"] == "högre"  # 17/20 against 10/20: Fisher's exact p < 0.05
    assert document["results"]["vardnadshavare"]["kontakt"]["previous_percent"] is None


async def test_a_bad_paper_file_imports_nothing_and_reports_every_bad_line(session, platform):
    await open_round(session, "ifo-2017")
    text = "\n".join([
        HEADER,
        "2085,,missbruk,1,1,1,1",
        "9999,,missbruk,1,1,1,1",
        "2085,,barn,1,1,1,1",
        "2085,,missbruk,1,7,1,1",
        "2085,hvb,missbruk,1,1,1,1",
        "2085,,missbruk,1,1,1,1,extra",
    ])  # fmt: skip
    with pytest.raises(ImportRejected) as rejected:
        await import_responses(session, platform.questionnaires, round_key="ifo-2017", text=text)
    assert rejected.value.problems == [
        "line 3: municipality '9999' is not a kommunkod (four digits, e.g. 2085)",
        "line 4: area 'barn' is not an area of ifo@1",
        "line 5: kontakt: '7' is not a code of this question (1, 2, 3, 4, 5, or blank)",
        "line 6: municipality 2085 has no unit 'hvb'",
        "line 7: more values than columns",
    ]
    await session.rollback()
    document = await results(session, platform)
    assert document["respondents"] == {}


async def test_a_file_with_an_unknown_column_is_refused(session, platform):
    await open_round(session, "ifo-2017")
    with pytest.raises(ImportRejected, match="unknown column 'nöjd'"):
        await import_responses(
            session, platform.questionnaires, round_key="ifo-2017", text="municipality;area;nöjd\n2085;missbruk;1"
        )


def test_results_from_the_command_line(capsys, monkeypatch, database_url, tmp_path):
    monkeypatch.setenv("BRUKARENKAT_DATABASE_URL", database_url)
    monkeypatch.setenv("BRUKARENKAT_SECRET_KEY", SECRET)
    assert main(["rounds", "create", "ifo-2017", "--questionnaire", "ifo", "--period", "2017-09-01:2017-10-31"]) == 0
    paper = tmp_path / "paper.csv"
    paper.write_text(
        "\ufeff" + "\n".join([HEADER.replace(",", ";"), *(f.replace(",", ";") for f in LUDVIKA_2017)]), encoding="utf-8"
    )
    assert main(["import", "responses", str(paper), "--round", "ifo-2017"]) == 0
    capsys.readouterr()
    assert main(["results", "--round", "ifo-2017", "--municipality", "2085", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["results"]["total"]["kontakt"]["percent"] == 81
    assert main(["results", "--round", "ifo-2017", "--municipality", "2085"]) == 0
    table = capsys.readouterr().out
    assert "Få kontakt" in table and "81 (36)" in table and "-" in table

    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "\n2085,,barn,1,1,1,1\n", encoding="utf-8")
    assert main(["import", "responses", str(bad), "--round", "ifo-2017"]) == 1
    assert "line 2: area 'barn'" in capsys.readouterr().err


LUDVIKA_KEY = "ludvika-key-0123456789abcdef"
NATIONAL_KEY = "national-key-0123456789abcdef"


@pytest.fixture
async def keyed_client(settings, ludvika):
    from dataclasses import replace

    from litestar.testing import AsyncTestClient

    from survey.app import create_app

    keyed = replace(settings, api_keys=f"2085:{LUDVIKA_KEY}, *:{NATIONAL_KEY}")
    async with AsyncTestClient(app=create_app(keyed), base_url="http://testserver.local") as client:
        yield client


async def test_results_api_needs_a_key_for_that_municipality(keyed_client):
    query = "/api/v1/results?round=ifo-2017&municipality=2085"
    assert (await keyed_client.get(query)).status_code == 401
    assert (
        await keyed_client.get(query, headers={"authorization": "Bearer wrong-key-0123456789abc"})
    ).status_code == 401
    reply = await keyed_client.get(query + "&by=kon", headers={"authorization": f"Bearer {LUDVIKA_KEY}"})
    assert reply.status_code == 200
    assert reply.json()["results"]["total"]["kontakt"]["percent"] == 81
    assert "by_kon" in reply.json()
    other = "/api/v1/results?round=ifo-2017&municipality=1480"
    assert (await keyed_client.get(other, headers={"authorization": f"Bearer {LUDVIKA_KEY}"})).status_code == 403
    assert (await keyed_client.get(other, headers={"authorization": f"Bearer {NATIONAL_KEY}"})).status_code == 200
    missing = await keyed_client.get(
        "/api/v1/results?round=ifo-1999&municipality=2085", headers={"authorization": f"Bearer {NATIONAL_KEY}"}
    )
    assert (missing.status_code, missing.json()["extra"]["problem"]) == (404, "not_found")


async def test_a_unit_is_hidden_when_the_municipality_minus_it_would_give_another_unit_away(session, platform):
    await open_round(session, "ifo-2017")
    await add_unit(session, key="hvb_a", name="HVB A")
    await add_unit(session, key="hvb_b", name="HVB B")
    rows = [
        *("2085,hvb_a,ensamkommande,2,1,1,1" for _ in range(20)),
        *("2085,hvb_b,ensamkommande,2,1,3,1" for _ in range(3)),
    ]
    await import_responses(session, platform.questionnaires, round_key="ifo-2017", text="\n".join([HEADER, *rows]))
    await session.commit()
    # By hand: the municipality's ensamkommande nojd is 20/23 = 87 %; HVB B has 3 answers (hidden), so HVB A
    # (20/20) must be hidden too, or 23 − 20 would give HVB B's 0 of 3.
    whole = await results(session, platform)
    assert cells(whole, "nojd")["ensamkommande"] == "87 (23)"
    unit_a = await results(session, platform, unit_key="hvb_a")
    unit_b = await results(session, platform, unit_key="hvb_b")
    assert unit_a["results"]["ensamkommande"]["nojd"]["reason"] == "complement"
    assert unit_b["results"]["ensamkommande"]["nojd"]["reason"] == "too_few_answers"
    assert unit_a["unit"] == {"key": "hvb_a", "name": "HVB A"}
    assert unit_a["results"]["ensamkommande"]["nojd"]["rikssnitt"] is None, "rikssnitt is compared per municipality"


async def test_a_bad_rikssnitt_file_imports_nothing(session, platform):
    await open_round(session, "ifo-2017")
    text = "question;area;share\nnojd;missbruk;86,5\nnojd;missbruk;80\nnojd;barn;80\nkon;total;50\nkontakt;total;hög\n"
    with pytest.raises(ImportRejected) as rejected:
        await import_rikssnitt(session, platform.questionnaires, round_key="ifo-2017", text=text)
    assert rejected.value.problems == [
        "line 3: nojd / missbruk appears twice",
        "line 4: area 'barn' is not an area of ifo@1 (or total)",
        "line 5: question 'kon' is not a rated question of ifo@1",
        "line 6: share 'hög' must be a percentage from 0 to 100, e.g. 86",
    ]


async def test_computed_rikssnitt_never_gives_away_another_municipalitys_few_answers(session, ludvika):
    # Göteborg: 7 missbruk forms (included), 3 vårdnadshavare forms (fewer than five: not counted anywhere).
    goteborg = forms("1480", "missbruk", (3, "1", "1", "1", "1"), (4, "2", "3", "3", "4"))
    goteborg += forms("1480", "vardnadshavare", (3, "1", "1", "4", ""))
    await import_responses(session, ludvika.questionnaires, round_key="ifo-2017", text="\n".join([HEADER, *goteborg]))
    await session.commit()
    document = await results(session, ludvika)
    # missbruk nojd: the rest of the country is Göteborg's 7 answers (≥ 5): (17 + 3) / (20 + 7) = 74 %
    assert document["results"]["missbruk"]["nojd"]["rikssnitt"] == 74
    # vårdnadshavare: Göteborg's 3 forms are left out by the inclusion rule, so the rest of the country has no
    # answers and rikssnitt would be Ludvika's own hidden 9/11: not shown.
    assert document["results"]["vardnadshavare"]["nojd"]["rikssnitt"] is None
    # Ludvika's ekonomiskt bistånd is alone in the country: no rikssnitt either.
    assert document["results"]["ekonomiskt_bistand"]["kontakt"]["rikssnitt"] is None


async def test_the_report_is_served_to_the_municipalitys_key(keyed_client):
    base = "/api/v1/report?round=ifo-2017&municipality=2085"
    auth = {"authorization": f"Bearer {LUDVIKA_KEY}"}
    assert (await keyed_client.get(base)).status_code == 401
    page = await keyed_client.get(base, headers=auth)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Helhetssyn" in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'; style-src 'unsafe-inline'")
    sheet = await keyed_client.get(base + "&format=xlsx", headers=auth)
    assert sheet.headers["content-disposition"] == 'attachment; filename="ifo-2017-2085.xlsx"'
    assert sheet.content[:2] == b"PK"
    assert (await keyed_client.get(base + "&format=docx", headers=auth)).status_code == 400
    other = "/api/v1/report?round=ifo-2017&municipality=1480"
    assert (await keyed_client.get(other, headers=auth)).status_code == 403
