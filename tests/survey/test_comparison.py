"""The national comparison against a hand count, on both databases: Ludvika's forms (tests/survey/ludvika.py) with
three more municipalities, every expected figure counted by hand from the form lists below."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import pytest
from litestar.testing import AsyncTestClient

from survey.app import create_app
from survey.cli import main
from survey.services.comparison import comparison_document, national_comparison
from survey.services.imports import import_responses
from survey.services.kolada import import_kolada
from survey.services.results import municipality_results
from survey.services.rounds import get_round
from tests.conftest import SECRET
from tests.factories import add_user, csrf, sign_in
from tests.survey.ludvika import HEADER, LUDVIKA_2017, forms

# missbruk, nojd (codes 1–2 positive, 3–4 negative):
#   Ludvika (2085): 17/20 = 85 % (tests/survey/ludvika.py)
#   Göteborg (1480): 30 positive + 10 negative = 30/40 = 75 %
#   Falun (2080, Dalarna): 8 + 2 = 8/10 = 80 %
#   Borlänge (2081, Dalarna): 3 forms, fewer than five respondents in the area: "för få svar"
OTHERS = [
    *forms("1480", "missbruk", (30, "1", "1", "1", "1"), (10, "2", "3", "3", "4")),
    *forms("2080", "missbruk", (8, "1", "1", "2", "1"), (2, "2", "2", "4", "3")),
    *forms("2081", "missbruk", (3, "1", "1", "1", "1")),
]


@pytest.fixture
async def country(session, ludvika):
    count = await import_responses(
        session, ludvika.questionnaires, round_key="ifo-2017", text="\n".join([HEADER, *OTHERS])
    )
    await session.commit()
    assert count == 53
    return ludvika


async def compare(session, platform, **options):
    return await national_comparison(session, platform.questionnaires, round_key="ifo-2017", **options)


async def test_the_national_view_matches_the_hand_count(session, country):
    comparison = await compare(session, country, area="missbruk", question="nojd", group="lan", focus="2085")
    view = comparison.view
    shown = {e.key: (e.share.positive, e.share.valid) for e in view.shown}
    assert shown == {"2085": (17, 20), "1480": (30, 40), "2080": (8, 10)}
    assert [e.key for e in view.too_few] == ["2081"]
    # every shown municipality pooled: (17 + 30 + 8) / (20 + 40 + 10) = 55/70 = 78.6 % → 79 %
    assert (view.national.positive, view.national.valid, view.national.percent) == (55, 70, 79)
    assert comparison.reference_source == "computed" and view.reference == pytest.approx(55 / 70)
    # Dalarnas län: Ludvika and Falun shown, Borlänge "för få svar"; pooled 25/30 = 83.3 %, mean (85 + 80)/2 = 82.5 %
    assert comparison.group.label == "Dalarnas län"
    assert (view.group.pooled.positive, view.group.pooled.valid) == (25, 30)
    assert float(view.group.mean) == pytest.approx(0.825)
    assert (view.group.shown, view.group.members) == (2, 3)
    ranks = {e.key: (e.rank.rank, e.rank.of) for e in view.shown}
    assert ranks == {"2085": (1, 3), "2080": (2, 3), "1480": (3, 3)}


async def test_a_hidden_municipality_carries_no_figure_anywhere(session, country):
    comparison = await compare(session, country, area="missbruk", question="nojd", focus="2081")
    document = comparison_document(comparison)
    borlange = next(m for m in document["municipalities"] if m["kommunkod"] == "2081")
    assert borlange["too_few_answers"] and borlange["rank"] is None and borlange["position"] is None
    assert {borlange[k] for k in ("share", "percent", "valid", "ci_low", "ci_high")} == {None}
    # The national total is the shown municipalities' sum, so total − shown gives nothing away.
    shown_valid = sum(m["valid"] for m in document["municipalities"] if not m["too_few_answers"])
    assert document["national"]["valid"] == shown_valid == 70


async def test_each_municipality_appears_as_its_own_report_shows_it(session, country):
    """Ludvika's vårdnadshavare nojd (9/11) is hidden in its report to protect its ekonomiskt bistånd (4
    valid answers): the national view hides it too, or subtraction across the two views would undo it."""
    report = await municipality_results(session, country.questionnaires, round_key="ifo-2017", kommunkod="2085")
    assert report["results"]["vardnadshavare"]["nojd"]["reason"] == "complement"
    comparison = await compare(session, country, area="vardnadshavare", question="nojd")
    assert "2085" in {e.key for e in comparison.view.too_few}
    total = await compare(session, country, question="nojd")
    ludvika = next(e for e in total.view.entries if e.key == "2085")
    assert (ludvika.share.positive, ludvika.share.valid) == (29, 35)  # the report's IFO-totalt: 29/35


async def test_a_new_answer_or_unit_is_in_the_next_view(session, country):
    """The round's tables are kept between requests only while nothing they depend on has changed."""
    before = await compare(session, country, area="missbruk", question="nojd")
    assert "2081" in {e.key for e in before.view.too_few}
    more = forms("2081", "missbruk", (2, "1", "1", "1", "1"))  # Borlänge: 5 respondents, 5/5 positive
    await import_responses(session, country.questionnaires, round_key="ifo-2017", text="\n".join([HEADER, *more]))
    await session.commit()
    after = await compare(session, country, area="missbruk", question="nojd")
    borlange = next(e for e in after.view.entries if e.key == "2081")
    assert (borlange.share.positive, borlange.share.valid) == (5, 5)


async def test_computed_rikssnitt_is_the_national_views_total(session, country):
    report = await municipality_results(session, country.questionnaires, round_key="ifo-2017", kommunkod="2085")
    assert report["results"]["missbruk"]["nojd"]["rikssnitt"] == 79  # 55/70, as the national view pools it


KOLADA = {
    "values": [
        {"kpi": "brukarenkat.ifo.missbruk.nojd", "municipality": "0180", "period": 2017,
         "values": [{"count": 200, "gender": "T", "status": "", "value": 70.0}]},
        {"kpi": "brukarenkat.ifo.missbruk.nojd", "municipality": "1480", "period": 2017,
         "values": [{"count": 999, "gender": "T", "status": "", "value": 10.0}]},
        {"kpi": "brukarenkat.ifo.missbruk.nojd", "municipality": "0000", "period": 2017,
         "values": [{"count": 9000, "gender": "T", "status": "", "value": 81.0}]},
    ]
}  # fmt: skip


async def test_kolada_figures_join_the_view_labelled_with_their_source(session, country):
    year = (await get_round(session, "ifo-2017")).period_start.year  # the test round runs around today
    text = json.dumps(KOLADA).replace('"period": 2017', f'"period": {year}')
    await import_kolada(session, country.questionnaires, text=text, mapping={}, source="Kolada")
    await session.commit()
    comparison = await compare(session, country, area="missbruk", question="nojd", focus="2085")
    stockholm = next(e for e in comparison.view.entries if e.key == "0180")
    assert (stockholm.share.positive, stockholm.share.valid) == (140, 200)  # 70 % of 200
    assert comparison.sources == {"0180": "Kolada"}, "Göteborg is on the platform: its own answers win"
    goteborg = next(e for e in comparison.view.entries if e.key == "1480")
    assert (goteborg.share.positive, goteborg.share.valid) == (30, 40)
    # riket (0000) is the published rikssnitt the funnel is centred on
    assert comparison.reference_source == "imported" and comparison.reference_label == "Kolada"
    assert float(comparison.view.reference) == pytest.approx(0.81)
    assert comparison_document(comparison)["reference"]["published_by"] == "Kolada"


LUDVIKA_KEY = "ludvika-key-0123456789abcdef"
NATIONAL_KEY = "national-key-0123456789abcdef"


@pytest.fixture
async def api(settings, country):
    keyed = replace(settings, api_keys=f"2085:{LUDVIKA_KEY}, *:{NATIONAL_KEY}")
    async with AsyncTestClient(app=create_app(keyed), base_url="http://testserver.local") as client:
        yield client


async def test_the_compare_api_gives_every_key_the_aggregates_and_no_more(api):
    query = "/api/v1/compare?round=ifo-2017&area=missbruk&question=nojd&group=lan"
    assert (await api.get(query)).status_code == 401
    own = await api.get(query, headers={"authorization": f"Bearer {LUDVIKA_KEY}"})
    assert own.status_code == 200
    document = own.json()
    assert document["focus"] == "2085" and document["group"]["label"] == "Dalarnas län"
    assert {m["kommunkod"] for m in document["municipalities"]} == {"2085", "1480", "2080", "2081"}
    foreign_focus = await api.get(query + "&municipality=1480", headers={"authorization": f"Bearer {LUDVIKA_KEY}"})
    assert foreign_focus.status_code == 403
    national = await api.get(query + "&municipality=1480", headers={"authorization": f"Bearer {NATIONAL_KEY}"})
    assert national.status_code == 200 and national.json()["focus"] == "1480"
    table = await api.get(query + "&format=csv", headers={"authorization": f"Bearer {LUDVIKA_KEY}"})
    rows = {row["kommunkod"]: row for row in csv.DictReader(io.StringIO(table.text))}
    assert rows["2081"]["share"] == rows["2081"]["valid"] == "" and rows["2081"]["position"] == "too_few_answers"
    assert rows["1480"]["valid"] == "40"
    bad = await api.get(query.replace("nojd", "kon"), headers={"authorization": f"Bearer {LUDVIKA_KEY}"})
    assert bad.status_code == 400


async def test_staff_compare_their_own_municipality_and_the_coordinator_any(client, session, country):
    for email, role, kommunkod in (
        ("analys@ludvika.se", "analyst", "2085"),
        ("enhet@ludvika.se", "unit_staff", "2085"),
        ("samordnare@riket.se", "national", None),
    ):
        await add_user(country, session, email, role, kommunkod)
    await sign_in(client, "analys@ludvika.se")
    page = await client.get("/staff/compare?round=ifo-2017&area=missbruk&question=nojd&group=lan&focus=1480")
    assert page.status_code == 200, page.text
    assert 'src="data:image/svg+xml;base64,' in page.text and "Dalarnas län" in page.text
    assert 'class="focus"' in page.text and "Ludvika" in page.text.split('class="focus"')[1][:200]
    assert "plats 1 (" in page.text
    export = await client.get("/staff/compare/export?round=ifo-2017&area=missbruk&question=nojd&format=csv")
    assert export.status_code == 200 and "Borlänge" in export.text
    await client.post("/staff/logout", data={})
    client.cookies.clear()
    await sign_in(client, "enhet@ludvika.se")
    assert (await client.get("/staff/compare")).status_code == 403
    client.cookies.clear()
    await sign_in(client, "samordnare@riket.se")
    page = await client.get("/staff/compare?round=ifo-2017&area=missbruk&question=nojd&focus=1480")
    assert page.status_code == 200 and "Göteborg" in page.text.split('class="focus"')[1][:200]


def test_the_cli_prints_json_and_csv_and_draws_the_funnel(capsys, monkeypatch, database_url, tmp_path):
    monkeypatch.setenv("BRUKARENKAT_DATABASE_URL", database_url)
    monkeypatch.setenv("BRUKARENKAT_SECRET_KEY", SECRET)
    assert main(["rounds", "create", "ifo-2017", "--questionnaire", "ifo", "--version", "1",
                 "--period", "2017-09-01:2017-10-31"]) == 0  # fmt: skip
    forms_file = tmp_path / "forms.csv"
    forms_file.write_text("\n".join([HEADER, *LUDVIKA_2017, *OTHERS]), encoding="utf-8")
    assert main(["import", "responses", str(forms_file), "--round", "ifo-2017"]) == 0
    capsys.readouterr()
    assert main(["compare", "--round", "ifo-2017", "--municipality", "2085", "--area", "missbruk",
                 "--question", "nojd", "--group", "lan", "--json"]) == 0  # fmt: skip
    document = json.loads(capsys.readouterr().out)
    assert document["national"]["valid"] == 70 and document["group"]["shown"] == 2
    plot = tmp_path / "funnel.svg"
    assert main(["compare", "--round", "ifo-2017", "--municipality", "2085", "--csv", "--plot", str(plot)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {row["question"] for row in rows} >= {"nojd", "kontakt", "forandring"}
    assert plot.read_text().lstrip().startswith(("<?xml", "<svg"))
    assert main(["compare", "--round", "ifo-2017", "--group", "lan", "--question", "nojd"]) == 1
    assert "län" in capsys.readouterr().err


async def test_the_coordinator_keeps_groups_in_the_staff_ui(client, session, country):
    await add_user(country, session, "samordnare@riket.se", "national", None)
    await add_user(country, session, "analys@ludvika.se", "analyst", "2085")
    await sign_in(client, "samordnare@riket.se")
    token = await csrf(client, "/staff/groups")
    saved = await client.post(
        "/staff/groups", data={"name": "Bergslagen", "members": "2085, 2080 1480", "_csrf_token": token}
    )
    assert saved.status_code == 303
    page = (await client.get("/staff/groups")).text
    assert "Bergslagen" in page and "1480, 2080, 2085" in page
    upload = await client.post(
        "/staff/groups/import",
        files={"file": ("grupper.csv", b"kommunkod;group\n2085;Liknande\n2081;Liknande\n", "text/csv")},
        data={"_csrf_token": token},
    )
    assert upload.status_code == 200 and "2 rader sparades" in upload.text
    bad = await client.post(
        "/staff/groups/import",
        files={"file": ("grupper.csv", b"kommunkod,group\n9999,Liknande\n", "text/csv")},
        data={"_csrf_token": token},
    )
    assert bad.status_code == 400 and "9999" in bad.text
    view = await client.get("/staff/compare?round=ifo-2017&area=missbruk&question=nojd&group=Liknande&focus=2085")
    assert "Liknande: poolat" in view.text
    await client.post("/staff/groups/delete", data={"name": "Bergslagen", "_csrf_token": token})
    assert "Bergslagen" not in (await client.get("/staff/groups")).text
    client.cookies.clear()
    await sign_in(client, "analys@ludvika.se")
    assert (await client.get("/staff/groups")).status_code == 403
