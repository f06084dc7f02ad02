"""Reports built from the database: the hand-counted Ludvika fixture of test_results, rendered in every format.
Hidden figures (vårdnadshavare nojd 9/11 = 82 %, hidden as a complement; ekonomiskt bistånd nojd 3/4) must
not appear in any of them."""

from __future__ import annotations

import csv
import io
import json

from openpyxl import load_workbook

from reports.formats import FORMATS
from survey.cli import main
from survey.i18n import Catalogs
from survey.services.report_data import build_report_data
from survey.services.report_texts import set_analysis_text, set_target
from tests.conftest import SECRET
from tests.survey.ludvika import HEADER, LUDVIKA_2017

CATALOGS = Catalogs()


async def report_data(session, platform, locale="sv"):
    return await build_report_data(
        session,
        platform.questionnaires,
        round_key="ifo-2017",
        kommunkod="2085",
        locale=locale,
        messages=CATALOGS.messages(locale),
        questionnaire_texts=CATALOGS.questionnaire_gettext(locale),
    )


async def test_report_data_carries_the_results_texts_and_targets(session, ludvika):
    await set_analysis_text(
        session, ludvika.questionnaires, round_key="ifo-2017", kommunkod="2085", question="nojd", text=" Bra. "
    )
    await set_target(session, ludvika.questionnaires["ifo@1"], kommunkod="2085", question="nojd", percent=80)
    await session.commit()
    data = await report_data(session, ludvika)
    nojd = next(s for s in data.sections if s.key == "nojd")
    assert nojd.analysis == "Bra."
    assert (nojd.target.percent, nojd.target.met) == (80, True)  # IFO-totalt 83 % ≥ 80 %
    assert nojd.positive == ("Mycket nöjd", "Ganska nöjd")
    assert [row.name for row in nojd.rows][-1] == "IFO-totalt"
    assert data.respondents == 42 and data.offered is None  # paper forms: no links handed out
    english = await report_data(session, ludvika, "en")
    assert next(s for s in english.sections if s.key == "nojd").positive == ("Very satisfied", "Fairly satisfied")


async def test_hidden_figures_are_absent_from_every_format(session, ludvika):
    data = await report_data(session, ludvika)
    rendered = {key: fmt.render(data, None) for key, fmt in FORMATS.items()}

    rows = list(csv.reader(io.StringIO(rendered["csv"].decode("utf-8-sig")), delimiter=";"))
    by_cell = {(row[0], row[2]): row for row in rows[1:]}
    assert by_cell[("nojd", "vardnadshavare")][4:8] == ["", "", "", ""]
    assert by_cell[("nojd", "missbruk")][4:6] == ["85", "20"]

    book = load_workbook(io.BytesIO(rendered["xlsx"]))
    sheet = book["Helhetssyn"]
    vh = next(row for row in sheet.iter_rows() if row[0].value == "Vårdnadshavare")
    assert [cell.value for cell in vh[2:4]] == [None, None]

    kpis = {value["kpi"] for value in json.loads(rendered["kolada"])["values"]}
    assert "brukarenkat.ifo.missbruk.nojd" in kpis
    assert not kpis & {"brukarenkat.ifo.vardnadshavare.nojd", "brukarenkat.ifo.ekonomiskt_bistand.nojd"}

    page = rendered["html"].decode()
    nojd_table = page[page.index('id="q-nojd"') : page.index("</table>", page.index('id="q-nojd"'))]
    assert "82" not in nojd_table and "(11)" not in nojd_table and "(4)" not in nojd_table


def test_report_from_the_command_line(capsys, monkeypatch, database_url, tmp_path):
    monkeypatch.setenv("BRUKARENKAT_DATABASE_URL", database_url)
    monkeypatch.setenv("BRUKARENKAT_SECRET_KEY", SECRET)
    main(["rounds", "create", "ifo-2017", "--questionnaire", "ifo", "--period", "2017-09-01:2017-10-31"])
    paper = tmp_path / "paper.csv"
    paper.write_text("\n".join([HEADER, *LUDVIKA_2017]), encoding="utf-8")
    main(["import", "responses", str(paper), "--round", "ifo-2017"])
    assert (
        main(
            [
                "notes",
                "set",
                "--round",
                "ifo-2017",
                "--municipality",
                "2085",
                "--question",
                "nojd",
                "--text",
                "Vi följer upp.",
            ]
        )
        == 0
    )
    for fmt, suffix in (("xlsx", "xlsx"), ("csv", "csv"), ("kolada", "json"), ("html", "html")):
        out = tmp_path / f"report.{suffix}"
        assert main(["report", "--round", "ifo-2017", "--municipality", "2085", "--format", fmt, "-o", str(out)]) == 0
        assert out.stat().st_size > 500, fmt
    assert "Vi följer upp." in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert (
        main(["report", "--round", "ifo-2017", "--municipality", "2085", "--locale", "xx", "-o", str(tmp_path / "x")])
        == 1
    )
    assert "no language 'xx'" in capsys.readouterr().err
    assert (
        main(["notes", "set", "--round", "ifo-2017", "--municipality", "2085", "--question", "kon", "--text", "x"]) == 1
    )


async def test_the_trend_follows_ifo_totalt_over_every_round(session, ludvika):
    from survey.services.imports import import_responses
    from tests.factories import open_round
    from tests.survey.ludvika import forms

    await open_round(session, "ifo-2016", days_gone=400, days_left=-340)
    earlier = forms("2085", "missbruk", (10, "1", "1", "1", "1"), (10, "2", "3", "3", "3"))
    await import_responses(session, ludvika.questionnaires, round_key="ifo-2016", text="\n".join([HEADER, *earlier]))
    await session.commit()
    data = await report_data(session, ludvika)
    assert data.trend_rounds == ("ifo-2016", "ifo-2017")
    trend = dict(data.trend)
    assert trend["Helhetssyn"] == (50, 83)  # 10/20 in 2016 (missbruk only), 29/35 in 2017
    page = FORMATS["html"].render(data, None).decode()
    assert "Utveckling över tid" in page and "Helhetssyn: ifo-2016 50" in page


def test_a_batch_writes_one_report_per_municipality_that_answered(capsys, monkeypatch, database_url, tmp_path):
    from tests.survey.ludvika import forms

    monkeypatch.setenv("BRUKARENKAT_DATABASE_URL", database_url)
    monkeypatch.setenv("BRUKARENKAT_SECRET_KEY", SECRET)
    main(["rounds", "create", "ifo-2017", "--questionnaire", "ifo", "--period", "2017-09-01:2017-10-31"])
    paper = tmp_path / "paper.csv"
    goteborg = forms("1480", "missbruk", (6, "1", "1", "1", "1"))
    paper.write_text("\n".join([HEADER, *LUDVIKA_2017, *goteborg]), encoding="utf-8")
    main(["import", "responses", str(paper), "--round", "ifo-2017"])
    folder = tmp_path / "reports"
    code = main(["report", "--round", "ifo-2017", "--all-municipalities", "--format", "csv", "-o", str(folder)])
    assert code == 0
    assert sorted(p.name for p in folder.iterdir()) == ["ifo-2017-1480.csv", "ifo-2017-2085.csv"]
    assert "2/2" in capsys.readouterr().err
    assert main(["report", "--round", "ifo-2017", "--format", "csv", "-o", str(folder / "x.csv")]) == 1
