"""What the CLI's report, notes, targets and import commands do, done by staff in the browser."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from survey.models import ImportedRikssnitt, Response
from tests.factories import add_user, csrf, open_round, sign_in
from tests.survey.ludvika import HEADER, LUDVIKA_2017


async def _upload(client, path: str, content: str, *, page: str = "/staff/"):  # type: ignore[no-untyped-def]
    token = await csrf(client, page)
    return await client.post(
        path, data={"_csrf_token": token}, files={"file": ("svar.csv", content.encode("utf-8"), "text/csv")}
    )


async def test_an_analyst_imports_paper_forms_writes_analysis_and_downloads_the_report(client, platform, session):
    await open_round(session, "ifo-2017", days_gone=30)
    await add_user(platform, session, "ali@ludvika.se", "analyst")
    await sign_in(client, "ali@ludvika.se")

    imported = await _upload(client, "/staff/rounds/ifo-2017/paper", "\n".join([HEADER, *LUDVIKA_2017]))
    assert imported.status_code == 200, imported.text
    assert "42 rader sparades." in imported.text
    assert await session.scalar(select(func.count()).select_from(Response)) == 42

    token = await csrf(client, "/staff/rounds/ifo-2017/analysis")
    saved = await client.post(
        "/staff/rounds/ifo-2017/analysis",
        data={"_csrf_token": token, "text-nojd": "Vi ska korta väntetiderna.", "target-nojd": "90"},
    )
    assert saved.status_code == 303
    assert "Vi ska korta väntetiderna." in (await client.get("/staff/rounds/ifo-2017/analysis")).text

    html = await client.get("/staff/rounds/ifo-2017/report/html")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "Vi ska korta väntetiderna." in html.text and "Måltal" in html.text
    assert "default-src 'none'" in html.headers["content-security-policy"]
    pdf = await client.get("/staff/rounds/ifo-2017/report/pdf")
    assert pdf.content.startswith(b"%PDF") and "attachment" in pdf.headers["content-disposition"]
    xlsx = await client.get("/staff/rounds/ifo-2017/report/xlsx")
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames[0] == "Sammanfattning"
    assert (await client.get("/staff/rounds/ifo-2017/report/docx")).status_code == 404


async def test_paper_forms_of_another_municipality_are_refused_and_nothing_is_stored(client, platform, session):
    await open_round(session, "ifo-2017", days_gone=30)
    await add_user(platform, session, "anna@ludvika.se", "admin")
    await sign_in(client, "anna@ludvika.se")
    rows = [HEADER, *LUDVIKA_2017[:3], LUDVIKA_2017[3].replace("2085", "1480", 1)]
    refused = await _upload(client, "/staff/rounds/ifo-2017/paper", "\n".join(rows))
    assert refused.status_code == 400
    assert "line 5: municipality 1480 is not yours (2085)" in refused.text
    assert await session.scalar(select(func.count()).select_from(Response)) == 0
    bad = await _upload(client, "/staff/rounds/ifo-2017/paper", "\n".join(rows).encode("latin-1").decode("latin-1"))
    assert bad.status_code == 400


async def test_a_national_coordinator_imports_published_rikssnitt(client, platform, session):
    await open_round(session, "ifo-2017", days_gone=30)
    await add_user(platform, session, "nora@skr.se", "national", None)
    await sign_in(client, "nora@skr.se")
    done = await _upload(client, "/staff/rounds/ifo-2017/rikssnitt", "question,area,share\nnojd,total,81.5\n")
    assert done.status_code == 200 and "1 rader sparades." in done.text
    assert await session.scalar(select(func.count()).select_from(ImportedRikssnitt)) == 1
    wrong = await _upload(client, "/staff/rounds/ifo-2017/rikssnitt", "question,area,share\nnojd,total,181.5\n")
    assert wrong.status_code == 400 and "line 2" in wrong.text
