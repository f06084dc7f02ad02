"""Kolada-shaped JSON in, on both databases: other municipalities' published values and riket's rikssnitt, all
of a file or nothing, every problem with its place. Ludvika's forms (tests/survey/ludvika.py) are on the
platform for round ifo-2017, whose period starts in the current year (tests.factories.open_round): a Kolada
period is the year a round starts in."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from sqlalchemy import select

from reports.kolada import kpi_id
from survey.cli import main
from survey.models import ImportedRikssnitt, PublishedValue
from survey.services.errors import InvalidInput
from survey.services.imports import ImportRejected, import_rikssnitt
from survey.services.kolada import KoladaImport, KpiTarget, import_kolada, published_values, read_mapping
from survey.services.results import municipality_results
from survey.services.rounds import create_round, get_round
from tests.conftest import SECRET
from tests.factories import IFO

MAPPING = "kpi,questionnaire,question,area,title\nU21468,ifo,nojd,missbruk,Nöjd missbruk\nU21401,ifo,kontakt,total,\n"


def entry(kpi, municipality, period, *genders):
    """One KPI × municipality × period; genders as (gender, value, count)."""
    return {
        "kpi": kpi,
        "municipality": municipality,
        "period": period,
        "values": [
            {"count": n, "gender": g, "status": "" if v is not None else "Missing", "value": v} for g, v, n in genders
        ],
    }


def kolada(*entries):
    return json.dumps({"count": len(entries), "values": list(entries)})


@pytest.fixture
async def year(session, ludvika):
    return (await get_round(session, "ifo-2017")).period_start.year


async def stored(session, source=None):
    query = select(PublishedValue).order_by(PublishedValue.kommunkod, PublishedValue.area, PublishedValue.gender)
    if source:
        query = query.where(PublishedValue.source == source)
    return [(v.kommunkod, v.area, v.question, v.gender, v.percent, v.count) for v in await session.scalars(query)]


async def rikssnitt(session):
    rows = await session.scalars(select(ImportedRikssnitt))
    return {(r.area, r.question): (r.percent, r.valid, r.source) for r in rows}


async def test_a_mapped_file_imports_values_and_riket_becomes_the_rikssnitt(session, ludvika, year):
    mapping = read_mapping(MAPPING, ludvika.questionnaires)
    assert mapping == {
        "U21468": KpiTarget(questionnaire="ifo", question="nojd", area="missbruk"),
        "U21401": KpiTarget(questionnaire="ifo", question="kontakt", area="total"),
    }
    text = kolada(
        entry("U21468", "1480", year, ("T", 75.0, 40), ("K", 70.0, 20), ("M", 80.0, 20)),
        entry("U21468", "0000", year, ("T", 86.0, 9000), ("K", 84.5, 5000), ("M", 88.25, 4000)),
        entry("U21401", "0180", str(year), ("T", 90, 200)),  # Kolada's period may come as a string
        entry("U21401", "0000", year, ("T", 82.0, None)),
    )
    imported = await import_kolada(session, ludvika.questionnaires, text=text, mapping=mapping)
    await session.commit()
    # 3 + 3 + 1 + 1 values; riket's T for missbruk/nojd and total/kontakt are the 2 rikssnitt rows
    assert imported == KoladaImport(values=8, rikssnitt=2, rounds=("ifo-2017",), skipped=0)
    round_id = (await get_round(session, "ifo-2017")).id
    found = await published_values(session, round_id, area="missbruk", question="nojd")
    assert [(v.source, v.kommunkod, v.percent, v.count) for v in found] == [
        ("Kolada", "0000", Decimal("86"), 9000),
        ("Kolada", "1480", Decimal("75"), 40),
    ]
    women = await published_values(session, round_id, area="missbruk", question="nojd", gender="K")
    assert [(v.kommunkod, v.percent) for v in women] == [("0000", Decimal("84.5")), ("1480", Decimal("70"))]
    men = await published_values(session, round_id, area="missbruk", question="nojd", gender="M")
    assert men[0].percent == Decimal("88.25")
    assert await rikssnitt(session) == {
        ("missbruk", "nojd"): (Decimal("86"), 9000, "Kolada"),
        ("total", "kontakt"): (Decimal("82"), None, "Kolada"),
    }
    # Ludvika's report compares with the published figures: 86 and 82, and nothing where none was published
    document = await municipality_results(session, ludvika.questionnaires, round_key="ifo-2017", kommunkod="2085")
    assert document["rikssnitt_source"] == "imported"
    assert document["results"]["missbruk"]["nojd"]["rikssnitt"] == 86
    assert document["results"]["total"]["kontakt"]["rikssnitt"] == 82
    assert document["results"]["missbruk"]["kontakt"]["rikssnitt"] is None


async def test_a_bad_file_imports_nothing_and_reports_every_problem(session, ludvika, year):
    mapping = read_mapping(MAPPING, ludvika.questionnaires)
    text = kolada(
        entry("U21468", "2085", year, ("T", 80.0, 20)),  # fine
        entry("U21468", "9999", year, ("T", 50.0, 10)),  # no such municipality
        entry("U21468", "1480", year, ("T", "abc", 40)),  # not a number
        entry("U21468", "2085", year, ("T", 81.0, 20)),  # the same KPI, municipality, period and gender again
        entry("U99999", "2085", year, ("T", 70.0, 20)),  # not in the mapping
        entry("U21468", "0000", year, ("T", 86.0, 9000)),  # fine, but not imported either
    )
    with pytest.raises(ImportRejected) as rejected:
        await import_kolada(session, ludvika.questionnaires, text=text, mapping=mapping)
    assert rejected.value.problems == [
        f'values[1] (U21468 9999 {year}): municipality \'9999\' is not a kommunkod ("2085" as text; "0000" for riket)',
        f"values[2] (U21468 1480 {year} T): value 'abc' is not a number",
        f"values[3] (U21468 2085 {year} T): appears twice (also values[0] (U21468 2085 {year} T))",
        f"values[4] (U99999 2085 {year}): kpi 'U99999' is not in the mapping (nor a "
        "brukarenkat.<questionnaire>.<area>.<question> id)",
    ]
    await session.rollback()
    assert await stored(session) == []
    assert await rikssnitt(session) == {}


async def test_every_kind_of_bad_value_is_named(session, ludvika, year):
    # A second ifo round starting in the year before makes that year ambiguous.
    await create_round(
        session, key="ifo-extra", questionnaire=IFO, start=dt.date(year - 1, 3, 1), end=dt.date(year - 1, 3, 31)
    )
    await create_round(
        session, key="ifo-extra-2", questionnaire=IFO, start=dt.date(year - 1, 9, 1), end=dt.date(year - 1, 9, 30)
    )
    own = kpi_id("ifo", "missbruk", "nojd")
    text = kolada(
        entry(own, "1480", year, ("X", 50, 10), ("K", 101, 10), ("M", -0.5, 10)),
        entry(own, "1480", year - 2, ("T", 50, 10)),
        entry(own, "1480", year - 1, ("T", 50, 10)),
        entry(own, "0180", year, ("T", 50, -1), ("K", 50, 2.5), ("M", True, "n")),
        entry("brukarenkat.ifo.barn.nojd", "0180", year, ("T", 50, 10)),
        entry("brukarenkat.ifo.total.kon", "0180", year, ("T", 50, 10)),
        entry("brukarenkat.ifo.nojd", "0180", "förra året", ("T", 50, 10)),
        entry(own, 2085, year, ("T", float("nan"), 10)),
        ["not", "an", "entry"],
        {"kpi": own, "municipality": "0180", "period": year, "values": ["T"]},
    )
    with pytest.raises(ImportRejected) as rejected:
        await import_kolada(session, ludvika.questionnaires, text=text, mapping={})
    y, before, earlier = year, year - 1, year - 2
    assert rejected.value.problems == [
        f"values[0] ({own} 1480 {y} X): gender 'X' must be T, K or M",
        f"values[0] ({own} 1480 {y} K): value 101 is not a percentage from 0 to 100",
        f"values[0] ({own} 1480 {y} M): value -0.5 is not a percentage from 0 to 100",
        f"values[1] ({own} 1480 {earlier}): no ifo survey round starts in {earlier}",
        f"values[2] ({own} 1480 {before}): period {before} is ambiguous: ifo rounds ifo-extra, ifo-extra-2 all "
        f"start in {before}",
        f"values[3] ({own} 0180 {y} T): count -1 must be a whole number of answers (0 or more), or null",
        f"values[3] ({own} 0180 {y} K): count 2.5 must be a whole number of answers (0 or more), or null",
        f"values[3] ({own} 0180 {y} M): value True is not a number",
        f"values[3] ({own} 0180 {y} M): count 'n' must be a whole number of answers (0 or more), or null",
        f"values[4] (brukarenkat.ifo.barn.nojd 0180 {y}): kpi 'brukarenkat.ifo.barn.nojd': area 'barn' is not an "
        "area of ifo (or total)",
        f"values[5] (brukarenkat.ifo.total.kon 0180 {y}): kpi 'brukarenkat.ifo.total.kon': question 'kon' is not "
        "a rated question of ifo",
        "values[6] (brukarenkat.ifo.nojd 0180 förra året): kpi 'brukarenkat.ifo.nojd' is not "
        "brukarenkat.<questionnaire>.<area>.<question>",
        "values[6] (brukarenkat.ifo.nojd 0180 förra året): period 'förra året' is not a year",
        f'values[7] ({own} 2085 {y}): municipality 2085 is not a kommunkod ("2085" as text; "0000" for riket)',
        f"values[7] ({own} 2085 {y} T): value nan is not a number",
        "values[8]: must be an object with kpi, municipality, period and a list values",
        "values[9].values[0]: must be an object with gender, value and count",
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"values": [', "line 1 column 13: not JSON (Expecting value)"),
        ('[{"kpi": "U21468"}]', 'the file must be an object with a list "values", as Kolada\'s API v3 returns'),
        ('{"count": 0}', 'the file must be an object with a list "values", as Kolada\'s API v3 returns'),
    ],
)
async def test_a_file_that_is_not_kolada_json_is_refused(session, platform, text, problem):
    with pytest.raises(ImportRejected) as rejected:
        await import_kolada(session, platform.questionnaires, text=text, mapping={})
    assert rejected.value.problems == [problem]


async def test_the_source_must_be_named(session, platform):
    with pytest.raises(InvalidInput, match="1 to 100 characters"):
        await import_kolada(session, platform.questionnaires, text=kolada(), mapping={}, source="  ")
    with pytest.raises(InvalidInput, match="1 to 100 characters"):
        await import_kolada(session, platform.questionnaires, text=kolada(), mapping={}, source="x" * 101)


async def test_reimporting_a_source_replaces_it_and_leaves_other_sources_alone(session, ludvika, year):
    own = kpi_id("ifo", "missbruk", "nojd")
    first = kolada(
        entry(own, "1480", year, ("T", 75, 40), ("K", 70, 20)),
        entry(own, "0180", year, ("T", 90, 200)),
        entry(own, "0000", year, ("T", 86, 9000)),
    )
    other = kolada(entry(own, "1480", year, ("T", 60, 30)))
    q = ludvika.questionnaires
    assert (await import_kolada(session, q, text=first, mapping={})).values == 4
    assert (await import_kolada(session, q, text=other, mapping={}, source="Eget system")).values == 1
    await session.commit()
    # the second Kolada file has only Göteborg's T: Göteborg's K, Stockholm and riket are gone with the first file
    second = kolada(entry(own, "1480", year, ("T", 77, 41)))
    assert await import_kolada(session, q, text=second, mapping={}) == KoladaImport(
        values=1, rikssnitt=0, rounds=("ifo-2017",), skipped=0
    )
    await session.commit()
    assert await stored(session, "Kolada") == [("1480", "missbruk", "nojd", "T", Decimal("77"), 41)]
    assert await stored(session, "Eget system") == [("1480", "missbruk", "nojd", "T", Decimal("60"), 30)]
    assert await rikssnitt(session) == {}, "riket's figure went with the file it came in"


async def test_riket_replaces_the_rikssnitt_of_its_question_and_area_only(session, ludvika, year):
    await import_rikssnitt(
        session,
        ludvika.questionnaires,
        round_key="ifo-2017",
        text="question,area,share\nnojd,missbruk,80\nkontakt,total,79\n",
    )
    own = kpi_id("ifo", "missbruk", "nojd")
    imported = await import_kolada(
        session, ludvika.questionnaires, text=kolada(entry(own, "0000", year, ("T", 86.1234, 9000))), mapping={}
    )
    await session.commit()
    assert imported.rikssnitt == 1
    # stored to three decimals, as the column holds it: 86.1234 → 86.123
    assert await rikssnitt(session) == {
        ("missbruk", "nojd"): (Decimal("86.123"), 9000, "Kolada"),
        ("total", "kontakt"): (Decimal("79"), None, None),
    }


async def test_empty_values_are_skipped_not_refused(session, ludvika, year):
    own = kpi_id("ifo", "missbruk", "nojd")
    text = kolada(
        entry(own, "1480", year, ("T", 75, 40), ("K", None, None), ("M", None, 3)),
        entry(own, "0000", year, ("T", None, None)),
    )
    imported = await import_kolada(session, ludvika.questionnaires, text=text, mapping={})
    await session.commit()
    # one value stored; Göteborg's K and M and riket's T were left empty by Kolada
    assert imported == KoladaImport(values=1, rikssnitt=0, rounds=("ifo-2017",), skipped=3)
    assert await stored(session) == [("1480", "missbruk", "nojd", "T", Decimal("75"), 40)]
    assert await rikssnitt(session) == {}


async def test_the_platforms_own_kpi_ids_need_no_mapping_and_win_over_none(session, ludvika, year):
    text = kolada(
        entry(kpi_id("ifo", "total", "nojd"), "1480", year, ("T", 83.3, 120)),
        entry(kpi_id("ifo", "ekonomiskt_bistand", "information"), "1480", year, ("T", 91, 35)),
    )
    imported = await import_kolada(session, ludvika.questionnaires, text=text, mapping={}, source=" Göteborgs eget ")
    await session.commit()
    assert imported.values == 2
    assert await stored(session, "Göteborgs eget") == [
        ("1480", "ekonomiskt_bistand", "information", "T", Decimal("91"), 35),
        ("1480", "total", "nojd", "T", Decimal("83.3"), 120),
    ]


async def test_two_kpis_for_the_same_figure_are_refused(session, ludvika, year):
    mapping = read_mapping(MAPPING, ludvika.questionnaires)
    text = kolada(
        entry("U21468", "1480", year, ("T", 75, 40)),
        entry(kpi_id("ifo", "missbruk", "nojd"), "1480", year, ("T", 76, 40)),
    )
    with pytest.raises(ImportRejected) as rejected:
        await import_kolada(session, ludvika.questionnaires, text=text, mapping=mapping)
    assert rejected.value.problems == [
        f"values[1] (brukarenkat.ifo.missbruk.nojd 1480 {year} T): is the same figure (round, area, question) as "
        f"values[0] (U21468 1480 {year} T)"
    ]


def test_a_bad_mapping_is_refused_line_by_line():
    from questionnaires import load_shipped

    text = "\n".join([
        "kpi,questionnaire,question,area",
        "U21468,ifo,nojd,missbruk",  # line 2: fine
        "U21469,ifo@1,nojd,missbruk",  # line 3: a version, not a key
        "U21470,ifo,kon,total",  # line 4: background, not rated
        "U21471,ifo,nojd,barn",  # line 5: no such area
        "U21468,ifo,kontakt,total",  # line 6: kpi again
        ",ifo,kontakt,total",  # line 7: no kpi
    ])  # fmt: skip
    with pytest.raises(ImportRejected) as rejected:
        read_mapping(text, load_shipped())
    assert rejected.value.problems == [
        "line 3: questionnaire 'ifo@1' is not a shipped questionnaire (give its key, e.g. ifo, not a version) "
        "(known: barn, ifo, placerad)",
        "line 4: question 'kon' is not a rated question of ifo",
        "line 5: area 'barn' is not an area of ifo (or total)",
        "line 6: kpi 'U21468' appears twice (also line 2)",
        "line 7: no kpi",
    ]
    with pytest.raises(ImportRejected, match="missing column 'area'"):
        read_mapping("kpi;questionnaire;question\nU21468;ifo;nojd\n", load_shipped())


# --- the command line -----------------------------------------------------------------------------


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    monkeypatch.setenv("BRUKARENKAT_DATABASE_URL", database_url)
    monkeypatch.setenv("BRUKARENKAT_SECRET_KEY", SECRET)


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_kolada_import_from_the_command_line(capsys, cli_env, tmp_path):
    assert (
        run(capsys, "rounds", "create", "ifo-2017", "--questionnaire", "ifo", "--period", "2017-09-01:2017-10-31")[0]
        == 0
    )
    mapping = tmp_path / "kpi.csv"
    mapping.write_text(MAPPING, encoding="utf-8")
    data = tmp_path / "kolada.json"
    data.write_text(
        kolada(
            entry("U21468", "1480", 2017, ("T", 75, 40), ("K", None, None)),
            entry("U21468", "0000", 2017, ("T", 86, 9000)),
        ),
        encoding="utf-8",
    )
    code, out, err = run(capsys, "kolada", "import", str(data), "--mapping", str(mapping))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "imported 2 values from Kolada into rounds: ifo-2017",
        "rikssnitt (0000, T): 1 values; they replace the computed ones",
        "skipped 1 empty values (Kolada publishes none there)",
    ]
    # without the mapping Kolada's own ids are not understood: nothing is imported, the problems are printed
    code, out, err = run(capsys, "kolada", "import", str(data), "--source", "Annan")
    assert code == 1 and out == ""
    assert err.startswith("brukarenkat: nothing imported, 2 problem(s):\n")
    assert "values[1] (U21468 0000 2017): kpi 'U21468' is not in the mapping" in err
    code, _, err = run(capsys, "kolada", "import", str(tmp_path / "missing.json"))
    assert code == 1 and "cannot read" in err
